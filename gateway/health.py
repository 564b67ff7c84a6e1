"""``GET /healthz``: liveness plus whether the record store answers."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify

from gateway.web import app_store

log = logging.getLogger(__name__)

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    store = app_store()
    try:
        store.earliest_datestamp()
    except Exception:  # any failure means "not reachable"; the log has the details
        log.exception("record store health check failed")
        return jsonify(status="unavailable", store="unreachable"), 503
    return jsonify(status="ok", store="ok")
