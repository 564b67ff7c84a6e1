"""The export formats as HTTP offers them: media types, aliases, charsets."""
from __future__ import annotations

from gateway.rendering import EXPORT_FORMATS

from .negotiation import Offer

# Further media types a format answers to. application/xml asks for DataCite XML rather
# than oai_dc (whose media type it also is): DataCite XML is what this endpoint is for, and
# oai_dc stays reachable by ?format=oai_dc.
ALIASES = {"datacite-xml": ("application/xml",)}

# Plain-text types say their charset. JSON and XML carry their own encoding, and JSON:API
# forbids parameters on application/vnd.api+json.
TEXT_TYPES = frozenset({"text/x-bibliography", "application/x-bibtex", "application/x-research-info-systems"})

# One record: every export format, in EXPORT_FORMATS order (the server's preference).
RECORD_OFFERS = tuple(Offer(name, (media_type, *ALIASES.get(name, ())))
                      for name, (media_type, _serialize) in EXPORT_FORMATS.items())

# Bulk: DataCite REST payloads as NDJSON (the default), or DataCite XML files in a ZIP.
NDJSON = "ndjson"
ZIP = "zip"
BULK_OFFERS = (Offer(NDJSON, ("application/x-ndjson",)), Offer(ZIP, ("application/zip",)))

DATACITE_REST = "datacite-rest"
DATACITE_XML = "datacite-xml"


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type in TEXT_TYPES else media_type
