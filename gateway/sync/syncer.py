"""One sync pass: SciCat -> mapping -> record store, with datestamps and tombstones.

A pass
1. lists every DOI in PublishedData with its status (the reconcile listing, one projection);
2. re-maps the publications that may have changed: all of them on a first sync, a new
   mapping version or new rendering settings; otherwise those updated since the
   watermarks, those reaching an updated Dataset or Proposal, those named by SciCat's
   History as deleted (a document re-created under the same DOI), and public ones the
   store does not hold live;
3. writes a record only when its content hash changed; its datestamp is then the time of
   the write (never earlier than its last one);
4. turns live records whose DOI left the public set or vanished into tombstones.

Invalid records are not disseminated. One that was never live is not stored; one that is
live keeps its last good version until it is fixed, so a broken edit in SciCat does not
announce the deletion of a registered DOI to every harvester. Both count as problems.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Callable, Iterable, Iterator

from gateway.config import Settings
from gateway.landing.ledger import QualityLedger
from gateway.oai.datestamps import utc_now
from gateway.oai.formats import HEADER
from gateway.rendering import datacite_problems, export_key
from gateway.source import DATASETS, PROPOSALS, PUBLISHED, SciCatSource, SourceBundle
from gateway.store.base import RecordStore, StoredRecord
from gateway.sync import changes
from gateway.sync.formats import TOMBSTONE_HASH, content_hash, dated, renderings
from gateway.sync.sets import record_sets, set_names
from gateway.sync.state import SyncState
from mappings.datacite import MappingResult, map_publication

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    read: int          # publications mapped
    changed: int       # live records written (new or changed)
    deleted: int       # tombstones written
    problems: int      # public records that could not be disseminated as they are
    seconds: float

    def line(self) -> str:
        return (f"read {self.read}, changed {self.changed}, deleted {self.deleted}, "
                f"problems {self.problems} ({self.seconds:.1f} s)")


@dataclass
class _Pending:
    """A write decided but not yet rendered: a live record, or a tombstone (result None)."""
    identifier: str
    sets: tuple[str, ...] = ()
    result: MappingResult | None = None
    digest: str = TOMBSTONE_HASH
    formats: dict[str, bytes] | None = None  # rendered with a placeholder datestamp


@dataclass
class _Run:
    """What one pass knows and has done so far."""
    index: dict[str, changes.Listing]
    known: dict[str, tuple[str, bool]]      # identifier -> (content hash, deleted)
    handled: set[str] = field(default_factory=set)
    specs: set[str] = field(default_factory=set)
    read: int = 0
    changed: int = 0
    deleted: int = 0
    problems: int = 0
    quality: QualityLedger = field(default_factory=QualityLedger)  # for GET /quality

    def live(self, identifier: str) -> bool:
        return identifier in self.known and not self.known[identifier][1]


class Syncer:
    def __init__(self, source: SciCatSource, store: RecordStore, settings: Settings,
                 batch_size: int = 100) -> None:
        self.source = source
        self.store = store
        self.settings = settings
        self.batch_size = batch_size

    # -- entry points --------------------------------------------------------------------

    def run_once(self, now: datetime | None = None, full: bool = False) -> SyncReport:
        """One pass; `now` fixes every datestamp written (else: the time of each write)."""
        started = time.monotonic()
        clock = _clock(now)
        state = SyncState.load(self.store)
        reason = "requested" if full else state.needs_full(self.settings, clock())
        db = self.source.db
        run = _Run(index=changes.published_index(db, self.settings.mapping_options),
                   known=self.store.hashes())
        if reason:
            log.info("full sync: %s", reason)
            state.full_pass_started(clock())
            bundles = self._all(state)
        else:
            bundles = self._changed(state, run)
        self._write_bundles(bundles, run, clock)
        self._reconcile(run, clock)
        self._update_set_names(run)
        run.quality.save(self.store, run.index, run.changed + run.deleted, clock())
        state.save(self.store, self.settings, clock())
        return SyncReport(run.read, run.changed, run.deleted, run.problems,
                          time.monotonic() - started)

    def follow(self, interval: float, stop_event: threading.Event,
               on_report: Callable[[SyncReport], None] | None = None,
               wait_first: bool = False) -> None:
        """Sync every `interval` seconds until `stop_event` is set."""
        if wait_first and stop_event.wait(interval):
            return
        while not stop_event.is_set():
            try:
                report = self.run_once()
            except Exception:
                # A follower outlives database hiccups; the next pass starts over and the
                # watermarks were not advanced, so nothing is lost.
                log.exception("sync pass failed; retrying in %s s", interval)
            else:
                (on_report or _log_report)(report)
            stop_event.wait(interval)

    # -- what to read ----------------------------------------------------------------------

    def _all(self, state: SyncState) -> Iterator[SourceBundle]:
        """Every publication; watermarks follow what is read."""
        for bundle in self.source.bundles():
            state.advance(_seen_in(bundle))
            yield bundle
        _, newest = changes.history_deletions(self.source.db, state.since(changes.HISTORY))
        if newest is not None:
            state.advance({changes.HISTORY: newest})

    def _changed(self, state: SyncState, run: _Run) -> Iterator[SourceBundle]:
        db = self.source.db
        found = changes.changed_since(db, {name: state.since(name) for name in state.watermarks})
        deleted, newest = changes.history_deletions(db, state.since(changes.HISTORY))
        docs = found.published + changes.published_by_id(db, _rechecks(run, deleted, found.published))
        yield from self.source.bundles_of(docs)
        state.advance(found.seen)
        if newest is not None:
            state.advance({changes.HISTORY: newest})

    # -- deciding and writing --------------------------------------------------------------

    def _write_bundles(self, bundles: Iterable[SourceBundle], run: _Run, clock) -> None:
        while batch := list(islice(bundles, self.batch_size)):
            pending = [p for p in (self._decide_safely(bundle, run) for bundle in batch) if p]
            self._write(pending, run, clock)

    def _decide_safely(self, bundle: SourceBundle, run: _Run) -> _Pending | None:
        try:
            return self._decide(bundle, run)
        except Exception:
            # One document that breaks the mapping or a serializer must not stop every
            # later pass; its record stays as it was (and is not withdrawn).
            log.exception("PublishedData %r could not be synced", bundle.published.get("_id"))
            run.problems += 1
            return None

    def _decide(self, bundle: SourceBundle, run: _Run) -> _Pending | None:
        run.read += 1
        result = map_publication(bundle.published, bundle.datasets, bundle.proposals,
                                 self.settings.mapping_options)
        doi = result.doi
        if doi is None:
            if result.public:
                run.problems += 1
                log.warning("a public PublishedData document has no usable DOI; skipped")
            return None
        if not result.public:
            # Another document may hold this DOI publicly; then it is not withdrawn.
            listing = run.index.get(doi)
            if run.live(doi) and doi not in run.handled and not (listing and listing.public):
                run.handled.add(doi)
                return _Pending(doi)
            return None
        run.handled.add(doi)
        return self._live(result, run)

    def _live(self, result: MappingResult, run: _Run) -> _Pending | None:
        doi = result.doi
        sets = record_sets(result)
        formats = renderings(doi, sets, result, self.settings) if result.valid else None
        problems = datacite_problems(result, formats and formats[export_key("datacite-xml")])
        if problems:
            run.quality.record_failure(result, problems)
            run.problems += 1
            kept = "keeps its last good version" if run.live(doi) else "is not disseminated"
            log.warning("%s %s: %s", doi, kept,
                        "; ".join(f"{p.code} {p.field}: {p.message}" for p in problems))
            return None
        run.quality.record_success(doi)
        digest = content_hash(formats)
        if run.known.get(doi) == (digest, False):
            return None
        return _Pending(doi, sets, result, digest, formats)

    def _write(self, pending: list[_Pending], run: _Run, clock) -> None:
        if not pending:
            return
        # Stamped just before the write: a harvest that ran before the write may then only
        # have promised records up to an earlier second than these datestamps.
        stamp = clock()
        records = [self._stored(p, stamp) for p in pending]
        self.store.upsert_many(records)
        for record in records:
            run.known[record.identifier] = (record.content_hash, record.deleted)
            run.specs.update(record.sets)
            if record.deleted:
                run.deleted += 1
            else:
                run.changed += 1

    def _stored(self, pending: _Pending, stamp: datetime) -> StoredRecord:
        previous = self.store.get(pending.identifier, HEADER)
        # A datestamp never goes backwards, even if the clock does.
        datestamp = max(stamp, previous.datestamp) if previous else stamp
        if pending.result is None:
            # A tombstone keeps its sets, so a selective harvest learns of the deletion.
            sets = previous.sets if previous else ()
            return StoredRecord(pending.identifier, datestamp, True, sets, TOMBSTONE_HASH, {})
        return StoredRecord(pending.identifier, datestamp, False, pending.sets, pending.digest,
                            dated(pending.formats, datestamp))

    # -- reconcile and sets ----------------------------------------------------------------

    def _reconcile(self, run: _Run, clock) -> None:
        """Tombstones for live records SciCat no longer lists as public."""
        gone = [doi for doi in list(run.known) if run.live(doi) and doi not in run.handled
                and not (doi in run.index and run.index[doi].public)]
        for start in range(0, len(gone), self.batch_size):
            self._write([_Pending(doi) for doi in gone[start:start + self.batch_size]], run, clock)

    def _update_set_names(self, run: _Run) -> None:
        # Tombstones keep their sets, so a set once used keeps members: names only grow.
        current = dict(self.store.list_sets())
        names = set_names(set(current) | run.specs)
        if names != current:
            self.store.set_names(names)


def _rechecks(run: _Run, history_deleted: set[str], read: list[dict]) -> list:
    """`_id`s of public publications to read although no watermark found them.

    Those the store does not hold live (no `updatedAt`, once invalid, restored from a
    backup with an old `updatedAt`), and those whose DOI History lists as deleted: a
    document re-created under the same DOI may carry any `updatedAt`.
    """
    have = {doc["_id"] for doc in read if changes.usable_id(doc.get("_id"))}
    wanted = []
    for doi, listing in run.index.items():
        if listing.public and (doi in history_deleted or not run.live(doi)):
            wanted += [i for i in listing.ids if i not in have]
    return wanted


def _clock(now: datetime | None) -> Callable[[], datetime]:
    if now is None:
        return utc_now
    fixed = changes.utc(now).replace(microsecond=0)
    return lambda: fixed


def _seen_in(bundle: SourceBundle) -> dict[str, datetime]:
    seen = {}
    for name, docs in ((PUBLISHED, [bundle.published]), (DATASETS, bundle.datasets),
                       (PROPOSALS, bundle.proposals)):
        stamp = changes.latest(docs)
        if stamp is not None:
            seen[name] = stamp
    return seen


def _log_report(report: SyncReport) -> None:
    log.info("sync: %s", report.line())
