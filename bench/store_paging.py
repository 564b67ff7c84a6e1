"""Time a full keyset harvest over the SQLite record store.

    python bench/store_paging.py [N]

Fills a fresh store in a temporary directory with N records (default 100 000) carrying
about 2 KB for each of two formats, pages through all of them 100 at a time with one
format, the way ListRecords does, and prints throughput and per-page latency. The same
runs at 10 000 records for comparison. Figures only: nothing here passes or fails.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.store.base import PageQuery, StoredRecord  # noqa: E402
from gateway.store.sqlite import SQLiteStore  # noqa: E402

PAGE = 100
BATCH = 5_000
START = datetime(2020, 1, 1, tzinfo=timezone.utc)


def generate(count: int):
    body = os.urandom(1024).hex().encode()  # 2 KB
    for i in range(count):
        # Ten records share each second, so ties on the datestamp are exercised too.
        yield StoredRecord(
            identifier=f"10.16907/{i:08d}",
            datestamp=START + timedelta(seconds=i // 10),
            sets=("proposal", f"proposal:{i % 50}"),
            content_hash=f"{i:064x}",
            formats={"oai_dc": b"<dc>" + body, "oai_datacite": b"<dc2>" + body},
        )


def fill(store: SQLiteStore, count: int) -> float:
    started = time.perf_counter()
    batch = []
    for record in generate(count):
        batch.append(record)
        if len(batch) == BATCH:
            store.upsert_many(batch)
            batch = []
    store.upsert_many(batch)
    return time.perf_counter() - started


def harvest(store: SQLiteStore, fmt: str) -> tuple[int, list[float]]:
    seen, timings, after = 0, [], None
    while True:
        started = time.perf_counter()
        page = store.page(PageQuery(after=after, limit=PAGE), fmt)
        timings.append(time.perf_counter() - started)
        seen += len(page)
        if len(page) < PAGE:
            return seen, timings
        after = (page[-1].datestamp, page[-1].identifier)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "records.sqlite3")
        filled = fill(store, count)
        harvest(store, "oai_dc")  # warm the page cache, as a running server would be
        started = time.perf_counter()
        seen, timings = harvest(store, "oai_dc")
        elapsed = time.perf_counter() - started
        store.close()
    print(f"{count:>7} records: fill {filled:6.2f} s | harvest {seen} in {elapsed:6.2f} s, "
          f"{seen / elapsed:9.0f} records/s | page of {PAGE}: "
          f"p50 {statistics.median(timings) * 1e3:.3f} ms, "
          f"p99 {percentile(timings, 0.99) * 1e3:.3f} ms")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for size in dict.fromkeys([count, 10_000]):
        run(size)


if __name__ == "__main__":
    main()
