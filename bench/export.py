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

import http.client
import time
from urllib.parse import quote


from .serving import MemorySampler, kib, latency, main, served_store, worker_statuses

MIB = 1024 * 1024
# A ZIP ends with its end-of-central-directory record (no comment: 22 bytes).
ZIP_END = b"PK\x05\x06"


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


def run(n: int, workers: int) -> None:
    with served_store(n, workers) as served:
        bulk(served.port, served.server.pid, n, "format=ndjson", "NDJSON")
        bulk(served.port, served.server.pid, n, "format=zip", "ZIP")
        p50, p99 = latency(served.port, ["/export/" + quote(doi, safe="/") + "?format=datacite-xml"
                                         for doi in served.dois])
        print(f"GET /export/<doi> datacite-xml  p50 {p50:.2f} ms   p99 {p99:.2f} ms")
        peaks = [kib(status, "VmHWM") // 1024 for status in worker_statuses(served.server.pid)]
        print(f"worker VmHWM (MiB, whole run)    {peaks}")


if __name__ == "__main__":
    main(__doc__, run)
