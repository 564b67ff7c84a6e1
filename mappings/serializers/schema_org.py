"""Canonical record -> schema.org JSON-LD for landing pages, after DataCite's own mapping.

Follows DataCite's DataCite -> schema.org mapping (bolognese ``schema_hsh``, see
../shared/notes/standards.md §4.2), with these choices where it is silent or off schema.org:
- Project (a SciCat proposal) is typed ``ResearchProject``, a schema.org type and a
  subtype of bolognese's ``Project``, so consumers that know only Project still match it.
  It is an Organization subtype, where ``isPartOf`` expects a CreativeWork; schema.org
  ranges are expectations, and no CreativeWork type names a research project.
- Contributors: ``editor`` only for contributorType Editor, ``translator`` for Translator,
  schema.org's generic ``contributor`` for everyone else. bolognese calls every contributor
  an editor, which on a landing page asserts a role the record does not state.
- ``keywords`` is a list: a keyword may itself contain the comma bolognese joins with.
- ``additionalType`` (free-text resourceType) is left out: schema.org types it as a URL, so
  "raw" would expand to a relative IRI.
- ``temporalCoverage``: Coverage dates, else Collected (when the measurements were made).
- Relations bolognese does not map are added where schema.org has an exact term: inverses of
  the ``citation``/``isBasedOn`` relations go to ``@reverse``, IsDerivedFrom to ``isBasedOn``,
  HasVersion/IsVersionOf to ``workExample``/``exampleOfWork`` (as commonmeta does).
  bolognese's ``predecessor_of``/``successor_of`` are not schema.org terms and are omitted.
- ``spatialCoverage`` polygons are written the schema.org way ("lat lon" pairs in one string).
- A related identifier with no resolver (ISBN, ...) becomes an ``identifier`` PropertyValue
  rather than an ``@id``, which must be an IRI.
"""
from __future__ import annotations

import json

from mappings.identifiers import is_http_url
from mappings.record import SCHEMA_VERSION
from mappings.serializers import citing
from mappings.serializers.citing import objects, one_line, text
from mappings.serializers.oai_dc import resolvable

CONTEXT = "http://schema.org"
DEFAULT_TYPE = "CreativeWork"
PROJECT_TYPE = "ResearchProject"

# resourceTypeGeneral -> schema.org type (bolognese's table; absent -> CreativeWork).
SCHEMA_ORG_TYPES = {
    "Audiovisual": "MediaObject", "Award": "Grant", "Book": "Book", "BookChapter": "Chapter",
    "Collection": "Collection", "ComputationalNotebook": "SoftwareSourceCode",
    "ConferencePaper": "Article", "ConferenceProceeding": "Periodical", "DataPaper": "Article",
    "Dataset": "Dataset", "Dissertation": "Thesis", "Event": "Event", "Image": "ImageObject",
    "Journal": "Periodical", "JournalArticle": "ScholarlyArticle", "PeerReview": "Review",
    "Project": PROJECT_TYPE, "Report": "Report", "Service": "Service",
    "Software": "SoftwareSourceCode", "Sound": "AudioObject", "Text": "ScholarlyArticle",
    "Other": DEFAULT_TYPE,
}
NAME_TYPES = {"Personal": "Person", "Organizational": "Organization"}

# relationType -> property of this work pointing at the related one.
FORWARD = {
    "IsIdenticalTo": "sameAs", "IsPartOf": "isPartOf", "HasPart": "hasPart",
    "References": "citation", "Cites": "citation", "Documents": "citation",
    "IsDerivedFrom": "isBasedOn", "HasVersion": "workExample", "IsVersionOf": "exampleOfWork",
    "HasTranslation": "workTranslation", "IsTranslationOf": "translationOfWork",
}
# relationType -> property of the related work pointing at this one (JSON-LD @reverse).
REVERSE = {
    "IsReferencedBy": "citation", "IsCitedBy": "citation", "IsDocumentedBy": "citation",
    "IsSupplementTo": "isBasedOn", "IsSourceOf": "isBasedOn",
}
CONTRIBUTOR_PROPERTIES = {"Editor": "editor", "Translator": "translator"}


def to_jsonld(record: dict, catalog: dict | None = None) -> dict:
    """The JSON-LD object; ``catalog`` (e.g. ``{"name": ..., "url": ...}``) becomes
    ``includedInDataCatalog`` when given."""
    doi = record["doi"]
    node = {"@context": CONTEXT, "@type": schema_type(_types(record).get("resourceTypeGeneral")),
            "@id": citing.doi_url(doi), "identifier": _identifiers(record), "url": text(record.get("url")),
            "name": citing.title(record), "author": _agents(citing.named_creators(record))}
    node.update(_contributors(record))
    node.update(_descriptive(record))
    node.update(_dates(record))
    node["spatialCoverage"] = _unwrap([p for g in objects(record, "geoLocations") for p in _places(g)])
    node.update(_relations(record))
    node["schemaVersion"] = SCHEMA_VERSION
    if catalog:
        node["includedInDataCatalog"] = {"@type": "DataCatalog", **catalog}
    node["publisher"] = _publisher(record.get("publisher"))
    node["funder"] = _funders(record)
    return _compact(node)


def to_json(record: dict, catalog: dict | None = None) -> bytes:
    """UTF-8 JSON, safe to embed in ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their \\u escapes mean the
    same: escaping them keeps a title such as ``</script>`` from ending the script element.
    """
    out = json.dumps(to_jsonld(record, catalog), ensure_ascii=False, separators=(",", ":"))
    for char in "<>&":
        out = out.replace(char, f"\\u{ord(char):04x}")
    return out.encode()


def schema_type(resource_type_general: object) -> str:
    return SCHEMA_ORG_TYPES.get(resource_type_general, DEFAULT_TYPE)


def _types(record: dict) -> dict:
    types = record.get("types")
    return types if isinstance(types, dict) else {}


def _unwrap(items: list):
    """A single value as itself, as bolognese writes it; none as None (dropped)."""
    return items[0] if len(items) == 1 else (items or None)


def _compact(node: dict) -> dict:
    return {key: value for key, value in node.items() if value not in (None, "", [], {})}


# --- identifiers and agents -----------------------------------------------------------------


def _property_value(kind: object, value: str) -> dict:
    return {"@type": "PropertyValue", "propertyID": kind, "value": value}


def _identifiers(record: dict):
    found = [_property_value("DOI", citing.doi_url(record["doi"]))]
    for alt in objects(record, "alternateIdentifiers"):
        if text(alt.get("alternateIdentifier")):
            found.append(_property_value(alt.get("alternateIdentifierType"), alt["alternateIdentifier"]))
    return _unwrap(found)


def _iri(value: object) -> str | None:
    return value.strip() if is_http_url(value) else None


def _person_iri(agent: dict) -> str | None:
    """The agent's first resolvable identifier, an ORCID preferred."""
    ids = objects(agent, "nameIdentifiers")
    ids.sort(key=lambda i: i.get("nameIdentifierScheme") != "ORCID")
    return next((_iri(i.get("nameIdentifier")) for i in ids if _iri(i.get("nameIdentifier"))), None)


def _organization(name: object, identifier: object) -> dict | None:
    node = _compact({"@type": "Organization", "@id": _iri(identifier), "name": one_line(name)})
    return node if "name" in node or "@id" in node else None


def _agent(agent: dict) -> dict:
    parts = citing.person_parts(agent)
    kind = NAME_TYPES.get(agent.get("nameType")) or ("Person" if parts else None)
    name = " ".join(p for p in (parts[1], parts[0]) if p) if parts else one_line(agent.get("name"))
    affiliations = [_organization(a.get("name"), a.get("affiliationIdentifier"))
                    for a in objects(agent, "affiliation")]
    return _compact({
        "@type": kind, "@id": _person_iri(agent), "name": name,
        "givenName": parts[1] if parts else None, "familyName": parts[0] if parts else None,
        "affiliation": _unwrap([a for a in affiliations if a]),
    })


def _agents(agents: list[dict]):
    return _unwrap([_agent(a) for a in agents])


def _contributors(record: dict) -> dict:
    grouped: dict[str, list] = {}
    for person in objects(record, "contributors"):
        if text(person.get("name")):
            prop = CONTRIBUTOR_PROPERTIES.get(person.get("contributorType"), "contributor")
            grouped.setdefault(prop, []).append(person)
    return {prop: _agents(people) for prop, people in grouped.items()}


def _publisher(publisher: object) -> dict | None:
    if isinstance(publisher, dict):
        return _organization(publisher.get("name"), publisher.get("publisherIdentifier"))
    return _organization(publisher, None)


def _funders(record: dict):
    funders = [_organization(f.get("funderName"), f.get("funderIdentifier"))
               for f in objects(record, "fundingReferences")]
    unique = {json.dumps(f, sort_keys=True): f for f in funders if f}  # one per funder, not per award
    return _unwrap(list(unique.values()))


# --- description, dates, places -------------------------------------------------------------


def _descriptive(record: dict) -> dict:
    licenses = [_iri(r.get("rightsUri")) for r in objects(record, "rightsList")]
    sizes, formats = record.get("sizes"), record.get("formats")
    return {
        "description": citing.abstract(record),
        "license": _unwrap([uri for uri in licenses if uri]),
        "version": citing.version(record),
        "keywords": citing.keywords(record),
        "inLanguage": citing.language(record),
        "contentSize": _unwrap([s for s in sizes if text(s)]) if isinstance(sizes, list) else None,
        "encodingFormat": _unwrap([f for f in formats if text(f)]) if isinstance(formats, list) else None,
    }


def _dates(record: dict) -> dict:
    return {
        "dateCreated": citing.dated(record, "Created"),
        "datePublished": citing.dated(record, "Issued") or citing.year(record),
        "dateModified": citing.dated(record, "Updated"),
        "temporalCoverage": citing.dated(record, "Coverage") or citing.dated(record, "Collected"),
    }


def _coordinates(point: dict) -> str:
    return f"{point.get('pointLatitude')} {point.get('pointLongitude')}"


def _shapes(geo: dict) -> list[dict]:
    shapes = []
    point = geo.get("geoLocationPoint")
    if isinstance(point, dict):
        shapes.append({"@type": "GeoCoordinates", "latitude": point.get("pointLatitude"),
                       "longitude": point.get("pointLongitude")})
    box = geo.get("geoLocationBox")
    if isinstance(box, dict):
        corners = ("southBoundLatitude", "westBoundLongitude", "northBoundLatitude", "eastBoundLongitude")
        shapes.append({"@type": "GeoShape", "box": " ".join(str(box.get(c)) for c in corners)})
    for polygon in objects(geo, "geoLocationPolygons"):
        points = objects(polygon, "polygonPoints")
        if points:
            shapes.append({"@type": "GeoShape", "polygon": " ".join(_coordinates(p) for p in points)})
    return shapes


def _places(geo: dict) -> list[dict]:
    name = one_line(geo.get("geoLocationPlace"))
    places = [_compact({"@type": "Place", "name": name, "geo": shape}) for shape in _shapes(geo)]
    return places or ([{"@type": "Place", "name": name}] if name else [])


# --- relations ------------------------------------------------------------------------------


def _related(identifier: str, kind: object, general: object, name: str | None = None) -> dict:
    """A related work: ``@id`` where the identifier resolves, else an ``identifier`` value."""
    url = resolvable(identifier, kind if isinstance(kind, str) else None)
    node = {"@id": url} if is_http_url(url) else {"identifier": _property_value(kind, identifier)}
    node["@type"] = schema_type(general)
    return _compact({**node, "name": name})


def _item_titles(record: dict) -> dict[tuple, str]:
    """(relationType, identifier) -> title of the relatedItems that carry an identifier."""
    titles = {}
    for item in objects(record, "relatedItems"):
        ident = item.get("relatedItemIdentifier") or {}
        name = citing.title(item)
        if isinstance(ident, dict) and text(ident.get("relatedItemIdentifier")) and name:
            titles.setdefault((item.get("relationType"), ident["relatedItemIdentifier"].strip()), name)
    return titles


def _identified(record: dict, titles: dict) -> list[tuple[str, dict]]:
    """(relationType, node) for each related identifier, named from a matching related item."""
    found = []
    for rel in objects(record, "relatedIdentifiers"):
        relation, identifier = rel.get("relationType"), text(rel.get("relatedIdentifier"))
        if not identifier:
            continue
        if rel.get("relatedIdentifierType") == "ISSN" and relation == "IsPartOf":
            found.append((relation, {"@type": "Periodical", "issn": identifier}))
            continue
        name = titles.pop((relation, identifier), None)
        found.append((relation, _related(identifier, rel.get("relatedIdentifierType"),
                                         rel.get("resourceTypeGeneral"), name)))
    return found


def _items_only(record: dict, unmatched: dict) -> list[tuple[str, dict]]:
    """(relationType, node) for related items no related identifier already stands for."""
    found = []
    for item in objects(record, "relatedItems"):
        ident = item.get("relatedItemIdentifier")
        ident = ident if isinstance(ident, dict) else {}
        key = (item.get("relationType"), text(ident.get("relatedItemIdentifier")))
        name = citing.title(item)
        if key[1] and key in unmatched:
            found.append((key[0], _related(key[1], ident.get("relatedItemIdentifierType"),
                                           item.get("relatedItemType"), name)))
        elif not key[1] and name:
            found.append((key[0], {"@type": schema_type(item.get("relatedItemType")), "name": name}))
    return found


def _relations(record: dict) -> dict:
    titles = _item_titles(record)
    pairs = _identified(record, titles)
    pairs += _items_only(record, titles)  # titles now holds only the unmatched items
    forward: dict[str, list] = {}
    reverse: dict[str, list] = {}
    for relation, node in pairs:
        if relation in FORWARD:
            forward.setdefault(FORWARD[relation], []).append(node)
        elif relation in REVERSE:
            reverse.setdefault(REVERSE[relation], []).append(node)
    out = {prop: _unwrap(nodes) for prop, nodes in forward.items()}
    if reverse:
        out["@reverse"] = {prop: _unwrap(nodes) for prop, nodes in reverse.items()}
    return out
