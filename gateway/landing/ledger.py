"""Quality bookkeeping during sync, kept in the record store's state table.

Sync does not store a public record that cannot be disseminated (or keeps its last good
version), so the per-record quality rendering alone would hide exactly the records
curators most need to see. The syncer therefore tells the ledger, for every public record
it maps, whether it passed; the ledger keeps

- ``quality.invalid``: the sorted JSON list of public DOIs that currently fail;
- ``quality.report.<DOI>``: the current report of each of them ("" once it no longer fails,
  since the store contract has no way to delete a state key);
- ``quality.summary``: the repository summary served by ``GET /quality``, and
  ``quality.summary_through`` the newest datestamp it covers with the number of records
  stamped at or after it.

The summary is rebuilt at the end of a pass in which anything changed, from the stored
quality renderings of live records plus the reports of failing ones: one keyset walk over
the store, never a re-mapping, and never on the request path. "Anything changed" includes
writes of an earlier pass that was interrupted before its summary (the store then holds
more records stamped at or after the covered datestamp); a pass that changes nothing
costs a few state reads and one indexed count.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Mapping

from gateway.quality import RepositorySummary, record_report
from gateway.store.base import PageQuery, RecordStore
from mappings.datacite import MappingResult
from mappings.problems import Problem

from .renderings import QUALITY, report_bytes

log = logging.getLogger(__name__)

INVALID_KEY = "quality.invalid"
REPORT_KEY = "quality.report."
SUMMARY_KEY = "quality.summary"
THROUGH_KEY = "quality.summary_through"
STALE_KEY = "quality.summary_stale"
# Bump when the summary's shape changes, so the next pass rebuilds it.
SUMMARY_VERSION = 1
_PAGE = 1000


def invalid_report(store: RecordStore, doi: str) -> bytes | None:
    """The current report of a public record that fails, or None."""
    text = store.get_state(REPORT_KEY + doi)
    return text.encode() if text else None


def stored_summary(store: RecordStore) -> bytes | None:
    text = store.get_state(SUMMARY_KEY)
    return text.encode() if text else None


@dataclass
class QualityLedger:
    """What one sync pass learnt about the quality of the public records it mapped."""
    failed: dict[str, bytes] = field(default_factory=dict)   # DOI -> report
    passed: set[str] = field(default_factory=set)

    def record_failure(self, result: MappingResult, problems: list[Problem]) -> None:
        self.failed[result.doi] = report_bytes(record_report(result, problems))
        self.passed.discard(result.doi)

    def record_success(self, doi: str) -> None:
        self.passed.add(doi)
        self.failed.pop(doi, None)

    def save(self, store: RecordStore, index: Mapping, writes: int, now: datetime) -> None:
        """Persist the failing records and rebuild the summary if needed. ``index`` maps every
        DOI in SciCat to a listing with ``public``; ``writes`` counts records written."""
        try:
            changed = self._save_invalid(store, {doi for doi, listing in index.items() if listing.public})
            if writes or changed or _summary_outdated(store):
                store.set_state(STALE_KEY, "1")
                summary, through = build_summary(store, now)
                store.set_state(SUMMARY_KEY, json.dumps(summary, ensure_ascii=False))
                store.set_state(THROUGH_KEY, json.dumps(through))
                store.set_state(STALE_KEY, "")
        except Exception:
            # A broken quality report must never stop dissemination; the stale mark makes
            # the next pass try again.
            log.exception("quality summary could not be updated")

    def _save_invalid(self, store: RecordStore, public: set[str]) -> bool:
        before = set(json.loads(store.get_state(INVALID_KEY) or "[]"))
        now = ((before - self.passed) & public) | set(self.failed)
        changed = before != now
        for doi, report in self.failed.items():
            if invalid_report(store, doi) != report:
                store.set_state(REPORT_KEY + doi, report.decode())
                changed = True
        for doi in before - now:
            store.set_state(REPORT_KEY + doi, "")
        if before != now:
            store.set_state(INVALID_KEY, json.dumps(sorted(now)))
        return changed


def _summary_outdated(store: RecordStore) -> bool:
    text, through = store.get_state(SUMMARY_KEY), store.get_state(THROUGH_KEY)
    if store.get_state(STALE_KEY) or not text or not through:
        return True
    if json.loads(text).get("version") != SUMMARY_VERSION:
        return True
    through = json.loads(through)
    if through["datestamp"] is None:
        return store.count(PageQuery()) > 0
    newest = datetime.fromisoformat(through["datestamp"])
    # Datestamps never go backwards: a record written since is stamped after the newest
    # one covered, or in that same second (then the count there has grown).
    return (store.count(PageQuery(from_=newest + timedelta(seconds=1))) > 0
            or store.count(PageQuery(from_=newest)) != through["count"])


def build_summary(store: RecordStore, now: datetime) -> tuple[dict, dict]:
    """The repository summary from what the store holds (live records' stored reports, but
    the current report for those that now fail) and what it covers."""
    invalid = set(json.loads(store.get_state(INVALID_KEY) or "[]"))
    summary = RepositorySummary()
    newest, at_newest = None, 0
    for record in _all_records(store):
        # pages come in datestamp order: the last datestamp seen is the newest
        newest, at_newest = record.datestamp, (at_newest + 1 if record.datestamp == newest else 1)
        if not record.deleted and record.identifier not in invalid and QUALITY in record.formats:
            summary.add(json.loads(record.formats[QUALITY]))
    for doi in sorted(invalid):
        report = invalid_report(store, doi)
        if report:
            summary.add(json.loads(report))
    through = {"datestamp": newest and newest.isoformat(), "count": at_newest}
    document = {"version": SUMMARY_VERSION, "updated": now.isoformat().replace("+00:00", "Z"),
                **summary.as_dict()}
    return document, through


def _all_records(store: RecordStore):
    """Every record (tombstones too) with its quality rendering, a keyset page at a time."""
    after = None
    while True:
        page = store.page(PageQuery(after=after, limit=_PAGE), fmt=QUALITY)
        yield from page
        if len(page) < _PAGE:
            return
        after = (page[-1].datestamp, page[-1].identifier)
