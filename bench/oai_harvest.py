"""OAI-PMH serving speed: a SQLite store of generated records, served by gunicorn on loopback.

    python -m bench.oai_harvest [--records 100000 10000] [--workers 2]

For each store size: how fast the store is filled (map + render + write, one core), full
ListRecords harvests per metadataPrefix (records/s), a full ListIdentifiers harvest
(headers/s), GetRecord latency (p50/p99 over 2 000 requests), and the peak RSS of the
gunicorn workers (their own memory, and RSS with the store file SQLite maps in). Everything runs on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import argparse
import http.client
import re
import signal
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from .serving import MemorySampler, bench_settings, fill, free_port, latency, start_gunicorn

TOKEN = re.compile(rb"<resumptionToken[^>]*>([^<]*)</resumptionToken>")
PREFIXES = ("oai_dc", "oai_datacite", "datacite")


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


def run(n: int, workers: int) -> None:
    settings = bench_settings()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.sqlite3"
        dois, seconds = fill(store, n, settings)
        print(f"\n== {n:,} records ==")
        print(f"fill (map + every stored rendering + write) {n / seconds:>7,.0f} records/s")
        port = free_port()
        server = start_gunicorn(store, port, workers)
        try:
            with MemorySampler(server.pid) as memory:
                for prefix in PREFIXES:
                    count, secs = harvest(port, "ListRecords", prefix)
                    print(f"ListRecords {prefix:<14}             {count / secs:>10,.0f} records/s  ({count:,} in {secs:.1f} s)")
                count, secs = harvest(port, "ListIdentifiers", "oai_dc")
                print(f"ListIdentifiers                        {count / secs:>10,.0f} headers/s  ({count:,} in {secs:.1f} s)")
                identifier = "/oai?verb=GetRecord&metadataPrefix=oai_datacite&identifier="
                p50, p99 = latency(port, [identifier + quote(f"oai:{settings.repository_identifier}:{doi}", safe="")
                                          for doi in dois])
                print(f"GetRecord oai_datacite                 p50 {p50:.2f} ms   p99 {p99:.2f} ms")
            print(f"worker peak memory (MiB)               own {memory.peak_anon / 1024:,.0f}, "
                  f"RSS with the mapped store file {memory.peak_rss / 1024:,.0f}")
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
