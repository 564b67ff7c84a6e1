"""``GET /export/<doi>``: one record; ``GET /export``: every record (or a window), streamed.

One record: the format is ``?format=NAME`` (wins) or negotiated from ``Accept``; an unknown
name or nothing acceptable is 406 with the list of formats (a name we lack is a format we
cannot give, like an Accept we cannot meet). ``?event=publish|register|hide`` sets the event
of ``datacite-rest`` (default publish; any other value is 400). Unknown and non-public DOIs
get the same 404, deleted records 410. Answers carry a strong ETag (content hash + format),
Last-Modified (the record's datestamp), the configured Cache-Control and ``Vary: Accept``,
and honour If-None-Match and If-Modified-Since with 304.

Bulk: ``?since=`` (inclusive; YYYY-MM-DD or a date-time with seconds and a zone), ``?set=``
(a setSpec, its descendants included), ``?format=ndjson|zip`` or Accept
application/x-ndjson | application/zip, ``?event=`` for NDJSON; anything else is 400.
NDJSON: one stored DataCite REST payload per live record and, for a deleted one,
``{"doi": ..., "deleted": true, "datestamp": ...}`` so a pipeline can hide the DOI. ZIP: one
DataCite XML file per live record, named by the percent-encoded DOI plus ``.xml``. Records
come in datestamp order; one changed during the export is sent again at the end, never
skipped. A pipeline passes the start time of its previous run as ``since``, less a margin
for sync's write delay: a record sent twice costs an idempotent update, a missed one a stale
DOI.

Both answer GET (and HEAD) from any origin (CORS). Errors are problem+json (``problems``).
"""
from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from gateway import web
from gateway.rendering import export_key
from gateway.store.base import StoredRecord

from . import arguments, bulk, negotiation, problems, validators
from .events import with_event
from .formats import BULK_OFFERS, DATACITE_REST, RECORD_OFFERS, ZIP, content_type

log = logging.getLogger(__name__)

ZIP_FILE_NAME = "datacite-xml.zip"

# Beyond the CORS-safelisted ones: a script reads ETag for If-None-Match, and the ZIP's name.
_EXPOSED = "ETag, Content-Disposition"

blueprint = Blueprint("export", __name__)

web.open_to_any_origin(blueprint, _EXPOSED, "Accept, If-None-Match, If-Modified-Since")
web.answer_store_failures(blueprint)


@blueprint.get("/export/<anything:doi>", merge_slashes=False)
def one_record(doi: str) -> Response:
    # The DOI arrives decoded once (by the WSGI server) and is used as it is.
    try:  # a repeated argument is refused, as on the bulk endpoint: which one was meant?
        format_name = arguments.single(request.args, "format")
        event = arguments.parse_event(arguments.single(request.args, "event"))
    except arguments.ArgumentError as error:
        return web.bad_request(str(error))
    choice = negotiation.select(format_name, request.headers.get("Accept"), RECORD_OFFERS)
    if choice is None:
        return problems.not_acceptable(RECORD_OFFERS)
    key = export_key(choice.name)
    record = web.stored_record(doi, key)
    if record is None:
        return _cacheable(web.not_found())
    if record.deleted:
        return _cacheable(web.gone())
    if key not in record.formats:
        log.error("%s has no stored %s rendering; a full sync renders it", doi, key)
        return web.unavailable("This format of the record is not rendered yet.")
    return _cacheable(_representation(record, choice, event))


def _representation(record: StoredRecord, choice: negotiation.Choice, event: str) -> Response:
    tag = validators.etag(record.content_hash, choice, event)
    if web.not_modified(tag, record.datestamp):
        response = Response(status=304)
    else:
        body = record.formats[export_key(choice.name)]
        if choice.name == DATACITE_REST:
            body = with_event(body, event)
        response = Response(body, content_type=content_type(choice.media_type))
    response.set_etag(tag)
    response.last_modified = record.datestamp
    return response


def _cacheable(response: Response) -> Response:
    # 404 and 410 are cacheable by default (RFC 9110 §15.1), so they get the policy too.
    response.headers["Cache-Control"] = web.app_settings().export_cache_control
    return response


@blueprint.get("/export")
def all_records() -> Response:
    try:
        window = arguments.bulk_window(request.args, web.app_settings().export_page_size)
        event = arguments.parse_event(arguments.single(request.args, "event"))
        format_name = arguments.single(request.args, "format")
    except arguments.ArgumentError as error:
        return web.bad_request(str(error))
    choice = negotiation.select(format_name, request.headers.get("Accept"), BULK_OFFERS)
    if choice is None:
        return problems.not_acceptable(BULK_OFFERS)
    if choice.name == ZIP:
        response = Response(bulk.zip_archive(web.app_store(), window), content_type=choice.media_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{ZIP_FILE_NAME}"'
    else:
        response = Response(bulk.ndjson(web.app_store(), window, event), content_type=choice.media_type)
    # The window's contents change with every sync: caches must ask each time.
    response.headers["Cache-Control"] = "no-cache"
    return response


@blueprint.after_request
def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response
