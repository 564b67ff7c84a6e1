"""Canonical record -> a plain-text citation in DataCite's recommended form.

    Creators (PublicationYear). Title. Version. Publisher. https://doi.org/DOI

- Creators are written in full, family name first ("Andersson, Maja"), separated by "; ".
  Full names rather than initials: initials make different people look alike and cannot
  be derived reliably from every given name; the semicolon keeps "Family, Given" pairs
  apart. Organisations and names the record could not split appear as they are.
- DataCite's ":etal" marker becomes "et al.". Longer lists are cut to the first 19 names
  followed by "et al." (as APA does past 20), so a collaboration's citation stays readable.
- The version is prefixed "Version" unless it says so itself; the DOI ends the citation
  as a resolver URL, without a full stop that would be copied into the link.
"""
from __future__ import annotations

from mappings.serializers import citing

MAX_CREATORS = 20
SHOWN_WHEN_CUT = 19
ET_AL = "et al."
_TERMINAL = (".", "?", "!")


def to_text(record: dict) -> str:
    names = creators(record)
    title, year = citing.title(record), citing.year(record)
    head = [f"{names} ({year})" if year else names, title] if names else [f"{title} ({year})" if year else title]
    sentences = head + [_version(citing.version(record)), citing.publisher(record)]
    text = " ".join(_sentence(s) for s in sentences if s)
    return f"{text} {citing.doi_url(record['doi'])}".strip()


def creators(record: dict) -> str:
    names = [_name(c) for c in citing.named_creators(record)]
    etal = citing.has_etal(record) and bool(names)
    if len(names) > MAX_CREATORS:
        names, etal = names[:SHOWN_WHEN_CUT], True
    return "; ".join(names + [ET_AL] if etal else names)


def _name(creator: dict) -> str:
    parts = citing.person_parts(creator)
    if parts is None:
        return citing.one_line(creator["name"])
    family, given = parts
    return f"{family}, {given}" if given else family


def _version(version: str | None) -> str | None:
    if not version:
        return None
    return version if version.casefold().startswith("version") else f"Version {version}"


def _sentence(part: str) -> str:
    return part if part.endswith(_TERMINAL) else part + "."
