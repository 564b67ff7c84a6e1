"""Rendering a mapped record for export: serialize, then prove it valid before anyone sees it."""
from __future__ import annotations

from dataclasses import dataclass, field

from mappings.datacite import MappingResult
from mappings.problems import ERROR, Problem
from mappings.serializers import datacite_json, datacite_xml, oai_dc

from .config import Settings
from .schemas import validate_datacite

# Export formats: name -> (media type, serializer of the canonical record).
EXPORT_FORMATS = {
    "datacite-xml": ("application/vnd.datacite.datacite+xml", lambda record: datacite_xml.to_xml(record)),
    "datacite-json": ("application/vnd.datacite.datacite+json", lambda record: datacite_json.to_json(record)),
    "oai_dc": ("application/xml", lambda record: oai_dc.to_xml(record)),
}



def export_key(name: str) -> str:
    """Where an export format's bytes are stored; apart from the OAI prefixes (``oai_dc``
    is both a metadataPrefix, stored as a whole OAI ``<record>``, and an export format)."""
    return "export:" + name


# Everything sync stores per live record besides the OAI renderings, so that requests only
# read stored bytes: key -> function(MappingResult, Settings) -> bytes. Every export format
# is stored; other renderings (landing-page facts, quality reports) register here too.
STORED_RENDERINGS = {
    export_key(name): (lambda serialize: lambda result, settings: serialize(result.record))(serialize)
    for name, (_media_type, serialize) in EXPORT_FORMATS.items()
}


@dataclass
class Rendered:
    body: bytes
    media_type: str
    problems: list[Problem] = field(default_factory=list)  # non-empty: nothing may be emitted


def datacite_problems(result: MappingResult) -> list[Problem]:
    """Why this record must not be emitted: mapping errors, or its XML failing kernel-4.7."""
    if result.record is None or result.problems.errors:
        return result.problems.errors or [Problem("missing-record", "record", "nothing could be mapped", ERROR)]
    errors = validate_datacite(datacite_xml.to_xml(result.record))
    return [Problem("xsd-invalid", "record", message, ERROR) for message in errors]


def render_export(result: MappingResult, fmt: str, settings: Settings) -> Rendered:
    media_type, serialize = EXPORT_FORMATS[fmt]
    problems = datacite_problems(result)
    if problems:
        return Rendered(b"", media_type, problems)
    return Rendered(serialize(result.record), media_type)
