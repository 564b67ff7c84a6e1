"""What changed in SciCat: the queries sync makes besides reading bundles.

Every query is an equality, ``$in`` or ``$gte`` lookup (SecantusDB, and MongoDB without a
suitable index, would otherwise materialise whole collections before sorting). Ids read
from documents reach a query only as plain strings inside ``$in`` lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Iterator

from bson import ObjectId
from pymongo.collection import Collection
from pymongo.database import Database

from gateway.source import (DATASETS, IN_CHUNK, PROPOSALS, PUBLISHED, PUBLISHED_PROJECTION,
                            string_ids)
from mappings.identifiers import normalize_doi
from mappings.options import MappingOptions
from mappings.datacite import publication_identity

HISTORY = "History"

# The fields naming a PublishedData's datasets, and a Dataset's proposals, in every shape.
_DATASET_LINKS = ("datasetPids", "pidArray", "metadata.datasetPids")
_PROPOSAL_LINKS = ("proposalIds", "proposalId")


def utc(value: object) -> datetime | None:
    """A stored date as aware UTC; pymongo hands out naive UTC unless told otherwise."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def latest(docs: Iterable[dict], name: str = "updatedAt") -> datetime | None:
    stamps = [stamp for stamp in (utc(doc.get(name)) for doc in docs) if stamp is not None]
    return max(stamps, default=None)


# -- the reconcile listing ---------------------------------------------------------------


@dataclass
class Listing:
    """What SciCat says about one DOI: public or not, and the `_id`s of its documents."""
    public: bool = False
    ids: list = field(default_factory=list)


def published_index(db: Database, options: MappingOptions) -> dict[str, Listing]:
    """Every DOI in PublishedData, read with one projection over `_id`, `doi`, `status`.

    DOI and status are read the way the mapping reads them, so a record counts as public
    here exactly when its mapping says so.
    """
    index: dict[str, Listing] = {}
    cursor = db[PUBLISHED].find({}, {"_id": 1, "doi": 1, "status": 1}, batch_size=5000)
    with cursor:
        for doc in cursor:
            doi, status = publication_identity(doc)
            if doi is None:
                continue
            listing = index.setdefault(doi, Listing())
            listing.public = listing.public or options.is_public(status)
            listing.ids.append(doc["_id"])
    return index


def published_by_id(db: Database, ids: Iterable) -> list[dict]:
    """PublishedData documents by `_id` (ids taken from the database itself)."""
    wanted = list(dict.fromkeys(i for i in ids if usable_id(i)))
    return list(_find_in(db[PUBLISHED], "_id", wanted, PUBLISHED_PROJECTION))


# -- changes since a watermark -------------------------------------------------------------


@dataclass
class Changes:
    """PublishedData to re-map, and the newest `updatedAt` seen per collection."""
    published: list[dict] = field(default_factory=list)
    seen: dict[str, datetime] = field(default_factory=dict)


def changed_since(db: Database, since: dict[str, datetime | None]) -> Changes:
    """PublishedData changed since its watermark, or reaching a changed Dataset or Proposal."""
    changes = Changes()
    changed = list(_updated(db[PUBLISHED], since.get(PUBLISHED), PUBLISHED_PROJECTION))
    proposals = list(_updated(db[PROPOSALS], since.get(PROPOSALS), {"proposalId": 1, "updatedAt": 1}))
    datasets = list(_updated(db[DATASETS], since.get(DATASETS), {"pid": 1, "updatedAt": 1}))
    for name, docs in ((PUBLISHED, changed), (PROPOSALS, proposals), (DATASETS, datasets)):
        stamp = latest(docs)
        if stamp is not None:
            changes.seen[name] = stamp
    via_proposals = datasets_of_proposals(db, _keys(proposals, "proposalId"))
    reached = publications_of_datasets(db, list(dict.fromkeys(_keys(datasets, "pid") + via_proposals)))
    have = {doc["_id"] for doc in changed if usable_id(doc.get("_id"))}
    changes.published = changed + published_by_id(db, (i for i in reached if i not in have))
    return changes


def datasets_of_proposals(db: Database, proposal_keys: list[str]) -> list[str]:
    """Ids (`_id` and `pid`) of the Datasets linking to any of these proposals."""
    found: list[dict] = []
    for link in _PROPOSAL_LINKS:
        found += _find_in(db[DATASETS], link, proposal_keys, {"pid": 1})
    return _keys(found, "pid")


def publications_of_datasets(db: Database, dataset_keys: list[str]) -> list:
    """`_id`s of the PublishedData listing any of these datasets."""
    found: dict = {}
    for link in _DATASET_LINKS:
        for doc in _find_in(db[PUBLISHED], link, dataset_keys, {"_id": 1}):
            if usable_id(doc.get("_id")):
                found[doc["_id"]] = None
    return list(found)


def history_deletions(db: Database, since: datetime | None) -> tuple[set[str], datetime | None]:
    """DOIs SciCat's History records as deleted since `since`, and the newest timestamp.

    History exists only where SciCat tracks PublishedData (TRACKABLES); elsewhere the
    query finds nothing, which is fine: it is a hint, the reconcile pass decides.
    """
    query: dict = {"subsystem": PUBLISHED, "operation": "delete"}
    if since is not None:
        query["timestamp"] = {"$gte": since}
    entries = list(db[HISTORY].find(query, {"documentId": 1, "before.doi": 1, "timestamp": 1}))
    dois = set()
    for entry in entries:
        before = entry.get("before") if isinstance(entry.get("before"), dict) else {}
        doi = normalize_doi(before.get("doi") or entry.get("documentId"))
        if doi:
            dois.add(doi)
    return dois, latest(entries, "timestamp")


# -- helpers -------------------------------------------------------------------------------


def usable_id(value: object) -> bool:
    """`_id` may be any BSON value; only these can be looked up again and hashed."""
    return isinstance(value, (str, ObjectId))


def _updated(collection: Collection, since: datetime | None, projection: dict) -> Iterator[dict]:
    query = {} if since is None else {"updatedAt": {"$gte": since}}
    with collection.find(query, projection, batch_size=1000) as cursor:
        yield from cursor


def _keys(docs: list[dict], alt_field: str) -> list[str]:
    """The string ids of documents: `_id` and the field SciCat keeps equal to it."""
    keys: dict[str, None] = {}
    for doc in docs:
        keys.update(dict.fromkeys(string_ids(doc.get("_id")) + string_ids(doc.get(alt_field))))
    return list(keys)


def _find_in(collection: Collection, name: str, values: list, projection: dict) -> Iterator[dict]:
    for start in range(0, len(values), IN_CHUNK):
        yield from collection.find({name: {"$in": values[start:start + IN_CHUNK]}}, projection)
