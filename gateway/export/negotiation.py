"""Which representation a request asks for: ``?format=`` by name, else ``Accept``.

``Accept`` is read as RFC 9110 §12.5.1 says:
- q-values from 0 to 1 with at most three decimals; q=0 means "not this one";
- a media type takes the q of the most specific range matching it (exact, ``type/*``,
  ``*/*``), so ``*/*, application/xml;q=0`` refuses XML and takes anything else;
- ties go to the server: the order of the offers, then of each offer's media types;
- no ``Accept`` at all, or nothing readable in it, accepts anything;
- parameters other than q are ignored (DataCite's ``style`` and ``locale`` on
  text/x-bibliography included: there is one citation style here);
- a malformed range is skipped, as if it had not been sent.
``?format=`` wins over ``Accept``; a name that is not offered chooses nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    name: str
    media_types: tuple[str, ...]    # the canonical one first, then aliases


@dataclass(frozen=True)
class Choice:
    name: str
    media_type: str                 # the one the client asked for, so it gets what it accepts
    alias: bool = False             # not the offer's canonical media type


@dataclass(frozen=True)
class _Range:
    kind: str
    subtype: str
    q: float

    def specificity(self, kind: str, subtype: str) -> int:
        """2 exact, 1 ``type/*``, 0 ``*/*``, -1 no match."""
        if self.kind == "*":
            return 0
        if self.kind != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == subtype else -1


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")
_QVALUE = re.compile(r"0(\.[0-9]{0,3})?|1(\.0{0,3})?")


def _parse_range(text: str) -> _Range | None:
    media, *params = text.split(";")
    kind, slash, subtype = media.strip().lower().partition("/")
    if not slash or not _TOKEN.fullmatch(kind) or not _TOKEN.fullmatch(subtype):
        return None
    if kind == "*" and subtype != "*":
        return None
    q = 1.0
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            value = value.strip()  # what is checked is what is read
            if not _QVALUE.fullmatch(value):
                return None
            q = float(value)
    return _Range(kind, subtype, q)


def parse_accept(header: str) -> list[_Range]:
    # Splitting on commas misreads a quoted parameter holding one; such a range is then
    # malformed and skipped, which only loses a parameter this module ignores anyway.
    return [r for r in map(_parse_range, header.split(",")) if r is not None]


def quality(ranges: list[_Range], media_type: str) -> float:
    kind, _, subtype = media_type.partition("/")
    best_specificity, best_q = -1, 0.0
    for candidate in ranges:
        specificity = candidate.specificity(kind, subtype)
        if specificity < 0:
            continue
        if specificity > best_specificity or (specificity == best_specificity and candidate.q > best_q):
            best_specificity, best_q = specificity, candidate.q
    return best_q


def negotiate(accept: str | None, offers: tuple[Offer, ...]) -> Choice | None:
    ranges = parse_accept(accept) if accept else []
    if not ranges:
        return Choice(offers[0].name, offers[0].media_types[0])
    best, best_q = None, 0.0
    for offer in offers:
        for media_type in offer.media_types:
            q = quality(ranges, media_type)
            if q > best_q:  # strictly greater: a tie keeps the earlier, preferred one
                best = Choice(offer.name, media_type, media_type != offer.media_types[0])
                best_q = q
    return best


def by_name(name: str, offers: tuple[Offer, ...]) -> Choice | None:
    for offer in offers:
        if offer.name == name:
            return Choice(offer.name, offer.media_types[0])
    return None


def select(format_name: str | None, accept: str | None, offers: tuple[Offer, ...]) -> Choice | None:
    """The representation to send, or None for 406."""
    if format_name is not None:
        return by_name(format_name, offers)
    return negotiate(accept, offers)
