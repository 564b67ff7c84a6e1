"""Export serving speed: bulk NDJSON and ZIP streamed by gunicorn on loopback, and
single-record latency.

    python -m bench.export [--records 10000 100000] [--workers 2]

For each store size: a SQLite store of generated records holding every stored rendering,
made as sync makes them; then, under gunicorn, a full NDJSON and a full ZIP export
(MB/s, records/s), the serving worker's memory while it streams, and GET /export/<doi>
latency for DataCite XML (p50/p99 over 2 000 requests).

Memory is shown twice: peak RSS, and peak anonymous RSS (the worker's own heap). The store
is memory-mapped, so the file pages a bulk export reads count in RSS although they are the
shared page cache, which the kernel drops under pressure; a flat heap is what matters.
Everything runs on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import argparse
import http.client
import random
import re
import signal
import statistics
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from gateway.config import Settings
from gateway.store.base import StoredRecord
from gateway.store.sqlite import SQLiteStore
from gateway.sync.formats import content_hash, dated, renderings
from mappings.datacite import map_publication

from .corpus import bundles
from .oai_harvest import SECRET, free_port, start_gunicorn

MIB = 1024 * 1024
# A ZIP ends with its end-of-central-directory record (no comment: 22 bytes).
ZIP_END = b"PK\x05\x06"


def fill(path: Path, n: int, settings: Settings) -> tuple[list[str], float]:
    """Like bench.oai_harvest.fill, but storing every rendering sync stores (that one keeps
    only the OAI formats), with sync's own content hash."""
    store = SQLiteStore(path)
    start = time.perf_counter()
    base = datetime(2020, 1, 1, tzinfo=timezone.utc)
    dois, batch = [], []
    for i, (pub, datasets, proposals) in enumerate(bundles(n)):
        result = map_publication(pub, datasets, proposals, settings.mapping_options)
        stamp = base + timedelta(seconds=i * 7)
        sets = ("openaire_data", f"year:{result.record['publicationYear']}", "type:Dataset")
        rendered = renderings(result.doi, sets, result, settings)
        batch.append(StoredRecord(result.doi, stamp, False, sets, content_hash(rendered), dated(rendered, stamp)))
        dois.append(result.doi)
        if len(batch) == 1000:
            store.upsert_many(batch)
            batch = []
    store.upsert_many(batch)
    store.close()
    return dois, time.perf_counter() - start


class MemorySampler:
    """Polls the gunicorn workers' /proc status while an export streams."""

    def __init__(self, master_pid: int, interval: float = 0.02):
        self._master, self._interval = master_pid, interval
        self.peak_rss = self.peak_anon = 0  # KiB, over all workers
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for status in worker_statuses(self._master):
                self.peak_rss = max(self.peak_rss, _kib(status, "VmRSS"))
                self.peak_anon = max(self.peak_anon, _kib(status, "RssAnon"))
            self._stop.wait(self._interval)


def worker_statuses(master_pid: int) -> list[str]:
    statuses = []
    for pid in Path("/proc").iterdir():
        if not pid.name.isdigit():
            continue
        try:
            status = (pid / "status").read_text()
        except OSError:
            continue
        if f"PPid:\t{master_pid}\n" in status:
            statuses.append(status)
    return statuses


def _kib(status: str, field: str) -> int:
    found = re.search(rf"{field}:\s+(\d+)", status)
    return int(found.group(1)) if found else 0


def stream(port: int, query: str) -> tuple[int, bytes, float]:
    """(bytes received, the last bytes, seconds) for one bulk export, read as it arrives."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", "/export?" + query)
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status} for /export?{query}: {response.read()[:300]!r}")
    size, tail = 0, b""
    while chunk := response.read(MIB):
        size += len(chunk)
        tail = (tail + chunk)[-64:]
    seconds = time.perf_counter() - start
    conn.close()
    return size, tail, seconds


def bulk(port: int, master_pid: int, n: int, query: str, label: str) -> None:
    with MemorySampler(master_pid) as memory:
        size, tail, seconds = stream(port, query)
    if query.endswith("zip") and tail[-22:-18] != ZIP_END:
        raise RuntimeError("the ZIP stream did not end with its central directory")
    print(f"bulk {label:<8} {size / MIB / seconds:>8,.1f} MB/s {n / seconds:>10,.0f} records/s"
          f"   ({size / MIB:,.0f} MiB in {seconds:.1f} s; worker peak RSS {memory.peak_rss / 1024:,.0f} MiB,"
          f" heap {memory.peak_anon / 1024:,.0f} MiB)")


def single_record_latency(port: int, dois: list[str], samples: int = 2000) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng, times = random.Random(7), []
    for _ in range(samples):
        target = "/export/" + quote(rng.choice(dois), safe="/") + "?format=datacite-xml"
        start = time.perf_counter()
        conn.request("GET", target)
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for {target}")
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000


def run(n: int, workers: int) -> None:
    settings = Settings.from_env({"GATEWAY_TOKEN_SECRET": SECRET,
                                  "GATEWAY_PROPOSAL_PID_URL": "https://proposals.example.org/{proposalId}"})
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.sqlite3"
        dois, seconds = fill(store, n, settings)
        print(f"\n== {n:,} records ==")
        print(f"fill (map + every stored rendering + write)  {n / seconds:>8,.0f} records/s")
        port = free_port()
        server = start_gunicorn(store, port, workers)
        try:
            bulk(port, server.pid, n, "format=ndjson", "NDJSON")
            bulk(port, server.pid, n, "format=zip", "ZIP")
            p50, p99 = single_record_latency(port, dois)
            print(f"GET /export/<doi> datacite-xml  p50 {p50:.2f} ms   p99 {p99:.2f} ms")
            peaks = [_kib(status, "VmHWM") // 1024 for status in worker_statuses(server.pid)]
            print(f"worker VmHWM (MiB, whole run)    {peaks}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for n in args.records:
        run(n, args.workers)


if __name__ == "__main__":
    main()
