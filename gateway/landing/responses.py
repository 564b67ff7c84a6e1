"""HTTP answers of the landing and quality endpoints, in the conventions of ``/export``:
RFC 9457 problem details for errors (the 404 names no DOI, so an unknown and a private DOI
get the same bytes), 410 for withdrawn records, strong ETags with Last-Modified and
conditional GET."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Response

from gateway.web import not_modified

JSON = "application/json"
HTML = "text/html; charset=utf-8"


def body_tag(body: bytes) -> str:
    """A strong tag for bytes that have no content hash of their own."""
    return hashlib.sha256(body).hexdigest()[:32]


def representation(body: bytes, content_type: str, tag: str,
                   last_modified: datetime | None = None) -> Response:
    """200 with validators, or 304 when the client's copy is current."""
    if not_modified(tag, last_modified):
        response = Response(status=304)
    else:
        response = Response(body, content_type=content_type)
    response.set_etag(tag)
    if last_modified is not None:
        response.last_modified = last_modified
    return response
