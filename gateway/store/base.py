"""The record store contract: what sync writes and what the web app reads.

Records are rendered once, at sync time. The store keeps, per record, its OAI datestamp,
its sets, the deleted flag, a content hash, and one opaque byte string per format
(``formats``: format name -> bytes). The OAI layer stores there, for each metadataPrefix,
the complete serialized ``<record>`` element, and under ``"header"`` the ``<header>`` element
used by ListIdentifiers; the export endpoints store their own renderings (``datacite-json``,
``schema.org`` ...). Serving a page reads these bytes and never re-runs the mapping.

Both implementations (SQLite, MongoDB) pass the same contract tests (tests/test_store_contract.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Iterator, Protocol


@dataclass(frozen=True, slots=True)
class StoredRecord:
    identifier: str                 # the local identifier: the DOI
    datestamp: datetime             # timezone-aware UTC, whole seconds
    deleted: bool = False
    sets: tuple[str, ...] = ()      # setSpecs, each listed with its ancestors
    content_hash: str = ""          # hash over everything disseminated; drives datestamps
    formats: dict[str, bytes] = field(default_factory=dict)  # empty for deleted records


@dataclass(frozen=True, slots=True)
class PageQuery:
    """A selective-harvest window plus a keyset position; all bounds inclusive."""
    set_spec: str | None = None           # matches the set and all its descendants (``spec:...``)
    from_: datetime | None = None
    until: datetime | None = None
    after: tuple[datetime, str] | None = None  # exclusive keyset position (datestamp, identifier)
    limit: int = 100


class RecordStore(Protocol):
    def upsert(self, record: StoredRecord) -> None:
        """Insert or replace the record with this identifier (all its formats)."""

    def upsert_many(self, records: Iterable[StoredRecord]) -> None:
        """Same as upsert for many records, in one transaction where the backend has them."""

    def get(self, identifier: str, fmt: str | None = None) -> StoredRecord | None:
        """The record; ``formats`` holds only ``fmt`` when given (or nothing if it lacks it)."""

    def resolve(self, identifier: str) -> str | None:
        """The stored identifier equal to ``identifier`` up to ASCII case (DOIs are
        case-insensitive): ``identifier`` itself when stored, else a live record before a
        deleted one, then the least identifier; None when there is none."""

    def page(self, query: PageQuery, fmt: str | None = None) -> list[StoredRecord]:
        """Records in (datestamp, identifier) order after ``query.after``; with ``fmt``
        each record carries only that format's bytes (deleted records carry none)."""

    def count(self, query: PageQuery) -> int:
        """How many records match the window (``after`` and ``limit`` ignored)."""

    def earliest_datestamp(self) -> datetime | None: ...

    def identifiers(self) -> Iterator[str]:
        """Every identifier in the store, deleted ones included (for reconcile passes)."""

    def hashes(self) -> dict[str, tuple[str, bool]]:
        """identifier -> (content_hash, deleted), for sync's change detection."""

    def set_names(self, names: dict[str, str]) -> None:
        """Replace the table of setSpec -> setName."""

    def list_sets(self) -> list[tuple[str, str]]:
        """(setSpec, setName) pairs sorted by setSpec."""

    def get_state(self, key: str) -> str | None:
        """Sync bookkeeping (watermarks, mapping version)."""

    def set_state(self, key: str, value: str) -> None: ...

    def close(self) -> None: ...


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def fold_case(identifier: str) -> str:
    """ASCII letters upper-cased, nothing else: the case-insensitivity of DOI names (and of
    SQLite's NOCASE collation), so that both stores match alike."""
    return identifier.translate(_ASCII_UPPER)


def with_ancestors(specs: Iterable[str]) -> set[str]:
    """The set specs and every ancestor of each: ``a:b:c`` gives ``a``, ``a:b``, ``a:b:c``."""
    found = set()
    for spec in specs:
        parts = spec.split(":")
        found.update(":".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return found
