"""Sync throughput: generated SciCat documents in the embedded MongoDB-wire server -> SQLite store.

    python -m bench.sync [--records 20000] [--changed 200]

Prints: full sync (first load) records/s, a no-op re-sync, and an incremental sync after
`--changed` publications and one proposal were edited.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from gateway.config import Settings
from gateway.embedded import EmbeddedMongo
from gateway.source import DATASETS, PROPOSALS, PUBLISHED, SciCatSource
from gateway.store.sqlite import SQLiteStore
from gateway.sync.syncer import Syncer

from .corpus import bundles


def seed(db, n: int) -> float:
    start = time.perf_counter()
    pubs, datasets, proposals = [], {}, {}
    for pub, dsets, props in bundles(n):
        pubs.append(pub)
        datasets.update((d["_id"], d) for d in dsets)
        proposals.update((p["_id"], p) for p in props)
    for name, docs in ((PUBLISHED, pubs), (DATASETS, list(datasets.values())), (PROPOSALS, list(proposals.values()))):
        for i in range(0, len(docs), 5000):
            db[name].insert_many(docs[i:i + 5000])
    return time.perf_counter() - start


def timed(label: str, syncer: Syncer, now: datetime) -> None:
    start = time.perf_counter()
    report = syncer.run_once(now=now)
    seconds = time.perf_counter() - start
    rate = f"{report.read / seconds:>9,.0f} records/s" if report.read else ""
    print(f"{label:<28} {report.line():<52} {rate}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--changed", type=int, default=200)
    args = parser.parse_args()
    settings = Settings.from_env({"GATEWAY_PROPOSAL_PID_URL": "https://proposals.example.org/{proposalId}"})
    with EmbeddedMongo() as server, tempfile.TemporaryDirectory() as tmp:
        db = server.client()["bench"]
        print(f"seeded {args.records:,} publications in {seed(db, args.records):.1f} s")
        store = SQLiteStore(Path(tmp) / "store.sqlite3")
        syncer = Syncer(SciCatSource(db), store, settings)
        now = datetime(2030, 1, 1, tzinfo=timezone.utc)
        timed("full sync (first load)", syncer, now)
        timed("no-op re-sync", syncer, now + timedelta(minutes=5))
        edited = now + timedelta(minutes=9)
        for pub in db[PUBLISHED].find({}, {"_id": 1}).limit(args.changed):
            db[PUBLISHED].update_one({"_id": pub["_id"]}, {"$set": {"title": "Edited title", "updatedAt": edited}})
        db[PROPOSALS].update_one({"_id": "P-000500"}, {"$set": {"title": "Edited proposal", "updatedAt": edited}})
        timed(f"incremental ({args.changed} + 1 proposal)", syncer, now + timedelta(minutes=10))
        store.close()


if __name__ == "__main__":
    main()
