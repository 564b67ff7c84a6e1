"""What the gateway's HTTP endpoints share: where the app keeps its settings and store,
RFC 9457 problem answers, conditional GET, CORS, and the answer to a failing store.

Error bodies name no DOI: the 404 for an unknown DOI and for one that is not public must be
the same bytes, or the difference would tell that the private one exists.
"""
from __future__ import annotations

import json
import logging
import sqlite3
from datetime import datetime

from flask import Blueprint, Response, current_app, request
from pymongo.errors import PyMongoError
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.routing import PathConverter

from gateway.config import Settings
from gateway.store.base import RecordStore, StoredRecord

log = logging.getLogger(__name__)

SETTINGS_EXTENSION = "gateway.settings"
STORE_EXTENSION = "gateway.store"
PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 30


class AnyText(PathConverter):
    """The rest of the path as sent, whatever it holds: nothing, a leading ``/``, a line feed.
    Werkzeug's ``path`` refuses these, and a path no rule matches never reaches a blueprint:
    it would get Werkzeug's HTML 404, unreadable cross-origin, not the endpoint's problem
    answer. Registered as ``anything`` (``gateway.app``)."""

    regex = "(?s:.*)"
    part_isolating = False  # a regex without "/" would otherwise be matched one segment at a time


def app_settings() -> Settings:
    return current_app.extensions[SETTINGS_EXTENSION]


def app_store() -> RecordStore:
    return current_app.extensions[STORE_EXTENSION]


def stored_record(doi: str, fmt: str) -> StoredRecord | None:
    """The record of a DOI asked for in any ASCII case, as DOI names are case-insensitive
    (DataCite's API writes them in lower case, SciCat may hold them in upper case)."""
    store = app_store()
    record = store.get(doi, fmt)
    if record is None:
        canonical = store.resolve(doi)
        if canonical is not None and canonical != doi:
            record = store.get(canonical, fmt)
    return record


def problem(status: int, detail: str, headers: dict | None = None, **members) -> Response:
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES[status], "status": status,
            "detail": detail, **members}
    return Response(json.dumps(body, ensure_ascii=False), status, headers=headers,
                    content_type=PROBLEM_JSON)


def not_found() -> Response:
    return problem(404, "There is no public record with this DOI.")


def gone() -> Response:
    return problem(410, "The record of this DOI has been withdrawn and is no longer disseminated.")


def bad_request(detail: str) -> Response:
    return problem(400, detail)


def unavailable(detail: str, retry_after: int = RETRY_AFTER_SECONDS) -> Response:
    return problem(503, detail, headers={"Retry-After": str(retry_after)})


def not_modified(tag: str, last_modified: datetime | None) -> bool:
    """True for a 304. If-None-Match, when sent, decides alone (RFC 9110 §13.2.2) and is
    compared weakly (§13.1.2); If-Modified-Since is then ignored."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since  # None when absent or not an HTTP date
    return since is not None and last_modified is not None and last_modified <= since


def open_to_any_origin(blueprint: Blueprint, exposed: str, allowed_headers: str) -> None:
    """CORS for GET from any origin (landing pages live on other hosts), with preflight."""
    preflight = {
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": allowed_headers,
        "Access-Control-Max-Age": "86400",
    }

    @blueprint.after_request
    def _cors(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = exposed
        if request.method == "OPTIONS":
            response.headers.update(preflight)
        return response


def answer_store_failures(blueprint: Blueprint) -> None:
    """A store that fails is a 503 with Retry-After: the client may come back, and nothing a
    request contains can cause it."""

    @blueprint.errorhandler(sqlite3.Error)
    @blueprint.errorhandler(PyMongoError)
    def _store_unavailable(error: Exception) -> Response:
        log.exception("record store unavailable", exc_info=error)
        return unavailable("The record store is unavailable; retry later.")
