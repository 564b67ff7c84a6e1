"""A publication's thumbnail: which SciCat values are an image a landing page may show.

SciCat keeps the thumbnail as a base64 ``data:`` URI of up to 16 MB, in ``thumbnail`` (v3 and
migrated documents) or ``metadata.thumbnail`` (v4 API writes); test databases hold words
such as "random". Only a raster image whose bytes match its declared type is kept, so the
gateway never serves markup (an SVG can carry script) under an image's name. A plain http(s)
URL is kept as a reference to an image the facility hosts itself.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from . import identifiers as ids
from .problems import WARNING, Problem
from .text import contains_email

# Decoded bytes a landing page thumbnail may have. SciCat's frontend stores small previews;
# anything much larger is a misplaced full image and is not worth storing a copy of.
MAX_BYTES = 1024 * 1024
# The longest value worth reading at all: a data URI of MAX_BYTES, with room for its prefix.
MAX_CHARS = 4 * (MAX_BYTES // 3 + 1) + 256

# Leading bytes of each image type accepted (file signatures).
_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),  # and "WEBP" at offset 8, checked below
}
_DATA_URI = re.compile(r"data:(image/[a-z0-9.+-]+)((?:;[a-z0-9-]+=[^;,]*)*);base64,", re.IGNORECASE)
_FIELD = "thumbnail"


@dataclass(frozen=True)
class Oversized:
    """Stands for a stored value longer than MAX_CHARS, which a reader did not load."""

    length: int


@dataclass(frozen=True)
class Thumbnail:
    """An image to serve (``data``) or an image hosted elsewhere (``url``)."""

    media_type: str | None = None
    data: bytes = b""
    url: str | None = None


def read(published: object) -> tuple[Thumbnail | None, list[Problem]]:
    """The thumbnail of a raw PublishedData document: top level first, as SciCat reads it."""
    if not isinstance(published, dict):
        return None, []
    meta = published.get("metadata")
    for doc in (published, meta if isinstance(meta, dict) else {}):
        value = doc.get(_FIELD)
        if not _is_empty(value):
            return parse(value)
    return None, []


def parse(value: object) -> tuple[Thumbnail | None, list[Problem]]:
    if _is_empty(value):
        return None, []
    if isinstance(value, Oversized):
        return None, [_problem("thumbnail-too-large",
                               f"the thumbnail is {value.length} characters long; at most "
                               f"{MAX_CHARS} are read", WARNING)]
    if not isinstance(value, str):
        return None, [_problem("thumbnail-unusable", "the thumbnail is not text", WARNING)]
    text = value.strip()
    if ids.is_http_url(text):
        if contains_email(text):
            return None, [_problem("thumbnail-unusable", "the thumbnail URL holds an e-mail address", WARNING)]
        return Thumbnail(url=text), []
    return _image(text)


def media_type_of(data: bytes) -> str | None:
    """The accepted image type these bytes start with, if any."""
    for media_type, signatures in _SIGNATURES.items():
        if data.startswith(signatures) and (media_type != "image/webp" or data[8:12] == b"WEBP"):
            return media_type
    return None


def _image(text: str) -> tuple[Thumbnail | None, list[Problem]]:
    match = _DATA_URI.match(text)
    if match is None:
        return None, [_problem("thumbnail-unusable",
                               "the thumbnail is neither a base64 image data URI nor an http(s) URL",
                               WARNING)]
    declared = match.group(1).lower()
    if declared not in _SIGNATURES:
        return None, [_problem("thumbnail-unusable", f"thumbnails of type {declared} are not served",
                               WARNING)]
    try:
        data = base64.b64decode("".join(text[match.end():].split()), validate=True)
    except (binascii.Error, ValueError):
        return None, [_problem("thumbnail-unusable", "the thumbnail's base64 text is not valid", WARNING)]
    if len(data) > MAX_BYTES:
        return None, [_problem("thumbnail-too-large",
                               f"the thumbnail has {len(data)} bytes; at most {MAX_BYTES} are served",
                               WARNING)]
    if media_type_of(data) != declared:
        return None, [_problem("thumbnail-unusable", f"the thumbnail's bytes are not {declared}", WARNING)]
    return Thumbnail(media_type=declared, data=data), []


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _problem(code: str, message: str, severity: str) -> Problem:
    return Problem(code, _FIELD, message, severity)
