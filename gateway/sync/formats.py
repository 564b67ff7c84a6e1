"""The stored bytes of one record, and the content hash that decides its datestamp.

This is the one place that builds ``StoredRecord.formats``: the OAI renderings (each
metadataPrefix and the header) and the export renderings the /export endpoints serve.

The OAI bytes carry the datestamp, so they cannot be hashed as stored. The hash is taken
over the same renderings made with a fixed datestamp instead: it then covers every byte a
harvester or an export client can see (metadata, setSpecs, settings such as the
datacentre symbol, serializer changes) and nothing that only moves with time.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from gateway.config import Settings
from gateway.oai.render import render_all
from gateway.rendering import STORED_RENDERINGS
from mappings.datacite import MappingResult

# Stands in for the datestamp when hashing; any constant would do.
_HASH_DATESTAMP = datetime(2000, 1, 1, tzinfo=timezone.utc)

# The hash of every tombstone: nothing of a deleted record is disseminated but its header.
TOMBSTONE_HASH = "deleted"


def record_formats(identifier: str, datestamp: datetime, sets: tuple[str, ...],
                   result: MappingResult, settings: Settings) -> dict[str, bytes]:
    """Everything stored for a live record, keyed as ``StoredRecord.formats``: the OAI
    renderings, and every rendering of ``gateway.rendering.STORED_RENDERINGS``."""
    formats = render_all(identifier, datestamp, sets, result.record, settings)
    for name, render in STORED_RENDERINGS.items():
        formats[name] = render(result, settings)
    return formats


def content_hash(identifier: str, sets: tuple[str, ...], result: MappingResult,
                 settings: Settings) -> str:
    """sha256 over every stored rendering, independent of the datestamp."""
    formats = record_formats(identifier, _HASH_DATESTAMP, sets, result, settings)
    digest = hashlib.sha256()
    for name in sorted(formats):
        data = formats[name]
        # Length-prefixed, so no two different format tables hash alike.
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
