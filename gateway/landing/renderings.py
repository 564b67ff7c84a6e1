"""What sync stores per live record for the landing and quality endpoints.

Registered in ``gateway.rendering.STORED_RENDERINGS``: each is a function of the mapping
result (and settings) to bytes, stored beside the OAI and export renderings, so a request
only reads bytes. Like every stored rendering, they are part of the record's content hash.
"""
from __future__ import annotations

from gateway.config import Settings
from gateway.quality import record_report
from mappings.datacite import MappingResult

from .document import json_bytes, landing_document, thumbnail_bytes
from .page import render_page

LANDING = "landing"
LANDING_HTML = "landing:html"
QUALITY = "quality"
THUMBNAIL = "thumbnail"


def _landing(result: MappingResult, settings: Settings) -> bytes:
    return json_bytes(landing_document(result, settings))


def _landing_html(result: MappingResult, settings: Settings) -> bytes:
    return render_page(landing_document(result, settings))


def _thumbnail(result: MappingResult, settings: Settings) -> bytes:
    return thumbnail_bytes(result)


def _quality(result: MappingResult, settings: Settings) -> bytes:
    return report_bytes(record_report(result))


def report_bytes(report: dict) -> bytes:
    return json_bytes(report)


LANDING_RENDERINGS = {LANDING: _landing, LANDING_HTML: _landing_html, QUALITY: _quality,
                      THUMBNAIL: _thumbnail}
