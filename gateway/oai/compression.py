"""Content-Encoding negotiation for OAI responses (P7): gzip or deflate when the client
asks for it, identity otherwise. Identify advertises the two."""
from __future__ import annotations

import gzip
import zlib

# Server preference when the client rates encodings equally.
_PREFERENCE = ("gzip", "deflate", "identity")
_ALIASES = {"x-gzip": "gzip"}
# Level 6: nearly the size of level 9 at a fraction of the time on XML.
_LEVEL = 6


def _q(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if 0.0 <= value <= 1.0 else 0.0


def _ratings(header: str) -> dict[str, float]:
    ratings: dict[str, float] = {}
    for item in header.split(","):
        name, *params = (piece.strip() for piece in item.split(";"))
        if not name:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                q = _q(value.strip())
        ratings[_ALIASES.get(name.lower(), name.lower())] = q
    return ratings


def choose_encoding(accept_encoding: str | None) -> str | None:
    """``"gzip"``, ``"deflate"`` or None for identity, which is also the answer when the
    client refuses everything: identity must always work (P7)."""
    if not accept_encoding:
        return None
    ratings = _ratings(accept_encoding)
    wildcard = ratings.get("*")

    def rating(name: str) -> float:
        if name in ratings:
            return ratings[name]
        if wildcard is not None:
            return wildcard
        return 1.0 if name == "identity" else 0.0

    best = max(_PREFERENCE, key=lambda name: (rating(name), -_PREFERENCE.index(name)))
    return None if best == "identity" or rating(best) <= 0 else best


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=_LEVEL, mtime=0)
    if encoding == "deflate":
        # HTTP "deflate" is the zlib format (RFC 9110 8.4.1.2), not raw deflate
        return zlib.compress(body, _LEVEL)
    raise ValueError(f"unsupported encoding {encoding!r}")
