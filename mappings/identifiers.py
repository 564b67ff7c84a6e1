"""Recognising and normalising persistent identifiers: DOI, ORCID, ROR, Handle, URL, SPDX."""
from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

ORCID_BASE = "https://orcid.org/"
ORCID_SCHEME_URI = "https://orcid.org"
ROR_BASE = "https://ror.org/"
ROR_SCHEME_URI = "https://ror.org"

_ORCID = re.compile(
    r"^(?:(?:https?://)?(?:www\.)?orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])/?$", re.I
)
_ROR = re.compile(r"^(?:(?:https?://)?(?:www\.)?ror\.org/)?(0[0-9a-hj-km-np-tv-z]{6}\d{2})/?$", re.I)
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.I)
_HANDLE = re.compile(r"^(?:hdl:|(?:https?://)?hdl\.handle\.net/)?(\d+(?:\.\d+)*/\S+)$", re.I)
# DOIs and URLs inside free text (related publications). Trailing punctuation is trimmed after.
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_URL_IN_TEXT = re.compile(r"https?://[^\s\"<>]+", re.I)
_TRAILING = ".,;:)]}'"
_SPACE = re.compile(r"\s")


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 mod 11-2 check of a 16-character ORCID without hyphens."""
    head = digits[:15]
    if len(head) == 15 and head.isascii() and head.isdigit():
        # The sum below is 2 * (d0 * 2**14 + d1 * 2**13 + ... + d14). As 13 = 2 (mod 11),
        # the digits read as a base-13 number leave the same remainder as that bracket.
        remainder = 2 * int(head, 13) % 11
    else:
        total = 0
        for ch in head:
            total = (total + int(ch)) * 2
        remainder = total % 11
    check = (12 - remainder) % 11
    return digits[15].upper() == ("X" if check == 10 else str(check))


def normalize_orcid(value: object) -> str | None:
    """``https://orcid.org/NNNN-NNNN-NNNN-NNNC`` (C a digit or X) for any accepted form with a valid checksum."""
    return _normal_orcid(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=16384)
def _normal_orcid(value: str) -> str | None:
    match = _ORCID.match(value.strip())
    if not match:
        return None
    digits = "".join(match.groups()).upper()
    if not orcid_checksum_ok(digits):
        return None
    return f"{ORCID_BASE}{digits[:4]}-{digits[4:8]}-{digits[8:12]}-{digits[12:]}"


def _ror_checksum_ok(body: str) -> bool:
    number = 0
    for ch in body[1:7]:
        number = number * 32 + _CROCKFORD.index(ch)
    return int(body[7:]) == 98 - (number * 100) % 97


def normalize_ror(value: object) -> str | None:
    """``https://ror.org/0xxxxxxNN`` for a ROR id in any usual form with a valid checksum."""
    return _normal_ror(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=16384)
def _normal_ror(value: str) -> str | None:
    match = _ROR.match(value.strip())
    if not match:
        return None
    body = match.group(1).lower()
    return ROR_BASE + body if _ror_checksum_ok(body) else None


def normalize_doi(value: object) -> str | None:
    """The bare ``10.xxxx/yyy`` form of a DOI given bare, as ``doi:`` or as a resolver URL."""
    return _normal_doi(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=16384)
def _normal_doi(value: str) -> str | None:
    if "10." not in value:  # every DOI starts so, after any prefix
        return None
    text = value.strip()
    if not text.startswith("10."):  # no prefix to remove from a bare DOI
        text = _DOI_PREFIXES.sub("", text)
    return text if _DOI.match(text) else None


def normalize_handle(value: object) -> str | None:
    """A Handle (``prefix/suffix`` with a numeric prefix such as ``20.500.12269``), not a DOI."""
    if not isinstance(value, str):
        return None
    match = _HANDLE.match(value.strip())
    if not match or match.group(1).startswith("10."):
        return None
    return match.group(1)


def is_http_url(value: object) -> bool:
    return isinstance(value, str) and _is_http_url(value)


@functools.lru_cache(maxsize=16384)
def _is_http_url(value: str) -> bool:
    if _SPACE.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def classify(value: object) -> tuple[str, str] | None:
    """(relatedIdentifierType, identifier) for a DOI, Handle or URL; None otherwise."""
    doi = normalize_doi(value)
    if doi:
        return "DOI", doi
    handle = normalize_handle(value)
    if handle:
        return "Handle", handle
    if is_http_url(value):
        return "URL", value.strip()
    return None


def _trim(candidate: str) -> str:
    while candidate and candidate[-1] in _TRAILING:
        # keep a closing bracket that has its opening partner inside the identifier
        if candidate[-1] == ")" and candidate.count("(") >= candidate.count(")"):
            break
        candidate = candidate[:-1]
    return candidate


def find_identifiers(text: str) -> list[tuple[str, str]]:
    """DOIs and URLs mentioned in a free-text citation, DOIs first, without duplicates.

    A URL that is a DOI resolver link counts as the DOI.
    """
    found: list[tuple[str, str]] = []
    for raw in _URL_IN_TEXT.findall(text):
        item = classify(_trim(raw))
        if item and item not in found:
            found.append(item)
    for raw in _DOI_IN_TEXT.findall(text):
        doi = _trim(raw)
        if _DOI.match(doi) and ("DOI", doi) not in found:
            found.append(("DOI", doi))
    dois = {value for kind, value in found if kind == "DOI"}
    urls = [item for item in found if item[0] != "DOI" and not _is_resolver_for(item[1], dois)]
    return [item for item in found if item[0] == "DOI"] + urls


def _is_resolver_for(url: str, dois: set[str]) -> bool:
    return any(url.endswith(doi) for doi in dois)


# Licences seen in SciCat datasets, by SPDX id (lower-case key), with their canonical URL.
SPDX_LICENSES = {
    "cc-by-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/legalcode"),
    "cc-by-sa-4.0": ("Creative Commons Attribution Share Alike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/legalcode"),
    "cc-by-nc-4.0": ("Creative Commons Attribution Non Commercial 4.0 International", "https://creativecommons.org/licenses/by-nc/4.0/legalcode"),
    "cc-by-nd-4.0": ("Creative Commons Attribution No Derivatives 4.0 International", "https://creativecommons.org/licenses/by-nd/4.0/legalcode"),
    "cc-by-nc-sa-4.0": ("Creative Commons Attribution Non Commercial Share Alike 4.0 International", "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode"),
    "cc-by-3.0": ("Creative Commons Attribution 3.0 Unported", "https://creativecommons.org/licenses/by/3.0/legalcode"),
    "cc0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/legalcode"),
    "mit": ("MIT License", "https://opensource.org/licenses/MIT"),
    "apache-2.0": ("Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
    "bsd-3-clause": ("BSD 3-Clause \"New\" or \"Revised\" License", "https://opensource.org/licenses/BSD-3-Clause"),
    "gpl-3.0-or-later": ("GNU General Public License v3.0 or later", "https://www.gnu.org/licenses/gpl-3.0-standalone.html"),
    "odbl-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
SPDX_SCHEME_URI = "https://spdx.org/licenses/"


def spdx_license(value: object) -> tuple[str, str, str] | None:
    """(SPDX id in DataCite's lower-case form, name, URL) for a known SPDX licence id."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    entry = SPDX_LICENSES.get(key)
    return (key, *entry) if entry else None
