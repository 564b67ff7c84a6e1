"""Query arguments of the export endpoints, parsed strictly.

A bulk request with a misspelt or repeated argument is refused (400) rather than read as
a wider window: ``?sinse=2025-01-01`` must not quietly export everything.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from werkzeug.datastructures import MultiDict

from gateway.store.base import PageQuery
from mappings.serializers.datacite_json import EVENTS

from .events import DEFAULT_EVENT

BULK_ARGUMENTS = ("format", "since", "set", "event")

# ISO 8601 calendar date, or date and time with seconds and a zone (Z or +hh:mm): a time
# without a zone would be read differently by client and server. [0-9], not \d, which also
# takes non-ASCII digits.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
                       r"(Z|[+-][0-9]{2}:[0-9]{2})")
# OAI-PMH setSpec syntax: colon-separated URI-unreserved tokens.
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")


class ArgumentError(ValueError):
    """A query argument is unknown, repeated or malformed (HTTP 400)."""


def single(args: MultiDict, name: str) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        raise ArgumentError(f"{name} is given more than once")
    return values[0] if values else None


def check_known(args: MultiDict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise ArgumentError(f"unknown argument {unknown[0]!r}; the arguments are {', '.join(allowed)}")


def parse_since(text: str) -> datetime:
    """A UTC moment; a date alone means its first second, UTC."""
    if not (_DATE.fullmatch(text) or _DATETIME.fullmatch(text)):
        raise ArgumentError(f"since={text!r}: give YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ "
                            "(or a +hh:mm offset instead of Z)")
    try:
        moment = datetime.fromisoformat(text)  # also checks the calendar: no 2025-02-30
    except ValueError:
        raise ArgumentError(f"since={text!r} is not a real date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_set(text: str) -> str:
    if not _SET_SPEC.fullmatch(text):
        raise ArgumentError(f"set={text!r} is not a setSpec (as listed by OAI-PMH ListSets)")
    return text


def parse_event(text: str | None) -> str:
    if text is None:
        return DEFAULT_EVENT
    if text not in EVENTS:
        raise ArgumentError(f"event={text!r}: use one of {', '.join(EVENTS)}")
    return text


def bulk_window(args: MultiDict, page_size: int) -> PageQuery:
    """The records a bulk request covers: changed since (inclusive), in a set, or all."""
    check_known(args, BULK_ARGUMENTS)
    since, set_spec = single(args, "since"), single(args, "set")
    return PageQuery(set_spec=None if set_spec is None else parse_set(set_spec),
                     from_=None if since is None else parse_since(since),
                     limit=page_size)
