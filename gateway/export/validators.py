"""ETag and Last-Modified of a single-record answer, and the conditional requests on them."""
from __future__ import annotations

from datetime import datetime

from werkzeug.wrappers import Request

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


def not_modified(request: Request, tag: str, last_modified: datetime) -> bool:
    """True for a 304. If-None-Match, when sent, decides alone (RFC 9110 §13.2.2) and is
    compared weakly (§13.1.2); If-Modified-Since is then ignored."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(tag)
    since = request.if_modified_since  # None when absent or not an HTTP date
    return since is not None and last_modified <= since
