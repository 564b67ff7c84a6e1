"""Mapping throughput on one core: SciCat documents -> canonical record -> DataCite XML / JSON.

    python -m bench.mapping [--records 100000]

Prints records/s for each stage (each stage includes the ones before it); every stage
starts with the mapping's per-string caches empty.
"""
from __future__ import annotations

import argparse
import sys
import time

from mappings.datacite import map_publication
from mappings.options import MappingOptions
from mappings.serializers import datacite_json, datacite_xml

from .corpus import bundles

OPTS = MappingOptions(proposal_pid_url="https://proposals.example.org/{proposalId}")


def _cold_caches() -> None:
    """Forget what the mapping's per-string caches learnt in an earlier stage, so that no
    stage profits from having seen the same corpus before."""
    for name, module in list(sys.modules.items()):
        if name.startswith("mappings"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def _rate(label: str, n: int, fn) -> None:
    _cold_caches()
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {n / seconds:>10,.0f} records/s   ({seconds:.2f} s for {n:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    start = time.perf_counter()
    corpus = bundles(args.records)
    print(f"generated {len(corpus):,} documents in {time.perf_counter() - start:.1f} s")
    results = []
    _rate("documents -> canonical record", len(corpus),
          lambda: results.extend(map_publication(p, d, pr, OPTS) for p, d, pr in corpus))
    valid = [r.record for r in results if r.valid]
    print(f"  valid records: {len(valid):,} of {len(results):,}")
    _rate("documents -> DataCite XML", len(corpus),
          lambda: [datacite_xml.to_xml(map_publication(p, d, pr, OPTS).record) for p, d, pr in corpus])
    _rate("documents -> DataCite JSON", len(corpus),
          lambda: [datacite_json.to_json(map_publication(p, d, pr, OPTS).record) for p, d, pr in corpus])
    _rate("canonical record -> XML only", len(valid), lambda: [datacite_xml.to_xml(r) for r in valid])
    _rate("canonical record -> JSON only", len(valid), lambda: [datacite_json.to_json(r) for r in valid])


if __name__ == "__main__":
    main()
