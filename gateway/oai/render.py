"""Sync-time rendering of OAI ``<record>`` and ``<header>`` elements to bytes.

Each fragment is serialized once, with its own namespace declarations, so it is well formed
on its own and keeps its meaning when a response splices it in unparsed.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Iterable, Mapping

from lxml import etree

from gateway.oai.datestamps import format_datestamp
from gateway.oai.formats import FORMATS, HEADER
from gateway.oai.identifiers import oai_identifier
from gateway.oai.namespaces import NS_OAI, oai, to_bytes

if TYPE_CHECKING:
    from gateway.config import Settings

# setSpec: colon-separated tokens of URI unreserved characters (P47, OAI-PMH.xsd).
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")


def _header(identifier: str, datestamp: datetime, sets: Iterable[str], deleted: bool) -> etree._Element:
    header = etree.Element(oai("header"), nsmap={None: NS_OAI})
    if deleted:
        header.set("status", "deleted")
    etree.SubElement(header, oai("identifier")).text = identifier
    etree.SubElement(header, oai("datestamp")).text = format_datestamp(datestamp)
    for spec in sorted(set(sets)):
        if not SET_SPEC.fullmatch(spec):
            raise ValueError(f"invalid setSpec {spec!r}")
        etree.SubElement(header, oai("setSpec")).text = spec
    return header


def render_header_bytes(identifier: str, datestamp: datetime, sets: Iterable[str],
                        deleted: bool = False) -> bytes:
    """A complete ``<header>``; ``identifier`` is the full oai-identifier."""
    return to_bytes(_header(identifier, datestamp, sets, deleted))


def render_record_bytes(identifier: str, datestamp: datetime, sets: Iterable[str],
                        metadata_element: etree._Element) -> bytes:
    """A complete ``<record>`` with header and metadata (the element is moved in, not copied)."""
    record = etree.Element(oai("record"), nsmap={None: NS_OAI})
    record.append(_header(identifier, datestamp, sets, deleted=False))
    etree.SubElement(record, oai("metadata")).append(metadata_element)
    return to_bytes(record)


def render_deleted_record_bytes(identifier: str, datestamp: datetime,
                                sets: Iterable[str]) -> bytes:
    """A deleted record as List/GetRecord show it: a ``<record>`` holding only its header."""
    record = etree.Element(oai("record"), nsmap={None: NS_OAI})
    record.append(_header(identifier, datestamp, sets, deleted=True))
    return to_bytes(record)


def render_all(identifier: str, datestamp: datetime, sets: Iterable[str],
               record_dict: Mapping | None, settings: "Settings") -> dict[str, bytes]:
    """Everything the OAI layer serves for one record, keyed as ``StoredRecord.formats``.

    ``identifier`` is the local identifier (the DOI); ``record_dict`` the canonical record,
    or None for a tombstone, which gets only its deleted header: a deleted record looks
    the same under every metadataPrefix (P41).
    """
    sets = tuple(sets)
    oai_id = oai_identifier(settings.repository_identifier, identifier)
    if record_dict is None:
        return {HEADER: render_header_bytes(oai_id, datestamp, sets, deleted=True)}
    rendered = {HEADER: render_header_bytes(oai_id, datestamp, sets)}
    for fmt in FORMATS.values():
        rendered[fmt.prefix] = render_record_bytes(
            oai_id, datestamp, sets, fmt.build(record_dict, settings))
    return rendered
