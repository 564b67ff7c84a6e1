"""What the citation formats (text, CSL-JSON, BibTeX, RIS, schema.org) read from a record.

Small accessors over the canonical record, so every citation format agrees on which title
is "the" title, which date is the publication date and how a DOI becomes a link. They
tolerate a malformed record (wrong types are skipped) because a landing page must render
even for a record that failed a rule.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from mappings.names import ETAL

DOI_RESOLVER = "https://doi.org/"
# Characters a DOI may contain that would break or change a URL; everything else is kept
# readable (DOI handbook: encode "%", "#", "?", space, quotes and angle brackets).
_DOI_URL_SAFE = "/:;()._-~!$&'*+,=@[]"
_SPACES = re.compile(r"\s+")
_DATE_PARTS = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def objects(record: dict, key: str) -> list[dict]:
    value = record.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def one_line(value: object) -> str | None:
    """Whitespace (line breaks included) collapsed: line-based formats cannot carry breaks."""
    return (_SPACES.sub(" ", value).strip() or None) if isinstance(value, str) else None


def doi_url(doi: str) -> str:
    return DOI_RESOLVER + quote(doi, safe=_DOI_URL_SAFE)


def named_creators(record: dict) -> list[dict]:
    """Creators with a name, without DataCite's ":etal" marker."""
    return [c for c in objects(record, "creators") if text(c.get("name")) and c["name"] != ETAL]


def has_etal(record: dict) -> bool:
    return any(c.get("name") == ETAL for c in objects(record, "creators"))


def person_parts(person: dict) -> tuple[str, str | None] | None:
    """(familyName, givenName) of a person, or None for an organisation or an unsplit name."""
    family = one_line(person.get("familyName"))
    if person.get("nameType") == "Organizational" or not family:
        return None
    return family, one_line(person.get("givenName"))


def title(record: dict) -> str | None:
    """The main title: the first without a titleType, else the first of any type."""
    titles = objects(record, "titles")
    main = [t for t in titles if not t.get("titleType")] or titles
    return next((one_line(t.get("title")) for t in main if one_line(t.get("title"))), None)


def abstract(record: dict) -> str | None:
    for description in objects(record, "descriptions"):
        if description.get("descriptionType") == "Abstract" and text(description.get("description")):
            return text(description["description"])
    return None


def publisher(record: dict) -> str | None:
    value = record.get("publisher")
    return one_line(value.get("name")) if isinstance(value, dict) else one_line(value)


def year(record: dict) -> str | None:
    return text(record.get("publicationYear"))


def dated(record: dict, date_type: str) -> str | None:
    """The first date of ``date_type`` as written (a date, date-time or range)."""
    for entry in objects(record, "dates"):
        if entry.get("dateType") == date_type and text(entry.get("date")):
            return text(entry["date"])
    return None


def issued_parts(record: dict) -> list[int]:
    """[year, month?, day?] of publication.

    The Issued date is used only when it falls in publicationYear: every citation format
    must show the year DataCite's own citation shows, which is publicationYear.
    """
    pub_year = year(record)
    issued = _DATE_PARTS.match(dated(record, "Issued") or "")
    if issued and (pub_year is None or issued.group(1) == pub_year):
        return [int(p) for p in issued.groups() if p]
    return [int(pub_year)] if pub_year and pub_year.isdigit() else []


def keywords(record: dict) -> list[str]:
    found = (one_line(s.get("subject")) for s in objects(record, "subjects"))
    return list(dict.fromkeys(k for k in found if k))


def version(record: dict) -> str | None:
    return one_line(record.get("version"))


def language(record: dict) -> str | None:
    return text(record.get("language"))
