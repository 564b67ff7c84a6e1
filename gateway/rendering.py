"""Rendering a mapped record for export: serialize, then prove it valid before anyone sees it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from mappings.datacite import MappingResult
from mappings.problems import ERROR, Problem
from mappings.serializers import (bibtex, citation, citeproc, datacite_json, datacite_xml, oai_dc,
                                  ris, schema_org)

from .config import Settings
from .schemas import validate_datacite

# Export formats: name -> (media type, serializer of the canonical record). The order is the
# server's preference when an Accept header leaves a choice (gateway/export/negotiation.py).
# datacite-json is the attributes object DataCite's content negotiation serves for its
# media type; datacite-rest is the JSON:API payload a pipeline sends to DataCite's /dois,
# stored with event "publish" (the endpoint swaps the event in per request).
EXPORT_FORMATS = {
    "datacite-xml": ("application/vnd.datacite.datacite+xml", lambda record: datacite_xml.to_xml(record)),
    "datacite-json": ("application/vnd.datacite.datacite+json",
                      lambda record: json.dumps(datacite_json.attributes(record), ensure_ascii=False,
                                                separators=(",", ":")).encode()),
    "datacite-rest": ("application/vnd.api+json", lambda record: datacite_json.to_json(record, "publish")),
    "schema.org": ("application/ld+json", lambda record: schema_org.to_json(record)),
    "citeproc": ("application/vnd.citationstyles.csl+json", lambda record: citeproc.to_json(record)),
    "bibtex": ("application/x-bibtex", lambda record: bibtex.to_bibtex(record).encode()),
    "ris": ("application/x-research-info-systems", lambda record: ris.to_ris(record).encode()),
    "citation": ("text/x-bibliography", lambda record: citation.to_text(record).encode()),
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


def datacite_problems(result: MappingResult, xml: bytes | None = None) -> list[Problem]:
    """Why this record must not be emitted: mapping errors, or its XML failing kernel-4.7.

    ``xml`` is the record's DataCite XML when the caller has already rendered it.
    """
    if result.record is None or result.problems.errors:
        return result.problems.errors or [Problem("missing-record", "record", "nothing could be mapped", ERROR)]
    errors = validate_datacite(xml if xml is not None else datacite_xml.to_xml(result.record))
    return [Problem("xsd-invalid", "record", message, ERROR) for message in errors]


def render_export(result: MappingResult, fmt: str, settings: Settings) -> Rendered:
    media_type, serialize = EXPORT_FORMATS[fmt]
    problems = datacite_problems(result)
    if problems:
        return Rendered(b"", media_type, problems)
    return Rendered(serialize(result.record), media_type)


# Landing-page JSON and HTML and the quality report, stored per record beside the exports.
# Imported last: those renderings use the serializers above, never this module.
from gateway.landing.renderings import LANDING_RENDERINGS  # noqa: E402

STORED_RENDERINGS.update(LANDING_RENDERINGS)
