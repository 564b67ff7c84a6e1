"""What the serving benchmarks share: a SQLite store filled as sync fills it, gunicorn on
loopback, and the workers' memory read from /proc."""
from __future__ import annotations

import argparse
import contextlib
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
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from gateway.config import Settings
from gateway.store.base import StoredRecord
from gateway.store.sqlite import SQLiteStore
from gateway.sync.formats import content_hash, dated, renderings
from mappings.datacite import map_publication

from .corpus import bundles

REPO = Path(__file__).resolve().parent.parent
SECRET = "bench-secret"


def bench_settings() -> Settings:
    return Settings.from_env({"GATEWAY_TOKEN_SECRET": SECRET,
                              "GATEWAY_PROPOSAL_PID_URL": "https://proposals.example.org/{proposalId}"})


def fill(path: Path, n: int, settings: Settings) -> tuple[list[str], float]:
    """A store of ``n`` generated records with every rendering sync stores, seven seconds
    apart; (their DOIs, seconds taken: mapping + rendering + writing, one core)."""
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(store: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, GATEWAY_STORE=f"sqlite:///{store}", GATEWAY_TOKEN_SECRET=SECRET,
               GATEWAY_BASE_URL=f"http://127.0.0.1:{port}")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--timeout", "600", "--log-level", "warning", "wsgi:app"], cwd=REPO, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def latency(port: int, targets: list[str], samples: int = 2000) -> tuple[float, float]:
    """(p50, p99) in ms of GETs of randomly chosen targets over one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rng, times = random.Random(7), []
    for _ in range(samples):
        target = rng.choice(targets)
        start = time.perf_counter()
        conn.request("GET", target)
        response = conn.getresponse()
        response.read()
        times.append(time.perf_counter() - start)
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for {target}")
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000


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


def kib(status: str, field: str) -> int:
    found = re.search(rf"{field}:\s+(\d+)", status)
    return int(found.group(1)) if found else 0


class MemorySampler:
    """Polls the gunicorn workers' /proc status while requests run. ``peak_anon`` is the
    workers' own memory; RSS also counts the store file's pages SQLite maps in."""

    def __init__(self, master_pid: int, interval: float = 0.02):
        self._master, self._interval = master_pid, interval
        self.peak_rss = self.peak_anon = 0  # KiB, the largest worker
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
                self.peak_rss = max(self.peak_rss, kib(status, "VmRSS"))
                self.peak_anon = max(self.peak_anon, kib(status, "RssAnon"))
            self._stop.wait(self._interval)


@dataclass
class Served:
    settings: Settings
    dois: list[str]
    port: int
    server: subprocess.Popen


@contextlib.contextmanager
def served_store(n: int, workers: int):
    """A store of ``n`` generated records served by gunicorn on loopback, stopped afterwards."""
    settings = bench_settings()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.sqlite3"
        dois, seconds = fill(store, n, settings)
        print(f"\n== {n:,} records ==")
        print(f"fill (map + every stored rendering + write) {n / seconds:>7,.0f} records/s")
        port = free_port()
        server = start_gunicorn(store, port, workers)
        try:
            yield Served(settings, dois, port, server)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main(doc: str, run: Callable[[int, int], None]) -> None:
    """The command line of a serving benchmark: store sizes and gunicorn workers."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 10_000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    for n in args.records:
        run(n, args.workers)
