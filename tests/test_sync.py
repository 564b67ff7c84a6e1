"""Sync against a real MongoDB-wire server: full load, stored formats, sets, reconcile, policies."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.config import Settings
from gateway.oai.formats import FORMATS, HEADER
from gateway.oai.render import SET_SPEC
from gateway.rendering import EXPORT_FORMATS, STORED_RENDERINGS, export_key
from gateway.schemas import validate_datacite
from gateway.source import SciCatSource
from gateway.store.base import PageQuery
from gateway.sync import SyncReport, Syncer
from gateway.sync import syncer as syncer_module
from gateway.sync.sets import escape_token, set_name, unescape_token
from gateway.sync.state import SyncState
from mappings.datacite import map_publication

T1 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
T2 = datetime(2030, 1, 2, 12, 0, 0, tzinfo=timezone.utc)

V4_PUBLIC = {"10.5072/ess.4f2a9c1e7b", "10.5072/ess.public01", "10.5072/ess.amended01",
             "10.5072/legacy.migrated01"}
DEMO_PUBLIC = {"10.5072/psi.tomcat.2019.001", "10.5072/psi.sinq.2020.014",
               "10.5072/d91e5b07-2c4f-4a8e-b3d6-7f0a9c1e5b28", "10.5072/psi.7c2e91b4d0",
               "10.5072/psi.b3f0a6c218", "10.5072/psi.e5d18c7a43", "10.5072/psi.41d7f0c2b9"}


@pytest.fixture
def store(sqlite_store):
    return sqlite_store


@pytest.fixture
def v4(writable_v4_db):
    return writable_v4_db


@pytest.fixture
def demo(writable_demo_db):
    return writable_demo_db


def syncer(db, store, **settings) -> Syncer:
    return Syncer(SciCatSource(db), store, Settings(**settings))


def everything(store) -> dict:
    return {r.identifier: r for r in store.page(PageQuery(limit=1000))}


def live(store) -> set[str]:
    return {doi for doi, r in everything(store).items() if not r.deleted}


# -- first sync --------------------------------------------------------------------------


def test_first_sync_of_an_empty_store_loads_every_public_record(v4, store):
    report = syncer(v4, store).run_once(now=T1)
    assert (report.read, report.changed, report.deleted, report.problems) == (5, 4, 0, 0)
    records = everything(store)
    assert set(records) == V4_PUBLIC  # the private draft is never stored, not even deleted
    assert all(r.datestamp == T1 and not r.deleted for r in records.values())


def test_first_sync_reads_all_three_shapes(demo, store):
    report = syncer(demo, store).run_once(now=T1)
    assert live(store) == DEMO_PUBLIC  # pending_registration and private stay out
    assert report.changed == len(DEMO_PUBLIC) and report.problems == 0


def test_every_format_is_stored_and_export_bytes_match_the_export_command(v4, store):
    syncer(v4, store).run_once(now=T1)
    doi = "10.5072/ess.4f2a9c1e7b"
    record = store.get(doi)
    assert set(record.formats) == {HEADER, *FORMATS, *STORED_RENDERINGS}
    bundle = SciCatSource(v4).bundle(doi)
    mapped = map_publication(bundle.published, bundle.datasets, bundle.proposals,
                             Settings().mapping_options)
    for name in EXPORT_FORMATS:
        assert record.formats[export_key(name)] == EXPORT_FORMATS[name][1](mapped.record)
    assert validate_datacite(record.formats[export_key("datacite-xml")]) == []
    assert b"<datestamp>2030-01-01T12:00:00Z</datestamp>" in record.formats["oai_dc"]
    assert b"<setSpec>instrument:ess~2Floki</setSpec>" in record.formats[HEADER]


def test_sync_bookkeeping_is_kept_in_the_store(v4, store):
    syncer(v4, store).run_once(now=T1)
    assert store.get_state("sync.mapping_version")
    assert store.get_state("sync.watermark.PublishedData") == "2026-02-01T10:00:00+00:00"
    assert store.get_state("sync.watermark.Dataset") == "2026-01-06T10:00:00+00:00"


# -- sets ----------------------------------------------------------------------------------


def test_sets_of_a_record_with_their_parents(v4, store):
    syncer(v4, store).run_once(now=T1)
    assert store.get("10.5072/ess.4f2a9c1e7b").sets == (
        "instrument", "instrument:ess~2Floki", "openaire_data", "proposal",
        "proposal:ESS-2025-0042", "type", "type:Dataset", "year", "year:2025")
    assert store.get("10.5072/ess.public01").sets == (
        "openaire_data", "type", "type:Dataset", "year", "year:2026")


def test_set_names_are_listed_for_every_set_in_use(v4, store):
    syncer(v4, store).run_once(now=T1)
    names = dict(store.list_sets())
    assert names["openaire_data"] == "OpenAIRE data"
    assert names["year:2025"] == "Publication year 2025"
    assert names["instrument:ess~2Floki"] == "Instrument ess/loki"
    assert names["proposal:ESS-2025-0042"] == "Proposal ESS-2025-0042"
    assert names["type:Dataset"] == "Resource type Dataset"
    assert names["instrument"] == "Instruments"


def test_a_parent_set_harvests_its_children(v4, store):
    syncer(v4, store).run_once(now=T1)
    in_parent = store.page(PageQuery(set_spec="year", limit=100))
    assert {r.identifier for r in in_parent} == V4_PUBLIC
    in_child = store.page(PageQuery(set_spec="instrument:ess~2Floki", limit=100))
    assert [r.identifier for r in in_child] == ["10.5072/ess.4f2a9c1e7b"]


@pytest.mark.parametrize("text, token", [
    ("ess/loki", "ess~2Floki"), ("2025", "2025"), ("a:b", "a~3Ab"), ("x~y", "x~7Ey"),
    ("Lucía", "Luc~C3~ADa"), ("with space", "with~20space")])
def test_set_tokens_are_escaped_reversibly(text, token):
    assert escape_token(text) == token
    assert unescape_token(token) == text


@given(st.text(min_size=1))
def test_any_id_escapes_to_a_valid_set_spec_token(text):
    token = escape_token(text)
    assert SET_SPEC.fullmatch(token) and ":" not in token
    assert unescape_token(token) == text


def test_set_names_come_from_the_spec_alone():
    assert set_name("instrument:psi~2Fsls~2Ftomcat") == "Instrument psi/sls/tomcat"
    assert set_name("type") == "Resource types"


# -- reconcile and policies ----------------------------------------------------------------


def test_a_public_record_the_store_lacks_is_picked_up_without_a_newer_updated_at(v4, store):
    sync = syncer(v4, store)
    sync.run_once(now=T1)
    # No updatedAt at all (as in old LoopBack data): only the reconcile listing sees it.
    v4.PublishedData.insert_one({"_id": "10.5072/late.01", "doi": "10.5072/late.01",
                                 "status": "public", "title": "Late arrival", "abstract": "x",
                                 "datasetPids": [], "metadata": {
                                     "creators": [{"name": "Late, Ann"}],
                                     "publisher": {"name": "ESS"}, "publicationYear": 2026,
                                     "resourceType": "raw"}})
    report = sync.run_once(now=T2)
    assert report.changed == 1
    assert store.get("10.5072/late.01").datestamp == T2


def test_an_invalid_edit_keeps_the_last_good_version(v4, store):
    sync = syncer(v4, store)
    sync.run_once(now=T1)
    before = store.get("10.5072/ess.public01")
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"}, {"$set": {
        "title": "", "metadata.creators": [], "updatedAt": T2}})
    report = sync.run_once(now=T2)
    assert (report.changed, report.deleted, report.problems) == (0, 0, 1)
    after = store.get("10.5072/ess.public01")
    assert after == before


def test_an_invalid_record_that_was_never_live_is_not_stored(v4, store):
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"},
                                {"$set": {"title": "", "metadata.creators": []}})
    report = syncer(v4, store).run_once(now=T1)
    assert report.problems == 1
    assert store.get("10.5072/ess.public01") is None
    assert live(store) == V4_PUBLIC - {"10.5072/ess.public01"}


def test_history_names_a_deleted_and_recreated_document(v4, store):
    sync = syncer(v4, store)
    sync.run_once(now=T1)
    # Deleted, then restored from an old backup with other content and its old updatedAt:
    # no watermark sees it, but SciCat's History recorded the deletion.
    doc = v4.PublishedData.find_one({"_id": "10.5072/ess.amended01"})
    v4.PublishedData.delete_one({"_id": doc["_id"]})
    v4.History.insert_one({"subsystem": "PublishedData", "documentId": doc["_id"],
                           "operation": "delete", "before": {"doi": doc["doi"]},
                           "timestamp": datetime(2030, 1, 1, 18, 0)})
    doc["title"] = "Restored with a corrected title"
    v4.PublishedData.insert_one(doc)
    report = sync.run_once(now=T2)
    assert report.changed == 1 and report.deleted == 0
    assert store.get("10.5072/ess.amended01").datestamp == T2
    assert b"Restored with a corrected title" in store.get("10.5072/ess.amended01").formats["oai_dc"]


def test_two_documents_with_one_doi_one_public_is_not_a_withdrawal(v4, store):
    sync = syncer(v4, store)
    sync.run_once(now=T1)
    # A stray private copy keyed by another _id (backend-next v3 allows _id != doi).
    copy = v4.PublishedData.find_one({"_id": "10.5072/ess.public01"})
    copy.update(_id="stray-copy", status="private", updatedAt=T2)
    v4.PublishedData.insert_one(copy)
    report = sync.run_once(now=T2)
    assert report.deleted == 0 and "10.5072/ess.public01" in live(store)


# -- follow --------------------------------------------------------------------------------


def test_a_deleted_dataset_is_noticed_by_the_next_periodic_full_pass(v4, store):
    doi = "10.5072/ess.4f2a9c1e7b"
    sync = syncer(v4, store, sync_full_every=24 * 3600)
    sync.run_once(now=T1)
    before = store.get(doi)
    assert b"ESS-2025-0042" in before.formats["datacite"]
    # Deleting leaves no updatedAt anywhere: an incremental pass cannot see it.
    v4.Dataset.delete_many({"pid": {"$in": ["20.500.12269/ds-0001", "20.500.12269/ds-0002"]}})
    incremental = sync.run_once(now=T1 + timedelta(hours=23))
    assert incremental.read < len(V4_PUBLIC) and store.get(doi).content_hash == before.content_hash
    full = sync.run_once(now=T1 + timedelta(hours=24))
    assert full.read == len(V4_PUBLIC) + 1  # every publication, the private draft too
    after = store.get(doi)
    assert after.content_hash != before.content_hash and after.datestamp == T1 + timedelta(hours=24)
    assert b"ESS-2025-0042" not in after.formats["datacite"]  # the proposal came through them
    assert store.get_state("sync.last_full") == (T1 + timedelta(hours=24)).isoformat()


def test_periodic_full_passes_can_be_turned_off(v4, store):
    sync = syncer(v4, store, sync_full_every=0)
    sync.run_once(now=T1)
    assert sync.run_once(now=T1 + timedelta(days=30)).read < len(V4_PUBLIC)


@pytest.mark.parametrize("last_full, every, due", [
    (T1, 3600, None),                          # 59 minutes ago
    (T1 - timedelta(minutes=1), 3600, True),   # an hour ago
    (None, 3600, True),                        # a store from before full passes were recorded
    (None, 0, None),                           # turned off
])
def test_when_a_full_pass_is_due(v4, store, last_full, every, due):
    settings = Settings(sync_full_every=every)
    Syncer(SciCatSource(v4), store, settings).run_once(now=T1)  # records version and settings
    state = SyncState.load(store)
    state.last_full = last_full
    reason = state.needs_full(settings, T1 + timedelta(minutes=59))
    assert (reason is not None) == bool(due), reason


def test_follow_runs_passes_until_stopped(v4, store):
    stop = threading.Event()
    reports: list[SyncReport] = []

    def collect(report):
        reports.append(report)
        if len(reports) == 2:
            stop.set()

    thread = threading.Thread(target=syncer(v4, store).follow, args=(0.01, stop, collect))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert [r.changed for r in reports] == [4, 0]


def test_follow_survives_a_failing_pass(v4, store, monkeypatch):
    stop = threading.Event()
    sync = syncer(v4, store)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            stop.set()
        raise RuntimeError("database went away")

    monkeypatch.setattr(sync, "run_once", failing)
    sync.follow(0.01, stop)
    assert len(calls) == 2


def test_report_line():
    assert SyncReport(5, 4, 1, 0, 2.04).line() == "read 5, changed 4, deleted 1, problems 0 (2.0 s)"


def test_a_record_that_cannot_be_rendered_does_not_stop_the_pass(v4, store, monkeypatch):
    original = syncer_module.renderings

    def breaks_on_one(identifier, *args):
        if identifier == "10.5072/ess.public01":
            raise ValueError("a serializer bug")
        return original(identifier, *args)

    monkeypatch.setattr(syncer_module, "renderings", breaks_on_one)
    report = syncer(v4, store).run_once(now=T1)
    assert (report.changed, report.problems) == (3, 1)
    assert live(store) == V4_PUBLIC - {"10.5072/ess.public01"}
