"""ETag and Last-Modified of a single-record answer, and the conditional requests on them."""
from __future__ import annotations

from .events import DEFAULT_EVENT
from .formats import DATACITE_REST
from .negotiation import Choice


def etag(content_hash: str, choice: Choice, event: str = DEFAULT_EVENT) -> str:
    """A strong tag (unquoted): the record's content hash and what sets these bytes apart
    from the record's other representations. Each representation gets its own tag, so a
    cache holding several (Vary: Accept) revalidates the right one."""
    parts = [content_hash, choice.name]
    if choice.name == DATACITE_REST and event != DEFAULT_EVENT:
        parts.append(event)
    if choice.alias:
        parts.append(choice.media_type)  # same bytes, other Content-Type
    return ".".join(parts)
