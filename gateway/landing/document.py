"""The landing-page JSON of one record: the canonical DataCite record plus what a landing
page shows and DataCite does not hold."""
from __future__ import annotations

import json
from urllib.parse import quote

from gateway.config import Settings
from mappings.datacite import MappingResult
from mappings.serializers import citation, schema_org
from mappings.serializers.citing import doi_url
from mappings.thumbnails import Thumbnail

THUMBNAIL_PATH = "/thumbnail"


def landing_document(result: MappingResult, settings: Settings) -> dict:
    """Built from the mapping result and the settings alone, so it is the same wherever it
    is rendered.

    ``thumbnail`` is a reference, never the image: the gateway's own
    ``/records/<doi>/thumbnail`` when SciCat holds the image, the facility's URL when it
    holds one, else null.
    """
    record, extras = result.record, result.extras
    thumbnail = thumbnail_url(record["doi"], extras.get("thumbnail"), settings)
    jsonld = schema_org.to_jsonld(record)
    if thumbnail:
        jsonld["thumbnailUrl"] = thumbnail
    return {
        "doi": record["doi"],
        "doiUrl": doi_url(record["doi"]),
        "landingPage": record.get("url"),
        "record": record,
        "datasets": extras.get("datasets", []),
        "proposals": extras.get("proposals", []),
        "downloadLink": extras.get("downloadLink"),
        "thumbnail": thumbnail,
        "citation": citation.to_text(record),
        "jsonld": jsonld,
    }


def thumbnail_url(doi: str, thumbnail: Thumbnail | None, settings: Settings) -> str | None:
    if thumbnail is None:
        return None
    if thumbnail.url:
        return thumbnail.url
    return f"{settings.base_url}/records/{quote(doi, safe='/')}{THUMBNAIL_PATH}"


def thumbnail_bytes(result: MappingResult) -> bytes:
    """The image the gateway serves for the record; empty when it serves none."""
    thumbnail = result.extras.get("thumbnail")
    return thumbnail.data if thumbnail is not None else b""


def json_bytes(value: object) -> bytes:
    """Compact UTF-8 JSON with "<" written as its escape (only strings can hold one, and
    there it means the same): no stored JSON can then contain markup, such as the OAI
    datestamp element that sync fills in after rendering."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c").encode()
