"""Canonical record -> DataCite kernel-4.7 XML (``<resource>``).

The element builder (``to_element``) is shared with the oai_datacite serializer, which
embeds the ``<resource>`` in its ``<payload>``. Speed matters because sync renders every
record: tag names and attribute specs are computed once at import, and text is only
scanned for characters illegal in XML 1.0 when lxml refuses it (the rare path).
"""
from __future__ import annotations

from numbers import Number

from lxml import etree

from mappings.record import ATTRIBUTE_ORDER, DATACITE_XSD_URL, NS_DATACITE
from mappings.text import xml_safe

NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NS_DATACITE} {DATACITE_XSD_URL}"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

_NSMAP = {None: NS_DATACITE, "xsi": NS_XSI}
_XSI_LOCATION = f"{{{NS_XSI}}}schemaLocation"
_SubElement = etree.SubElement


def as_text(value: object) -> str | None:
    """A record value as element/attribute text, or None when there is nothing to write."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Number):  # int, Decimal
        return str(value)
    return None  # a structure or object where text belongs: nothing sensible to write


def add(parent, tag: str, text: str | None = None, attrib: dict | None = None):
    """Append a child element; never raises on a str (illegal characters are dropped)."""
    try:
        child = _SubElement(parent, tag, attrib)
    except ValueError:
        child = _SubElement(parent, tag, {k: xml_safe(v) for k, v in attrib.items()})
    if text is not None:
        try:
            child.text = text
        except ValueError:
            child.text = xml_safe(text)
    return child


def _q(name: str) -> str:
    return f"{{{NS_DATACITE}}}{name}"


T = {name: _q(name) for name in (
    "resource", "identifier", "creators", "creator", "creatorName", "givenName", "familyName",
    "nameIdentifier", "affiliation", "titles", "title", "publisher", "publicationYear",
    "resourceType", "subjects", "subject", "contributors", "contributor", "contributorName",
    "dates", "date", "language", "alternateIdentifiers", "alternateIdentifier",
    "relatedIdentifiers", "relatedIdentifier", "sizes", "size", "formats", "format", "version",
    "rightsList", "rights", "descriptions", "description", "geoLocations", "geoLocation",
    "geoLocationPlace", "geoLocationPoint", "geoLocationBox", "geoLocationPolygon",
    "polygonPoint", "inPolygonPoint", "pointLongitude", "pointLatitude", "westBoundLongitude",
    "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude", "fundingReferences",
    "fundingReference", "funderName", "funderIdentifier", "awardNumber", "awardTitle",
    "relatedItems", "relatedItem", "relatedItemIdentifier", "volume", "issue", "number",
    "firstPage", "lastPage", "edition",
)}

# (JSON key, XML attribute) pairs. JSON says ``Uri`` and ``lang`` where XML says ``URI``
# and ``xml:lang``; the reader uses the same tables in reverse.
NAME_ATTRS = (("nameType", "nameType"), ("lang", XML_LANG))
NAME_ID_ATTRS = (("nameIdentifierScheme", "nameIdentifierScheme"), ("schemeUri", "schemeURI"))
AFFILIATION_ATTRS = (
    ("affiliationIdentifier", "affiliationIdentifier"),
    ("affiliationIdentifierScheme", "affiliationIdentifierScheme"),
    ("schemeUri", "schemeURI"),
)
TITLE_ATTRS = (("titleType", "titleType"), ("lang", XML_LANG))
PUBLISHER_ATTRS = (
    ("publisherIdentifier", "publisherIdentifier"),
    ("publisherIdentifierScheme", "publisherIdentifierScheme"),
    ("schemeUri", "schemeURI"),
    ("lang", XML_LANG),
)
SUBJECT_ATTRS = (
    ("subjectScheme", "subjectScheme"), ("schemeUri", "schemeURI"), ("valueUri", "valueURI"),
    ("classificationCode", "classificationCode"), ("lang", XML_LANG),
)
DATE_ATTRS = (("dateType", "dateType"), ("dateInformation", "dateInformation"))
ALTERNATE_ID_ATTRS = (("alternateIdentifierType", "alternateIdentifierType"),)
RELATED_ID_ATTRS = (
    ("relatedIdentifierType", "relatedIdentifierType"), ("relationType", "relationType"),
    ("resourceTypeGeneral", "resourceTypeGeneral"),
    ("relatedMetadataScheme", "relatedMetadataScheme"), ("schemeUri", "schemeURI"),
    ("schemeType", "schemeType"), ("relationTypeInformation", "relationTypeInformation"),
)
RIGHTS_ATTRS = (
    ("rightsUri", "rightsURI"), ("rightsIdentifier", "rightsIdentifier"),
    ("rightsIdentifierScheme", "rightsIdentifierScheme"), ("schemeUri", "schemeURI"),
    ("lang", XML_LANG),
)
DESCRIPTION_ATTRS = (("descriptionType", "descriptionType"), ("lang", XML_LANG))
FUNDER_ID_ATTRS = (("funderIdentifierType", "funderIdentifierType"), ("schemeUri", "schemeURI"))
AWARD_ATTRS = (("awardUri", "awardURI"),)
RELATED_ITEM_ATTRS = (
    ("relatedItemType", "relatedItemType"), ("relationType", "relationType"),
    ("relationTypeInformation", "relationTypeInformation"),
)
RELATED_ITEM_ID_ATTRS = (
    ("relatedItemIdentifierType", "relatedItemIdentifierType"),
    ("relatedMetadataScheme", "relatedMetadataScheme"), ("schemeUri", "schemeURI"),
    ("schemeType", "schemeType"),
)
NUMBER_ATTRS = (("numberType", "numberType"),)
POINT_FIELDS = ("pointLongitude", "pointLatitude")
BOX_FIELDS = ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude")
RELATED_ITEM_TEXT = ("publicationYear", "volume", "issue")
RELATED_ITEM_PAGES = ("firstPage", "lastPage")


def attrs(obj: dict, spec: tuple) -> dict | None:
    out = None
    for key, attr in spec:
        value = obj.get(key)
        if value is not None and value != "":
            text = value if value.__class__ is str else as_text(value)
            if text:
                if out is None:
                    out = {}
                out[attr] = text
    return out


def _items(value) -> list:
    """Only lists of objects are rendered; anything else is treated as absent."""
    return value if isinstance(value, list) else ()


def _text_of(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    return value if value.__class__ is str and value else as_text(value)


# --- element builders, one per property --------------------------------------------------

def _identifier(root, record: dict) -> None:
    doi = _text_of(record, "doi")
    if doi:
        add(root, T["identifier"], doi, {"identifierType": "DOI"})


def _named(people) -> list[dict]:
    # A person without a name cannot be written (the name element is required): rules.py
    # reports it, the serializer leaves it out.
    return [p for p in _items(people) if isinstance(p, dict) and _text_of(p, "name")]


def _person(parent, person: dict, name_tag: str, full: bool) -> None:
    """creator/contributor children; ``full`` adds identifiers and affiliations."""
    add(parent, name_tag, _text_of(person, "name"), attrs(person, NAME_ATTRS))
    for key in ("givenName", "familyName"):
        text = _text_of(person, key)
        if text:
            add(parent, T[key], text)
    if not full:
        return
    for ident in _items(person.get("nameIdentifiers")):
        if isinstance(ident, dict):
            text = _text_of(ident, "nameIdentifier")
            if text:
                add(parent, T["nameIdentifier"], text, attrs(ident, NAME_ID_ATTRS))
    for aff in _items(person.get("affiliation")):
        if isinstance(aff, str):
            aff = {"name": aff}
        elif not isinstance(aff, dict):
            continue
        text, attrib = _text_of(aff, "name"), attrs(aff, AFFILIATION_ATTRS)
        if text or attrib:
            add(parent, T["affiliation"], text, attrib)


def _creators(root, people, full: bool = True) -> None:
    people = _named(people)
    if people:
        wrapper = add(root, T["creators"])
        for person in people:
            _person(add(wrapper, T["creator"]), person, T["creatorName"], full)


def _contributors(root, people, full: bool = True) -> None:
    people = _named(people)
    if people:
        wrapper = add(root, T["contributors"])
        for person in people:
            attrib = attrs(person, (("contributorType", "contributorType"),))
            _person(add(wrapper, T["contributor"], None, attrib), person, T["contributorName"], full)


def _list(root, values, wrapper_tag: str, tag: str, key: str, spec: tuple) -> None:
    """A wrapper with one child per object whose ``key`` text is non-empty."""
    wrapper = None
    for obj in _items(values):
        if not isinstance(obj, dict):
            continue
        text = _text_of(obj, key)
        if not text:
            continue
        if wrapper is None:
            wrapper = add(root, wrapper_tag)
        add(wrapper, tag, text, attrs(obj, spec))


def _strings(root, values, wrapper_tag: str, tag: str) -> None:
    texts = [t for t in map(as_text, _items(values)) if t]
    if texts:
        wrapper = add(root, wrapper_tag)
        for text in texts:
            add(wrapper, tag, text)


def _titles(root, record: dict) -> None:
    _list(root, record.get("titles"), T["titles"], T["title"], "title", TITLE_ATTRS)


def _publisher(root, record: dict) -> None:
    publisher = record.get("publisher")
    if isinstance(publisher, str):
        publisher = {"name": publisher}
    if isinstance(publisher, dict):
        name = _text_of(publisher, "name")
        if name:
            add(root, T["publisher"], name, attrs(publisher, PUBLISHER_ATTRS))


def _publication_year(root, record: dict) -> None:
    year = _text_of(record, "publicationYear")
    if year:
        add(root, T["publicationYear"], year)


def _types(root, record: dict) -> None:
    types = record.get("types")
    if isinstance(types, dict):
        attrib = attrs(types, (("resourceTypeGeneral", "resourceTypeGeneral"),))
        text = _text_of(types, "resourceType")
        if attrib or text:
            add(root, T["resourceType"], text, attrib)


def _rights(root, record: dict) -> None:
    # A rights entry may be only a URI or an identifier: keep it when text is empty.
    wrapper = None
    for obj in _items(record.get("rightsList")):
        if not isinstance(obj, dict):
            continue
        text, attrib = _text_of(obj, "rights"), attrs(obj, RIGHTS_ATTRS)
        if not text and not (attrib and set(attrib) - {XML_LANG}):
            continue
        if wrapper is None:
            wrapper = add(root, T["rightsList"])
        add(wrapper, T["rights"], text, attrib)


def _point(parent, tag: str, point) -> None:
    if not isinstance(point, dict):
        return
    texts = [(name, as_text(point.get(name))) for name in POINT_FIELDS]
    if any(text for _, text in texts):
        element = add(parent, tag)
        for name, text in texts:
            if text:
                add(element, T[name], text)


def _box(parent, box) -> None:
    if not isinstance(box, dict):
        return
    texts = [(name, as_text(box.get(name))) for name in BOX_FIELDS]
    if any(text for _, text in texts):
        element = add(parent, T["geoLocationBox"])
        for name, text in texts:
            if text:
                add(element, T[name], text)


def _polygon(parent, polygon) -> None:
    if not isinstance(polygon, dict):
        return
    points = [p for p in _items(polygon.get("polygonPoints")) if isinstance(p, dict)]
    inner = polygon.get("inPolygonPoint")
    if not points and not inner:
        return
    element = add(parent, T["geoLocationPolygon"])
    for point in points:
        _point(element, T["polygonPoint"], point)
    _point(element, T["inPolygonPoint"], inner)


def _geo_locations(root, record: dict) -> None:
    wrapper = None
    for geo in _items(record.get("geoLocations")):
        if not isinstance(geo, dict):
            continue
        if wrapper is None:
            wrapper = add(root, T["geoLocations"])
        element = add(wrapper, T["geoLocation"])
        place = _text_of(geo, "geoLocationPlace")
        if place:
            add(element, T["geoLocationPlace"], place)
        _point(element, T["geoLocationPoint"], geo.get("geoLocationPoint"))
        _box(element, geo.get("geoLocationBox"))
        for polygon in _items(geo.get("geoLocationPolygons")):
            _polygon(element, polygon)
        if not len(element):
            wrapper.remove(element)
    if wrapper is not None and not len(wrapper):
        root.remove(wrapper)


def _funding(root, record: dict) -> None:
    wrapper = None
    for ref in _items(record.get("fundingReferences")):
        if not isinstance(ref, dict):
            continue
        name = _text_of(ref, "funderName")
        if not name:
            continue
        if wrapper is None:
            wrapper = add(root, T["fundingReferences"])
        element = add(wrapper, T["fundingReference"])
        add(element, T["funderName"], name)
        funder_id = _text_of(ref, "funderIdentifier")
        if funder_id:
            add(element, T["funderIdentifier"], funder_id, attrs(ref, FUNDER_ID_ATTRS))
        award, award_attrib = _text_of(ref, "awardNumber"), attrs(ref, AWARD_ATTRS)
        if award or award_attrib:
            add(element, T["awardNumber"], award, award_attrib)
        title = _text_of(ref, "awardTitle")
        if title:
            add(element, T["awardTitle"], title)


def _related_item(wrapper, item: dict) -> None:
    element = add(wrapper, T["relatedItem"], None, attrs(item, RELATED_ITEM_ATTRS))
    ident = item.get("relatedItemIdentifier")
    if isinstance(ident, dict):
        text = _text_of(ident, "relatedItemIdentifier")
        if text:
            add(element, T["relatedItemIdentifier"], text, attrs(ident, RELATED_ITEM_ID_ATTRS))
    # The XSD fixes the order of a relatedItem's children (a sequence).
    _creators(element, item.get("creators"), full=False)
    _titles(element, item)
    for key in RELATED_ITEM_TEXT:
        text = _text_of(item, key)
        if text:
            add(element, T[key], text)
    number, number_attrib = _text_of(item, "number"), attrs(item, NUMBER_ATTRS)
    if number:
        add(element, T["number"], number, number_attrib)
    for key in RELATED_ITEM_PAGES:
        text = _text_of(item, key)
        if text:
            add(element, T[key], text)
    publisher = item.get("publisher")
    publisher = publisher.get("name") if isinstance(publisher, dict) else publisher
    publisher = as_text(publisher)
    if publisher:
        add(element, T["publisher"], publisher)
    edition = _text_of(item, "edition")
    if edition:
        add(element, T["edition"], edition)
    _contributors(element, item.get("contributors"), full=False)


def _related_items(root, record: dict) -> None:
    items = [i for i in _items(record.get("relatedItems")) if isinstance(i, dict)]
    if items:
        wrapper = add(root, T["relatedItems"])
        for item in items:
            _related_item(wrapper, item)


def _simple(key: str, tag: str):
    def build(root, record: dict) -> None:
        text = _text_of(record, key)
        if text:
            add(root, tag, text)
    return build


_BUILDERS = {
    "doi": _identifier,
    "url": None,  # not part of the DataCite XML kernel
    "creators": lambda root, r: _creators(root, r.get("creators")),
    "titles": _titles,
    "publisher": _publisher,
    "publicationYear": _publication_year,
    "types": _types,
    "subjects": lambda root, r: _list(
        root, r.get("subjects"), T["subjects"], T["subject"], "subject", SUBJECT_ATTRS),
    "contributors": lambda root, r: _contributors(root, r.get("contributors")),
    "dates": lambda root, r: _list(root, r.get("dates"), T["dates"], T["date"], "date", DATE_ATTRS),
    "language": _simple("language", T["language"]),
    "alternateIdentifiers": lambda root, r: _list(
        root, r.get("alternateIdentifiers"), T["alternateIdentifiers"], T["alternateIdentifier"],
        "alternateIdentifier", ALTERNATE_ID_ATTRS),
    "relatedIdentifiers": lambda root, r: _list(
        root, r.get("relatedIdentifiers"), T["relatedIdentifiers"], T["relatedIdentifier"],
        "relatedIdentifier", RELATED_ID_ATTRS),
    "relatedItems": _related_items,
    "sizes": lambda root, r: _strings(root, r.get("sizes"), T["sizes"], T["size"]),
    "formats": lambda root, r: _strings(root, r.get("formats"), T["formats"], T["format"]),
    "version": _simple("version", T["version"]),
    "rightsList": _rights,
    "descriptions": lambda root, r: _list(
        root, r.get("descriptions"), T["descriptions"], T["description"], "description",
        DESCRIPTION_ATTRS),
    "geoLocations": _geo_locations,
    "fundingReferences": _funding,
}
_PIPELINE = tuple(_BUILDERS[key] for key in ATTRIBUTE_ORDER if _BUILDERS.get(key))


def to_element(record: dict) -> etree._Element:
    """The ``<resource>`` element for a canonical record (a fresh tree each call)."""
    root = etree.Element(T["resource"], {_XSI_LOCATION: SCHEMA_LOCATION}, nsmap=_NSMAP)
    for build in _PIPELINE:
        build(root, record)
    return root


def serialize(element: etree._Element, pretty: bool = True) -> bytes:
    """UTF-8 bytes with the declaration in the usual double-quoted form (lxml writes
    single quotes, which some harvesters' first-line checks do not expect)."""
    return XML_DECLARATION + etree.tostring(element, encoding="UTF-8", pretty_print=pretty)


def to_xml(record: dict, pretty: bool = True) -> bytes:
    """UTF-8 DataCite XML with an XML declaration."""
    return serialize(to_element(record), pretty)
