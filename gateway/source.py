"""Read-only access to SciCat's MongoDB: PublishedData and what it links to.

Links run PublishedData -> Dataset -> Proposal only (see ../shared/notes/scicat.md
§1.4 and §2). Every query here is an equality or `$in` lookup: SecantusDB, like
any server without a suitable index, would otherwise materialise whole
collections before sorting.

Ids read from documents are untrusted. Only plain non-empty strings ever reach a
query, and only as values inside `$in` lists, so a stored value such as
`{"$ne": null}` can never turn into an operator.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Iterable, Iterator

from pymongo.collection import Collection
from pymongo.database import Database

from mappings import thumbnails

PUBLISHED = "PublishedData"
DATASETS = "Dataset"
PROPOSALS = "Proposal"

# Bulky fields nobody maps. E-mail fields are deliberately NOT projected away:
# keeping privacy in one place (the mapping, which never emits them) is safer
# than a second, partial filter here that readers might come to rely on.
PUBLISHED_PROJECTION = {"thumbnail": 0, "metadata.thumbnail": 0}
THUMBNAIL_PROJECTION = {"thumbnail": 1, "metadata.thumbnail": 1}
LINKED_PROJECTION = {"thumbnail": 0, "scientificMetadata": 0, "history": 0}

# Upper bound for one `$in` list, so a huge pidArray becomes several queries.
IN_CHUNK = 1000


@dataclass(frozen=True)
class SourceBundle:
    """One PublishedData document with the documents it links to, in link order."""

    published: dict
    datasets: list[dict] = field(default_factory=list)
    proposals: list[dict] = field(default_factory=list)


class SciCatSource:
    """The SciCat collections of one database, read only."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @property
    def _published(self) -> Collection:
        return self.db[PUBLISHED]

    # -- PublishedData -------------------------------------------------------

    def published(self, doi: str) -> dict | None:
        """The document for `doi`: by its `doi` field, else a LoopBack `_id`."""
        if not isinstance(doi, str) or not doi:
            return None
        found = self._published.find_one({"doi": doi}, PUBLISHED_PROJECTION)
        if found is not None:
            return found
        # Only documents without a `doi` of their own are keyed by `_id`; a
        # backend-next document whose `_id` differs from its DOI is not that DOI.
        return self._published.find_one({"_id": doi, "doi": None}, PUBLISHED_PROJECTION)

    def iter_published(
        self, changed_since: datetime | None = None, batch_size: int = 500
    ) -> Iterator[dict]:
        """Every PublishedData document (or those updated at/after `changed_since`).

        Order is the server's natural order: sorting would make the server hold
        the whole collection at once.
        """
        query = {}
        if changed_since is not None:
            if not isinstance(changed_since, datetime):
                raise TypeError("changed_since must be a datetime")
            query["updatedAt"] = {"$gte": changed_since}
        cursor = self._published.find(query, PUBLISHED_PROJECTION, batch_size=batch_size)
        with cursor:
            yield from cursor

    # -- links ---------------------------------------------------------------

    def linked(self, pub_doc: dict) -> tuple[list[dict], list[dict]]:
        """Datasets and proposals linked from one PublishedData document."""
        bundle = self._bundle_batch([pub_doc])[0]
        return bundle.datasets, bundle.proposals

    def bundle(self, doi: str) -> SourceBundle | None:
        doc = self.published(doi)
        return None if doc is None else self._bundle_batch([doc])[0]

    def bundles(
        self, changed_since: datetime | None = None, batch_size: int = 200
    ) -> Iterator[SourceBundle]:
        """A bundle per PublishedData document, looking links up a batch at a time."""
        yield from self.bundles_of(self.iter_published(changed_since, batch_size=batch_size), batch_size)

    def bundles_of(self, docs: Iterable[dict], batch_size: int = 200) -> Iterator[SourceBundle]:
        """A bundle per given PublishedData document, looking links up a batch at a time."""
        docs = iter(docs)
        while batch := list(islice(docs, batch_size)):
            yield from self._bundle_batch(batch)

    def _bundle_batch(self, docs: list[dict]) -> list[SourceBundle]:
        # Linked documents shared by several publications are the same dict
        # objects in each bundle: bundles are for reading, not for editing.
        docs = self._with_thumbnails(docs)
        pids = [dataset_ids(doc) for doc in docs]
        found_datasets = _fetch(self.db[DATASETS], _union(pids), "pid")
        datasets = [_pick(found_datasets, ids) for ids in pids]
        prop_ids = [_union(proposal_ids(d) for d in linked) for linked in datasets]
        found_proposals = _fetch(self.db[PROPOSALS], _union(prop_ids), "proposalId")
        return [
            SourceBundle(doc, linked, _pick(found_proposals, ids))
            for doc, linked, ids in zip(docs, datasets, prop_ids)
        ]

    def _with_thumbnails(self, docs: list[dict]) -> list[dict]:
        """Copies of the documents with their thumbnail fields, read apart and bounded:
        a value longer than ``thumbnails.MAX_CHARS`` becomes ``Oversized``.

        The main reads project thumbnails away, since whole lists of changed documents are
        held at once. Here one server reply at a time passes (MongoDB caps a reply at 16 MiB
        whatever the batch size), and only bounded values stay.
        """
        keys = [doc["_id"] for doc in docs if "_id" in doc]
        found: dict = {}
        for start in range(0, len(keys), IN_CHUNK):
            cursor = self._published.find({"_id": {"$in": keys[start:start + IN_CHUNK]}},
                                          THUMBNAIL_PROJECTION)
            with cursor:
                for stored in cursor:
                    fields = _bounded_thumbnails(stored)
                    if fields:
                        found[_hashable(stored["_id"])] = fields
        if not found:
            return docs
        return [_merged(doc, found.get(_hashable(doc.get("_id")))) for doc in docs]


# -- thumbnails (pure) -----------------------------------------------------------


def _bounded_thumbnails(stored: dict) -> dict:
    """``{"thumbnail": v}`` and/or ``{"metadata": {"thumbnail": v}}`` of a stored document."""
    fields = {}
    if "thumbnail" in stored:
        fields["thumbnail"] = _bounded(stored["thumbnail"])
    meta = stored.get("metadata")
    if isinstance(meta, dict) and "thumbnail" in meta:
        fields["metadata"] = {"thumbnail": _bounded(meta["thumbnail"])}
    return fields


def _bounded(value: object) -> object:
    if isinstance(value, str) and len(value) > thumbnails.MAX_CHARS:
        return thumbnails.Oversized(len(value))
    return value


def _merged(doc: dict, fields: dict | None) -> dict:
    if not fields:
        return doc
    merged = {**doc, **{k: v for k, v in fields.items() if k != "metadata"}}
    if "metadata" in fields and isinstance(doc.get("metadata"), dict):
        merged["metadata"] = {**doc["metadata"], **fields["metadata"]}
    return merged


def _hashable(key: object) -> object:
    """A dict key for an ``_id``: most are strings or ObjectIds; anything else by its repr."""
    try:
        hash(key)
    except TypeError:
        return repr(key)
    return key


# -- id extraction (pure) ------------------------------------------------------


def string_ids(value: object) -> list[str]:
    """The usable ids in a stored value: non-empty strings, in order, no repeats."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return _union([[item for item in items if isinstance(item, str) and item]])


def dataset_ids(pub_doc: dict) -> list[str]:
    """Dataset pids of a PublishedData document, whatever its generation."""
    metadata = pub_doc.get("metadata")
    nested = metadata.get("datasetPids") if isinstance(metadata, dict) else None
    return _union(
        string_ids(v) for v in (pub_doc.get("datasetPids"), pub_doc.get("pidArray"), nested)
    )


def proposal_ids(dataset: dict) -> list[str]:
    """Proposal ids of a Dataset: v4 `proposalIds` list, v3 `proposalId` string."""
    return _union([string_ids(dataset.get("proposalIds")), string_ids(dataset.get("proposalId"))])


def _union(lists: Iterable[list[str]]) -> list[str]:
    seen: dict[str, None] = {}
    for ids in lists:
        seen.update(dict.fromkeys(ids))
    return list(seen)


# -- batched lookups -------------------------------------------------------------


def _fetch(collection: Collection, ids: list[str], alt_field: str) -> dict[str, dict]:
    """Documents by id: `_id` first, then `alt_field` for the ids still missing.

    SciCat keeps `_id` equal to `pid` / `proposalId`, so the second query only
    runs for dangling links or unusual data.
    """
    found = _by_field(collection, "_id", ids)
    missing = [i for i in ids if i not in found]
    if missing:
        for key, doc in _by_field(collection, alt_field, missing).items():
            found.setdefault(key, doc)
    return found


def _by_field(collection: Collection, name: str, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        for doc in collection.find({name: {"$in": chunk}}, LINKED_PROJECTION):
            key = doc.get(name)
            if isinstance(key, str):
                found.setdefault(key, doc)
    return found


def _pick(found: dict[str, dict], ids: list[str]) -> list[dict]:
    """The found documents in link order, each once (two ids may name one document)."""
    picked, seen = [], set()
    for i in ids:
        doc = found.get(i)
        if doc is not None and id(doc) not in seen:
            seen.add(id(doc))
            picked.append(doc)
    return picked
