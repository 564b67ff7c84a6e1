"""``GET /healthz``: liveness plus whether the record store answers."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify

log = logging.getLogger(__name__)

STORE_EXTENSION = "gateway.store"

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    store = current_app.extensions[STORE_EXTENSION]
    try:
        store.earliest_datestamp()
    except Exception:  # any failure means "not reachable"; the log has the details
        log.exception("record store health check failed")
        return jsonify(status="unavailable", store="unreachable"), 503
    return jsonify(status="ok", store="ok")
