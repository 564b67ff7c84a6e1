"""``GET /records/<doi>`` (landing JSON), ``/records/<doi>.html`` (landing page),
``/records/<doi>/quality`` (quality report), ``/records/<doi>/thumbnail`` (the image SciCat
holds for the publication), ``/quality`` (repository summary) and
``/openapi.json``.

Everything is read as stored bytes: nothing here maps or renders a record. All answer GET
(and HEAD) from any origin (CORS).
"""
from __future__ import annotations

import functools
import json
import logging
from datetime import datetime
from typing import Iterator

from flask import Blueprint, Response

from gateway import web
from gateway.web import gone, not_found, unavailable
from mappings.thumbnails import media_type_of

from . import ledger, openapi
from .document import THUMBNAIL_PATH
from .renderings import LANDING, LANDING_HTML, QUALITY, THUMBNAIL
from .responses import HTML, JSON, body_tag, representation

log = logging.getLogger(__name__)

MEDIA_TYPES = {LANDING: JSON, LANDING_HTML: HTML, QUALITY: JSON}
# A path ending so names that view of the DOI before it (unless the whole path is a DOI).
SUFFIXES = (("/quality", QUALITY), (".html", LANDING_HTML), (THUMBNAIL_PATH, THUMBNAIL))
# Curators look at quality right after fixing something: caches must ask every time.
NO_CACHE = "no-cache"

_EXPOSED = "ETag"

blueprint = Blueprint("landing", __name__)

web.open_to_any_origin(blueprint, _EXPOSED, "If-None-Match, If-Modified-Since")
web.answer_store_failures(blueprint)


@blueprint.get("/records/<anything:path>", merge_slashes=False)
def record(path: str) -> Response:
    # The DOI arrives decoded once (by the WSGI server) and is used as it is.
    for doi, key in readings(path):
        answer = _answer(doi, key)
        if answer is not None:
            return answer
    return _cached(not_found(), LANDING)


def readings(path: str) -> Iterator[tuple[str, str]]:
    """(DOI, rendering) a path may mean, the whole path as a DOI first."""
    yield path, LANDING
    for suffix, key in SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            yield path[:-len(suffix)], key


def _answer(doi: str, key: str) -> Response | None:
    if key == QUALITY:
        # A public record that fails now: its current report, not the one of the last
        # good version the store may still serve.
        report = ledger.invalid_report(web.app_store(), web.app_store().resolve(doi) or doi)
        if report is not None:
            return _cached(representation(report, JSON, body_tag(report)), key)
    stored = web.stored_record(doi, key)
    if stored is None:
        return None
    if stored.deleted:
        return _cached(gone(), key)
    if key not in stored.formats:
        log.error("%s has no stored %s rendering; a full sync renders it", doi, key)
        return unavailable("This view of the record is not rendered yet.")
    body = stored.formats[key]
    tag = f"{stored.content_hash}.{key.replace(':', '.')}"
    if key == THUMBNAIL:
        return _thumbnail(body, tag, stored.datestamp)
    return _cached(representation(body, MEDIA_TYPES[key], tag, stored.datestamp), key)


def _thumbnail(body: bytes, tag: str, datestamp: datetime) -> Response:
    """The stored image; the mapping kept only bytes whose type it could tell from them."""
    media_type = media_type_of(body)
    if media_type is None:  # the record has no thumbnail (stored empty)
        return _cached(not_found(), THUMBNAIL)
    response = _cached(representation(body, media_type, tag, datestamp), THUMBNAIL)
    # Never let a browser guess another type for bytes that came from a database.
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _cached(response: Response, key: str) -> Response:
    # 404 and 410 are cacheable by default (RFC 9110 §15.1), so they get the policy too.
    response.headers["Cache-Control"] = NO_CACHE if key == QUALITY else web.app_settings().export_cache_control
    return response


@blueprint.get("/quality")
def quality() -> Response:
    summary = ledger.stored_summary(web.app_store())
    if summary is None:
        return unavailable("The quality summary is made by sync, and no sync has made one yet.")
    response = representation(summary, JSON, body_tag(summary))
    response.headers["Cache-Control"] = NO_CACHE
    return response


@blueprint.get("/openapi.json")
def openapi_document() -> Response:
    body = _openapi_bytes(web.app_settings().base_url)
    return representation(body, JSON, body_tag(body))


@functools.lru_cache(maxsize=4)
def _openapi_bytes(base_url: str) -> bytes:
    return json.dumps(openapi.document(base_url), ensure_ascii=False, indent=1).encode()
