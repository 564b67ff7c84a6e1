"""The SQLite record store: the embedded default, one file in WAL mode.

Paging is keyset paging over a ``(datestamp, identifier)`` index, so a page costs the same
at the start and at the end of a 100 000 record harvest, and records written while a harvest
runs land either behind its position (never repeated) or ahead of it (never skipped).

A selective harvest walks its set's own ``(set_spec, datestamp, identifier)`` index, so a
set of ten records among 100 000 pages as fast as the whole store. For that, each record is
filed under every ancestor of the sets it lists (``a:b:c`` also under ``a:b`` and ``a``),
which makes "the set and its descendants" a single equality, and ``record_sets`` repeats
the record's datestamp.
"""
from __future__ import annotations

import sqlite3
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import Iterable, Iterator

from gateway.store.base import PageQuery, StoredRecord, with_ancestors

MEMORY = ":memory:"

# Set specs are OAI setSpec strings (URI-unreserved characters), so a control character
# cannot occur inside one and is safe to join them with.
_SET_SEPARATOR = "\x1f"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    identifier   TEXT PRIMARY KEY,
    datestamp    INTEGER NOT NULL,
    deleted      INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_keyset ON records (datestamp, identifier);
-- DOIs are case-insensitive: resolve() finds a record whatever the case it is asked in.
CREATE INDEX IF NOT EXISTS records_nocase ON records (identifier COLLATE NOCASE);

CREATE TABLE IF NOT EXISTS record_sets (
    identifier TEXT NOT NULL,
    set_spec   TEXT NOT NULL,
    datestamp  INTEGER NOT NULL,
    PRIMARY KEY (identifier, set_spec)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_sets_keyset ON record_sets (set_spec, datestamp, identifier);

-- A rowid table: WITHOUT ROWID suits small rows only; with renderings of several KB it
-- spilled into overflow pages and took twice the disk (110 KB against 57 KB a record).
CREATE TABLE IF NOT EXISTS formats (
    identifier TEXT NOT NULL,
    fmt        TEXT NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (identifier, fmt)
);

CREATE TABLE IF NOT EXISTS set_names (
    set_spec TEXT PRIMARY KEY,
    set_name TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""

# The window is filtered and limited first; only the page's own rows are then joined to
# their formats and sets, so a page never touches more blobs than it returns.
_SELECT = """
WITH hit AS (
    SELECT r.identifier, r.datestamp, r.deleted, r.content_hash,
           (SELECT group_concat(s.set_spec, char(31)) FROM record_sets s
             WHERE s.identifier = r.identifier) AS sets
      FROM {source}
     WHERE {where}
     ORDER BY {key}.datestamp, {key}.identifier
     LIMIT ?
)
SELECT hit.identifier, hit.datestamp, hit.deleted, hit.content_hash, hit.sets, f.fmt, f.data
  FROM hit LEFT JOIN formats f ON f.identifier = hit.identifier {fmt_filter}
 ORDER BY hit.datestamp, hit.identifier
"""


_UPSERT_RECORD = """
INSERT INTO records (identifier, datestamp, deleted, content_hash) VALUES (?, ?, ?, ?)
ON CONFLICT (identifier) DO UPDATE SET
    datestamp = excluded.datestamp, deleted = excluded.deleted,
    content_hash = excluded.content_hash
"""


def to_epoch(value: datetime) -> int:
    """Whole UTC seconds; a naive datetime is taken as UTC, as pymongo hands them out."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp() // 1)


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _ceil_epoch(value: datetime) -> int:
    # An inclusive lower bound with a fraction of a second must not admit the second before.
    seconds = to_epoch(value)
    return seconds + 1 if value.microsecond else seconds


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced (the base class cannot)."""


def _connect(path: str) -> sqlite3.Connection:
    # Autocommit mode: transactions are opened explicitly by writers, and a reader's
    # implicit transaction ends with its statement instead of pinning the WAL.
    # check_same_thread is off only so that close() may close other threads' connections.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30,
                           factory=_Connection)
    # Takes effect only while the file is still empty. Formats are a few KB each: with
    # 16 KB pages a blob usually sits on its row's own page instead of an overflow chain,
    # which halves the cost of reading a page of records.
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Reads served from the mapping skip a copy through SQLite's page cache.
    conn.execute(f"PRAGMA mmap_size = {1024 * 1024 * 1024}")
    return conn


class _PerThread:
    """One connection per thread on a file database: WAL readers never wait on each other.

    Connections are held weakly here: when a thread ends (the development server starts
    one per request) its connection goes with its thread-local storage.
    """

    def __init__(self, path: str):
        self._path = path
        self._local = threading.local()
        self._opened: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()
        self._lock = threading.Lock()

    @contextmanager
    def __call__(self) -> Iterator[sqlite3.Connection]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = _connect(self._path)
            with self._lock:
                self._opened.add(conn)
        yield conn

    def close(self) -> None:
        with self._lock:
            for conn in list(self._opened):
                conn.close()
            self._opened.clear()
            self._local = threading.local()


class _Shared:
    """An in-memory database lives inside its one connection, so threads take turns."""

    def __init__(self):
        self._conn = _connect(MEMORY)
        self._lock = threading.RLock()

    @contextmanager
    def __call__(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()


@dataclass(frozen=True)
class _Window:
    """A page window as SQL: the table whose keyset index it walks, aliased ``key``."""
    source: str
    key: str
    where: str
    params: list


def _window(query: PageQuery, keyset: bool, with_records: bool = True) -> _Window:
    """The window shared by page() and count(); a set filter walks that set's own index."""
    if query.set_spec is None:
        source, key, clauses, params = "records r", "r", [], []
    else:
        source, key = "record_sets k", "k"
        if with_records:
            source += " JOIN records r ON r.identifier = k.identifier"
        clauses, params = ["k.set_spec = ?"], [query.set_spec]
    after = query.after if keyset else None
    # Past the keyset position the from bound is implied; leaving it out lets the row-value
    # comparison alone bound the index scan.
    if query.from_ is not None and (after is None or to_epoch(after[0]) < _ceil_epoch(query.from_)):
        clauses.append(f"{key}.datestamp >= ?")
        params.append(_ceil_epoch(query.from_))
    if query.until is not None:
        clauses.append(f"{key}.datestamp <= ?")
        params.append(to_epoch(query.until))
    if after is not None:
        clauses.append(f"({key}.datestamp, {key}.identifier) > (?, ?)")
        params += [to_epoch(after[0]), after[1]]
    return _Window(source, key, " AND ".join(clauses) or "1", params)


def _records_from_rows(rows: list[tuple]) -> list[StoredRecord]:
    """Fold the joined rows (one per record and format) back into records, keeping order."""
    records = []
    for _, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        identifier, datestamp, deleted, content_hash, sets = group[0][:5]
        records.append(StoredRecord(
            identifier=identifier,
            datestamp=from_epoch(datestamp),
            deleted=bool(deleted),
            sets=tuple(sorted(sets.split(_SET_SEPARATOR))) if sets else (),
            content_hash=content_hash,
            formats={row[5]: row[6] for row in group if row[5] is not None},
        ))
    return records


class SQLiteStore:
    """The record store in one SQLite file (or ``":memory:"`` for tests)."""

    def __init__(self, path: str | Path):
        path = str(path)
        if path == MEMORY:
            self._connection = _Shared()
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._connection = _PerThread(path)
        with self._connection() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            # IMMEDIATE takes the write lock up front, so two writers queue on the busy
            # timeout instead of one failing when it upgrades from a read lock.
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _select(self, window: _Window, limit: int, fmt: str | None) -> list[StoredRecord]:
        sql = _SELECT.format(source=window.source, key=window.key, where=window.where,
                             fmt_filter="" if fmt is None else "AND f.fmt = ?")
        params = window.params + [limit] + ([] if fmt is None else [fmt])
        with self._connection() as db:
            rows = db.execute(sql, params).fetchall()
        return _records_from_rows(rows)

    # -- writing ---------------------------------------------------------------------

    def upsert(self, record: StoredRecord) -> None:
        self.upsert_many([record])

    def upsert_many(self, records: Iterable[StoredRecord]) -> None:
        records = list(records)
        if not records:
            return
        keys = [(r.identifier,) for r in records]
        rows = [(r.identifier, to_epoch(r.datestamp), int(r.deleted), r.content_hash)
                for r in records]
        sets = [(r.identifier, spec, stamp) for r, (_, stamp, _, _) in zip(records, rows)
                for spec in with_ancestors(r.sets)]
        # A deleted record is a tombstone: whatever formats it was handed, it carries none.
        formats = [(r.identifier, fmt, bytes(data)) for r in records if not r.deleted
                   for fmt, data in r.formats.items()]
        with self._transaction() as db:
            db.executemany(_UPSERT_RECORD, rows)
            db.executemany("DELETE FROM record_sets WHERE identifier = ?", keys)
            db.executemany("DELETE FROM formats WHERE identifier = ?", keys)
            db.executemany("INSERT INTO record_sets (identifier, set_spec, datestamp) "
                           "VALUES (?, ?, ?)", sets)
            db.executemany("INSERT INTO formats (identifier, fmt, data) VALUES (?, ?, ?)", formats)

    def set_names(self, names: dict[str, str]) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM set_names")
            db.executemany("INSERT INTO set_names (set_spec, set_name) VALUES (?, ?)",
                           names.items())

    def set_state(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO state (key, value) VALUES (?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # -- reading ---------------------------------------------------------------------

    def get(self, identifier: str, fmt: str | None = None) -> StoredRecord | None:
        found = self._select(_Window("records r", "r", "r.identifier = ?", [identifier]), 1, fmt)
        return found[0] if found else None

    def resolve(self, identifier: str) -> str | None:
        with self._connection() as db:
            row = db.execute(
                "SELECT identifier FROM records WHERE identifier = ? COLLATE NOCASE "
                "ORDER BY identifier = ? DESC, deleted, identifier LIMIT 1",
                (identifier, identifier)).fetchone()
        return None if row is None else row[0]

    def page(self, query: PageQuery, fmt: str | None = None) -> list[StoredRecord]:
        return self._select(_window(query, keyset=True), query.limit, fmt)

    def count(self, query: PageQuery) -> int:
        window = _window(query, keyset=False, with_records=False)
        sql = f"SELECT count(*) FROM {window.source} WHERE {window.where}"
        with self._connection() as db:
            return db.execute(sql, window.params).fetchone()[0]

    def earliest_datestamp(self) -> datetime | None:
        with self._connection() as db:
            (seconds,) = db.execute("SELECT min(datestamp) FROM records").fetchone()
        return None if seconds is None else from_epoch(seconds)

    def identifiers(self) -> Iterator[str]:
        # Walk the primary key in chunks rather than hold one cursor open: the caller may
        # write between items, and a long read would keep the WAL from checkpointing.
        last = None
        while True:
            with self._connection() as db:
                if last is None:
                    chunk = db.execute("SELECT identifier FROM records ORDER BY identifier "
                                       "LIMIT 1000").fetchall()
                else:
                    chunk = db.execute("SELECT identifier FROM records WHERE identifier > ? "
                                       "ORDER BY identifier LIMIT 1000", (last,)).fetchall()
            if not chunk:
                return
            for (identifier,) in chunk:
                yield identifier
            last = chunk[-1][0]

    def hashes(self) -> dict[str, tuple[str, bool]]:
        with self._connection() as db:
            rows = db.execute("SELECT identifier, content_hash, deleted FROM records").fetchall()
        return {identifier: (digest, bool(deleted)) for identifier, digest, deleted in rows}

    def list_sets(self) -> list[tuple[str, str]]:
        with self._connection() as db:
            return db.execute("SELECT set_spec, set_name FROM set_names "
                              "ORDER BY set_spec").fetchall()

    def get_state(self, key: str) -> str | None:
        with self._connection() as db:
            row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self._connection.close()
