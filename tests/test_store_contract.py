"""The record store contract (gateway/store/base.py), run against every implementation.

The MongoDB store is exercised over a real wire connection to SecantusDB. Paging here is
what resumption tokens rely on: keyset order over (datestamp, identifier), inclusive
from/until, and no skipped or repeated records when the store changes mid-harvest.
Checklist items (../shared/notes/standards.md) are named where a test proves the store's
part of them.
"""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from gateway.store import open_store
from gateway.store.base import PageQuery, StoredRecord
from gateway.store.mongo import MongoStore
from gateway.store.sqlite import SQLiteStore

UTC = timezone.utc
T0 = datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


def rec(identifier: str, seconds: int = 0, sets=(), deleted=False, formats=None, digest=None):
    if formats is None:
        formats = {} if deleted else {"oai_dc": f"<dc>{identifier}</dc>".encode(),
                                      "header": f"<h>{identifier}</h>".encode()}
    return StoredRecord(identifier=identifier, datestamp=at(seconds), deleted=deleted,
                        sets=tuple(sets), content_hash=digest or f"h-{identifier}-{seconds}",
                        formats=formats)


def harvest(store, query: PageQuery, fmt=None) -> list[StoredRecord]:
    """Every record of the window, page by page, the way resumption tokens walk it."""
    seen, after = [], query.after
    while True:
        page = store.page(PageQuery(query.set_spec, query.from_, query.until, after,
                                    query.limit), fmt)
        seen += page
        if len(page) < query.limit:
            return seen
        after = (page[-1].datestamp, page[-1].identifier)


def ids(records) -> list[str]:
    return [r.identifier for r in records]


# -- the implementations -------------------------------------------------------------


@pytest.fixture(params=["sqlite", "mongo"])
def store(request, tmp_path):
    if request.param == "sqlite":
        store = SQLiteStore(tmp_path / "store" / "records.sqlite3")
        yield store
        store.close()
        return
    client = request.getfixturevalue("mongo_client")
    name = "store_" + uuid.uuid4().hex
    store = MongoStore(client, name)
    yield store
    store.close()
    client.drop_database(name)


# -- records ---------------------------------------------------------------------------


def test_upsert_then_get_round_trips_every_field(store):
    record = rec("10.1/a", 5, sets=("proposal", "proposal:p1"))
    store.upsert(record)
    assert store.get("10.1/a") == record


def test_get_unknown_identifier_is_none(store):
    assert store.get("10.1/missing") is None
    assert store.get("10.1/missing", "oai_dc") is None


def test_get_with_format_carries_only_that_format(store):
    store.upsert(rec("10.1/a", formats={"oai_dc": b"dc", "header": b"h", "schema.org": b"ld"}))
    assert store.get("10.1/a", "oai_dc").formats == {"oai_dc": b"dc"}
    # Format names may contain dots (schema.org); they must not turn into paths.
    assert store.get("10.1/a", "schema.org").formats == {"schema.org": b"ld"}
    assert store.get("10.1/a", "oai_datacite").formats == {}
    assert store.get("10.1/a").formats == {"oai_dc": b"dc", "header": b"h", "schema.org": b"ld"}


def test_resolve_finds_an_identifier_whatever_its_ascii_case(store):
    store.upsert_many([rec("10.17199/BRIGHTNESS/MB0001"), rec("10.1/Zürich")])
    assert store.resolve("10.17199/BRIGHTNESS/MB0001") == "10.17199/BRIGHTNESS/MB0001"
    assert store.resolve("10.17199/brightness/mb0001") == "10.17199/BRIGHTNESS/MB0001"
    assert store.resolve("10.1/züRICH") == "10.1/Zürich"  # only ASCII letters fold, as in DOIs
    assert store.resolve("10.1/ZÜRICH") is None
    assert store.resolve("10.17199/brightness/mb000") is None
    assert store.resolve("10.17199/%") is None and store.resolve("10.17199/_RIGHTNESS/MB0001") is None


def test_resolve_prefers_the_exact_identifier_then_a_live_record(store):
    store.upsert_many([rec("10.1/ab"), rec("10.1/AB", deleted=True), rec("10.1/Ab")])
    assert store.resolve("10.1/AB") == "10.1/AB"  # exact, though deleted
    assert store.resolve("10.1/aB") == "10.1/Ab"  # live before deleted, then least identifier
    store.upsert(rec("10.1/Ab", deleted=True))
    store.upsert(rec("10.1/ab", deleted=True))
    assert store.resolve("10.1/aB") == "10.1/AB"  # all deleted: the least identifier


def test_upsert_replaces_the_whole_record(store):
    store.upsert(rec("10.1/a", 1, sets=("a", "b"), formats={"oai_dc": b"old", "header": b"h"}))
    store.upsert(rec("10.1/a", 9, sets=("c",), formats={"oai_dc": b"new"}, digest="h2"))
    got = store.get("10.1/a")
    assert (got.datestamp, got.sets, got.content_hash) == (at(9), ("c",), "h2")
    assert got.formats == {"oai_dc": b"new"}
    assert store.count(PageQuery(set_spec="a")) == 0


def test_deleted_record_has_no_formats_but_still_pages(store):
    """P32, P41: tombstones are harvested, as headers without metadata."""
    store.upsert(rec("10.1/a", 1))
    store.upsert(rec("10.1/b", 2))
    # A tombstone keeps its sets for selective harvesting; formats handed in are dropped.
    store.upsert(StoredRecord("10.1/a", at(3), deleted=True, sets=("s",),
                              content_hash="gone", formats={"oai_dc": b"stale"}))
    got = store.get("10.1/a", "oai_dc")
    assert got.deleted and got.formats == {} and got.sets == ("s",)
    page = store.page(PageQuery(), "oai_dc")
    assert [(r.identifier, r.deleted, r.formats) for r in page] == [
        ("10.1/b", False, {"oai_dc": b"<dc>10.1/b</dc>"}),
        ("10.1/a", True, {}),
    ]
    assert store.count(PageQuery(set_spec="s")) == 1


def test_upsert_many_writes_all_and_accepts_nothing(store):
    store.upsert_many([])
    store.upsert_many(rec(f"10.1/{i:04d}", i % 7) for i in range(250))
    assert store.count(PageQuery()) == 250
    assert store.get("10.1/0123", "header").formats == {"header": b"<h>10.1/0123</h>"}


def test_unicode_identifiers_and_bytes_round_trip(store):
    payload = bytes(range(256)) + "Zürich Ωμέγα 🚀".encode()
    names = ["10.1/z", "10.1/é", "10.1/Ω", "10.1/\uff61", "10.1/🚀", "10.1/A"]
    store.upsert_many(rec(name, 1, formats={"oai_dc": payload}) for name in names)
    assert store.get("10.1/🚀", "oai_dc").formats["oai_dc"] == payload
    # Ties on the datestamp are broken by identifier in code point order (= UTF-8 bytes).
    assert ids(harvest(store, PageQuery(limit=2))) == sorted(names)


def test_datestamps_are_aware_utc_whole_seconds(store):
    two_hours_east = timezone(timedelta(hours=2))
    local = datetime(2024, 3, 1, 14, 0, 5, 750_000, tzinfo=two_hours_east)
    store.upsert(StoredRecord("10.1/a", local))
    got = store.get("10.1/a")
    assert got.datestamp == at(5)
    assert got.datestamp.utcoffset() == timedelta(0)
    assert got.datestamp.microsecond == 0
    assert store.page(PageQuery())[0].datestamp.utcoffset() == timedelta(0)
    assert store.earliest_datestamp().utcoffset() == timedelta(0)


# -- paging ----------------------------------------------------------------------------


def test_pages_follow_datestamp_then_identifier_with_ties(store):
    """P33, P36: pages of whole records that together give the complete list."""
    stamps = {"c": 2, "a": 2, "b": 2, "z": 1, "y": 3, "x": 2, "m": 1}
    store.upsert_many(rec(name, seconds) for name, seconds in stamps.items())
    expected = ["m", "z", "a", "b", "c", "x", "y"]
    assert ids(store.page(PageQuery(limit=100))) == expected
    for limit in (1, 2, 3):
        assert ids(harvest(store, PageQuery(limit=limit))) == expected
    first = store.page(PageQuery(limit=3))
    assert ids(first) == ["m", "z", "a"]
    after = (first[-1].datestamp, first[-1].identifier)
    assert ids(store.page(PageQuery(after=after, limit=3))) == ["b", "c", "x"]


def test_page_with_format_carries_only_that_format(store):
    store.upsert_many([rec("a", 1), rec("b", 2, formats={"header": b"h"})])
    page = store.page(PageQuery(), "oai_dc")
    assert [r.formats for r in page] == [{"oai_dc": b"<dc>a</dc>"}, {}]
    assert store.page(PageQuery())[0].formats == {"oai_dc": b"<dc>a</dc>", "header": b"<h>a</h>"}
    assert store.page(PageQuery())[0].sets == ()


def test_from_and_until_are_inclusive(store):
    """P30."""
    store.upsert_many(rec(f"r{s}", s) for s in range(10))
    assert ids(store.page(PageQuery(from_=at(3), until=at(6)))) == ["r3", "r4", "r5", "r6"]
    assert ids(store.page(PageQuery(from_=at(8)))) == ["r8", "r9"]
    assert ids(store.page(PageQuery(until=at(1)))) == ["r0", "r1"]
    assert store.page(PageQuery(from_=at(7), until=at(6))) == []
    # A bound with a fraction of a second admits no record outside it.
    assert ids(store.page(PageQuery(from_=at(3) + timedelta(milliseconds=1),
                                    until=at(5) + timedelta(milliseconds=999)))) == ["r4", "r5"]
    assert store.count(PageQuery(from_=at(3), until=at(6))) == 4


def test_keyset_position_and_window_combine(store):
    store.upsert_many(rec(f"r{s}", s) for s in range(10))
    query = PageQuery(from_=at(3), until=at(7), limit=2)
    assert ids(harvest(store, query)) == ["r3", "r4", "r5", "r6", "r7"]
    # A position before the window does not widen it.
    assert ids(store.page(PageQuery(from_=at(3), after=(at(1), "r1")))) == [
        "r3", "r4", "r5", "r6", "r7", "r8", "r9"]


def test_set_filter_takes_descendants_not_siblings_with_the_same_prefix(store):
    """P50."""
    store.upsert_many([
        rec("in-set", 1, sets=("proposal", "proposal:ab")),
        rec("in-child", 2, sets=("proposal", "proposal:ab", "proposal:ab:x")),
        rec("sibling", 3, sets=("proposal", "proposal:abc")),
        rec("other", 4, sets=("proposalx", "proposal;")),
        rec("no-sets", 5),
    ])
    assert ids(store.page(PageQuery(set_spec="proposal:ab"))) == ["in-set", "in-child"]
    assert ids(store.page(PageQuery(set_spec="proposal:abc"))) == ["sibling"]
    assert ids(store.page(PageQuery(set_spec="proposal"))) == ["in-set", "in-child", "sibling"]
    assert store.page(PageQuery(set_spec="propos")) == []
    assert store.count(PageQuery(set_spec="proposal:ab")) == 2


def test_sets_are_completed_with_their_ancestors(store):
    """P49, P50."""
    # Sync lists ancestors, but membership by descendant must not depend on that.
    store.upsert(rec("deep", 1, sets=("zeta", "facility:psi:beamline")))
    assert store.get("deep").sets == ("facility", "facility:psi", "facility:psi:beamline", "zeta")
    assert ids(store.page(PageQuery(set_spec="facility"))) == ["deep"]
    assert ids(store.page(PageQuery(set_spec="facility:psi"))) == ["deep"]
    assert store.page(PageQuery(set_spec="facility:ps")) == []


def test_set_filter_with_window_and_paging(store):
    store.upsert_many(rec(f"r{s:02d}", s // 2, sets=("even",) if s % 2 == 0 else ("odd",))
                      for s in range(20))
    query = PageQuery(set_spec="even", from_=at(2), until=at(7), limit=3)
    assert ids(harvest(store, query)) == ["r04", "r06", "r08", "r10", "r12", "r14"]
    assert store.count(query) == 6


@pytest.mark.parametrize("set_spec, elsewhere", [
    (None, None), ("facility", "other"), ("facility:psi", "facility:psix")])
def test_records_written_during_a_harvest_are_neither_repeated_nor_skipped(
        store, set_spec, elsewhere):
    """P37: the keyset position survives writes; unchanged records all still appear."""
    sets = ("facility:psi",)
    store.upsert_many(rec(f"r{s}", s * 10, sets) for s in range(6))
    if elsewhere:
        store.upsert(rec("outside", 25, (elsewhere,)))
    first = store.page(PageQuery(set_spec, limit=3))
    assert ids(first) == ["r0", "r1", "r2"]
    position = (first[-1].datestamp, first[-1].identifier)
    # r1 changes (new datestamp, moves ahead); a record lands behind the position;
    # another ties with the position's datestamp on a later identifier.
    store.upsert(rec("r1", 45, sets))
    store.upsert(rec("early", 5, sets))
    store.upsert(rec("r2a", 20, sets))
    rest = harvest(store, PageQuery(set_spec, after=position, limit=3))
    assert ids(rest) == ["r2a", "r3", "r4", "r1", "r5"]
    assert "early" not in ids(rest)


def test_count_ignores_position_and_limit(store):
    store.upsert_many(rec(f"r{s}", s) for s in range(5))
    assert store.count(PageQuery(after=(at(3), "r3"), limit=1)) == 5
    assert store.count(PageQuery(from_=at(10))) == 0


# -- bookkeeping -----------------------------------------------------------------------


def test_earliest_datestamp(store):
    """P21: a lower bound over all records, deleted ones too."""
    assert store.earliest_datestamp() is None
    store.upsert_many([rec("b", 30), rec("a", 20), rec("c", 40, deleted=True)])
    assert store.earliest_datestamp() == at(20)
    store.upsert(rec("d", -5, deleted=True))
    assert store.earliest_datestamp() == at(-5)


def test_identifiers_and_hashes_include_deleted_records(store):
    assert list(store.identifiers()) == [] and store.hashes() == {}
    store.upsert_many([rec("a", 1, digest="ha"), rec("b", 2, deleted=True, digest="hb")])
    assert sorted(store.identifiers()) == ["a", "b"]
    assert store.hashes() == {"a": ("ha", False), "b": ("hb", True)}


def test_identifiers_walks_beyond_one_chunk(store):
    names = [f"10.1/{i:05d}" for i in range(2345)]
    store.upsert_many(rec(name, 0, formats={}) for name in names)
    assert sorted(store.identifiers()) == names


def test_set_names_are_replaced_and_listed_sorted(store):
    assert store.list_sets() == []
    store.set_names({"proposal:p2": "Proposal 2", "proposal": "Proposals", "a.b": "Dotted"})
    assert store.list_sets() == [("a.b", "Dotted"), ("proposal", "Proposals"),
                                 ("proposal:p2", "Proposal 2")]
    store.set_names({"proposal": "All proposals"})
    assert store.list_sets() == [("proposal", "All proposals")]
    store.set_names({})
    assert store.list_sets() == []


def test_state_is_kept_per_key(store):
    assert store.get_state("watermark") is None
    store.set_state("watermark", "2024-03-01T12:00:00Z")
    store.set_state("mapping", "3")
    store.set_state("watermark", "2024-03-02T00:00:00Z")
    assert store.get_state("watermark") == "2024-03-02T00:00:00Z"
    assert store.get_state("mapping") == "3"


# -- implementation specifics ----------------------------------------------------------


def test_sqlite_memory_store_and_parent_directories(tmp_path):
    memory = SQLiteStore(":memory:")
    memory.upsert(rec("a", 1))
    assert ids(memory.page(PageQuery())) == ["a"]
    memory.close()
    nested = tmp_path / "x" / "y" / "records.sqlite3"
    SQLiteStore(nested).close()
    assert nested.exists()


def test_sqlite_file_survives_reopening(tmp_path):
    path = tmp_path / "records.sqlite3"
    first = SQLiteStore(path)
    first.upsert(rec("a", 1, sets=("s",)))
    first.set_state("k", "v")
    first.close()
    again = SQLiteStore(path)
    assert again.get("a") == rec("a", 1, sets=("s",))
    assert again.get_state("k") == "v"
    again.close()


def test_sqlite_threads_read_while_one_writes(tmp_path):
    store = SQLiteStore(tmp_path / "records.sqlite3")
    store.upsert_many(rec(f"r{i:04d}", i) for i in range(300))
    failures = []

    def read():
        try:
            for _ in range(20):
                assert len(harvest(store, PageQuery(limit=50), "oai_dc")) >= 300
        except Exception as exc:  # collected: an assertion in a thread would be lost
            failures.append(exc)

    def write():
        try:
            for i in range(300, 400):
                store.upsert(rec(f"r{i:04d}", i))
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.count(PageQuery()) == 400
    store.close()


def test_mongo_store_returns_aware_datestamps_on_a_naive_client(mongo_client):
    name = "store_" + uuid.uuid4().hex
    store = MongoStore(mongo_client, name)  # the shared client is built without tz_aware
    store.upsert(rec("a", 1))
    assert store.get("a").datestamp == at(1)
    assert store.get("a").datestamp.tzinfo is not None
    mongo_client.drop_database(name)


# -- open_store ------------------------------------------------------------------------


def test_open_store_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = open_store("sqlite:///var/gateway.sqlite3")
    assert isinstance(relative, SQLiteStore) and (tmp_path / "var/gateway.sqlite3").exists()
    relative.close()
    absolute = open_store(f"sqlite:///{tmp_path / 'abs' / 'g.sqlite3'}")
    assert (tmp_path / "abs" / "g.sqlite3").exists()
    absolute.close()
    memory = open_store("sqlite:///:memory:")
    assert isinstance(memory, SQLiteStore)
    memory.close()


def test_open_store_mongodb_url_names_the_database(mongo, mongo_client):
    name = "store_" + uuid.uuid4().hex
    store = open_store(f"{mongo.uri}/{name}")
    assert isinstance(store, MongoStore)
    store.set_state("k", "v")
    assert name in mongo_client.list_database_names()
    assert store.get_state("k") == "v"
    store.close()
    mongo_client.drop_database(name)


@pytest.mark.parametrize("url", ["postgresql://h/db", "sqlite://relative.db", "sqlite:///",
                                 "records.sqlite3", ""])
def test_open_store_rejects_other_urls(url):
    with pytest.raises(ValueError, match="sqlite:///"):
        open_store(url)


def test_mongo_store_indexes_serve_keyset_paging(mongo_client):
    name = "store_" + uuid.uuid4().hex
    MongoStore(mongo_client, name)
    indexes = mongo_client[name]["records"].index_information().values()
    keys = [[field for field, _ in index["key"]] for index in indexes]
    assert ["datestamp", "_id"] in keys and ["sets", "datestamp", "_id"] in keys
    mongo_client.drop_database(name)
