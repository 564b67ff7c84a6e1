"""The one mapping: SciCat PublishedData (+ its Datasets and Proposals) -> canonical DataCite record.

Every output format is a serializer of the record built here; nothing else reads SciCat fields.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from . import identifiers as ids
from . import people, relations, rules, thumbnails
from .dates import day, day_range, is_date_or_range
from .names import name_key
from .options import MappingOptions
from .problems import ERROR, INFO, Problems
from .schemas import normalize_dataset, normalize_proposal, normalize_published
from .vocab import (DATE_TYPES, DESCRIPTION_TYPES, FUNDER_IDENTIFIER_TYPES, RESOURCE_TYPES_GENERAL,
                    TITLE_TYPES, canonical_term)

# Bump when the mapping's output changes, so sync re-renders (and re-datestamps) every record.
MAPPING_VERSION = "1"

PANET_BASE = "http://purl.org/pan-science/PaNET/"
_PANET_ID = re.compile(r"(PaNET\d{5})")
_LANGUAGE = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
# encodeURIComponent's safe set: SciCat's own landing pages expect the DOI encoded this way.
_URI_COMPONENT_SAFE = "-_.!~*'()"


@dataclass
class MappingResult:
    doi: str | None
    status: str | None
    public: bool
    record: dict | None
    problems: Problems
    shape: str = ""
    proposal_ids: tuple[str, ...] = ()
    instrument_ids: tuple[str, ...] = ()
    updated: datetime | None = None          # latest change among the source documents
    extras: dict = field(default_factory=dict)  # landing-page facts DataCite does not hold

    @property
    def valid(self) -> bool:
        return self.record is not None and not self.problems.errors


def map_publication(published: object, datasets: list = (), proposals: list = (),
                    options: MappingOptions = MappingOptions()) -> MappingResult:
    pub, problems = normalize_published(published)
    meta = pub.get("metadata", {})
    dsets = _normalize_all(datasets, normalize_dataset, problems)
    props = [p for p in map(_with_visibility, _normalize_all(proposals, normalize_proposal, problems)) if p.get("proposalId")]
    doi, status = identity(pub)
    result = MappingResult(doi=doi, status=status, public=options.is_public(status), record=None,
                           problems=problems, shape=pub["shape"],
                           proposal_ids=tuple(p["proposalId"] for p in props),
                           instrument_ids=_instrument_ids(dsets, props),
                           updated=_latest(pub, dsets, props))
    if doi is None:
        problems.add("missing-doi", "doi", "no valid DOI in 'doi' or '_id'", ERROR)
        return result
    record = _build(doi, pub, meta, dsets, props, options, problems)
    result.record = record
    result.extras = _extras(pub, meta, dsets, props)
    result.extras["thumbnail"], found = thumbnails.read(published)
    problems.extend(found)
    _check(result.record, problems)
    return result


def identity(pub: dict) -> tuple[str | None, str | None]:
    """(DOI, status) of a normalised PublishedData: the DOI is ``doi``, else a LoopBack ``_id``."""
    return ids.normalize_doi(pub.get("doi") or pub.get("id")), pub.get("status")


def publication_identity(doc: object) -> tuple[str | None, str | None]:
    """(DOI, status) of a raw PublishedData document, read exactly as the mapping reads them."""
    return identity(normalize_published(doc)[0])


def _normalize_all(docs, normalize, problems: Problems) -> list[dict]:
    out = []
    for doc in docs or ():
        data, found = normalize(doc)
        if found:
            problems.extend(p for p in found if p.severity != INFO)
        if data.get("id") or data.get("proposalId"):
            out.append(data)
    return out


def _with_visibility(proposal: dict) -> dict:
    proposal.setdefault("proposalId", proposal.get("id"))
    proposal["public"] = proposal.get("isPublished") is True or "public" in proposal.get("accessGroups", [])
    return proposal


def _build(doi, pub, meta, dsets, props, options, problems) -> dict:
    record: dict = {"doi": doi}
    _put(record, "url", landing_page(doi, pub, meta, options, problems))
    _put(record, "creators", creators(pub, meta, dsets, problems))
    _put(record, "titles", titles(pub, meta, problems))
    _put(record, "publisher", publisher(pub, meta, problems))
    _put(record, "publicationYear", publication_year(pub, meta, problems))
    record["types"] = types(pub, meta, problems)
    _put(record, "subjects", subjects(meta, dsets))
    _put(record, "contributors", contributors(pub, meta, record.get("creators", []), problems))
    _put(record, "dates", dates(pub, meta, dsets, props, problems))
    _put(record, "language", language(meta, problems))
    _put(record, "alternateIdentifiers", alternate_identifiers(meta))
    related_ids, related_items = related(pub, meta, props, options, problems)
    _put(record, "relatedIdentifiers", related_ids)
    _put(record, "relatedItems", related_items)
    _put(record, "sizes", sizes(pub, meta))
    _put(record, "formats", meta.get("formats"))
    _put(record, "version", meta.get("version"))
    _put(record, "rightsList", rights(meta, dsets, problems))
    _put(record, "descriptions", descriptions(pub, meta, problems))
    _put(record, "geoLocations", geo_locations(meta, problems))
    _put(record, "fundingReferences", funding(meta, problems))
    return record


def _put(record: dict, key: str, value) -> None:
    if value:
        record[key] = value


# --- the properties, one function each ---------------------------------------------------

def landing_page(doi: str, pub: dict, meta: dict, options: MappingOptions, problems: Problems) -> str | None:
    """The record's own landingPage (+ encoded DOI), its own full URL, else the configured template."""
    base = meta.get("landingPage")
    if base:
        if "://" not in base:
            base = "https://" + base.lstrip("/")
        url = base + quote(doi, safe=_URI_COMPONENT_SAFE)
        if ids.is_http_url(url):
            return url
        problems.add("invalid-landing-page", "metadata.landingPage", f"{base[:80]!r} does not make a URL; ignored")
    own = meta.get("url") or pub.get("url")
    if own and ids.is_http_url(own):
        return own
    return options.landing_page_url.replace("{doi}", quote(doi, safe="/"))


def creators(pub: dict, meta: dict, dsets: list[dict], problems: Problems) -> list[dict]:
    if meta.get("creators"):
        raws, path = meta["creators"], "metadata.creators"
    else:
        raws, path = people.creators_from_names(pub.get("creator", []), pub.get("affiliation") or meta.get("affiliation")), "creator"
    found = people.build_people(raws, path, problems)
    owners = {}
    for ds in dsets:
        orcid = ids.normalize_orcid(ds.get("orcidOfOwner"))
        if orcid and ds.get("owner"):
            owners[name_key(ds["owner"])] = orcid
    people.enrich_with_orcids(found, owners)
    return found


def contributors(pub: dict, meta: dict, creator_list: list[dict], problems: Problems) -> list[dict]:
    if meta.get("contributors"):
        raws, path = meta["contributors"], "metadata.contributors"
    else:
        # v3 `authors`: SciCat gives them no role; DataCite needs one.
        raws, path = [{"name": n, "contributorType": "Other"} for n in pub.get("authors", [])], "authors"
    creator_keys = {name_key(c["name"]) for c in creator_list}
    found = people.build_people(raws, path, problems, contributors=True)
    return [c for c in found if name_key(c["name"]) not in creator_keys and c["name"] != people.ETAL]


def titles(pub: dict, meta: dict, problems: Problems) -> list[dict]:
    out = [{"title": pub["title"]}] if pub.get("title") else []
    for index, raw in enumerate(meta.get("titles", [])):
        if not raw.get("title"):
            continue
        entry = {"title": raw["title"]}
        ttype = canonical_term(raw.get("titleType"), TITLE_TYPES)
        if ttype:
            entry["titleType"] = ttype
        elif raw.get("titleType"):
            problems.add("invalid-vocabulary", f"metadata.titles[{index}].titleType", f"{raw['titleType']!r} ignored")
        _lang(entry, raw)
        if entry not in out and not (not out and ttype):
            out.append(entry)
        elif not out:
            out.append(entry)
    return out


def _lang(entry: dict, raw: dict) -> None:
    if raw.get("lang") and _LANGUAGE.match(raw["lang"]):
        entry["lang"] = raw["lang"]


def publisher(pub: dict, meta: dict, problems: Problems) -> dict | None:
    raw = meta.get("publisher") or ({"name": pub["publisher"]} if pub.get("publisher") else None)
    if not raw or not raw.get("name"):
        return None  # rules.check reports it
    entry = {"name": raw["name"]}
    identifier, scheme = raw.get("publisherIdentifier"), raw.get("publisherIdentifierScheme") or ""
    ror = ids.normalize_ror(identifier) if identifier else None
    if ror and scheme.casefold() in ("", "ror"):
        entry.update(publisherIdentifier=ror, publisherIdentifierScheme="ROR", schemeUri=ids.ROR_SCHEME_URI)
    elif identifier and scheme and scheme.casefold() != "ror":
        entry.update(publisherIdentifier=identifier, publisherIdentifierScheme=scheme)
        if raw.get("schemeUri"):
            entry["schemeUri"] = raw["schemeUri"]
    elif identifier:
        problems.add("invalid-ror", "publisher.publisherIdentifier", f"{identifier!r} is not a valid ROR identifier; dropped")
    _lang(entry, raw)
    return entry


def publication_year(pub: dict, meta: dict, problems: Problems) -> str | None:
    year = meta.get("publicationYear") or pub.get("publicationYear")
    if year:
        return year
    for source in ("registeredTime", "createdAt"):
        if pub.get(source):
            problems.add("publication-year-derived", "publicationYear", f"missing; taken from {source}")
            return str(pub[source].year)
    return None  # rules.check reports it


def types(pub: dict, meta: dict, problems: Problems) -> dict:
    stated = meta.get("types", {}).get("resourceTypeGeneral") or meta.get("resourceTypeGeneral")
    general = canonical_term(stated, RESOURCE_TYPES_GENERAL)
    if stated and not general:
        problems.add("invalid-vocabulary", "metadata.resourceTypeGeneral", f"{stated!r} is not a resourceTypeGeneral; using Dataset")
    out = {"resourceTypeGeneral": general or "Dataset"}
    free = meta.get("resourceType") or meta.get("types", {}).get("resourceType") or pub.get("resourceType")
    if free:
        out["resourceType"] = free
    return out


def subjects(meta: dict, dsets: list[dict]) -> list[dict]:
    out = [s for s in meta.get("subjects", []) if s.get("subject")]
    for ds in dsets:
        out += [{"subject": kw} for kw in ds.get("keywords", [])]
        out += [t for t in map(technique_subject, ds.get("techniques", [])) if t]
    return relations.unique(out, ("subject",))


def technique_subject(technique: dict) -> dict | None:
    """A PaNET technique as a subject with its term URI."""
    name, pid = technique.get("name"), technique.get("pid") or ""
    if name and "photon_and_neutron_technique." in name:
        # the seed data carries PaNET's whole class path; the last segment is the technique
        name = name.split(";")[0].rsplit(".", 1)[-1].replace("_", " ")
    match = _PANET_ID.search(pid)
    if not name and not match:
        return None
    entry = {"subject": name or match.group(1)}
    if match:
        entry.update(subjectScheme="PaNET", schemeUri=PANET_BASE, valueUri=PANET_BASE + match.group(1))
    return entry


def dates(pub: dict, meta: dict, dsets: list[dict], props: list[dict], problems: Problems) -> list[dict]:
    out = []
    for index, raw in enumerate(meta.get("dates", [])):
        dtype = canonical_term(raw.get("dateType"), DATE_TYPES)
        value = raw.get("date")
        if not dtype or not value or not is_date_or_range(value):
            problems.add("invalid-date", f"metadata.dates[{index}]", f"{str(value)[:40]!r} ({raw.get('dateType')!r}) dropped")
            continue
        entry = {"date": value, "dateType": dtype}
        if raw.get("dateInformation"):
            entry["dateInformation"] = raw["dateInformation"]
        out.append(entry)
    stated = {d["dateType"] for d in out}
    if "Issued" not in stated:
        issued = day(pub["registeredTime"]) if pub.get("registeredTime") else (meta.get("publicationYear") or pub.get("publicationYear"))
        if issued:
            out.append({"date": issued, "dateType": "Issued"})
    if "Collected" not in stated:
        collected = _collection_period(dsets, props)
        if collected:
            out.append({"date": collected, "dateType": "Collected"})
    return out


def _collection_period(dsets: list[dict], props: list[dict]) -> str | None:
    """Measurement periods of the proposals, else the datasets' creation times."""
    starts = [p["start"] for pr in props for p in pr.get("MeasurementPeriodList", []) if p.get("start")]
    ends = [p["end"] for pr in props for p in pr.get("MeasurementPeriodList", []) if p.get("end")]
    if not starts:
        starts = ends = [d["creationTime"] for d in dsets if d.get("creationTime")]
    if not starts:
        return None
    return day_range(min(starts), max(ends or starts))


def language(meta: dict, problems: Problems) -> str | None:
    value = meta.get("language")
    if value and not _LANGUAGE.match(value):
        problems.add("invalid-language", "metadata.language", f"{value[:20]!r} is not a language tag; dropped")
        return None
    return value


def alternate_identifiers(meta: dict) -> list[dict]:
    return [a for a in meta.get("alternateIdentifiers", [])
            if a.get("alternateIdentifier") and a.get("alternateIdentifierType")]


def related(pub, meta, props, options, problems) -> tuple[list[dict], list[dict]]:
    found, free_text = [], []
    for index, raw in enumerate(meta.get("relatedIdentifiers", [])):
        where = f"metadata.relatedIdentifiers[{index}]"
        if not raw.get("relatedIdentifier"):
            continue
        typed = relations.typed_related(raw, where, problems)
        if typed:
            found.append(typed)
        elif not raw.get("relatedIdentifierType"):
            free_text.append((raw["relatedIdentifier"], raw, where))
        else:
            problems.add("invalid-vocabulary", f"{where}.relatedIdentifierType",
                         f"{raw['relatedIdentifierType']!r} is not a relatedIdentifierType; dropped")
    free_text += [(text, {}, f"relatedPublications[{i}]") for i, text in enumerate(pub.get("relatedPublications", []))]
    found += relations.publication_links(free_text, problems)
    pids = pub.get("datasetPids") or pub.get("pidArray") or meta.get("datasetPids") or []
    found += relations.dataset_links(pids, problems)
    proposal_ids, items = relations.proposal_links(props, options)
    found += proposal_ids
    items = _related_items(meta, problems) + items
    return relations.unique(found, ("relatedIdentifier", "relationType")), items


def _related_items(meta: dict, problems: Problems) -> list[dict]:
    out = []
    for index, raw in enumerate(meta.get("relatedItems", [])):
        item_type = canonical_term(raw.get("relatedItemType"), RESOURCE_TYPES_GENERAL)
        relation = canonical_term(raw.get("relationType"), relations.RELATION_TYPES)
        if not item_type or not relation:
            problems.add("invalid-related-item", f"metadata.relatedItems[{index}]", "needs relatedItemType and relationType; dropped")
            continue
        out.append({**raw, "relatedItemType": item_type, "relationType": relation})
    return out


def sizes(pub: dict, meta: dict) -> list[str]:
    out = []
    archive = pub.get("sizeOfArchive", meta.get("sizeOfArchive"))
    files = pub.get("numberOfFiles", meta.get("numberOfFiles"))
    if archive:
        out.append(f"{archive} bytes")
    if files:
        out.append(f"{files} files")
    return out + [s for s in meta.get("sizes", []) if s not in out]


def rights(meta: dict, dsets: list[dict], problems: Problems) -> list[dict]:
    out = [r for r in (_rights_entry(raw) for raw in meta.get("rightsList", [])) if r]
    if not out:
        licences = dict.fromkeys(d["license"] for d in dsets if d.get("license"))
        out = [r for r in (_licence(value) for value in licences) if r]
    return relations.unique(out, ("rights", "rightsUri"))


def _rights_entry(raw: dict) -> dict | None:
    spdx = ids.spdx_license(raw.get("rightsIdentifier"))
    entry = {k: raw[k] for k in ("rights", "rightsIdentifier", "lang") if raw.get(k)}
    if raw.get("rightsUri") and ids.is_http_url(raw["rightsUri"]):
        entry["rightsUri"] = raw["rightsUri"]
    if spdx:
        entry.setdefault("rights", spdx[1])
        entry.setdefault("rightsUri", spdx[2])
        entry.update(rightsIdentifier=spdx[0], rightsIdentifierScheme="SPDX", schemeUri=ids.SPDX_SCHEME_URI)
    elif raw.get("rightsIdentifierScheme") and entry.get("rightsIdentifier"):
        entry["rightsIdentifierScheme"] = raw["rightsIdentifierScheme"]
    if not entry.get("rights") and entry.get("rightsUri"):
        entry["rights"] = entry["rightsUri"]
    return entry if entry.get("rights") else None


def _licence(value: str) -> dict:
    spdx = ids.spdx_license(value)
    if spdx:
        return {"rights": spdx[1], "rightsUri": spdx[2], "rightsIdentifier": spdx[0],
                "rightsIdentifierScheme": "SPDX", "schemeUri": ids.SPDX_SCHEME_URI}
    return {"rights": value, "rightsUri": value} if ids.is_http_url(value) else {"rights": value}


def descriptions(pub: dict, meta: dict, problems: Problems) -> list[dict]:
    out = []
    if pub.get("abstract"):
        out.append({"description": pub["abstract"], "descriptionType": "Abstract"})
    reuse = pub.get("dataDescription") or meta.get("dataDescription")
    if reuse and reuse != pub.get("abstract"):
        # SciCat: "how to re-use the data"; DataCite's closest type is TechnicalInfo
        out.append({"description": reuse, "descriptionType": "TechnicalInfo"})
    for index, raw in enumerate(meta.get("descriptions", [])):
        if not raw.get("description"):
            continue
        dtype = canonical_term(raw.get("descriptionType"), DESCRIPTION_TYPES)
        if not dtype:
            problems.add("invalid-vocabulary", f"metadata.descriptions[{index}].descriptionType",
                         f"{raw.get('descriptionType')!r} is not a descriptionType; using Other")
        entry = {"description": raw["description"], "descriptionType": dtype or "Other"}
        _lang(entry, raw)
        out.append(entry)
    if not pub.get("abstract"):
        problems.add("missing-abstract", "abstract", "no abstract", INFO)
    return relations.unique(out, ("description", "descriptionType"))


def geo_locations(meta: dict, problems: Problems) -> list[dict]:
    out = []
    for index, raw in enumerate(meta.get("geoLocations", [])):
        entry = {}
        if raw.get("geoLocationPlace"):
            entry["geoLocationPlace"] = raw["geoLocationPlace"]
        point = raw.get("geoLocationPoint")
        if point and _point_ok(point):
            entry["geoLocationPoint"] = point
        box = raw.get("geoLocationBox")
        if box and len(box) == 4 and _box_ok(box):
            entry["geoLocationBox"] = box
        polygons = [p for p in raw.get("geoLocationPolygons", [])
                    if len([q for q in p.get("polygonPoints", []) if _point_ok(q)]) >= 4]
        if polygons:
            entry["geoLocationPolygons"] = polygons
        if entry:
            out.append(entry)
        else:
            problems.add("invalid-geolocation", f"metadata.geoLocations[{index}]", "nothing usable; dropped")
    return out


def _point_ok(point: dict) -> bool:
    lon, lat = point.get("pointLongitude"), point.get("pointLatitude")
    return lon is not None and lat is not None and -180 <= lon <= 180 and -90 <= lat <= 90


def _box_ok(box: dict) -> bool:
    return (all(-180 <= box[k] <= 180 for k in ("westBoundLongitude", "eastBoundLongitude"))
            and all(-90 <= box[k] <= 90 for k in ("southBoundLatitude", "northBoundLatitude")))


def funding(meta: dict, problems: Problems) -> list[dict]:
    out = []
    for index, raw in enumerate(meta.get("fundingReferences", [])):
        if not raw.get("funderName"):
            problems.add("invalid-funding", f"metadata.fundingReferences[{index}]", "no funderName; dropped")
            continue
        entry = {"funderName": raw["funderName"]}
        identifier = raw.get("funderIdentifier")
        ftype = canonical_term(raw.get("funderIdentifierType"), FUNDER_IDENTIFIER_TYPES)
        ror = ids.normalize_ror(identifier) if identifier else None
        if ror and ftype in (None, "ROR"):
            entry.update(funderIdentifier=ror, funderIdentifierType="ROR", schemeUri=ids.ROR_SCHEME_URI)
        elif identifier and ftype and ftype != "ROR":
            entry.update(funderIdentifier=identifier, funderIdentifierType=ftype)
        elif identifier:
            problems.add("invalid-funder-identifier", f"metadata.fundingReferences[{index}].funderIdentifier",
                         f"{identifier!r} without a valid type; dropped")
        for key in ("awardNumber", "awardTitle"):
            if raw.get(key):
                entry[key] = raw[key]
        if raw.get("awardNumber") and raw.get("awardUri") and ids.is_http_url(raw["awardUri"]):
            entry["awardUri"] = raw["awardUri"]
        out.append(entry)
    return out


# --- facts beside the record ---------------------------------------------------------------

def _instrument_ids(dsets: list[dict], props: list[dict]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for ds in dsets:
        for value in ds.get("instrumentIds", []) + ([ds["instrumentId"]] if ds.get("instrumentId") else []):
            found[value] = None
    for pr in props:
        for value in pr.get("instrumentIds", []):
            found[value] = None
    return tuple(found)


def _latest(pub: dict, dsets: list[dict], props: list[dict]) -> datetime | None:
    stamps = [d["updatedAt"] for d in [pub, *dsets, *props] if d.get("updatedAt")]
    return max(stamps) if stamps else None


def _extras(pub: dict, meta: dict, dsets: list[dict], props: list[dict]) -> dict:
    """Facts a landing page shows that DataCite does not hold.

    Names and titles only of what SciCat itself has made public: a dataset's name when the
    dataset is published, a proposal's title when the proposal is public. Everything else
    is listed by its identifier alone. The thumbnail (``mappings.thumbnails``) is added by
    the caller, which holds the raw document.
    """
    link = pub.get("downloadLink") or meta.get("downloadLink")
    return {
        "downloadLink": link if link and ids.is_http_url(link) else None,
        "datasets": _dataset_list(pub, meta, dsets),
        "proposals": [{"id": p["proposalId"], "title": p.get("title") if p["public"] else None}
                      for p in props],
    }


def _dataset_list(pub: dict, meta: dict, dsets: list[dict]) -> list[dict]:
    """Every dataset the publication lists, in its order, named where the dataset is published."""
    found = {}
    for ds in dsets:
        for key in (ds.get("pid"), ds.get("id")):
            if key:
                found.setdefault(key, ds)
    pids = pub.get("datasetPids") or pub.get("pidArray") or meta.get("datasetPids") or []
    out = []
    for pid in dict.fromkeys(pids):
        ds = found.get(pid, {})
        out.append({"pid": pid, "name": ds.get("datasetName") if ds.get("isPublished") is True else None})
    return out


def _check(record: dict, problems: Problems) -> None:
    """The rules the XSD does not enforce (and DataCite's mandatory properties), applied
    to what will actually be emitted: the one place that decides a record is invalid."""
    problems.extend(rules.check(record))
