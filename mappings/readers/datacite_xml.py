"""DataCite kernel-4 XML (4.0-4.7) -> canonical record: the inverse of the XML serializer.

Used to round-trip DataCite's own examples and to check that our JSON and XML agree.
Text is whitespace-trimmed (source files are often indented); the DOI keeps its case, as
in the canonical record.

What the canonical record cannot hold, and is therefore dropped:
- ``identifier`` with an ``identifierType`` other than DOI (the record has only ``doi``);
- ``nameIdentifier``/``affiliation`` on related-item creators and contributors (the
  kernel does not allow them there either);
- the grouping of a ``geoLocation`` holding several places, points or boxes: each extra
  one starts a new geoLocation entry, so nothing is lost but the grouping;
- ``<br/>`` inside a description becomes a newline;
- XML comments and processing instructions.
The landing-page ``url`` is not in the XML at all, so records read here never have one.
"""
from __future__ import annotations

from lxml import etree

from mappings.serializers import datacite_xml as dx

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, remove_comments=True,
                          remove_pis=True, huge_tree=True)
_OAI_DATACITE_NS = "http://schema.datacite.org/oai/oai-1.1/"


def _reverse(spec: tuple) -> tuple:
    return tuple((attr, key) for key, attr in spec)


_NAME = _reverse(dx.NAME_ATTRS)
_NAME_ID = _reverse(dx.NAME_ID_ATTRS)
_AFFILIATION = _reverse(dx.AFFILIATION_ATTRS)
_TITLE = _reverse(dx.TITLE_ATTRS)
_PUBLISHER = _reverse(dx.PUBLISHER_ATTRS)
_SUBJECT = _reverse(dx.SUBJECT_ATTRS)
_DATE = _reverse(dx.DATE_ATTRS)
_ALTERNATE_ID = _reverse(dx.ALTERNATE_ID_ATTRS)
_RELATED_ID = _reverse(dx.RELATED_ID_ATTRS)
_RIGHTS = _reverse(dx.RIGHTS_ATTRS)
_DESCRIPTION = _reverse(dx.DESCRIPTION_ATTRS)
_FUNDER_ID = _reverse(dx.FUNDER_ID_ATTRS)
_AWARD = _reverse(dx.AWARD_ATTRS)
_RELATED_ITEM = _reverse(dx.RELATED_ITEM_ATTRS)
_RELATED_ITEM_ID = _reverse(dx.RELATED_ITEM_ID_ATTRS)
_NUMBER = _reverse(dx.NUMBER_ATTRS)


class _Reader:
    """Reads one ``<resource>``; ``ns`` is the root's namespace so any kernel-4 file works."""

    def __init__(self, root: etree._Element):
        self.ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def q(self, name: str) -> str:
        return self.ns + name

    # -- small helpers ---------------------------------------------------------------
    def children(self, parent, wrapper: str, child: str) -> list:
        found = parent.find(self.q(wrapper))
        return [] if found is None else found.findall(self.q(child))

    def text_of(self, parent, name: str) -> str | None:
        found = parent.find(self.q(name))
        return None if found is None else _text(found)

    @staticmethod
    def obj(element, key: str, spec: tuple) -> dict:
        out = _attributes(element, spec)
        text = _text(element)
        if text:
            out[key] = text
        return out

    # -- properties ------------------------------------------------------------------
    def people(self, parent, wrapper: str, child: str, name_tag: str, full: bool) -> list:
        people = []
        for element in self.children(parent, wrapper, child):
            person = {}
            name_el = element.find(self.q(name_tag))
            if name_el is not None:
                person = self.obj(name_el, "name", _NAME)
            for key in ("givenName", "familyName"):
                text = self.text_of(element, key)
                if text:
                    person[key] = text
            contributor_type = element.get("contributorType")
            if contributor_type:
                person["contributorType"] = contributor_type.strip()
            if full:
                self.identifiers(element, person)
            if person:
                people.append(person)
        return people

    def identifiers(self, element, person: dict) -> None:
        ids = [self.obj(e, "nameIdentifier", _NAME_ID)
               for e in element.findall(self.q("nameIdentifier"))]
        ids = [i for i in ids if i.get("nameIdentifier")]
        if ids:
            person["nameIdentifiers"] = ids
        affiliations = [self.obj(e, "name", _AFFILIATION)
                        for e in element.findall(self.q("affiliation"))]
        affiliations = [a for a in affiliations if a]
        if affiliations:
            person["affiliation"] = affiliations

    def objects(self, parent, wrapper: str, child: str, key: str, spec: tuple,
                need_text: bool = True) -> list:
        out = []
        for element in self.children(parent, wrapper, child):
            obj = self.obj(element, key, spec)
            if obj.get(key) or (obj and not need_text):
                out.append(obj)
        return out

    def strings(self, parent, wrapper: str, child: str) -> list:
        return [t for t in map(_text, self.children(parent, wrapper, child)) if t]

    def descriptions(self, root) -> list:
        out = []
        for element in self.children(root, "descriptions", "description"):
            obj = self.obj(element, "description", _DESCRIPTION)
            text = _mixed_text(element, self.q("br"))
            if text:
                obj["description"] = text
                out.append(obj)
        return out

    def publisher(self, root) -> dict | None:
        element = root.find(self.q("publisher"))
        if element is None:
            return None
        return self.obj(element, "name", _PUBLISHER) or None

    def types(self, root) -> dict | None:
        element = root.find(self.q("resourceType"))
        if element is None:
            return None
        types = {}
        general = (element.get("resourceTypeGeneral") or "").strip()
        if general:
            types["resourceTypeGeneral"] = general
        text = _text(element)
        if text:
            types["resourceType"] = text
        return types or None

    def point(self, element) -> dict | None:
        if element is None:
            return None
        point = {}
        for name in dx.POINT_FIELDS:
            value = _number(self.text_of(element, name))
            if value is not None:
                point[name] = value
        return point or None

    def box(self, element) -> dict | None:
        box = {}
        for name in dx.BOX_FIELDS:
            value = _number(self.text_of(element, name))
            if value is not None:
                box[name] = value
        return box or None

    def polygon(self, element) -> dict | None:
        polygon = {}
        points = [self.point(p) for p in element.findall(self.q("polygonPoint"))]
        points = [p for p in points if p]
        if points:
            polygon["polygonPoints"] = points
        inner = self.point(element.find(self.q("inPolygonPoint")))
        if inner:
            polygon["inPolygonPoint"] = inner
        return polygon or None

    def geo_locations(self, root) -> list:
        out = []
        for element in self.children(root, "geoLocations", "geoLocation"):
            out.extend(self.geo_location(element))
        return out

    def geo_location(self, element) -> list:
        # The kernel allows several places/points/boxes per geoLocation; the record holds
        # one of each, so a repeated one opens a new entry.
        groups, current = [], {}
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comment or processing instruction
            name = etree.QName(child).localname
            if name == "geoLocationPlace":
                key, value = name, _text(child)
            elif name == "geoLocationPoint":
                key, value = name, self.point(child)
            elif name == "geoLocationBox":
                key, value = name, self.box(child)
            elif name == "geoLocationPolygon":
                polygon = self.polygon(child)
                if polygon:
                    current.setdefault("geoLocationPolygons", []).append(polygon)
                continue
            else:
                continue
            if not value:
                continue
            if key in current:
                groups.append(current)
                current = {}
            current[key] = value
        if current:
            groups.append(current)
        return groups

    def funding(self, root) -> list:
        out = []
        for element in self.children(root, "fundingReferences", "fundingReference"):
            ref = {}
            name = self.text_of(element, "funderName")
            if name:
                ref["funderName"] = name
            funder = element.find(self.q("funderIdentifier"))
            if funder is not None:
                ref.update(self.obj(funder, "funderIdentifier", _FUNDER_ID))
            award = element.find(self.q("awardNumber"))
            if award is not None:
                ref.update(self.obj(award, "awardNumber", _AWARD))
            title = self.text_of(element, "awardTitle")
            if title:
                ref["awardTitle"] = title
            if ref:
                out.append(ref)
        return out

    def related_items(self, root) -> list:
        out = []
        for element in self.children(root, "relatedItems", "relatedItem"):
            item = _attributes(element, _RELATED_ITEM)
            ident = element.find(self.q("relatedItemIdentifier"))
            if ident is not None:
                obj = self.obj(ident, "relatedItemIdentifier", _RELATED_ITEM_ID)
                if obj.get("relatedItemIdentifier"):
                    item["relatedItemIdentifier"] = obj
            self.put(item, "creators",
                     self.people(element, "creators", "creator", "creatorName", False))
            self.put(item, "titles", self.objects(element, "titles", "title", "title", _TITLE))
            for key in (*dx.RELATED_ITEM_TEXT, *dx.RELATED_ITEM_PAGES, "publisher", "edition"):
                self.put(item, key, self.text_of(element, key))
            number = element.find(self.q("number"))
            if number is not None:
                obj = self.obj(number, "number", _NUMBER)
                if obj.get("number"):
                    item.update(obj)
            self.put(item, "contributors", self.people(
                element, "contributors", "contributor", "contributorName", False))
            out.append(item)
        return out

    @staticmethod
    def put(record: dict, key: str, value) -> None:
        if value:
            record[key] = value

    def read(self, root) -> dict:
        record: dict = {}
        put = self.put
        identifier = root.find(self.q("identifier"))
        if identifier is not None and (identifier.get("identifierType") or "DOI").upper() == "DOI":
            put(record, "doi", _text(identifier))
        put(record, "creators", self.people(root, "creators", "creator", "creatorName", True))
        put(record, "titles", self.objects(root, "titles", "title", "title", _TITLE))
        put(record, "publisher", self.publisher(root))
        put(record, "publicationYear", self.text_of(root, "publicationYear"))
        put(record, "types", self.types(root))
        put(record, "subjects", self.objects(root, "subjects", "subject", "subject", _SUBJECT))
        put(record, "contributors", self.people(
            root, "contributors", "contributor", "contributorName", True))
        put(record, "dates", self.objects(root, "dates", "date", "date", _DATE))
        put(record, "language", self.text_of(root, "language"))
        put(record, "alternateIdentifiers", self.objects(
            root, "alternateIdentifiers", "alternateIdentifier", "alternateIdentifier",
            _ALTERNATE_ID))
        put(record, "relatedIdentifiers", self.objects(
            root, "relatedIdentifiers", "relatedIdentifier", "relatedIdentifier", _RELATED_ID))
        put(record, "relatedItems", self.related_items(root))
        put(record, "sizes", self.strings(root, "sizes", "size"))
        put(record, "formats", self.strings(root, "formats", "format"))
        put(record, "version", self.text_of(root, "version"))
        put(record, "rightsList", self.objects(
            root, "rightsList", "rights", "rights", _RIGHTS, need_text=False))
        put(record, "descriptions", self.descriptions(root))
        put(record, "geoLocations", self.geo_locations(root))
        put(record, "fundingReferences", self.funding(root))
        return record


def _attributes(element, spec: tuple) -> dict:
    out = {}
    for attr, name in spec:
        value = element.get(attr)
        if value is not None and value.strip():
            out[name] = value.strip()
    return out


def _text(element) -> str | None:
    text = element.text
    return text.strip() or None if text else None


def _mixed_text(element, br_tag: str) -> str | None:
    """Description text with each ``<br/>`` as a newline."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == br_tag:
            parts.append("\n")
        parts.append(child.tail or "")
    return "".join(parts).strip() or None


def _number(text: str | None) -> float | str | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # kept as found: rules.py reports it


def _resource(root: etree._Element) -> etree._Element:
    """The ``<resource>``, also when handed an oai_datacite wrapper."""
    if root.tag == f"{{{_OAI_DATACITE_NS}}}oai_datacite":
        payload = root.find(f"{{{_OAI_DATACITE_NS}}}payload")
        if payload is None or not len(payload):
            raise ValueError("oai_datacite document without a payload record")
        return payload[0]
    return root


def from_xml(source: bytes | str | etree._Element | etree._ElementTree) -> dict:
    """Read DataCite kernel-4 XML (bytes, str or an lxml element) into a canonical record."""
    if isinstance(source, etree._ElementTree):
        root = source.getroot()
    elif isinstance(source, etree._Element):
        root = source
    else:
        data = source.encode("utf-8") if isinstance(source, str) else source
        root = etree.fromstring(data, _PARSER)
    root = _resource(root)
    if etree.QName(root).localname != "resource":
        raise ValueError(f"not a DataCite record: root element {root.tag!r}")
    return _Reader(root).read(root)
