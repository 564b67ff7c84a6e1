"""Datestamps: a record's datestamp advances exactly when something it disseminates changes.

Each pass runs at a frozen time, so every datestamp written can be named exactly.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

from gateway.config import Settings
from gateway.oai.formats import HEADER
from gateway.rendering import export_key
from gateway.source import SciCatSource
from gateway.store.base import PageQuery
from gateway.sync import Syncer, syncer as syncer_module
from mappings import datacite
from test_thumbnails import PNG, data_uri

T1 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
T2 = T1 + timedelta(hours=1)
T3 = T1 + timedelta(hours=2)
T4 = T1 + timedelta(hours=3)

# Demo data: public proposal 20190412 reaches two publications through dataset
# psi-ds-2019-0031; non-public proposal 20230588 reaches one.
FOAM = {"10.5072/psi.tomcat.2019.001", "10.5072/psi.41d7f0c2b9"}
MICELLES = "10.5072/psi.b3f0a6c218"


@pytest.fixture
def store(sqlite_store):
    return sqlite_store


@pytest.fixture
def demo(writable_demo_db):
    return writable_demo_db


@pytest.fixture
def v4(writable_v4_db):
    return writable_v4_db


def sync_at(db, store, moment, **kwargs):
    with freeze_time(moment):
        return Syncer(SciCatSource(db), store, Settings()).run_once(**kwargs)


def stamps(store) -> dict[str, datetime]:
    return {r.identifier: r.datestamp for r in store.page(PageQuery(limit=1000))}


def advanced(before: dict, after: dict) -> set[str]:
    return {doi for doi, stamp in after.items() if before.get(doi) != stamp}


# -- no-op -----------------------------------------------------------------------------------


def test_a_no_op_sync_changes_nothing(demo, store):
    sync_at(demo, store, T1)
    before = store.page(PageQuery(limit=1000))
    report = sync_at(demo, store, T2)
    assert (report.changed, report.deleted, report.problems) == (0, 0, 0)
    after = store.page(PageQuery(limit=1000))
    assert after == before  # datestamps, hashes, sets and every stored byte
    assert all(r.datestamp == T1 for r in after)


# -- linked documents ------------------------------------------------------------------------


def test_a_linked_proposal_title_advances_exactly_the_records_reaching_it(demo, store):
    sync_at(demo, store, T1)
    before = stamps(store)
    demo.Proposal.update_one({"_id": "20190412"}, {"$set": {
        "title": "Four-dimensional imaging of coarsening foams, revised", "updatedAt": T2}})
    report = sync_at(demo, store, T2)
    assert report.changed == 2
    assert advanced(before, stamps(store)) == FOAM
    for doi in FOAM:
        assert store.get(doi).datestamp == T2
        assert b"coarsening foams, revised" in store.get(doi, export_key("datacite-xml")).formats[export_key("datacite-xml")]


def test_a_change_that_is_not_disseminated_does_not_advance_anything(demo, store):
    sync_at(demo, store, T1)
    before = stamps(store)
    # Proposal 20230588 is not public: its title is not part of any record.
    demo.Proposal.update_one({"_id": "20230588"}, {"$set": {"title": "Renamed", "updatedAt": T2}})
    report = sync_at(demo, store, T2)
    assert report.read >= 1 and report.changed == 0
    assert stamps(store) == before


def test_a_dataset_keyword_advances_exactly_the_records_reaching_it(demo, store):
    sync_at(demo, store, T1)
    before = stamps(store)
    demo.Dataset.update_one({"_id": "psi-ds-2019-0031"}, {
        "$push": {"keywords": "liquid foam"}, "$set": {"updatedAt": T2}})
    report = sync_at(demo, store, T2)
    assert report.changed == 2
    assert advanced(before, stamps(store)) == FOAM


def test_a_dataset_linked_through_a_v4_proposal_reaches_its_publication(v4, store):
    sync_at(v4, store, T1)
    before = stamps(store)
    v4.Proposal.update_one({"_id": "ESS-2025-0042"}, {"$set": {
        "title": "Lipid nanodiscs, second edition", "updatedAt": T2}})
    sync_at(v4, store, T2)
    assert advanced(before, stamps(store)) == {"10.5072/ess.4f2a9c1e7b"}


def test_editing_the_publication_itself_advances_only_it(v4, store):
    sync_at(v4, store, T1)
    before = stamps(store)
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"}, {"$set": {
        "abstract": "A better abstract.", "updatedAt": T2}})
    sync_at(v4, store, T2)
    assert advanced(before, stamps(store)) == {"10.5072/ess.public01"}


# -- leaving and re-entering the public set ------------------------------------------------------


def test_privatising_a_record_makes_a_tombstone_with_that_syncs_datestamp(v4, store):
    sync_at(v4, store, T1)
    sets = store.get("10.5072/ess.public01").sets
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"},
                                {"$set": {"status": "private", "updatedAt": T2}})
    report = sync_at(v4, store, T3)
    assert (report.changed, report.deleted) == (0, 1)
    tombstone = store.get("10.5072/ess.public01")
    assert tombstone.deleted and tombstone.datestamp == T3 and tombstone.formats == {}
    assert tombstone.sets == sets  # selective harvesters learn of the deletion too
    assert store.get("10.5072/ess.4f2a9c1e7b").datestamp == T1


def test_a_status_outside_the_configured_public_statuses_is_withdrawn(v4, store):
    sync_at(v4, store, T1)
    with freeze_time(T2):
        settings = Settings(public_statuses=("registered", "amended"))
        report = Syncer(SciCatSource(v4), store, settings).run_once()
    assert report.deleted == 1
    assert store.get("10.5072/ess.public01").deleted


def test_deleting_a_published_data_document_makes_a_tombstone(v4, store):
    sync_at(v4, store, T1)
    v4.PublishedData.delete_one({"_id": "10.5072/ess.amended01"})
    report = sync_at(v4, store, T2)
    assert report.deleted == 1
    tombstone = store.get("10.5072/ess.amended01")
    assert tombstone.deleted and tombstone.datestamp == T2 and not tombstone.formats
    # and it stays as it is on the next pass
    assert sync_at(v4, store, T3).deleted == 0
    assert store.get("10.5072/ess.amended01").datestamp == T2


def test_a_record_made_public_again_comes_back_with_a_new_datestamp(v4, store):
    sync_at(v4, store, T1)
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"},
                                {"$set": {"status": "private", "updatedAt": T2}})
    sync_at(v4, store, T2)
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"},
                                {"$set": {"status": "public", "updatedAt": T3}})
    report = sync_at(v4, store, T3)
    assert (report.changed, report.deleted) == (1, 0)
    back = store.get("10.5072/ess.public01")
    assert not back.deleted and back.datestamp == T3 and HEADER in back.formats


def test_a_draft_made_public_appears(v4, store):
    sync_at(v4, store, T1)
    v4.PublishedData.update_one({"_id": "10.5072/ess.private01"},
                                {"$set": {"status": "public", "updatedAt": T2}})
    sync_at(v4, store, T2)
    assert store.get("10.5072/ess.private01").datestamp == T2


# -- mapping upgrades --------------------------------------------------------------------------


def test_a_new_mapping_version_advances_only_records_whose_output_changed(demo, store, monkeypatch):
    first = sync_at(demo, store, T1)
    before = stamps(store)
    original = datacite.map_publication

    def upgraded(*args, **kwargs):
        result = original(*args, **kwargs)
        if result.doi == MICELLES:
            result.record["version"] = "2"
        return result

    monkeypatch.setattr(syncer_module, "map_publication", upgraded)
    # Without a new version nothing is re-mapped, so the new output is not seen yet.
    assert sync_at(demo, store, T2).changed == 0
    monkeypatch.setattr(datacite, "MAPPING_VERSION", datacite.MAPPING_VERSION + ".1")
    report = sync_at(demo, store, T3)
    assert report.read == first.read and report.changed == 1
    assert advanced(before, stamps(store)) == {MICELLES}
    assert store.get(MICELLES).datestamp == T3
    assert store.get_state("sync.mapping_version") == datacite.MAPPING_VERSION


def test_a_setting_that_shapes_records_re_renders_them(v4, store):
    sync_at(v4, store, T1)
    with freeze_time(T2):
        report = Syncer(SciCatSource(v4), store, Settings(datacentre_symbol="ESS.NEW")).run_once()
    assert report.changed == 4  # oai_datacite carries the symbol
    assert all(stamp == T2 for stamp in stamps(store).values())


def test_a_new_base_url_re_renders_the_records_that_link_to_their_thumbnail(v4, store):
    doi = "10.5072/ess.thumb"
    v4.PublishedData.insert_one({**v4.PublishedData.find_one({"_id": "10.5072/ess.public01"}),
                                 "_id": doi, "doi": doi, "thumbnail": data_uri("image/png", PNG),
                                 # older than the watermarks and linked to nothing: only a
                                 # full pass reads it again
                                 "updatedAt": datetime(2020, 1, 1, tzinfo=timezone.utc),
                                 "datasetPids": []})
    sync_at(v4, store, T1)
    before = stamps(store)
    with freeze_time(T2):
        report = Syncer(SciCatSource(v4), store, Settings(base_url="https://gateway.new.example")).run_once()
    assert report.changed == 1
    assert advanced(before, stamps(store)) == {doi}
    landing = json.loads(store.get(doi, "landing").formats["landing"])
    assert landing["thumbnail"] == "https://gateway.new.example/records/10.5072/ess.thumb/thumbnail"


# -- ordering ---------------------------------------------------------------------------------


def test_a_datestamp_never_goes_backwards(v4, store):
    sync_at(v4, store, T3)
    v4.PublishedData.update_one({"_id": "10.5072/ess.public01"},
                                {"$set": {"abstract": "Edited.", "updatedAt": T4}})
    sync_at(v4, store, T2)  # the clock was set back
    assert store.get("10.5072/ess.public01").datestamp == T3


def test_datestamps_are_whole_seconds(v4, store):
    sync_at(v4, store, T1 + timedelta(microseconds=987654))
    assert all(stamp.microsecond == 0 for stamp in stamps(store).values())
