"""The record store: pick an implementation from a ``GATEWAY_STORE`` URL."""
from __future__ import annotations

from urllib.parse import urlsplit

from gateway.store.base import PageQuery, RecordStore, StoredRecord
from gateway.store.mongo import DEFAULT_DB, MongoStore
from gateway.store.sqlite import SQLiteStore

__all__ = ["PageQuery", "RecordStore", "StoredRecord", "open_store"]

_SQLITE_PREFIX = "sqlite:///"


def _sqlite_path(url: str) -> str:
    # Three slashes end the (empty) authority: what follows is the path as written, so
    # sqlite:///var/x is relative, sqlite:////var/x absolute, sqlite:///:memory: in memory.
    if not url.startswith(_SQLITE_PREFIX):
        raise ValueError(f"record store URL {url!r}: write sqlite:///PATH (three slashes)")
    path = url[len(_SQLITE_PREFIX):]
    if not path:
        raise ValueError(f"record store URL {url!r} names no file")
    return path


def open_store(url: str) -> RecordStore:
    """``sqlite:///PATH`` or ``mongodb://HOST:PORT/DB`` (also ``mongodb+srv://``)."""
    scheme = url.partition("://")[0].lower()
    if scheme == "sqlite":
        return SQLiteStore(_sqlite_path(url))
    if scheme in ("mongodb", "mongodb+srv"):
        return MongoStore(url, urlsplit(url).path.strip("/") or DEFAULT_DB)
    raise ValueError(
        f"unknown record store URL {url!r}: expected sqlite:///PATH or mongodb://HOST:PORT/DB")
