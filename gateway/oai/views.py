"""The ``/oai`` endpoint: GET and POST alike (P1, P2), errors with HTTP 200 (P5),
text/xml (P4), optional compression (P7), 503 + Retry-After when the store is down (P6)."""
from __future__ import annotations

import logging
import sqlite3

from flask import Blueprint, Response, current_app, request
from pymongo.errors import PyMongoError

from gateway.oai.compression import choose_encoding, compress
from gateway.oai.datestamps import utc_now
from gateway.oai.service import OAIRepository

log = logging.getLogger(__name__)

EXTENSION = "gateway.oai"
CONTENT_TYPE = "text/xml; charset=UTF-8"
RETRY_AFTER_SECONDS = 30

# Failures of the record store, not of the request: harvesters should come back later.
STORE_ERRORS = (sqlite3.Error, PyMongoError)

blueprint = Blueprint("oai", __name__)


@blueprint.route("", methods=["GET", "POST"])
def endpoint() -> Response:
    started = utc_now()  # responseDate is the start of the request (P11)
    repository: OAIRepository = current_app.extensions[EXTENSION]
    try:
        # request.values: the query string and, for POST, the form body, as one
        # multi-dict so repeated arguments stay visible (P14, P15)
        body = repository.respond(request.values, started)
    except STORE_ERRORS:
        log.exception("record store unavailable")
        return Response("The record store is unavailable; retry later.\n", status=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                        content_type="text/plain; charset=UTF-8")
    response = Response(body, content_type=CONTENT_TYPE)
    encoding = choose_encoding(request.headers.get("Accept-Encoding"))
    if encoding is not None:
        response.set_data(compress(body, encoding))
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response
