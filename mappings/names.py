"""Plain-text names from SciCat (v3 ``creator`` strings): persons, organisations, "et al."."""
from __future__ import annotations

import functools
import re
import unicodedata

ETAL = ":etal"  # DataCite's standard value for "too numerous to list"

_ETAL_FORMS = {"al.", "al", "et al.", "et al", "et. al.", "et.al.", "and others", "others", "et alii", "et alia"}
# Words that mark a name as an organisation rather than a person.
_ORG_WORDS = {
    "university", "universität", "universitat", "université", "universidad", "università",
    "institute", "institut", "instituto", "istituto", "laboratory", "laboratories", "lab",
    "centre", "center", "centro", "facility", "source", "eric", "gmbh", "ltd", "inc", "ag",
    "team", "group", "collaboration", "consortium", "department", "dept", "synchrotron",
    "society", "foundation", "council", "agency", "school", "college", "hospital",
    "observatory", "project", "network", "division", "office", "company", "corporation",
    "association", "academy", "ministry", "helmholtz", "fraunhofer", "cnrs", "infrastructure",
}
# Lower-case particles that belong to the family name ("van der Waals").
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "ten", "ter", "dos", "das", "zu", "af", "av"}
_ACRONYM = re.compile(r"^[A-Z0-9&/.\-]{2,}$")


def is_etal(name: str) -> bool:
    return name.strip().casefold() in _ETAL_FORMS


@functools.lru_cache(maxsize=65536)
def looks_organisational(name: str) -> bool:
    """True for names such as "ESS", "UKRI/ISIS" or "Paul Scherrer Institute"."""
    if _ACRONYM.match(name.replace(" ", "")) and " " not in name.strip():
        return True
    words = {w.strip(".,()").casefold() for w in name.split()}
    return bool(words & _ORG_WORDS)


@functools.lru_cache(maxsize=65536)
def split_person(name: str) -> tuple[str | None, str | None]:
    """(givenName, familyName) of a person's name, or (None, None) when it cannot be split.

    "Last, First" and "First [particles] Last" are understood; a single word is left whole.
    """
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), given.strip()
        return (given or None, family or None) if family and given and "," not in given else (None, None)
    words = name.split()
    if len(words) < 2:
        return None, None
    start = len(words) - 1
    while start > 1 and words[start - 1].casefold() in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def display_name(given: str | None, family: str | None, fallback: str) -> str:
    """DataCite's preferred "Family, Given" form when both parts are known."""
    return f"{family}, {given}" if given and family else fallback


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A comparison key under which "Borisova, Elena" and "Elena Borisova" are the same person."""
    given, family = split_person(name)
    text = f"{family} {given}" if given and family else name
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
