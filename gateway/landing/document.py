"""The landing-page JSON of one record: the canonical DataCite record plus what a landing
page shows and DataCite does not hold."""
from __future__ import annotations

import json

from mappings.datacite import MappingResult
from mappings.serializers import citation, schema_org
from mappings.serializers.citing import doi_url


def landing_document(result: MappingResult) -> dict:
    """Built from the mapping result alone, so it is the same wherever it is rendered.

    ``thumbnail`` is a reference, never the image: true or false when the source document
    was read with its thumbnail field, null when it was not (see ``mappings.datacite``).
    """
    record, extras = result.record, result.extras
    return {
        "doi": record["doi"],
        "doiUrl": doi_url(record["doi"]),
        "landingPage": record.get("url"),
        "record": record,
        "datasets": extras.get("datasets", []),
        "proposals": extras.get("proposals", []),
        "downloadLink": extras.get("downloadLink"),
        "thumbnail": extras.get("thumbnail"),
        "citation": citation.to_text(record),
        "jsonld": schema_org.to_jsonld(record),
    }


def json_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON with "<" written as its escape (only strings can hold one, and
    there it means the same): no stored JSON can then contain markup, such as the OAI
    datestamp element that sync fills in after rendering."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").encode()
