"""The DataCite rules a canonical record must meet beyond what the kernel-4.7 XSD checks.

The XSD accepts a nameIdentifier without scheme, an empty creatorName or title, any date
string, and metadata-scheme attributes on any relation (../shared/notes/standards.md
§2.4). These checks close that gap, and also restate the XSD's own requirements at the
record level so a record is rejected with a readable reason rather than an XSD message.

Severity ``error``: the record is not valid DataCite metadata (or its XML would not
validate). ``warning``: DataCite accepts it but it is not what its documentation asks for.
"""
from __future__ import annotations

import functools
import re

from mappings import identifiers as ids
from mappings.dates import is_date_or_range
from mappings.problems import ERROR, WARNING, Problems
from mappings.vocab import (
    CONTRIBUTOR_TYPES, DATE_TYPES, DESCRIPTION_TYPES, FUNDER_IDENTIFIER_TYPES,
    METADATA_RELATIONS, NAME_TYPES, NUMBER_TYPES, RELATED_IDENTIFIER_TYPES, RELATION_TYPES,
    RESOURCE_TYPES_GENERAL, TITLE_TYPES, canonical_term,
)

_YEAR = re.compile(r"^\d{4}$")
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")  # xs:language
_ORCID_URL = re.compile(r"^https://orcid\.org/(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")
_XS_FLOAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_METADATA_ATTRIBUTES = ("relatedMetadataScheme", "schemeUri", "schemeType")
# Record keys written as xs:anyURI attributes (or as URIs DataCite expects).
_URI_KEYS = frozenset({"schemeUri", "valueUri", "rightsUri", "awardUri", "classificationCode"})
# libxml2 replaces these before parsing an xs:anyURI, so they never make one invalid.
_URI_TOLERATED = re.compile(r"[\x00-\x20\x7f-\U0010ffff<>\"{}|\\^`']")
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_URI_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_URI_AUTHORITY = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([^/?]*)")


def check(record: dict) -> Problems:
    """Every rule violated by ``record``; never raises, whatever the record holds."""
    problems = Problems()
    for rule in RULES:
        rule(record if isinstance(record, dict) else {}, problems)
    return problems


# --- helpers ---------------------------------------------------------------------------

def _text(value: object) -> str | None:
    """Non-blank text, or None."""
    return value if isinstance(value, str) and value.strip() else None


def _objects(value: object):
    """(index, item) of a list; nothing for anything else."""
    return enumerate(value) if isinstance(value, list) else ()


def _listed(value: object) -> bool:
    """A non-empty list."""
    return isinstance(value, list) and len(value) > 0


def _vocabulary(problems: Problems, where: str, name: str, value: object, vocabulary: frozenset,
                required: bool = False) -> None:
    """Check the term at ``where``.``name`` (the path is only built for a problem)."""
    if value is None or value == "":
        if required:
            problems.add("missing-vocabulary-term", f"{where}.{name}", "required term is missing", ERROR)
        return
    if isinstance(value, str) and value in vocabulary:  # a list or dict is not hashable
        return
    term = canonical_term(value, vocabulary)
    hint = f" (did you mean {term!r}?)" if term else ""
    problems.add("invalid-vocabulary", f"{where}.{name}",
                 f"{str(value)[:60]!r} is not in the DataCite 4.7 vocabulary{hint}", ERROR)


def _is_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and _XS_FLOAT.match(value.strip()):
        return float(value)
    return None


@functools.lru_cache(maxsize=4096)
def any_uri_ok(value: str) -> bool:
    """Whether libxml2 accepts ``value`` as an xs:anyURI (an RFC 3986 URI reference once
    characters it escapes itself are set aside). Stricter than libxml2 on one point: ``[``
    and ``]`` are refused before the fragment, so IPv6 host literals are refused too."""
    text = _URI_TOLERATED.sub("_", value.strip())
    text, _, fragment = text.partition("#")
    if "#" in fragment or "[" in text or "]" in text:
        return False
    if _URI_BAD_PERCENT.search(text) or _URI_BAD_PERCENT.search(fragment):
        return False
    authority = _URI_AUTHORITY.match(text)
    if authority and not _authority_ok(authority.group(1)):
        return False
    if _URI_SCHEME.match(text):
        return True
    # A relative reference: its first path segment may not contain a colon.
    first = re.split(r"[/?#]", text, maxsplit=1)[0]
    return ":" not in first


def _authority_ok(authority: str) -> bool:
    userinfo, _, host_port = authority.rpartition("@")
    if "@" in userinfo or host_port.count(":") > 1:
        return False
    _, colon, port = host_port.partition(":")
    return not colon or port.isdigit()


def _refused(value: object, path: tuple = (), found: list | None = None) -> list:
    """(path, key, value) for every key of ``_CHECKS`` anywhere in the record whose value
    its check refuses, in document order.

    Paths are kept as tuples and only built for refused values: a record has hundreds of
    keys and this runs for every record of every sync. Most objects of a record hold only
    scalars and sit in lists: for those, two set operations tell whether they have any
    key to check, without a loop over their keys nor a call.
    """
    found = [] if found is None else found
    if isinstance(value, dict):
        if value.__class__ is dict and _SCALARS.issuperset(map(type, value.values())):
            if not _CHECKED.isdisjoint(value):
                _flat_refused(value, path, found)
            return found
        for key, item in value.items():
            if key in _CHECKED and not _CHECKS[key](item):
                found.append((path + (key,), key, item))
            if item.__class__ is list:
                _refused_items(item, path + (key,), found)
            elif isinstance(item, (dict, list)):
                _refused(item, path + (key,), found)
    else:
        _refused_items(value, path, found)
    return found


def _refused_items(value: list, path: tuple, found: list) -> None:
    for index, item in enumerate(value):
        if item.__class__ is dict and _SCALARS.issuperset(map(type, item.values())):
            if not _CHECKED.isdisjoint(item):
                _flat_refused(item, path, found, index)
        elif isinstance(item, (dict, list)):
            _refused(item, path + (index,), found)


def _flat_refused(value: dict, path: tuple, found: list, index: int | None = None) -> None:
    """_refused for an object holding only scalars (item ``index`` of the list at ``path``)."""
    for key, item in value.items():
        if key in _CHECKED and not _CHECKS[key](item):
            found.append((path + (key,) if index is None else path + (index, key), key, item))


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _language_ok(value: object) -> bool:
    """Absent, or an xs:language."""
    return value is None or value == "" or (isinstance(value, str) and _LANGUAGE.match(value) is not None)


def _uri_ok(value: object) -> bool:
    """Absent, or an xs:anyURI."""
    return value is None or value == "" or (isinstance(value, str) and any_uri_ok(value))


# The keys whose values become xml:lang (an xs:language) and xs:anyURI attributes.
_CHECKS = {"lang": _language_ok, **{key: _uri_ok for key in sorted(_URI_KEYS)}}
_CHECKED = frozenset(_CHECKS)


def _path_text(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# --- the rules, one per property ----------------------------------------------------------

def doi(record: dict, problems: Problems) -> None:
    value = record.get("doi")
    if not _text(value):
        problems.add("missing-doi", "doi", "the record has no DOI", ERROR)
    elif ids.normalize_doi(value) != value:
        problems.add("invalid-doi", "doi",
                     f"{value[:80]!r} is not a bare DOI of the form 10.NNNN/suffix", ERROR)


def url(record: dict, problems: Problems) -> None:
    value = record.get("url")
    if value is None:
        problems.add("missing-url", "url", "no landing page URL: the DOI cannot be findable",
                     WARNING)
    elif not ids.is_http_url(value):
        problems.add("invalid-url", "url", f"{str(value)[:80]!r} is not an absolute http(s) URL",
                     ERROR)


def creators(record: dict, problems: Problems) -> None:
    people = record.get("creators")
    if not _listed(people):
        problems.add("missing-creator", "creators", "at least one creator is required", ERROR)
    for index, person in _objects(people):
        _person(problems, f"creators[{index}]", person)


def contributors(record: dict, problems: Problems) -> None:
    for index, person in _objects(record.get("contributors")):
        where = f"contributors[{index}]"
        _person(problems, where, person)
        if isinstance(person, dict):
            _vocabulary(problems, where, "contributorType", person.get("contributorType"),
                        CONTRIBUTOR_TYPES, required=True)


def _person(problems: Problems, where: str, person: object) -> None:
    if not isinstance(person, dict) or not _text(person.get("name")):
        problems.add("empty-name", f"{where}.name", "a name is required", ERROR)
        return
    _vocabulary(problems, where, "nameType", person.get("nameType"), NAME_TYPES)
    idents = person.get("nameIdentifiers")
    if isinstance(idents, list):
        for index, ident in enumerate(idents):
            _name_identifier(problems, where, index, ident)
    affiliations = person.get("affiliation")
    if isinstance(affiliations, list):
        for index, affiliation in enumerate(affiliations):
            _affiliation(problems, where, index, affiliation)


def _name_identifier(problems: Problems, person: str, index: int, ident: object) -> None:
    if not isinstance(ident, dict) or not _text(ident.get("nameIdentifier")):
        problems.add("empty-name-identifier", f"{person}.nameIdentifiers[{index}]",
                     "a nameIdentifier needs a value", ERROR)
        return
    scheme = ident.get("nameIdentifierScheme")
    if not _text(scheme):
        problems.add("missing-name-identifier-scheme",
                     f"{person}.nameIdentifiers[{index}].nameIdentifierScheme",
                     "a nameIdentifier needs its nameIdentifierScheme", ERROR)
    elif scheme.strip().casefold() == "orcid" and not _canonical_orcid(ident["nameIdentifier"]):
        orcid(problems, f"{person}.nameIdentifiers[{index}]", ident["nameIdentifier"])


@functools.lru_cache(maxsize=16384)
def _canonical_orcid(value: str) -> bool:
    """``https://orcid.org/NNNN-NNNN-NNNN-NNNC`` (C a digit or X) with a valid ISO 7064 mod 11-2 check digit."""
    match = _ORCID_URL.match(value)
    return bool(match and ids.orcid_checksum_ok("".join(match.groups())))


def orcid(problems: Problems, where: str, value: str) -> None:
    """``https://orcid.org/NNNN-NNNN-NNNN-NNNC`` (C a digit or X) with a valid ISO 7064 mod 11-2 check digit."""
    if _canonical_orcid(value):
        return
    normal = ids.normalize_orcid(value)
    if normal:
        problems.add("orcid-not-canonical", where,
                     f"{value[:60]!r} should be written {normal!r}", WARNING)
    else:
        problems.add("invalid-orcid", where,
                     f"{value[:60]!r} is not an ORCID iD with a valid check digit", ERROR)


def _affiliation(problems: Problems, person: str, index: int, affiliation: object) -> None:
    if not isinstance(affiliation, dict) or not _text(affiliation.get("name")):
        problems.add("empty-affiliation", f"{person}.affiliation[{index}].name",
                     "an affiliation needs a name", ERROR)
        return
    if (_text(affiliation.get("affiliationIdentifier"))
            and not _text(affiliation.get("affiliationIdentifierScheme"))):
        problems.add("missing-affiliation-identifier-scheme",
                     f"{person}.affiliation[{index}].affiliationIdentifierScheme",
                     "an affiliationIdentifier needs its affiliationIdentifierScheme", ERROR)


def titles(record: dict, problems: Problems) -> None:
    entries = record.get("titles")
    if not _listed(entries):
        problems.add("missing-title", "titles", "at least one title is required", ERROR)
    _titles(problems, "titles", _objects(entries))


def _titles(problems: Problems, where: str, entries) -> None:
    for index, title in entries:
        field = f"{where}[{index}]"
        if not isinstance(title, dict) or not _text(title.get("title")):
            problems.add("empty-title", f"{field}.title", "a title needs text", ERROR)
            continue
        _vocabulary(problems, field, "titleType", title.get("titleType"), TITLE_TYPES)


def publisher(record: dict, problems: Problems) -> None:
    value = record.get("publisher")
    name = value.get("name") if isinstance(value, dict) else value
    if not _text(name):
        problems.add("missing-publisher", "publisher.name", "a publisher name is required", ERROR)
        return
    if (isinstance(value, dict) and _text(value.get("publisherIdentifier"))
            and not _text(value.get("publisherIdentifierScheme"))):
        problems.add("missing-publisher-identifier-scheme", "publisher.publisherIdentifierScheme",
                     "a publisherIdentifier needs its publisherIdentifierScheme", ERROR)


def publication_year(record: dict, problems: Problems) -> None:
    value = record.get("publicationYear")
    if value is None or value == "":
        problems.add("missing-publication-year", "publicationYear",
                     "a publication year is required", ERROR)
    elif not isinstance(value, str) or not _YEAR.match(value):
        problems.add("invalid-publication-year", "publicationYear",
                     f"{str(value)[:20]!r} is not a four-digit year", ERROR)


def types(record: dict, problems: Problems) -> None:
    value = record.get("types")
    general = value.get("resourceTypeGeneral") if isinstance(value, dict) else None
    if not general:
        problems.add("missing-resource-type-general", "types.resourceTypeGeneral",
                     "resourceTypeGeneral is required", ERROR)
        return
    _vocabulary(problems, "types", "resourceTypeGeneral", general, RESOURCE_TYPES_GENERAL)


def dates(record: dict, problems: Problems) -> None:
    for index, entry in _objects(record.get("dates")):
        where = f"dates[{index}]"
        if not isinstance(entry, dict):
            problems.add("invalid-date", where, "a date entry must be an object", ERROR)
            continue
        value = entry.get("date")
        if not isinstance(value, str) or not is_date_or_range(value):
            problems.add("invalid-date", f"{where}.date",
                         f"{str(value)[:40]!r} is not a W3CDTF date or a start/end range", ERROR)
        elif _reversed_range(value):
            problems.add("reversed-date-range", f"{where}.date",
                         f"{value!r} ends before it starts", WARNING)
        _vocabulary(problems, where, "dateType", entry.get("dateType"), DATE_TYPES,
                    required=True)


def _reversed_range(value: str) -> bool:
    start, _, end = value.partition("/")
    if not start or not end:
        return False
    # W3CDTF sorts as text; compare only as precisely as the coarser end is written.
    size = min(len(start), len(end), 10)
    return end[:size] < start[:size]


def language(record: dict, problems: Problems) -> None:
    value = record.get("language")
    if value is not None and (not isinstance(value, str) or not _LANGUAGE.match(value)):
        problems.add("invalid-language", "language",
                     f"{str(value)[:20]!r} is not a language tag (IETF BCP 47)", ERROR)


def alternate_identifiers(record: dict, problems: Problems) -> None:
    for index, entry in _objects(record.get("alternateIdentifiers")):
        if isinstance(entry, dict) and _text(entry.get("alternateIdentifier")) \
                and not _text(entry.get("alternateIdentifierType")):
            problems.add("missing-alternate-identifier-type",
                         f"alternateIdentifiers[{index}].alternateIdentifierType",
                         "an alternateIdentifier needs its type", ERROR)


def related_identifiers(record: dict, problems: Problems) -> None:
    for index, entry in _objects(record.get("relatedIdentifiers")):
        where = f"relatedIdentifiers[{index}]"
        if not isinstance(entry, dict) or not _text(entry.get("relatedIdentifier")):
            problems.add("empty-related-identifier", where, "a relatedIdentifier needs a value",
                         ERROR)
            continue
        kind, relation = entry.get("relatedIdentifierType"), entry.get("relationType")
        _vocabulary(problems, where, "relatedIdentifierType", kind, RELATED_IDENTIFIER_TYPES,
                    required=True)
        _vocabulary(problems, where, "relationType", relation, RELATION_TYPES, required=True)
        _vocabulary(problems, where, "resourceTypeGeneral", entry.get("resourceTypeGeneral"),
                    RESOURCE_TYPES_GENERAL)
        _metadata_attributes(problems, where, entry, relation)
        _relation_information(problems, where, entry, relation)
        if kind == "DOI" and ids.normalize_doi(entry["relatedIdentifier"]) is None:
            problems.add("invalid-related-doi", f"{where}.relatedIdentifier",
                         f"{entry['relatedIdentifier'][:80]!r} is not a DOI", WARNING)


def _metadata_attributes(problems: Problems, where: str, entry: dict, relation: object) -> None:
    if relation in METADATA_RELATIONS:
        return
    for key in _METADATA_ATTRIBUTES:
        if entry.get(key):
            problems.add("metadata-scheme-misplaced", f"{where}.{key}",
                         f"{key} belongs only to HasMetadata/IsMetadataFor relations", WARNING)


def _relation_information(problems: Problems, where: str, entry: dict, relation: object) -> None:
    if relation == "Other" and not _text(entry.get("relationTypeInformation")):
        problems.add("missing-relation-type-information", f"{where}.relationTypeInformation",
                     "relationType Other should say what the relation is", WARNING)


def related_items(record: dict, problems: Problems) -> None:
    for index, item in _objects(record.get("relatedItems")):
        where = f"relatedItems[{index}]"
        if not isinstance(item, dict):
            problems.add("invalid-related-item", where, "a related item must be an object", ERROR)
            continue
        _vocabulary(problems, where, "relatedItemType", item.get("relatedItemType"),
                    RESOURCE_TYPES_GENERAL, required=True)
        relation = item.get("relationType")
        _vocabulary(problems, where, "relationType", relation, RELATION_TYPES, required=True)
        ident = item.get("relatedItemIdentifier")
        if isinstance(ident, dict):
            _vocabulary(problems, f"{where}.relatedItemIdentifier", "relatedItemIdentifierType",
                        ident.get("relatedItemIdentifierType"), RELATED_IDENTIFIER_TYPES)
            _metadata_attributes(problems, f"{where}.relatedItemIdentifier", ident, relation)
        _relation_information(problems, where, item, relation)
        _vocabulary(problems, where, "numberType", item.get("numberType"), NUMBER_TYPES)
        year = item.get("publicationYear")
        if year is not None and not (isinstance(year, str) and _YEAR.match(year)):
            problems.add("invalid-publication-year", f"{where}.publicationYear",
                         f"{str(year)[:20]!r} is not a four-digit year", ERROR)
        _titles(problems, f"{where}.titles", _objects(item.get("titles")))
        _item_people(problems, where, item)


def _item_people(problems: Problems, where: str, item: dict) -> None:
    for key in ("creators", "contributors"):
        for index, person in _objects(item.get(key)):
            field = f"{where}.{key}[{index}]"
            if not isinstance(person, dict) or not _text(person.get("name")):
                problems.add("empty-name", f"{field}.name", "a name is required", ERROR)
                continue
            _vocabulary(problems, field, "nameType", person.get("nameType"), NAME_TYPES)
            if key == "contributors":
                _vocabulary(problems, field, "contributorType", person.get("contributorType"),
                            CONTRIBUTOR_TYPES, required=True)


def descriptions(record: dict, problems: Problems) -> None:
    for index, entry in _objects(record.get("descriptions")):
        if isinstance(entry, dict) and _text(entry.get("description")):
            _vocabulary(problems, f"descriptions[{index}]", "descriptionType",
                        entry.get("descriptionType"), DESCRIPTION_TYPES, required=True)


def geo_locations(record: dict, problems: Problems) -> None:
    for index, geo in _objects(record.get("geoLocations")):
        where = f"geoLocations[{index}]"
        if not isinstance(geo, dict):
            problems.add("invalid-geolocation", where, "a geoLocation must be an object", ERROR)
            continue
        if geo.get("geoLocationPoint") is not None:
            _point(problems, f"{where}.geoLocationPoint", geo["geoLocationPoint"])
        if geo.get("geoLocationBox") is not None:
            _box(problems, f"{where}.geoLocationBox", geo["geoLocationBox"])
        for number, polygon in _objects(geo.get("geoLocationPolygons")):
            _polygon(problems, f"{where}.geoLocationPolygons[{number}]", polygon)


_LIMITS = {"Longitude": 180.0, "Latitude": 90.0}


def _coordinate(problems: Problems, where: str, name: str, value: object) -> None:
    number = _is_float(value)
    limit = _LIMITS["Longitude" if name.endswith("Longitude") else "Latitude"]
    if number is None or not -limit <= number <= limit:
        problems.add("invalid-coordinate", f"{where}.{name}",
                     f"{str(value)[:30]!r} is not a number between -{limit:g} and {limit:g}",
                     ERROR)


def _point(problems: Problems, where: str, point: object) -> None:
    if not isinstance(point, dict):
        problems.add("invalid-coordinate", where, "a point must be an object", ERROR)
        return
    for name in ("pointLongitude", "pointLatitude"):
        _coordinate(problems, where, name, point.get(name))


def _box(problems: Problems, where: str, box: object) -> None:
    if not isinstance(box, dict):
        problems.add("invalid-coordinate", where, "a box must be an object", ERROR)
        return
    for name in ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude",
                 "northBoundLatitude"):
        _coordinate(problems, where, name, box.get(name))


def _polygon(problems: Problems, where: str, polygon: object) -> None:
    points = list(_objects(polygon.get("polygonPoints"))) if isinstance(polygon, dict) else []
    if len(points) < 4:
        problems.add("invalid-polygon", where, "a polygon needs at least four points", ERROR)
    for index, point in points:
        _point(problems, f"{where}.polygonPoints[{index}]", point)
    if isinstance(polygon, dict) and polygon.get("inPolygonPoint") is not None:
        _point(problems, f"{where}.inPolygonPoint", polygon["inPolygonPoint"])


def funding_references(record: dict, problems: Problems) -> None:
    for index, ref in _objects(record.get("fundingReferences")):
        where = f"fundingReferences[{index}]"
        if not isinstance(ref, dict) or not _text(ref.get("funderName")):
            problems.add("missing-funder-name", f"{where}.funderName",
                         "a funding reference needs a funderName", ERROR)
            continue
        if _text(ref.get("funderIdentifier")):
            _vocabulary(problems, where, "funderIdentifierType", ref.get("funderIdentifierType"),
                        FUNDER_IDENTIFIER_TYPES, required=True)


def languages_and_uris(record: dict, problems: Problems) -> None:
    """``lang`` values become xml:lang (an xs:language) and URI keys xs:anyURI attributes."""
    for path, key, value in _refused(record):
        if key == "lang":
            problems.add("invalid-language", _path_text(path),
                         f"{str(value)[:20]!r} is not a language tag (IETF BCP 47)", ERROR)
        else:
            problems.add("invalid-uri", _path_text(path), f"{str(value)[:80]!r} is not a URI", ERROR)


RULES = (
    doi, url, creators, titles, publisher, publication_year, types, contributors, dates,
    language, alternate_identifiers, related_identifiers, related_items, descriptions,
    geo_locations, funding_references, languages_and_uris,
)
