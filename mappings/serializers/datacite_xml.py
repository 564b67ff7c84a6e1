"""Canonical record -> DataCite kernel-4.7 XML (``<resource>``).

Speed matters because sync renders every record, so the document is written as text
rather than built as an lxml tree: building a tree costs a few microseconds per element
and a record has dozens of elements. The text is exactly what lxml writes for the
same tree (``pretty_print`` indentation, libxml2's escaping: ``& < >`` and, in text, CR;
in attributes also ``"``, tab and line breaks as character references), and characters
illegal in XML 1.0 are dropped from a value that holds any, as lxml refuses them.
``to_element`` parses that text, so the oai_datacite serializer and the OAI responses
embed the very same ``<resource>``.
"""
from __future__ import annotations

import re
from numbers import Number

from lxml import etree

from mappings.record import ATTRIBUTE_ORDER, DATACITE_XSD_URL, NS_DATACITE
from mappings.text import xml_safe

NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NS_DATACITE} {DATACITE_XSD_URL}"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

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
    """Append a child element to an lxml tree (the oai_dc and oai_datacite serializers);
    never raises on a str (illegal characters are dropped)."""
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
    """The attributes ``spec`` names that ``obj`` has a value for, keyed by XML name."""
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


def _text(value: object) -> str | None:
    return value if value.__class__ is str and value else as_text(value)


# --- writing text as libxml2 does ----------------------------------------------------------

# Any character that is written other than as itself, or is not allowed at all.
_TEXT_SPECIAL = re.compile("[^\t\n\x20-\x25\x27-\x3b\x3d\x3f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTR_SPECIAL = re.compile("[^\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_text_special = _TEXT_SPECIAL.search
_attr_special = _ATTR_SPECIAL.search


def _escape_text(text: str) -> str:
    """Text with a special character (``_TEXT_SPECIAL``) as element content."""
    text = xml_safe(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _escape_attr(text: str) -> str:
    if _attr_special(text) is None:
        return text
    text = xml_safe(text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;"))


def _xml_name(attr: str) -> str:
    return "xml:lang" if attr == XML_LANG else attr


def _writing(spec: tuple) -> tuple:
    """A spec as (record key, ' name="') pairs, ready to be written."""
    return tuple((key, f' {_xml_name(attr)}="') for key, attr in spec)


def _attributes(obj: dict, spec: tuple) -> str:
    """The attributes of ``obj`` named by a ``_writing`` spec, as start-tag text."""
    out = ""
    for key, start in spec:
        value = obj.get(key)
        if value.__class__ is str:
            if value:
                out += f'{start}{value if _attr_special(value) is None else _escape_attr(value)}"'
        elif value is not None and value != "":
            text = as_text(value)
            if text:
                out += f'{start}{_escape_attr(text)}"'
    return out


def _attributes_of(attrib: dict | None) -> str:
    return "".join(f' {_xml_name(k)}="{_escape_attr(v)}"' for k, v in attrib.items()) if attrib else ""


# Line break and indentation before an element at each depth: pretty_print's, or none.
_PRETTY = tuple("\n" + "  " * depth for depth in range(32))
_COMPACT = ("",) * 32


class _Parts(list):
    """A document's text, piece by piece. ``emptied`` tells that some element's text was
    made only of characters XML cannot carry: it is written empty (``<x></x>``, as lxml
    writes a text set to ""), with an ``_EMPTIED`` mark for ``to_element`` to find it."""

    __slots__ = ("emptied",)

    def __init__(self, first: str):
        super().__init__((first,))
        self.emptied = False


_EMPTIED = "<!---->"  # never written otherwise: "<" in values is always escaped


def _leaf(out: _Parts, nl: str, tag: str, text: str | None, attributes: str = "") -> None:
    """An element with text (or none) and no children."""
    if text is None:
        out.append(f"{nl}<{tag}{attributes}/>")
        return
    if _text_special(text) is not None:
        text = _escape_text(text)
        if not text:
            out.emptied = True
            text = _EMPTIED
    out.append(f"{nl}<{tag}{attributes}>{text}</{tag}>")


def _open(out: _Parts, nl: str, tag: str, attributes: str = "") -> int:
    out.append(f"{nl}<{tag}{attributes}>")
    return len(out)


def _close(out: _Parts, nl: str, tag: str, mark: int) -> None:
    """Close the element opened at ``mark``; one that got no children is written empty."""
    if len(out) == mark:
        out[mark - 1] = out[mark - 1][:-1] + "/>"
    else:
        out.append(f"{nl}</{tag}>")


_NAME = _writing(NAME_ATTRS)
_NAME_ID = _writing(NAME_ID_ATTRS)
_AFFILIATION = _writing(AFFILIATION_ATTRS)
_TITLE = _writing(TITLE_ATTRS)
_PUBLISHER = _writing(PUBLISHER_ATTRS)
_FUNDER_ID = _writing(FUNDER_ID_ATTRS)
_AWARD = _writing(AWARD_ATTRS)
_RELATED_ITEM = _writing(RELATED_ITEM_ATTRS)
_RELATED_ITEM_ID = _writing(RELATED_ITEM_ID_ATTRS)
_NUMBER = _writing(NUMBER_ATTRS)
_CONTRIBUTOR_TYPE = _writing((("contributorType", "contributorType"),))
_RESOURCE_TYPE_GENERAL = _writing((("resourceTypeGeneral", "resourceTypeGeneral"),))


# --- element writers, one per property (``ind`` is the indentation table, ``d`` the depth;
# each is given the property's value, which is never None) ------------------------------------

def _identifier(out: _Parts, ind: tuple, d: int, value) -> None:
    doi = _text(value)
    if doi:
        _leaf(out, ind[d], "identifier", doi, ' identifierType="DOI"')


def _named(people) -> list[dict]:
    # A person without a name cannot be written (the name element is required): rules.py
    # reports it, the serializer leaves it out.
    return [p for p in _items(people) if isinstance(p, dict) and _text_of(p, "name")]


def _person(out: _Parts, nl: str, person: dict, name_tag: str, full: bool) -> None:
    """creator/contributor children; ``full`` adds identifiers and affiliations.

    The usual child (str text without special characters) is written inline: this runs
    for every person of every record.
    """
    _leaf(out, nl, name_tag, _text_of(person, "name"), _attributes(person, _NAME))
    for key in ("givenName", "familyName"):
        text = person.get(key)
        if text.__class__ is not str:
            text = as_text(text)
        if text:
            if _text_special(text) is None:
                out.append(f"{nl}<{key}>{text}</{key}>")
            else:
                _leaf(out, nl, key, text)
    if not full:
        return
    for ident in _items(person.get("nameIdentifiers")):
        if isinstance(ident, dict):
            text = ident.get("nameIdentifier")
            if text.__class__ is not str:
                text = as_text(text)
            if text:
                if _text_special(text) is None:
                    out.append(f"{nl}<nameIdentifier{_attributes(ident, _NAME_ID)}>{text}</nameIdentifier>")
                else:
                    _leaf(out, nl, "nameIdentifier", text, _attributes(ident, _NAME_ID))
    for aff in _items(person.get("affiliation")):
        if isinstance(aff, str):
            aff = {"name": aff}
        elif not isinstance(aff, dict):
            continue
        text, attributes = _text_of(aff, "name"), _attributes(aff, _AFFILIATION)
        if text or attributes:
            _leaf(out, nl, "affiliation", text, attributes)


def _creators(out: _Parts, ind: tuple, d: int, people, full: bool = True) -> None:
    people = _named(people)
    if people:
        nl, innermost = ind[d], ind[d + 2]
        start, end = f"{ind[d + 1]}<creator>", f"{ind[d + 1]}</creator>"
        out.append(f"{nl}<creators>")
        for person in people:
            out.append(start)
            _person(out, innermost, person, "creatorName", full)
            out.append(end)
        out.append(f"{nl}</creators>")


def _contributors(out: _Parts, ind: tuple, d: int, people, full: bool = True) -> None:
    people = _named(people)
    if people:
        nl, inner, innermost = ind[d], ind[d + 1], ind[d + 2]
        end = f"{inner}</contributor>"
        out.append(f"{nl}<contributors>")
        for person in people:
            out.append(f"{inner}<contributor{_attributes(person, _CONTRIBUTOR_TYPE)}>")
            _person(out, innermost, person, "contributorName", full)
            out.append(end)
        out.append(f"{nl}</contributors>")


def _list(out: _Parts, ind: tuple, d: int, values, wrapper: str, tag: str, key: str, spec: tuple) -> None:
    """A wrapper with one child per object whose ``key`` text is non-empty."""
    mark = None
    nl = ind[d + 1]
    start, end = f"{nl}<{tag}", f"</{tag}>"
    for obj in _items(values):
        if not isinstance(obj, dict):
            continue
        text = obj.get(key)
        if text.__class__ is not str:
            text = as_text(text)
        if not text:
            continue
        if mark is None:
            mark = _open(out, ind[d], wrapper)
        if _text_special(text) is None:  # _leaf's usual case, inline
            out.append(f"{start}{_attributes(obj, spec)}>{text}{end}")
        else:
            _leaf(out, nl, tag, text, _attributes(obj, spec))
    if mark is not None:
        out.append(f"{ind[d]}</{wrapper}>")


def _strings(out: _Parts, ind: tuple, d: int, values, wrapper: str, tag: str) -> None:
    texts = [t for t in map(as_text, _items(values)) if t]
    if texts:
        nl = ind[d + 1]
        out.append(f"{ind[d]}<{wrapper}>")
        for text in texts:
            _leaf(out, nl, tag, text)
        out.append(f"{ind[d]}</{wrapper}>")


def _titles(out: _Parts, ind: tuple, d: int, titles) -> None:
    _list(out, ind, d, titles, "titles", "title", "title", _TITLE)


def _publisher(out: _Parts, ind: tuple, d: int, publisher) -> None:
    if isinstance(publisher, str):
        publisher = {"name": publisher}
    if isinstance(publisher, dict):
        name = _text_of(publisher, "name")
        if name:
            _leaf(out, ind[d], "publisher", name, _attributes(publisher, _PUBLISHER))


def _types(out: _Parts, ind: tuple, d: int, types) -> None:
    if isinstance(types, dict):
        attributes = _attributes(types, _RESOURCE_TYPE_GENERAL)
        text = _text_of(types, "resourceType")
        if attributes or text:
            _leaf(out, ind[d], "resourceType", text, attributes)


def _rights(out: _Parts, ind: tuple, d: int, rights_list) -> None:
    # A rights entry may be only a URI or an identifier: keep it when text is empty.
    mark = None
    for obj in _items(rights_list):
        if not isinstance(obj, dict):
            continue
        text, attrib = _text_of(obj, "rights"), attrs(obj, RIGHTS_ATTRS)
        if not text and not (attrib and set(attrib) - {XML_LANG}):
            continue
        if mark is None:
            mark = _open(out, ind[d], "rightsList")
        _leaf(out, ind[d + 1], "rights", text, _attributes_of(attrib))
    if mark is not None:
        out.append(f"{ind[d]}</rightsList>")


def _coordinates(out: _Parts, ind: tuple, d: int, tag: str, obj, names: tuple) -> None:
    if not isinstance(obj, dict):
        return
    texts = [(name, as_text(obj.get(name))) for name in names]
    if any(text for _, text in texts):
        nl = ind[d + 1]
        out.append(f"{ind[d]}<{tag}>")
        for name, text in texts:
            if text:
                _leaf(out, nl, name, text)
        out.append(f"{ind[d]}</{tag}>")


def _polygon(out: _Parts, ind: tuple, d: int, polygon) -> None:
    if not isinstance(polygon, dict):
        return
    points = [p for p in _items(polygon.get("polygonPoints")) if isinstance(p, dict)]
    inner = polygon.get("inPolygonPoint")
    if not points and not inner:
        return
    mark = _open(out, ind[d], "geoLocationPolygon")
    for point in points:
        _coordinates(out, ind, d + 1, "polygonPoint", point, POINT_FIELDS)
    _coordinates(out, ind, d + 1, "inPolygonPoint", inner, POINT_FIELDS)
    _close(out, ind[d], "geoLocationPolygon", mark)


def _geo_locations(out: _Parts, ind: tuple, d: int, geo_locations) -> None:
    wrapper = None
    for geo in _items(geo_locations):
        if not isinstance(geo, dict):
            continue
        if wrapper is None:
            wrapper = _open(out, ind[d], "geoLocations")
        mark = _open(out, ind[d + 1], "geoLocation")
        place = _text_of(geo, "geoLocationPlace")
        if place:
            _leaf(out, ind[d + 2], "geoLocationPlace", place)
        _coordinates(out, ind, d + 2, "geoLocationPoint", geo.get("geoLocationPoint"), POINT_FIELDS)
        _coordinates(out, ind, d + 2, "geoLocationBox", geo.get("geoLocationBox"), BOX_FIELDS)
        for polygon in _items(geo.get("geoLocationPolygons")):
            _polygon(out, ind, d + 2, polygon)
        if len(out) == mark:  # nothing to say about this place: left out
            out.pop()
        else:
            out.append(f"{ind[d + 1]}</geoLocation>")
    if wrapper is not None:
        if len(out) == wrapper:
            out.pop()
        else:
            out.append(f"{ind[d]}</geoLocations>")


def _funding(out: _Parts, ind: tuple, d: int, references) -> None:
    mark = None
    inner, innermost = ind[d + 1], ind[d + 2]
    for ref in _items(references):
        if not isinstance(ref, dict):
            continue
        name = _text_of(ref, "funderName")
        if not name:
            continue
        if mark is None:
            mark = _open(out, ind[d], "fundingReferences")
        out.append(f"{inner}<fundingReference>")
        _leaf(out, innermost, "funderName", name)
        funder_id = _text_of(ref, "funderIdentifier")
        if funder_id:
            _leaf(out, innermost, "funderIdentifier", funder_id, _attributes(ref, _FUNDER_ID))
        award, award_attributes = _text_of(ref, "awardNumber"), _attributes(ref, _AWARD)
        if award or award_attributes:
            _leaf(out, innermost, "awardNumber", award, award_attributes)
        title = _text_of(ref, "awardTitle")
        if title:
            _leaf(out, innermost, "awardTitle", title)
        out.append(f"{inner}</fundingReference>")
    if mark is not None:
        out.append(f"{ind[d]}</fundingReferences>")


def _related_item(out: _Parts, ind: tuple, d: int, item: dict) -> None:
    mark = _open(out, ind[d], "relatedItem", _attributes(item, _RELATED_ITEM))
    nl = ind[d + 1]
    ident = item.get("relatedItemIdentifier")
    if isinstance(ident, dict):
        text = _text_of(ident, "relatedItemIdentifier")
        if text:
            _leaf(out, nl, "relatedItemIdentifier", text, _attributes(ident, _RELATED_ITEM_ID))
    # The XSD fixes the order of a relatedItem's children (a sequence).
    _creators(out, ind, d + 1, item.get("creators"), full=False)
    _titles(out, ind, d + 1, item.get("titles"))
    for key in RELATED_ITEM_TEXT:
        text = _text_of(item, key)
        if text:
            _leaf(out, nl, key, text)
    number = _text_of(item, "number")
    if number:
        _leaf(out, nl, "number", number, _attributes(item, _NUMBER))
    for key in RELATED_ITEM_PAGES:
        text = _text_of(item, key)
        if text:
            _leaf(out, nl, key, text)
    publisher = item.get("publisher")
    publisher = publisher.get("name") if isinstance(publisher, dict) else publisher
    publisher = as_text(publisher)
    if publisher:
        _leaf(out, nl, "publisher", publisher)
    edition = _text_of(item, "edition")
    if edition:
        _leaf(out, nl, "edition", edition)
    _contributors(out, ind, d + 1, item.get("contributors"), full=False)
    _close(out, ind[d], "relatedItem", mark)


def _related_items(out: _Parts, ind: tuple, d: int, related_items) -> None:
    items = [i for i in _items(related_items) if isinstance(i, dict)]
    if items:
        out.append(f"{ind[d]}<relatedItems>")
        for item in items:
            _related_item(out, ind, d + 1, item)
        out.append(f"{ind[d]}</relatedItems>")


def _simple(tag: str):
    def write(out: _Parts, ind: tuple, d: int, value) -> None:
        text = _text(value)
        if text:
            _leaf(out, ind[d], tag, text)
    return write


def _listed(wrapper: str, tag: str, text_key: str, spec: tuple):
    spec = _writing(spec)

    def write(out: _Parts, ind: tuple, d: int, values) -> None:
        _list(out, ind, d, values, wrapper, tag, text_key, spec)
    return write


def _listed_strings(wrapper: str, tag: str):
    def write(out: _Parts, ind: tuple, d: int, values) -> None:
        _strings(out, ind, d, values, wrapper, tag)
    return write


_WRITERS = {
    "doi": _identifier,
    "url": None,  # not part of the DataCite XML kernel
    "creators": _creators,
    "titles": _titles,
    "publisher": _publisher,
    "publicationYear": _simple("publicationYear"),
    "types": _types,
    "subjects": _listed("subjects", "subject", "subject", SUBJECT_ATTRS),
    "contributors": _contributors,
    "dates": _listed("dates", "date", "date", DATE_ATTRS),
    "language": _simple("language"),
    "alternateIdentifiers": _listed("alternateIdentifiers", "alternateIdentifier",
                                    "alternateIdentifier", ALTERNATE_ID_ATTRS),
    "relatedIdentifiers": _listed("relatedIdentifiers", "relatedIdentifier", "relatedIdentifier",
                                  RELATED_ID_ATTRS),
    "relatedItems": _related_items,
    "sizes": _listed_strings("sizes", "size"),
    "formats": _listed_strings("formats", "format"),
    "version": _simple("version"),
    "rightsList": _rights,
    "descriptions": _listed("descriptions", "description", "description", DESCRIPTION_ATTRS),
    "geoLocations": _geo_locations,
    "fundingReferences": _funding,
}
_PIPELINE = tuple((key, _WRITERS[key]) for key in ATTRIBUTE_ORDER if _WRITERS.get(key))
_ROOT_START = (f'<resource xmlns="{NS_DATACITE}" xmlns:xsi="{NS_XSI}" '
               f'xsi:schemaLocation="{_escape_attr(SCHEMA_LOCATION)}">')


def _document(record: dict, pretty: bool) -> _Parts:
    """The ``<resource>`` element as text, as lxml would write it (no declaration)."""
    ind = _PRETTY if pretty else _COMPACT
    out = _Parts(_ROOT_START)
    get = record.get
    for key, write in _PIPELINE:
        value = get(key)
        if value is not None:  # an absent property writes nothing
            write(out, ind, 1, value)
    _close(out, ind[0], "resource", 1)
    return out


_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, remove_blank_text=False)


def to_element(record: dict) -> etree._Element:
    """The ``<resource>`` element for a canonical record (a fresh tree each call)."""
    out = _document(record, False)
    root = etree.fromstring("".join(out).encode(), _PARSER)
    if out.emptied:
        for mark in list(root.iter(etree.Comment)):
            mark.getparent().text = ""
            mark.getparent().remove(mark)
    return root


def serialize(element: etree._Element, pretty: bool = True) -> bytes:
    """UTF-8 bytes with the declaration in the usual double-quoted form (lxml writes
    single quotes, which some harvesters' first-line checks do not expect)."""
    return XML_DECLARATION + etree.tostring(element, encoding="UTF-8", pretty_print=pretty)


def to_xml(record: dict, pretty: bool = True) -> bytes:
    """UTF-8 DataCite XML with an XML declaration."""
    out = _document(record, pretty)
    if pretty:
        out.append("\n")
    text = "".join(out)
    if out.emptied:
        text = text.replace(_EMPTIED, "")
    return XML_DECLARATION + text.encode()
