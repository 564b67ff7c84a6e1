"""The stored bytes of one record, and the content hash that decides its datestamp.

This is the one place that builds ``StoredRecord.formats``: the OAI renderings (each
metadataPrefix and the header) and every rendering of ``gateway.rendering.STORED_RENDERINGS``
(the export formats and the other per-record documents the web app serves).

The OAI bytes carry the datestamp, which must not feed the hash. So a record is rendered
once, with a placeholder datestamp; the hash is taken over those bytes (it then covers every
byte a harvester or an export client can see: metadata, setSpecs, settings such as the
datacentre symbol, serializer changes, and nothing that only moves with time), and the
placeholder is replaced by the real datestamp only when the record is written.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from gateway.config import Settings
from gateway.oai.datestamps import format_datestamp
from gateway.oai.formats import FORMATS, HEADER
from gateway.oai.render import render_all
from gateway.rendering import STORED_RENDERINGS
from mappings.datacite import MappingResult

_PLACEHOLDER = datetime(2000, 1, 1, tzinfo=timezone.utc)
# Metadata text cannot contain this element: a "<" in text is always escaped.
_PLACEHOLDER_ELEMENT = f"<datestamp>{format_datestamp(_PLACEHOLDER)}</datestamp>".encode()

_OAI_RENDERINGS = frozenset({HEADER, *FORMATS})

# The hash of every tombstone: nothing of a deleted record is disseminated but its header.
TOMBSTONE_HASH = "deleted"


def renderings(identifier: str, sets: tuple[str, ...], result: MappingResult,
               settings: Settings) -> dict[str, bytes]:
    """Everything stored for a live record, with the placeholder datestamp."""
    formats = render_all(identifier, _PLACEHOLDER, sets, result.record, settings)
    for name, render in STORED_RENDERINGS.items():
        formats[name] = render(result, settings)
    return formats


def dated(formats: dict[str, bytes], datestamp: datetime) -> dict[str, bytes]:
    """The renderings with their real datestamp, as ``StoredRecord.formats``; only the OAI
    renderings carry one."""
    element = f"<datestamp>{format_datestamp(datestamp)}</datestamp>".encode()
    return {name: data.replace(_PLACEHOLDER_ELEMENT, element, 1) if name in _OAI_RENDERINGS else data
            for name, data in formats.items()}


def content_hash(formats: dict[str, bytes]) -> str:
    """sha256 over every rendering made by ``renderings`` (datestamp-independent)."""
    digest = hashlib.sha256()
    for name in sorted(formats):
        data = formats[name]
        # Length-prefixed, so no two different format tables hash alike.
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def record_formats(identifier: str, datestamp: datetime, sets: tuple[str, ...],
                   result: MappingResult, settings: Settings) -> dict[str, bytes]:
    """Everything stored for a live record, keyed as ``StoredRecord.formats``."""
    return dated(renderings(identifier, sets, result, settings), datestamp)
