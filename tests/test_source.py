"""Reading PublishedData and its links from a real MongoDB-wire server."""
from __future__ import annotations

from datetime import datetime

import pytest
from bson import ObjectId

from gateway import source
from gateway.source import SciCatSource, SourceBundle, dataset_ids, proposal_ids, string_ids
from mappings import thumbnails

TOMCAT_RAW = "20.500.12345/7d0c5a2e-41b8-4f6e-9c3a-5b2e81f0a9d1"
TOMCAT_DERIVED = "20.500.12345/e39b1f64-0a7d-4c55-8e21-6f4d9a3c7b02"
FOAM_RAW = "20.500.12345/b81d3e0f-6c2a-4e97-8f15-2a7c9d4e6b38"
NEXT_ID = "10.5072/a4c2e9f1-7b3d-4e58-9a60-1c8f5d2b7e34"
NEXT_DOI = "10.5072/d91e5b07-2c4f-4a8e-b3d6-7f0a9c1e5b28"


def ids(docs):
    return [d["_id"] for d in docs]


def doi_of(doc):
    return doc.get("doi") or doc["_id"]


# -- lookup by DOI -------------------------------------------------------------


def test_loopback_record_is_found_by_id(scicatlive_db):
    doc = SciCatSource(scicatlive_db).published("10.9999/psi_pub1")
    assert doc["_id"] == "10.9999/psi_pub1" and "doi" not in doc


def test_v4_record_is_found_by_doi(v4_db):
    doc = SciCatSource(v4_db).published("10.5072/ess.4f2a9c1e7b")
    assert doc["status"] == "registered"
    assert doc["metadata"]["creators"][0]["familyName"] == "Andersson"


def test_backend_next_record_is_found_by_doi_not_by_its_other_id(demo_db):
    src = SciCatSource(demo_db)
    assert src.published(NEXT_DOI)["_id"] == NEXT_ID
    # Its `_id` is a different DOI-shaped string that was never registered.
    assert src.published(NEXT_ID) is None


@pytest.mark.parametrize("bad", ["", "10.5072/unknown", None, {"$ne": None}, ["10.9999/psi_pub1"]])
def test_unknown_or_non_string_doi_finds_nothing(scicatlive_db, bad):
    assert SciCatSource(scicatlive_db).published(bad) is None


def test_plain_reads_leave_the_thumbnail_out(demo_db, empty_db):
    src = SciCatSource(demo_db)
    assert "thumbnail" not in src.published("10.5072/psi.tomcat.2019.001")
    assert all("thumbnail" not in doc for doc in src.iter_published())
    empty_db.PublishedData.insert_one(
        {"_id": "10.5072/m", "doi": "10.5072/m", "metadata": {"thumbnail": "x" * 1000, "publicationYear": 2020}}
    )
    assert SciCatSource(empty_db).published("10.5072/m")["metadata"] == {"publicationYear": 2020}


def test_bundles_carry_the_thumbnails_read_apart(demo_db, empty_db):
    stored = demo_db.PublishedData.find_one({"thumbnail": {"$exists": True, "$ne": ""}})
    bundle = SciCatSource(demo_db).bundle(doi_of(stored))
    assert bundle.published["thumbnail"] == stored["thumbnail"]
    empty_db.PublishedData.insert_many([
        {"_id": "10.5072/meta", "doi": "10.5072/meta", "metadata": {"thumbnail": "m", "publicationYear": 2020}},
        {"_id": "10.5072/none", "doi": "10.5072/none", "metadata": {"publicationYear": 2020}},
    ])
    src = SciCatSource(empty_db)
    assert src.bundle("10.5072/meta").published["metadata"] == {"thumbnail": "m", "publicationYear": 2020}
    assert "thumbnail" not in src.bundle("10.5072/none").published["metadata"]


def test_a_thumbnail_too_long_to_read_is_replaced_by_its_length(empty_db, monkeypatch):
    monkeypatch.setattr(thumbnails, "MAX_CHARS", 100)
    empty_db.PublishedData.insert_one({"_id": "10.5072/big", "doi": "10.5072/big", "thumbnail": "x" * 101})
    assert SciCatSource(empty_db).bundle("10.5072/big").published["thumbnail"] == thumbnails.Oversized(101)


def test_bundles_of_does_not_change_the_documents_it_is_given(demo_db):
    src = SciCatSource(demo_db)
    docs = list(src.iter_published())
    before = [dict(doc, metadata=dict(doc.get("metadata") or {})) for doc in docs]
    bundles = list(src.bundles_of(docs))
    assert any("thumbnail" in b.published for b in bundles)
    assert [dict(doc, metadata=dict(doc.get("metadata") or {})) for doc in docs] == before


# -- iteration -------------------------------------------------------------------


def test_iter_published_reads_everything(demo_db):
    docs = list(SciCatSource(demo_db).iter_published(batch_size=2))
    assert len(docs) == demo_db.PublishedData.count_documents({}) == 9


def test_iter_published_changed_since(demo_db):
    since = datetime(2024, 2, 3)
    found = {doi_of(d) for d in SciCatSource(demo_db).iter_published(changed_since=since)}
    assert found == {"10.5072/psi.b3f0a6c218", "10.5072/psi.e5d18c7a43",
                     "10.5072/psi.0a9b8c7d6e", "10.5072/psi.41d7f0c2b9"}


def test_iter_published_rejects_a_non_date(demo_db):
    with pytest.raises(TypeError):
        list(SciCatSource(demo_db).iter_published(changed_since="2024-01-01"))


# -- links -----------------------------------------------------------------------


def test_v3_links_through_dataset_proposal_id(scicatlive_db):
    src = SciCatSource(scicatlive_db)
    datasets, proposals = src.linked(src.published("10.9999/psi_pub1"))
    assert ids(datasets) == [f"PID.SAMPLE.PREFIX/psi_ds{i}" for i in (1, 2, 3)]
    assert ids(proposals) == ["psi_proposal1"]


def test_v4_links_through_dataset_proposal_ids(v4_db):
    src = SciCatSource(v4_db)
    datasets, proposals = src.linked(src.published("10.5072/ess.4f2a9c1e7b"))
    assert ids(datasets) == ["20.500.12269/ds-0001", "20.500.12269/ds-0002"]
    assert ids(proposals) == ["ESS-2025-0042"]  # named by both datasets, listed once


def test_dangling_links_are_left_out(scicatlive_db, v4_db):
    src = SciCatSource(scicatlive_db)
    assert src.linked(src.published("10.9999/dls_pub1")) == ([], [])
    src = SciCatSource(v4_db)
    datasets, proposals = src.linked(src.published("10.5072/legacy.migrated01"))
    assert ids(datasets) == ["20.500.12269/ds-0005"] and proposals == []


def test_demo_links_v3_and_v4(demo_db):
    src = SciCatSource(demo_db)
    assert ids(src.bundle("10.5072/psi.7c2e91b4d0").proposals) == ["20221377"]
    loopback = src.bundle("10.5072/psi.tomcat.2019.001")
    assert ids(loopback.datasets) == [FOAM_RAW, "psi-ds-2019-0031"]
    assert ids(loopback.proposals) == ["20190412"]


def test_bulky_fields_are_left_out_but_emails_kept(demo_db):
    bundle = SciCatSource(demo_db).bundle("10.5072/psi.7c2e91b4d0")
    raw = bundle.datasets[0]
    assert raw["_id"] == TOMCAT_RAW
    assert "scientificMetadata" not in raw and "history" not in raw
    # Privacy is the mapping's job; the source hands e-mails on unchanged.
    assert raw["ownerEmail"] and bundle.proposals[0]["pi_email"]


def test_hostile_ids_are_ignored(empty_db):
    empty_db.Dataset.insert_many([
        {"_id": "ds-ok", "proposalId": {"$gt": ""}, "proposalIds": ["p-ok", {"$ne": None}]},
        {"_id": "ds-other", "proposalIds": ["p-other"]},
    ])
    empty_db.Proposal.insert_many([{"_id": "p-ok"}, {"_id": "p-other"}])
    pub = {
        "_id": "10.5072/h",
        "pidArray": [{"$ne": None}, {"$regex": ".*"}, 42, None, "", "ds-ok"],
        "datasetPids": {"$exists": True},
    }
    datasets, proposals = SciCatSource(empty_db).linked(pub)
    assert ids(datasets) == ["ds-ok"]
    assert ids(proposals) == ["p-ok"]


def test_falls_back_to_pid_and_proposal_id_fields(empty_db):
    empty_db.Dataset.insert_one({"_id": ObjectId(), "pid": "ds-by-pid", "proposalIds": ["p-by-field"]})
    empty_db.Proposal.insert_one({"_id": ObjectId(), "proposalId": "p-by-field"})
    datasets, proposals = SciCatSource(empty_db).linked({"_id": "10.5072/f", "datasetPids": ["ds-by-pid"]})
    assert [d["pid"] for d in datasets] == ["ds-by-pid"]
    assert [p["proposalId"] for p in proposals] == ["p-by-field"]


def test_metadata_dataset_pids_are_read(empty_db):
    empty_db.Dataset.insert_many([{"_id": "a"}, {"_id": "b"}])
    pub = {"_id": "10.5072/n", "datasetPids": ["b"], "metadata": {"datasetPids": ["a", "b"]}}
    assert ids(SciCatSource(empty_db).linked(pub)[0]) == ["b", "a"]


def test_long_id_lists_are_split_into_several_queries(empty_db, monkeypatch):
    monkeypatch.setattr(source, "IN_CHUNK", 2)
    pids = [f"ds-{i}" for i in range(5)]
    empty_db.Dataset.insert_many([{"_id": p, "proposalId": f"p-{i % 3}"} for i, p in enumerate(pids)])
    empty_db.Proposal.insert_many([{"_id": f"p-{i}"} for i in range(3)])
    datasets, proposals = SciCatSource(empty_db).linked({"_id": "10.5072/l", "pidArray": pids})
    assert ids(datasets) == pids
    assert ids(proposals) == ["p-0", "p-1", "p-2"]


# -- bundles -----------------------------------------------------------------------


@pytest.mark.parametrize("db_fixture", ["scicatlive_db", "v4_db", "demo_db"])
def test_bundles_cover_every_record_with_the_same_links(request, db_fixture):
    db = request.getfixturevalue(db_fixture)
    src = SciCatSource(db)
    bundles = list(src.bundles(batch_size=3))
    assert len(bundles) == db.PublishedData.count_documents({})
    assert len({doi_of(b.published) for b in bundles}) == len(bundles)
    for bundle in bundles:
        single = src.bundle(doi_of(bundle.published))
        assert isinstance(bundle, SourceBundle)
        assert ids(bundle.datasets) == ids(single.datasets)
        assert ids(bundle.proposals) == ids(single.proposals)
        assert bundle.published == single.published


def test_bundles_changed_since(demo_db):
    found = [doi_of(b.published) for b in SciCatSource(demo_db).bundles(changed_since=datetime(2025, 1, 1))]
    assert sorted(found) == ["10.5072/psi.0a9b8c7d6e", "10.5072/psi.41d7f0c2b9"]


def test_bundle_of_an_unknown_doi_is_none(demo_db):
    assert SciCatSource(demo_db).bundle("10.5072/nothing") is None


# -- id extraction -----------------------------------------------------------------


def test_id_extraction_is_defensive():
    assert string_ids("x") == ["x"]
    assert string_ids(["a", "a", 1, None, "", {"$ne": 1}, "b"]) == ["a", "b"]
    assert string_ids({"$in": ["a"]}) == []
    assert dataset_ids({"pidArray": ["a"], "datasetPids": ["b", "a"], "metadata": "junk"}) == ["b", "a"]
    assert proposal_ids({"proposalIds": ["p1"], "proposalId": "p2"}) == ["p1", "p2"]
    assert proposal_ids({"proposalIds": "p1"}) == ["p1"]
