"""The export endpoints' own problem answer; the shared ones are in ``gateway.web``."""
from __future__ import annotations

from flask import Response

from gateway.web import problem

from .negotiation import Offer


def not_acceptable(offers: tuple[Offer, ...]) -> Response:
    formats = [{"format": offer.name, "mediaTypes": list(offer.media_types)} for offer in offers]
    return problem(406, "None of the requested formats is available; ask for one of these "
                   "by ?format=NAME or by Accept.", formats=formats)
