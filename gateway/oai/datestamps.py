"""UTC datestamps: the two OAI-PMH forms, parsed strictly (P25-P30)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"

# [0-9] rather than \d: \d also matches non-ASCII digits, which the spec does not allow.
_FORMS = {
    DAY: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "%Y-%m-%d"),
    SECONDS: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"),
              "%Y-%m-%dT%H:%M:%SZ"),
}


def format_datestamp(value: datetime) -> str:
    """The repository's granularity (seconds), always with the Z designator (P11, P31)."""
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_now() -> datetime:
    """Now in UTC, truncated to whole seconds as every datestamp is."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_datestamp(text: str) -> tuple[datetime, str]:
    """``(moment, granularity)`` for a request date; ValueError for anything else.

    Only the two spec forms are accepted, each with its exact digit counts, and the
    calendar is checked (no 2021-02-30, no hour 24).
    """
    for granularity, (pattern, layout) in _FORMS.items():
        if pattern.fullmatch(text):
            moment = datetime.strptime(text, layout)  # raises for impossible dates
            return moment.replace(tzinfo=timezone.utc), granularity
    raise ValueError(f"{text!r} is neither {DAY} nor {SECONDS}")


def end_of_day(value: datetime) -> datetime:
    """The last second of the UTC day: a day-granular ``until`` covers that whole day (P30)."""
    return value.replace(hour=0, minute=0, second=0) + timedelta(days=1, seconds=-1)
