"""The MongoDB record store: the shared store for several gateway instances.

It lives in a database the gateway owns, never in SciCat's. One document per record::

    {_id: identifier, folded: identifier in ASCII upper case, datestamp: BSON date,
     deleted: bool, sets: [spec, ...], content_hash: str, formats: {fmt: Binary, ...}}

``sets`` holds every ancestor of the sets a record lists, so "the set and its descendants"
is one equality on ``sets``, and the (sets, datestamp, _id) index serves a selective
harvest in keyset order without a sort, however small the set.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator
from urllib.parse import unquote

from bson.codec_options import CodecOptions
from pymongo import ASCENDING, MongoClient, ReplaceOne, UpdateOne

from gateway.store.base import PageQuery, StoredRecord
from gateway.store.base import fold_case, with_ancestors

DEFAULT_DB = "scicat_gateway"

_KEYSET_ORDER = [("datestamp", ASCENDING), ("_id", ASCENDING)]
_SET_KEYSET_ORDER = [("sets", ASCENDING), *_KEYSET_ORDER]
_HEADER_FIELDS = {"datestamp": 1, "deleted": 1, "sets": 1, "content_hash": 1}


def _field(fmt: str) -> str:
    """The key a format is stored under in ``formats``.

    Format names such as ``schema.org`` contain dots, which MongoDB reads as a path in
    projections and updates, so '.', '$' and the escape character itself are %-encoded.
    """
    return fmt.replace("%", "%25").replace(".", "%2E").replace("$", "%24")


def _utc_seconds(value: datetime) -> datetime:
    """Aware UTC, whole seconds; a naive datetime is taken as UTC, as pymongo hands them out."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).replace(microsecond=0)


def _ceil_seconds(value: datetime) -> datetime:
    # An inclusive lower bound with a fraction of a second must not admit the second before.
    whole = _utc_seconds(value)
    return whole + timedelta(seconds=1) if value.microsecond else whole


def _to_document(record: StoredRecord) -> dict:
    formats = {} if record.deleted else {_field(f): bytes(b) for f, b in record.formats.items()}
    return {
        "_id": record.identifier,
        "folded": fold_case(record.identifier),
        "datestamp": _utc_seconds(record.datestamp),
        "deleted": bool(record.deleted),
        "sets": sorted(with_ancestors(record.sets)),
        "content_hash": record.content_hash,
        "formats": formats,
    }


def _from_document(doc: dict) -> StoredRecord:
    return StoredRecord(
        identifier=doc["_id"],
        datestamp=_utc_seconds(doc["datestamp"]),
        deleted=bool(doc.get("deleted", False)),
        sets=tuple(sorted(doc.get("sets", ()))),
        content_hash=doc.get("content_hash", ""),
        formats={unquote(key): bytes(data) for key, data in doc.get("formats", {}).items()},
    )


def _projection(fmt: str | None) -> dict | None:
    return None if fmt is None else {**_HEADER_FIELDS, "formats." + _field(fmt): 1}


def _window(query: PageQuery, keyset: bool) -> dict:
    """The filter shared by page() and count()."""
    bounds, clauses = {}, []
    if query.from_ is not None:
        bounds["$gte"] = _ceil_seconds(query.from_)
    if query.until is not None:
        bounds["$lte"] = _utc_seconds(query.until)
    if keyset and query.after is not None:
        stamp, identifier = _utc_seconds(query.after[0]), query.after[1]
        # The plain lower bound on datestamp gives the index scan its start; the $or then
        # only has to drop the ties at that datestamp up to and including the identifier.
        bounds["$gte"] = max(bounds.get("$gte", stamp), stamp)
        clauses.append({"$or": [{"datestamp": {"$gt": stamp}},
                                {"datestamp": stamp, "_id": {"$gt": identifier}}]})
    if bounds:
        clauses.insert(0, {"datestamp": bounds})
    if query.set_spec is not None:
        clauses.insert(0, {"sets": query.set_spec})
    if not clauses:
        return {}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class MongoStore:
    """The record store in a MongoDB database owned by the gateway."""

    def __init__(self, uri_or_client: str | MongoClient, db_name: str = DEFAULT_DB):
        self._owns_client = isinstance(uri_or_client, str)
        if self._owns_client:
            self._client = MongoClient(uri_or_client, tz_aware=True)
        else:
            self._client = uri_or_client
        # The codec options make dates aware UTC even on a client built without tz_aware.
        codec = CodecOptions(tz_aware=True, tzinfo=timezone.utc)
        db = self._client.get_database(db_name, codec_options=codec)
        self._records = db["records"]
        self._set_names = db["set_names"]
        self._state = db["state"]
        self._records.create_index(_KEYSET_ORDER, name="keyset")
        self._records.create_index(_SET_KEYSET_ORDER, name="set_keyset")
        self._records.create_index("folded", name="folded")

    # -- writing ---------------------------------------------------------------------

    def upsert(self, record: StoredRecord) -> None:
        doc = _to_document(record)
        self._records.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    def upsert_many(self, records: Iterable[StoredRecord]) -> None:
        # A standalone server has no multi-document transactions; each record is replaced
        # whole, so a reader sees every record either before or after, never half-written.
        ops = [ReplaceOne({"_id": doc["_id"]}, doc, upsert=True)
               for doc in map(_to_document, records)]
        if ops:
            self._records.bulk_write(ops, ordered=False)

    def set_names(self, names: dict[str, str]) -> None:
        # Upsert first, then drop the rest, so other instances never see an empty table.
        ops = [UpdateOne({"_id": spec}, {"$set": {"name": name}}, upsert=True)
               for spec, name in names.items()]
        if ops:
            self._set_names.bulk_write(ops, ordered=False)
        self._set_names.delete_many({"_id": {"$nin": list(names)}})

    def set_state(self, key: str, value: str) -> None:
        self._state.update_one({"_id": key}, {"$set": {"value": value}}, upsert=True)

    # -- reading ---------------------------------------------------------------------

    def get(self, identifier: str, fmt: str | None = None) -> StoredRecord | None:
        doc = self._records.find_one({"_id": identifier}, _projection(fmt))
        return None if doc is None else _from_document(doc)

    def resolve(self, identifier: str) -> str | None:
        found = [(doc["_id"] != identifier, bool(doc.get("deleted")), doc["_id"])
                 for doc in self._records.find({"folded": fold_case(identifier)}, {"deleted": 1})]
        return min(found)[2] if found else None

    def page(self, query: PageQuery, fmt: str | None = None) -> list[StoredRecord]:
        cursor = (self._records.find(_window(query, keyset=True), _projection(fmt))
                  .sort(_KEYSET_ORDER).limit(query.limit))
        return [_from_document(doc) for doc in cursor]

    def count(self, query: PageQuery) -> int:
        return self._records.count_documents(_window(query, keyset=False))

    def earliest_datestamp(self) -> datetime | None:
        doc = self._records.find_one({}, {"datestamp": 1}, sort=_KEYSET_ORDER)
        return None if doc is None else _utc_seconds(doc["datestamp"])

    def identifiers(self) -> Iterator[str]:
        for doc in self._records.find({}, {"_id": 1}):
            yield doc["_id"]

    def hashes(self) -> dict[str, tuple[str, bool]]:
        cursor = self._records.find({}, {"content_hash": 1, "deleted": 1})
        return {doc["_id"]: (doc.get("content_hash", ""), bool(doc.get("deleted")))
                for doc in cursor}

    def list_sets(self) -> list[tuple[str, str]]:
        return [(doc["_id"], doc["name"]) for doc in self._set_names.find().sort("_id")]

    def get_state(self, key: str) -> str | None:
        doc = self._state.find_one({"_id": key})
        return None if doc is None else doc["value"]

    def close(self) -> None:
        if self._owns_client:
            self._client.close()
