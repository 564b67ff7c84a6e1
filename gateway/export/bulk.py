"""Every record of a window, streamed: NDJSON of DataCite REST payloads, or a ZIP of XML.

The store is walked a keyset page at a time (``PageQuery.after``), so memory holds one page
whatever the size of the store, and a record changed while the export runs moves behind
the walk's position and is sent again rather than skipped.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Iterator
from urllib.parse import quote

from gateway.oai.datestamps import format_datestamp
from gateway.rendering import export_key
from gateway.store.base import PageQuery, RecordStore, StoredRecord

from .events import with_event
from .formats import DATACITE_REST, DATACITE_XML
from .zipstream import ZipStream

log = logging.getLogger(__name__)


def pages(store: RecordStore, window: PageQuery, fmt: str) -> Iterator[list[StoredRecord]]:
    after = None
    while True:
        page = store.page(replace(window, after=after), fmt)
        if page:
            yield page
        if len(page) < window.limit:
            return
        after = (page[-1].datestamp, page[-1].identifier)


def tombstone_line(record: StoredRecord) -> bytes:
    """A deleted record, so that a pipeline can hide its DOI at DataCite."""
    line = {"doi": record.identifier, "deleted": True, "datestamp": format_datestamp(record.datestamp)}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _stored(record: StoredRecord, key: str) -> bytes | None:
    data = record.formats.get(key)
    if data is None:
        # A store synced before this format existed; the next full sync renders it.
        log.error("%s has no stored %s rendering; left out of the export", record.identifier, key)
    return data


def _ndjson_line(record: StoredRecord, key: str, event: str) -> bytes:
    if record.deleted:
        return tombstone_line(record)
    data = _stored(record, key)
    return b"" if data is None else with_event(data, event) + b"\n"


def ndjson(store: RecordStore, window: PageQuery, event: str) -> Iterator[bytes]:
    """One line per record: the stored REST payload, or a tombstone line."""
    key = export_key(DATACITE_REST)
    for page in pages(store, window, key):
        yield b"".join(_ndjson_line(record, key, event) for record in page)


def entry_name(doi: str) -> str:
    """The DOI percent-encoded (``/`` as ``%2F``), so it is one safe file name that
    ``urllib.parse.unquote`` turns back into the DOI."""
    return quote(doi, safe="") + ".xml"


def _zip_entry(archive: ZipStream, record: StoredRecord, key: str) -> bytes:
    data = None if record.deleted else _stored(record, key)
    return b"" if data is None else archive.add(entry_name(record.identifier), data, record.datestamp)


def zip_archive(store: RecordStore, window: PageQuery) -> Iterator[bytes]:
    """One DataCite XML file per live record (deleted records have no file)."""
    key = export_key(DATACITE_XML)
    with ZipStream() as archive:
        for page in pages(store, window, key):
            yield b"".join(_zip_entry(archive, record, key) for record in page)
        yield from archive.finish()
