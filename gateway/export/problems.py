"""Error answers as RFC 9457 problem details (application/problem+json).

Bodies name no DOI: the 404 for an unknown DOI and for one that is not public must be the
same bytes, or the difference would tell that the private one exists.
"""
from __future__ import annotations

import json

from flask import Response
from werkzeug.http import HTTP_STATUS_CODES

from .negotiation import Offer

PROBLEM_JSON = "application/problem+json"


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


def not_acceptable(offers: tuple[Offer, ...]) -> Response:
    formats = [{"format": offer.name, "mediaTypes": list(offer.media_types)} for offer in offers]
    return problem(406, "None of the requested formats is available; ask for one of these "
                   "by ?format=NAME or by Accept.", formats=formats)


def unavailable(detail: str, retry_after: int) -> Response:
    return problem(503, detail, headers={"Retry-After": str(retry_after)})
