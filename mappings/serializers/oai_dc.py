"""Canonical record -> unqualified Dublin Core (``oai_dc``), after DataCite's DC mapping.

Choices (see ../shared/notes/standards.md §2.5 for the mapping itself):
- ``dc:date`` holds plain W3CDTF values: publicationYear first, then every date except
  Coverage, without a "Issued: " label. Harvesters (BASE, OpenAIRE) parse dc:date as a
  date, and a label would defeat that; the date type is lost, as simple DC has no place
  for it. Coverage dates describe the content's time span and go to ``dc:coverage``.
- ``dc:identifier``: the DOI as a resolvable ``https://doi.org/`` URL, then the landing page.
- ``dc:relation``: related identifiers as resolvable URLs for DOI, Handle, arXiv and PMID,
  a value that is already a URI (has a scheme) as it is, anything else as ``Type:value``.
- ``dc:contributor``: contributor names, then funder names. Affiliations are not repeated
  as contributors: simple-DC consumers would read them as people involved in the work.
- ``dc:rights``: the rights statement and, separately, its URI.
- ``dc:coverage``: geoLocationPlace (coordinates have no simple-DC form) and Coverage dates.
The oai_dc schema is a repeatable choice, so any element order validates; the order used
here is DC's own element order. Repeated values are written once.
"""
from __future__ import annotations

from lxml import etree

from mappings.serializers.datacite_xml import NS_XSI, XML_LANG, add, as_text, serialize

NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
OAI_DC_XSD_URL = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
SCHEMA_LOCATION = f"{NS_OAI_DC} {OAI_DC_XSD_URL}"

_NSMAP = {"oai_dc": NS_OAI_DC, "dc": NS_DC, "xsi": NS_XSI}
_ROOT = f"{{{NS_OAI_DC}}}dc"
_XSI_LOCATION = f"{{{NS_XSI}}}schemaLocation"
DC = {name: f"{{{NS_DC}}}{name}" for name in (
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
)}

DOI_RESOLVER = "https://doi.org/"
_RESOLVERS = {
    "DOI": DOI_RESOLVER,
    "Handle": "https://hdl.handle.net/",
    "arXiv": "https://arxiv.org/abs/",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov/",
}
# Prefixes people write in front of an identifier that the resolver URL replaces.
_PREFIXES = {
    "DOI": ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
            "doi:"),
    "Handle": ("https://hdl.handle.net/", "http://hdl.handle.net/", "hdl:"),
    "arXiv": ("arxiv:",),
    "PMID": ("pmid:",),
}


def _objects(record: dict, key: str) -> list[dict]:
    value = record.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _lang(obj: dict) -> dict | None:
    lang = as_text(obj.get("lang"))
    return {XML_LANG: lang} if lang else None


def resolvable(identifier: str, identifier_type: str | None) -> str:
    """An identifier as a URL where a resolver exists, else as a self-describing string."""
    resolver = _RESOLVERS.get(identifier_type or "")
    if resolver:
        bare = identifier
        for prefix in _PREFIXES[identifier_type]:
            if bare[: len(prefix)].lower() == prefix:
                bare = bare[len(prefix):]
                break
        if "://" not in bare:
            return resolver + bare
        return bare
    if ":" in identifier or not identifier_type:
        return identifier
    return f"{identifier_type}:{identifier}"


class _Writer:
    """Appends dc:* children, each distinct (element, text, language) once."""

    def __init__(self, root):
        self.root = root
        self.seen: set = set()

    def put(self, name: str, value, attrib: dict | None = None) -> None:
        text = as_text(value)
        if not text:
            return
        key = (name, text, attrib.get(XML_LANG) if attrib else None)
        if key in self.seen:
            return
        self.seen.add(key)
        add(self.root, DC[name], text, attrib)


def _titles(w: _Writer, record: dict) -> None:
    for title in _objects(record, "titles"):
        w.put("title", title.get("title"), _lang(title))


def _people(w: _Writer, record: dict, key: str, element: str) -> None:
    for person in _objects(record, key):
        w.put(element, person.get("name"), _lang(person))


def _subjects(w: _Writer, record: dict) -> None:
    for subject in _objects(record, "subjects"):
        w.put("subject", subject.get("subject"), _lang(subject))


def _descriptions(w: _Writer, record: dict) -> None:
    for description in _objects(record, "descriptions"):
        w.put("description", description.get("description"), _lang(description))


def _publisher(w: _Writer, record: dict) -> None:
    publisher = record.get("publisher")
    if isinstance(publisher, dict):
        w.put("publisher", publisher.get("name"), _lang(publisher))
    else:
        w.put("publisher", publisher)


def _contributors(w: _Writer, record: dict) -> None:
    _people(w, record, "contributors", "contributor")
    for funder in _objects(record, "fundingReferences"):
        w.put("contributor", funder.get("funderName"))


def _dates(w: _Writer, record: dict) -> None:
    w.put("date", record.get("publicationYear"))
    for date in _objects(record, "dates"):
        if date.get("dateType") != "Coverage":
            w.put("date", date.get("date"))


def _types(w: _Writer, record: dict) -> None:
    types = record.get("types")
    if isinstance(types, dict):
        w.put("type", types.get("resourceTypeGeneral"))
        w.put("type", types.get("resourceType"))


def _formats(w: _Writer, record: dict) -> None:
    for key in ("formats", "sizes"):
        values = record.get(key)
        for value in values if isinstance(values, list) else ():
            w.put("format", value)


def _identifiers(w: _Writer, record: dict) -> None:
    doi = as_text(record.get("doi"))
    if doi:
        w.put("identifier", resolvable(doi, "DOI"))
    w.put("identifier", record.get("url"))


def _language(w: _Writer, record: dict) -> None:
    w.put("language", record.get("language"))


def _relations(w: _Writer, record: dict) -> None:
    for related in _objects(record, "relatedIdentifiers"):
        value = as_text(related.get("relatedIdentifier"))
        if value:
            w.put("relation", resolvable(value, as_text(related.get("relatedIdentifierType"))))


def _coverage(w: _Writer, record: dict) -> None:
    for geo in _objects(record, "geoLocations"):
        w.put("coverage", geo.get("geoLocationPlace"))
    for date in _objects(record, "dates"):
        if date.get("dateType") == "Coverage":
            w.put("coverage", date.get("date"))


def _rights(w: _Writer, record: dict) -> None:
    for rights in _objects(record, "rightsList"):
        w.put("rights", rights.get("rights"), _lang(rights))
        w.put("rights", rights.get("rightsUri"))


_PIPELINE = (
    _titles,
    lambda w, r: _people(w, r, "creators", "creator"),
    _subjects, _descriptions, _publisher, _contributors, _dates, _types, _formats,
    _identifiers, _language, _relations, _coverage, _rights,
)


def to_element(record: dict) -> etree._Element:
    """The ``<oai_dc:dc>`` element for a canonical record."""
    root = etree.Element(_ROOT, {_XSI_LOCATION: SCHEMA_LOCATION}, nsmap=_NSMAP)
    writer = _Writer(root)
    for step in _PIPELINE:
        step(writer, record)
    return root


def to_xml(record: dict, pretty: bool = True) -> bytes:
    """UTF-8 oai_dc XML with an XML declaration."""
    return serialize(to_element(record), pretty)
