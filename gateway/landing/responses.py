"""HTTP answers of the landing and quality endpoints, in the conventions of ``/export``:
RFC 9457 problem details for errors (the 404 names no DOI, so an unknown and a private DOI
get the same bytes), 410 for withdrawn records, strong ETags with Last-Modified and
conditional GET."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import Response, request
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_JSON = "application/problem+json"
JSON = "application/json"
HTML = "text/html; charset=utf-8"


def problem(status: int, detail: str, headers: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES[status], "status": status, "detail": detail}
    return Response(json.dumps(body, ensure_ascii=False), status, headers=headers, content_type=PROBLEM_JSON)


def not_found() -> Response:
    return problem(404, "There is no public record with this DOI.")


def gone() -> Response:
    return problem(410, "The record of this DOI has been withdrawn and is no longer disseminated.")


def unavailable(detail: str, retry_after: int) -> Response:
    return problem(503, detail, headers={"Retry-After": str(retry_after)})


def body_tag(body: bytes) -> str:
    """A strong tag for bytes that have no content hash of their own."""
    return hashlib.sha256(body).hexdigest()[:32]


def representation(body: bytes, content_type: str, tag: str,
                   last_modified: datetime | None = None) -> Response:
    """200 with validators, or 304 when the client's copy is current."""
    if _not_modified(tag, last_modified):
        response = Response(status=304)
    else:
        response = Response(body, content_type=content_type)
    response.set_etag(tag)
    if last_modified is not None:
        response.last_modified = last_modified
    return response


def _not_modified(tag: str, last_modified: datetime | None) -> bool:
    # If-None-Match, when sent, decides alone (RFC 9110 §13.2.2), compared weakly.
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since
    return since is not None and last_modified is not None and last_modified <= since
