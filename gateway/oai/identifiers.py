"""oai-identifiers: ``oai:<repositoryIdentifier>:<escaped DOI>`` (P24).

The local part may hold only URI ``uric`` characters. DOIs may contain more (``<``, ``#``,
spaces, non-ASCII ...): those are percent-encoded as UTF-8 with upper-case hex, and ``%``
itself becomes ``%25`` so the escaping can be undone without ambiguity.
"""
from __future__ import annotations

import re
from urllib.parse import quote, unquote

SCHEME = "oai"
DELIMITER = ":"

# RFC 2396 uric = reserved | unreserved | escaped; quote() always keeps A-Z a-z 0-9 - _ . ~
_RESERVED_AND_MARKS = ";/?:@&=+$,!*'()"

# The oai-identifier namespace part: a domain name whose labels start with a letter
# (the pattern of repositoryIdentifier in oai-identifier.xsd).
_DOMAIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*(\.[A-Za-z][A-Za-z0-9\-]*)+")

# What an identifier argument may look like at all: a URI scheme, then only characters
# allowed somewhere in a URI. Anything else cannot be one of ours and must not be echoed.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def escape_local(local: str) -> str:
    """Percent-encode what is not ``uric`` (upper-case hex, UTF-8)."""
    return quote(local, safe=_RESERVED_AND_MARKS)


def unescape_local(escaped: str) -> str:
    """The inverse of escape_local for canonical input."""
    return unquote(escaped, errors="strict")


def is_domain_name(text: str) -> bool:
    return _DOMAIN.fullmatch(text) is not None


def looks_like_uri(text: str) -> bool:
    return _URI.fullmatch(text) is not None


def oai_identifier(repository_identifier: str, local: str) -> str:
    return f"{SCHEME}{DELIMITER}{repository_identifier}{DELIMITER}{escape_local(local)}"


def local_identifier(repository_identifier: str, identifier: str) -> str | None:
    """The DOI behind one of our oai-identifiers, or None when it is not one of ours.

    Identifiers compare as strings (GID 2.3), so only the canonical spelling is ours:
    ``%3c`` instead of ``%3C`` or an escaped character that needs no escaping is unknown.
    """
    prefix = f"{SCHEME}{DELIMITER}{repository_identifier}{DELIMITER}"
    if not identifier.startswith(prefix) or len(identifier) == len(prefix):
        return None
    try:
        local = unescape_local(identifier[len(prefix):])
    except UnicodeDecodeError:
        return None
    if oai_identifier(repository_identifier, local) != identifier:
        return None
    return local
