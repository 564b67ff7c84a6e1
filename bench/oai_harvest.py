"""OAI-PMH serving speed: a SQLite store of generated records, served by gunicorn on loopback.

    python -m bench.oai_harvest [--records 100000 10000] [--workers 2]

For each store size: how fast the store is filled (map + render + write, one core), full
ListRecords harvests per metadataPrefix (records/s), a full ListIdentifiers harvest
(headers/s), GetRecord latency (p50/p99 over 2 000 requests), and the peak RSS of the
gunicorn workers (their own memory, and RSS with the store file SQLite maps in). Everything runs on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import http.client
import re
import time
from urllib.parse import quote

from .serving import MemorySampler, latency, main, served_store

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
    with served_store(n, workers) as served:
        port = served.port
        with MemorySampler(served.server.pid) as memory:
            for prefix in PREFIXES:
                count, secs = harvest(port, "ListRecords", prefix)
                print(f"ListRecords {prefix:<14}             {count / secs:>10,.0f} records/s  ({count:,} in {secs:.1f} s)")
            count, secs = harvest(port, "ListIdentifiers", "oai_dc")
            print(f"ListIdentifiers                        {count / secs:>10,.0f} headers/s  ({count:,} in {secs:.1f} s)")
            identifier = "/oai?verb=GetRecord&metadataPrefix=oai_datacite&identifier="
            namespace = served.settings.repository_identifier
            p50, p99 = latency(port, [identifier + quote(f"oai:{namespace}:{doi}", safe="") for doi in served.dois])
            print(f"GetRecord oai_datacite                 p50 {p50:.2f} ms   p99 {p99:.2f} ms")
        print(f"worker peak memory (MiB)               own {memory.peak_anon / 1024:,.0f}, "
              f"RSS with the mapped store file {memory.peak_rss / 1024:,.0f}")


if __name__ == "__main__":
    main(__doc__, run)
