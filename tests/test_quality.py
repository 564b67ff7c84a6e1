"""Metadata quality: the per-record report, the repository summary, how sync keeps both
(failing records included), the endpoints, and `scicat-gateway check`."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gateway.cli import main
from gateway.landing import ledger
from gateway.quality import MAX_LISTED, RepositorySummary, record_report
from gateway.store.base import StoredRecord
from mappings.datacite import map_publication
from mappings.problems import ERROR, Problem
from test_landing_harness import (  # noqa: F401  (fixtures)
    EMAIL, MIGRATED, NANODISCS, PRIVATE, T1, T2, T3, V4_LIVE, published, record_url, scicat, site,
    sync, v4_site,
)

BROKEN = "10.5072/broken.1"


def codes(report: dict) -> dict:
    found = {p["code"]: p["severity"] for p in report["problems"]}
    found.update({r["code"]: r["severity"] for r in report["recommendations"]})
    return found


# -- one record -------------------------------------------------------------------------------


def test_recommendations_of_a_record_missing_what_datacite_recommends():
    doc = published("10.5072/q.1", abstract=None, metadata={
        "creators": [
            {"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe",
             "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0097", "nameIdentifierScheme": "ORCID"}],
             "affiliation": [{"name": "Lab", "affiliationIdentifier": "https://ror.org/01wv9cn34",
                              "affiliationIdentifierScheme": "ROR"}]},
            {"name": "Roe, Rick", "nameType": "Personal", "givenName": "Rick", "familyName": "Roe",
             "affiliation": [{"name": "Somewhere"}]},
            {"name": "A Consortium", "nameType": "Organizational"},
        ],
        "publisher": {"name": "Facility"}, "publicationYear": 2025})
    report = record_report(map_publication(doc))
    by_code = {r["code"]: r for r in report["recommendations"]}
    assert by_code["creator-without-orcid"]["fields"] == ["creators[1]"]  # organisations are exempt
    assert by_code["creator-without-orcid"]["message"] == "1 of 2 personal creators have no ORCID iD"
    assert by_code["affiliation-without-ror"]["fields"] == ["creators[1].affiliation[0]"]
    assert "missing-licence" in by_code
    assert "missing-abstract" in codes(report)
    assert all(r["severity"] == "info" for r in report["recommendations"])
    assert report["valid"] is True
    assert report["figures"]["personalCreators"] == 2 and report["figures"]["creatorsWithOrcid"] == 1


def test_free_text_publications_and_dropped_identifiers_come_from_the_mapping():
    doc = published("10.5072/q.2", relatedPublications=["J. Doe et al., Some Journal 12 (2020)"], metadata={
        "creators": [{"name": "Doe, Jane", "nameType": "Personal", "familyName": "Doe", "givenName": "Jane",
                      "nameIdentifiers": [{"nameIdentifier": "0000-0002-1825-0098",
                                           "nameIdentifierScheme": "ORCID"}]}],
        "publisher": {"name": "Facility"}, "publicationYear": 2025,
        "rightsList": [{"rights": "CC-BY-4.0", "rightsIdentifier": "CC-BY-4.0"}]})
    report = record_report(map_publication(doc))
    found = codes(report)
    assert found["related-publication-without-identifier"] == "info"
    assert found["invalid-orcid"] == "warning"
    assert "missing-licence" not in found
    assert report["figures"]["freeTextPublications"] == 1 and report["figures"]["droppedIdentifiers"] == 1
    assert report["counts"]["warning"] >= 1


def test_blocking_problems_make_the_report_invalid():
    result = map_publication(published("10.5072/q.3"))
    report = record_report(result, [Problem("xsd-invalid", "record", "bad", ERROR)])
    assert report["valid"] is False and report["counts"]["error"] == 1
    assert report["problems"][-1]["code"] == "xsd-invalid"


def test_long_lists_are_cut_but_counted():
    creators = [{"name": f"Person {i}", "nameType": "Personal", "familyName": f"P{i}", "givenName": "A"}
                for i in range(MAX_LISTED + 50)]
    doc = published("10.5072/q.4", metadata={"creators": creators, "publisher": {"name": "F"},
                                             "publicationYear": 2025})
    report = record_report(map_publication(doc))
    [orcid] = [r for r in report["recommendations"] if r["code"] == "creator-without-orcid"]
    assert orcid["count"] == MAX_LISTED + 50 and len(orcid["fields"]) == MAX_LISTED


def test_messages_never_carry_an_email_address():
    result = map_publication(published("10.5072/q.5"))
    result.problems.add("odd", "x", "contact jane.doe@example.org about it")
    assert not EMAIL.search(json.dumps(record_report(result)))


# -- the repository summary --------------------------------------------------------------------


def report_of(doi: str, errors=0, warnings=0, infos=0, valid=True) -> dict:
    figures = {"personalCreators": 2, "creatorsWithOrcid": 1, "affiliations": 0, "affiliationsWithRor": 0,
               "licence": True, "abstract": False, "proposalLink": False, "freeTextPublications": 0,
               "droppedIdentifiers": 0}
    return {"doi": doi, "title": doi, "valid": valid,
            "counts": {"error": errors, "warning": warnings, "info": infos},
            "problems": [{"code": "e", "field": "f", "severity": "error", "message": "m"}] * errors,
            "problemsOmitted": 0, "recommendations": [], "figures": figures}


def test_summary_counts_percentages_and_worst_records_first():
    summary = RepositorySummary()
    for report in (report_of("10.1/c", infos=1), report_of("10.1/b", warnings=1),
                   report_of("10.1/a", errors=2, valid=False), report_of("10.1/d"),
                   report_of("10.1/e", warnings=1)):
        summary.add(report)
    doc = summary.as_dict()
    assert doc["records"] == 5
    assert doc["invalid"] == {"count": 1, "of": 5, "percent": 20.0}
    assert doc["creatorsWithOrcid"] == {"count": 5, "of": 10, "percent": 50.0}
    assert doc["recordsWithLicence"]["percent"] == 100.0 and doc["recordsWithAbstract"]["count"] == 0
    assert doc["withFindings"]["error"] == {"count": 1, "of": 5, "percent": 20.0, "findings": 2}
    assert doc["codes"] == [{"code": "e", "severity": "error", "count": 1, "of": 5, "percent": 20.0,
                             "findings": 2}]
    # invalid first, then by warnings (ties by DOI), then recommendations; clean records not listed
    assert [w["doi"] for w in doc["worst"]] == ["10.1/a", "10.1/b", "10.1/e", "10.1/c"]


def test_summary_keeps_only_the_worst_hundred():
    summary = RepositorySummary()
    for n in range(250):
        summary.add(report_of(f"10.1/{n:03d}", warnings=n % 7, infos=1))
    worst = summary.as_dict()["worst"]
    assert len(worst) == 100
    assert all(w["counts"]["warning"] == 6 for w in worst[:35])
    assert [w["doi"] for w in worst[:3]] == ["10.1/006", "10.1/013", "10.1/020"]


def test_empty_summary_has_no_percentages():
    doc = RepositorySummary().as_dict()
    assert doc["records"] == 0 and doc["invalid"] == {"count": 0, "of": 0, "percent": None}


# -- through sync and the app --------------------------------------------------------------------


def test_per_record_quality_is_stored_and_served(v4_site):
    store, client = v4_site
    response = client.get(record_url(MIGRATED, "/quality"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    report = response.get_json()
    assert report["doi"] == MIGRATED and report["valid"] is True
    assert codes(report) == {"creator-without-orcid": "info", "missing-licence": "info"}
    assert response.data == store.get(MIGRATED, "quality").formats["quality"]


def test_summary_of_the_synced_fixtures(v4_site):
    _, client = v4_site
    response = client.get("/quality")
    assert response.status_code == 200 and response.mimetype == "application/json"
    summary = response.get_json()
    assert summary["records"] == len(V4_LIVE) and summary["invalid"]["count"] == 0
    assert summary["recordsWithProposalLink"]["count"] == 2
    assert summary["recordsWithFreeTextPublications"]["count"] == 0
    assert summary["recordsWithLicence"] == {"count": 1, "of": 4, "percent": 25.0}
    assert summary["creatorsWithOrcid"] == {"count": 2, "of": 5, "percent": 40.0}
    assert {w["doi"] for w in summary["worst"]} <= V4_LIVE
    assert PRIVATE not in response.get_data(as_text=True)
    assert not EMAIL.search(response.get_data(as_text=True))
    etag = response.headers["ETag"]
    assert client.get("/quality", headers={"If-None-Match": etag}).status_code == 304


def test_summary_of_the_scicatlive_seed_counts_identifiers_that_could_not_be_linked(scicatlive_db, tmp_path):
    from gateway.app import create_app
    from gateway.store.sqlite import SQLiteStore
    from test_landing_harness import SETTINGS

    store = SQLiteStore(tmp_path / "seed.sqlite3")
    try:
        sync(scicatlive_db, store)
        summary = create_app(SETTINGS, store).test_client().get("/quality").get_json()
    finally:
        store.close()
    assert summary["records"] == 11
    # the seed's dataset PIDs ("PID.SAMPLE.PREFIX/...") are neither Handles, DOIs nor URLs
    dropped = summary["recordsWithDroppedIdentifiers"]
    assert dropped["count"] >= 1 and dropped["percent"] == round(100 * dropped["count"] / 11, 1)
    assert any(c["code"] == "unresolvable-dataset-pid" for c in summary["codes"])
    # every related publication of the seed carries a DOI or URL
    assert summary["recordsWithFreeTextPublications"]["count"] == 0


def test_quality_summary_before_any_sync_is_503(site):
    _, _, client = site
    response = client.get("/quality")
    assert response.status_code == 503 and response.mimetype == "application/problem+json"


def broken(doi: str = BROKEN, **fields) -> dict:
    # no publisher: a mandatory DataCite property, so the record cannot be disseminated
    doc = published(doi, updatedAt=T2, **fields)
    doc["metadata"] = {**doc["metadata"], "publisher": None}
    return doc


def test_a_public_record_that_fails_is_counted_and_reported(site):
    db, store, client = site
    db["PublishedData"].insert_one(broken())
    report = sync(db, store)
    assert report.problems == 1
    assert client.get(record_url(BROKEN)).status_code == 404  # not disseminated
    quality = client.get(record_url(BROKEN, "/quality"))
    assert quality.status_code == 200
    assert quality.get_json()["valid"] is False
    assert codes(quality.get_json())["missing-publisher"] == "error"
    summary = client.get("/quality").get_json()
    assert summary["records"] == len(V4_LIVE) + 1
    assert summary["invalid"]["count"] == 1
    assert summary["worst"][0]["doi"] == BROKEN and summary["worst"][0]["valid"] is False


def test_a_fixed_record_leaves_the_failing_list(site):
    db, store, client = site
    db["PublishedData"].insert_one(broken())
    sync(db, store)
    db["PublishedData"].update_one({"doi": BROKEN}, {"$set": {"metadata.publisher": {"name": "Fixed"},
                                                               "updatedAt": T3}})
    assert sync(db, store, now=T3).problems == 0
    assert client.get(record_url(BROKEN, "/quality")).get_json()["valid"] is True
    summary = client.get("/quality").get_json()
    assert summary["invalid"]["count"] == 0 and summary["records"] == len(V4_LIVE) + 1
    assert store.get_state(ledger.REPORT_KEY + BROKEN) == ""


def test_a_failing_record_that_turns_private_is_forgotten(site):
    db, store, client = site
    db["PublishedData"].insert_one(broken())
    sync(db, store)
    db["PublishedData"].update_one({"doi": BROKEN}, {"$set": {"status": "private", "updatedAt": T3}})
    sync(db, store, now=T3)
    assert client.get(record_url(BROKEN, "/quality")).status_code == 404
    assert client.get("/quality").get_json()["records"] == len(V4_LIVE)


def test_a_live_record_that_breaks_keeps_its_page_but_reports_the_failure(site):
    db, store, client = site
    sync(db, store)
    page = client.get(record_url(NANODISCS)).data
    db["PublishedData"].update_one({"doi": NANODISCS}, {"$set": {"metadata.publisher": None, "updatedAt": T2}})
    sync(db, store, now=T2)
    assert client.get(record_url(NANODISCS)).data == page  # last good version
    assert client.get(record_url(NANODISCS, "/quality")).get_json()["valid"] is False
    summary = client.get("/quality").get_json()
    assert summary["records"] == len(V4_LIVE) and summary["invalid"]["count"] == 1


def test_a_pass_that_changes_nothing_keeps_the_summary(site):
    db, store, _ = site
    sync(db, store)
    first = store.get_state(ledger.SUMMARY_KEY)
    sync(db, store, now=T2)
    assert store.get_state(ledger.SUMMARY_KEY) == first


def test_writes_the_summary_missed_are_caught_up(site):
    """A pass interrupted after writing records but before its summary: the next pass sees
    records stamped after what the summary covers, and rebuilds it."""
    db, store, _ = site
    sync(db, store)
    stored = store.get(NANODISCS)
    report = json.loads(stored.formats["quality"])
    report["counts"]["warning"] = 7  # what a newer rendering, written just before a crash, says
    formats = {**stored.formats, "quality": json.dumps(report).encode()}
    store.upsert(StoredRecord(NANODISCS, T1 + timedelta(hours=1), False, stored.sets,
                              stored.content_hash, formats))
    assert sync(db, store, now=T2).changed == 0
    summary = json.loads(store.get_state(ledger.SUMMARY_KEY))
    assert summary["worst"][0]["doi"] == NANODISCS and summary["worst"][0]["counts"]["warning"] == 7


def test_a_failing_summary_does_not_stop_sync(site, monkeypatch):
    db, store, client = site

    def fail(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(ledger, "build_summary", fail)
    assert sync(db, store).changed == len(V4_LIVE)
    assert client.get(record_url(NANODISCS)).status_code == 200
    assert store.get_state(ledger.STALE_KEY) == "1"
    monkeypatch.undo()
    sync(db, store, now=T2)  # nothing changed, but the stale mark asks for a rebuild
    assert client.get("/quality").get_json()["records"] == len(V4_LIVE)


# -- scicat-gateway check ------------------------------------------------------------------


@pytest.fixture
def check_env(monkeypatch, mongo, scicat):
    monkeypatch.setenv("GATEWAY_MONGODB_URI", mongo.uri + "/?directConnection=true")
    monkeypatch.setenv("GATEWAY_SCICAT_DB", scicat.name)
    monkeypatch.setenv("GATEWAY_PROPOSAL_PID_URL", "https://proposals.example.org/{proposalId}")
    return scicat


def test_check_prints_the_summary_that_quality_serves(check_env, site, capsys):
    db, store, client = site
    db["PublishedData"].insert_one(broken())
    sync(db, store)
    assert main(["check", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    printed = lines[-1]["quality"]
    served = client.get("/quality").get_json()
    for key in ("version", "updated"):
        served.pop(key)
    assert printed == served
    by_doi = {line["doi"]: line for line in lines[:-1]}
    assert {r["code"] for r in by_doi[MIGRATED]["recommendations"]} >= {"missing-licence"}


def test_check_text_ends_with_the_quality_summary(check_env, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "public records: 4, valid: 4/4 (100%)" in out
    assert "creators with ORCID: 2/5 (40%)" in out
    assert "worst records:" in out
