"""Creators and contributors: names, ORCID identifiers, affiliations (ROR), de-duplication."""
from __future__ import annotations

from . import identifiers as ids
from .names import ETAL, display_name, is_etal, looks_organisational, name_key, split_person
from .problems import Problems
from .vocab import CONTRIBUTOR_TYPES, NAME_TYPES, canonical_term

_ORCID_SCHEMES = {"orcid"}
_ROR_SCHEMES = {"ror"}
_ROR_SCHEMES_OR_NONE = _ROR_SCHEMES | {""}


def name_identifiers(items: list[dict], path: str, problems: Problems) -> list[dict]:
    """The identifiers of the person at ``path`` (item paths are only built for problems)."""
    out: list[dict] = []
    for index, item in enumerate(items):
        value, scheme = item.get("nameIdentifier"), (item.get("nameIdentifierScheme") or "")
        if value is None:
            continue
        if scheme.casefold() in _ORCID_SCHEMES or (not scheme and "orcid" in value.casefold()):
            entry = orcid_identifier(value)
            if entry is None:
                problems.add("invalid-orcid", f"{path}.nameIdentifiers[{index}]",
                             f"{value!r} is not a valid ORCID iD (form or checksum); dropped")
        elif scheme:
            entry = {"nameIdentifier": value, "nameIdentifierScheme": scheme}
            if item.get("schemeUri"):
                entry["schemeUri"] = item["schemeUri"]
        else:
            entry = orcid_identifier(value)
            if entry is None:
                problems.add("name-identifier-without-scheme", f"{path}.nameIdentifiers[{index}]",
                             f"{value!r} has no nameIdentifierScheme; dropped")
        if entry and entry not in out:
            out.append(entry)
    return out


def orcid_identifier(value: str) -> dict | None:
    """The nameIdentifier object for a valid ORCID iD in any accepted form, else None."""
    orcid = ids.normalize_orcid(value)
    if orcid is None:
        return None
    return {"nameIdentifier": orcid, "nameIdentifierScheme": "ORCID", "schemeUri": ids.ORCID_SCHEME_URI}


def affiliations(items: list[dict], path: str, problems: Problems) -> list[dict]:
    """The affiliations of the person at ``path`` (item paths are only built for problems)."""
    out: list[dict] = []
    for index, item in enumerate(items):
        entry = affiliation(item, path, index, problems)
        if entry and entry not in out:
            out.append(entry)
    return out


def affiliation(item: dict, path: str, index: int, problems: Problems) -> dict | None:
    name = item.get("name")
    if not name:
        return None
    entry = {"name": name}
    identifier, scheme = item.get("affiliationIdentifier"), item.get("affiliationIdentifierScheme") or ""
    if identifier:
        ror = ids.normalize_ror(identifier)
        if ror and scheme.casefold() in _ROR_SCHEMES_OR_NONE:
            entry.update(affiliationIdentifier=ror, affiliationIdentifierScheme="ROR", schemeUri=ids.ROR_SCHEME_URI)
        elif scheme and scheme.casefold() not in _ROR_SCHEMES:
            entry.update(affiliationIdentifier=identifier, affiliationIdentifierScheme=scheme)
            if item.get("schemeUri"):
                entry["schemeUri"] = item["schemeUri"]
        else:
            problems.add("invalid-ror", f"{path}.affiliation[{index}]",
                         f"{identifier!r} is not a valid ROR identifier; kept the name only")
    return entry


def person(raw: dict, path: str, problems: Problems) -> dict | None:
    """One creator/contributor object from a v4 document (or a name wrapped as one)."""
    name = raw.get("name")
    given, family = raw.get("givenName"), raw.get("familyName")
    if not name and family:
        name = display_name(given, family, family)
    if not name:
        problems.add("empty-name", path, "creator/contributor without a name; dropped")
        return None
    if is_etal(name):
        return {"name": ETAL}
    stated = raw.get("nameType")
    name_type = canonical_term(stated, NAME_TYPES)
    if stated and not name_type:
        problems.add("invalid-vocabulary", f"{path}.nameType", f"{stated!r} is not a DataCite nameType; ignored")
    if name_type is None:
        name_type = guess_name_type(name, bool(given or family))
    entry: dict = {"name": name}
    if name_type:
        entry["nameType"] = name_type
    if name_type == "Personal":
        if not (given or family):
            given, family = split_person(name)
        if given:
            entry["givenName"] = given
        if family:
            entry["familyName"] = family
        entry["name"] = display_name(given, family, name)
    if raw.get("lang"):
        entry["lang"] = raw["lang"]
    idents = raw.get("nameIdentifiers")
    if idents:
        idents = name_identifiers(idents, path, problems)
        if idents:
            entry["nameIdentifiers"] = idents
    affs = raw.get("affiliation")
    if affs:
        affs = affiliations(affs, path, problems)
        if affs:
            entry["affiliation"] = affs
    return entry


def guess_name_type(name: str, has_parts: bool) -> str | None:
    if has_parts:
        return "Personal"
    if looks_organisational(name):
        return "Organizational"
    given, family = split_person(name)
    return "Personal" if given and family else None


def creators_from_names(names: list[str], affiliation_name: str | None) -> list[dict]:
    """v3 creators: plain strings, with the record's single affiliation for every person."""
    raws = []
    for name in names:
        raw: dict = {"name": name}
        if affiliation_name and not looks_organisational(name) and not is_etal(name):
            raw["affiliation"] = [{"name": affiliation_name}]
        raws.append(raw)
    return raws


def build_people(raws: list[dict], path: str, problems: Problems, *, contributors: bool = False) -> list[dict]:
    people: list[dict] = []
    seen: dict[str, dict] = {}
    for index, raw in enumerate(raws):
        entry = person(raw, f"{path}[{index}]", problems)
        if entry is None:
            continue
        if contributors:
            ctype = canonical_term(raw.get("contributorType"), CONTRIBUTOR_TYPES)
            if ctype is None:
                problems.add("missing-contributor-type", f"{path}[{index}].contributorType",
                             f"{raw.get('contributorType')!r} is not a DataCite contributorType; using 'Other'")
                ctype = "Other"
            entry["contributorType"] = ctype
        key = name_key(entry["name"])
        if key in seen:
            _merge(seen[key], entry)
            problems.add("duplicate-name", f"{path}[{index}]", f"{entry['name']!r} listed twice; merged", "info")
            continue
        seen[key] = entry
        people.append(entry)
    return _etal_last(people)


def _merge(kept: dict, other: dict) -> None:
    for key in ("nameIdentifiers", "affiliation"):
        extra = [item for item in other.get(key, []) if item not in kept.get(key, [])]
        if extra:
            kept[key] = kept.get(key, []) + extra


def _etal_last(people: list[dict]) -> list[dict]:
    """`:etal` only makes sense once, after the named creators."""
    named = [p for p in people if p["name"] != ETAL]
    return named + [{"name": ETAL}] if len(named) < len(people) and named else people


def enrich_with_orcids(people: list[dict], owners: dict[str, str]) -> int:
    """Give a person without ORCID the ORCID of the same-named dataset owner; returns how many."""
    added = 0
    for entry in people:
        if entry.get("nameType") == "Organizational" or entry["name"] == ETAL:
            continue
        if _has_orcid(entry):
            continue
        orcid = owners.get(name_key(entry["name"]))
        if orcid:
            entry.setdefault("nameIdentifiers", []).append(
                {"nameIdentifier": orcid, "nameIdentifierScheme": "ORCID", "schemeUri": ids.ORCID_SCHEME_URI})
            added += 1
    return added


def _has_orcid(entry: dict) -> bool:
    for ident in entry.get("nameIdentifiers", ()):
        if ident.get("nameIdentifierScheme") == "ORCID":
            return True
    return False
