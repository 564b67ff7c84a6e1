"""W3CDTF dates and RKMS-ISO8601 ranges, the forms DataCite accepts in ``dates``."""
from __future__ import annotations

import functools
import re
from datetime import date, datetime

_W3CDTF = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$"
)


def is_w3cdtf(value: str) -> bool:
    match = _W3CDTF.match(value)
    if not match:
        return False
    year, month, day, hour, minute, second, _zone = match.groups()
    try:
        if day:
            date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            return False
        if hour and (int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59):
            return False
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=16384)
def is_date_or_range(value: str) -> bool:
    """A single W3CDTF date, or ``start/end`` where either side may be open (empty)."""
    if "/" not in value:
        return is_w3cdtf(value)
    start, _, end = value.partition("/")
    return bool(start or end) and all(is_w3cdtf(part) for part in (start, end) if part)


def day(moment: datetime) -> str:
    if moment.year >= 1000:  # what strftime writes, without its cost
        return f"{moment.year}-{moment.month:02d}-{moment.day:02d}"
    return moment.strftime("%Y-%m-%d")  # its own way with short years, whatever the platform's


def day_range(start: datetime, end: datetime) -> str:
    """``YYYY-MM-DD/YYYY-MM-DD``, or a single day when both ends fall on it."""
    first, last = day(start), day(end)
    return first if first == last else f"{first}/{last}"
