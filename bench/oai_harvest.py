"""OAI-PMH serving speed: a SQLite store of generated records, served by gunicorn on loopback.

    python -m bench.oai_harvest [--records 100000 10000] [--workers 2]

For each store size: how fast the store is filled (map + render + write, one core), full
ListRecords harvests per metadataPrefix (records/s), a full ListIdentifiers harvest
(headers/s), GetRecord latency (p50/p99 over 2 000 requests), and the peak RSS of the
gunicorn workers. Everything runs on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from gateway.config import Settings
from gateway.oai.render import render_all
from gateway.store.base import StoredRecord
from gateway.store.sqlite import SQLiteStore
from mappings.datacite import map_publication

from .corpus import bundles

REPO = Path(__file__).resolve().parent.parent
TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
PREFIXES = ("oai_dc", "oai_datacite", "datacite")
SECRET = "bench-secret"


def fill(path: Path, n: int, settings: Settings) -> tuple[list[str], float]:
    store = SQLiteStore(path)
    start = time.perf_counter()
    base = datetime(2020, 1, 1, tzinfo=timezone.utc)
    dois, batch = [], []
    for i, (pub, datasets, proposals) in enumerate(bundles(n)):
        result = map_publication(pub, datasets, proposals, settings.mapping_options)
        stamp = base + timedelta(seconds=i * 7)
        sets = ("openaire_data", f"year:{result.record['publicationYear']}", "type:Dataset")
        batch.append(StoredRecord(result.doi, stamp, False, sets, str(i),
                                  render_all(result.doi, stamp, sets, result.record, settings)))
        dois.append(result.doi)
        if len(batch) == 1000:
            store.upsert_many(batch)
            batch = []
    store.upsert_many(batch)
    store.close()
    return dois, time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(store: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, GATEWAY_STORE=f"sqlite:///{store}", GATEWAY_TOKEN_SECRET=SECRET,
               GATEWAY_BASE_URL=f"http://127.0.0.1:{port}")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "wsgi:app"], cwd=REPO, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "verb=Identify")
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def get(conn: http.client.HTTPConnection, query: str) -> bytes:
    conn.request("GET", "/oai?" + query)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status} for {query}")
    return body


def harvest(port: int, verb: str, prefix: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    query, count, start = f"verb={verb}&metadataPrefix={prefix}", 0, time.perf_counter()
    while True:
        body = get(conn, query)
        count += body.count(b"<header")
        token = TOKEN.search(body)
        if not token or not token.group(1):
            break
        query = f"verb={verb}&resumptionToken={quote(token.group(1).decode())}"
    return count, time.perf_counter() - start


def get_record_latency(port: int, dois: list[str], samples: int = 2000) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng, times = random.Random(7), []
    for _ in range(samples):
        doi = rng.choice(dois)
        query = f"verb=GetRecord&metadataPrefix=oai_datacite&identifier={quote('oai:127.0.0.1:' + doi, safe='')}"
        start = time.perf_counter()
        get(conn, query)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000


def worker_peak_rss(master: subprocess.Popen) -> list[int]:
    """VmHWM (peak resident set, KiB) of each gunicorn worker."""
    peaks = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if f"PPid:\t{master.pid}\n" in status:
            peaks.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
    return peaks


def run(n: int, workers: int) -> None:
    settings = Settings.from_env({"GATEWAY_TOKEN_SECRET": SECRET})
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.sqlite3"
        dois, seconds = fill(store, n, settings)
        print(f"\n== {n:,} records ==")
        print(f"fill (map + render 5 formats + write)   {n / seconds:>10,.0f} records/s")
        port = free_port()
        server = start_gunicorn(store, port, workers)
        try:
            for prefix in PREFIXES:
                count, secs = harvest(port, "ListRecords", prefix)
                print(f"ListRecords {prefix:<14}             {count / secs:>10,.0f} records/s  ({count:,} in {secs:.1f} s)")
            count, secs = harvest(port, "ListIdentifiers", "oai_dc")
            print(f"ListIdentifiers                        {count / secs:>10,.0f} headers/s  ({count:,} in {secs:.1f} s)")
            p50, p99 = get_record_latency(port, dois)
            print(f"GetRecord oai_datacite                 p50 {p50:.2f} ms   p99 {p99:.2f} ms")
            print(f"worker peak RSS (MiB)                  {[round(k / 1024, 1) for k in worker_peak_rss(server)]}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for n in args.records:
        run(n, args.workers)


if __name__ == "__main__":
    main()
