"""Every export format of every fixture record, served by the real app from a synced store.

../shared/fixtures/v4 and scicatlive-seed are synced into temporary SQLite stores as sync
does it in production; the app then answers from the stored bytes. Checked here: every
format by name and by media type, DataCite XML against kernel-4.7, the DataCite REST payload
against DataCite's JSON schema and field for field against the XML, and the 404 that hides
private DOIs.

The JSON schema is the one the PyPI ``datacite`` package ships, kernel 4.5; our records are
kernel 4.7. ``as_kernel_45`` maps a copy's newer vocabulary to 4.5 values before validating:
resourceTypeGeneral Award/Project (4.6) and Poster/Presentation (4.7) -> Other (types,
relatedIdentifiers, relatedItemType); relatedIdentifierType CSTR/RRID (4.6), RAiD/SWHID (4.7)
-> URN; relationType HasTranslation/IsTranslationOf (4.6), Other (4.7) -> References, and
relationTypeInformation (4.7) dropped; contributorType Translator and dateType Coverage (4.6)
-> Other. fundingReferences[].schemeUri is dropped too, although not new: the 4.5 XSD has
funderIdentifier/@schemeURI, the package's JSON schema lacks it. Everything else must pass
unchanged. The fixtures exercise Project (SciCat proposals) and schemeUri (ROR funders).
"""
from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
from datacite.schema45 import validator as datacite45

from gateway.app import create_app
from gateway.config import Settings
from gateway.embedded import seed
from gateway.rendering import EXPORT_FORMATS, export_key
from gateway.schemas import validate_datacite
from gateway.source import SciCatSource
from gateway.store.base import PageQuery
from gateway.store.sqlite import SQLiteStore
from gateway.sync import Syncer
from mappings.readers.datacite_xml import from_xml
from mappings.serializers import datacite_json

T1 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
SETTINGS = Settings(proposal_pid_url="https://proposals.example.org/{proposalId}",
                    token_secret="test-secret")

NEWER_RESOURCE_TYPES = {"Award", "Project", "Poster", "Presentation"}
NEWER_IDENTIFIER_TYPES = {"CSTR", "RRID", "RAiD", "SWHID"}
NEWER_RELATIONS = {"HasTranslation", "IsTranslationOf", "Other"}


def _newer(value, newer: set, older: str):
    return older if value in newer else value


def as_kernel_45(attributes: dict) -> dict:
    """A copy with kernel 4.6/4.7 values replaced by 4.5 ones (see the module docstring)."""
    out = copy.deepcopy(attributes)
    types = out.get("types", {})
    types["resourceTypeGeneral"] = _newer(types.get("resourceTypeGeneral"), NEWER_RESOURCE_TYPES, "Other")
    for related in out.get("relatedIdentifiers", []) + out.get("relatedItems", []):
        related.pop("relationTypeInformation", None)
        related["relationType"] = _newer(related.get("relationType"), NEWER_RELATIONS, "References")
        for key in ("resourceTypeGeneral", "relatedItemType"):
            if key in related:
                related[key] = _newer(related[key], NEWER_RESOURCE_TYPES, "Other")
        if "relatedIdentifierType" in related:
            related["relatedIdentifierType"] = _newer(related["relatedIdentifierType"], NEWER_IDENTIFIER_TYPES, "URN")
    for contributor in out.get("contributors", []):
        contributor["contributorType"] = _newer(contributor.get("contributorType"), {"Translator"}, "Other")
    for date in out.get("dates", []):
        date["dateType"] = _newer(date.get("dateType"), {"Coverage"}, "Other")
    for funding in out.get("fundingReferences", []):
        funding.pop("schemeUri", None)
    return out


@pytest.fixture(scope="module", params=["v4_db", "scicatlive_db"])
def synced(request, tmp_path_factory):
    """(store, test client, live DOIs) for one fixture database."""
    db = request.getfixturevalue(request.param)
    store = SQLiteStore(tmp_path_factory.mktemp("export") / "records.sqlite3")
    report = Syncer(SciCatSource(db), store, SETTINGS).run_once(now=T1)
    assert report.problems == 0
    live = [r.identifier for r in store.page(PageQuery(limit=1000)) if not r.deleted]
    assert live
    yield store, create_app(SETTINGS, store).test_client(), live
    store.close()


def url(doi: str, **query) -> str:
    args = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return "/export/" + quote(doi, safe="/") + ("?" + args if args else "")


def test_every_format_of_every_record_is_the_stored_rendering(synced):
    store, client, live = synced
    for doi in live:
        record = store.get(doi)
        for name, (media_type, _) in EXPORT_FORMATS.items():
            response = client.get(url(doi, format=name))
            assert response.status_code == 200, (doi, name)
            assert response.mimetype == media_type
            assert response.data == record.formats[export_key(name)], (doi, name)
            assert response.headers["ETag"] == f'"{record.content_hash}.{name}"'


def test_every_format_is_reachable_by_its_media_type(synced):
    _, client, live = synced
    for doi in live:
        for name, (media_type, _) in EXPORT_FORMATS.items():
            if name == "oai_dc":
                continue  # application/xml means DataCite XML; oai_dc is asked for by name
            by_accept = client.get(url(doi), headers={"Accept": media_type})
            assert by_accept.status_code == 200 and by_accept.mimetype == media_type
            assert by_accept.data == client.get(url(doi, format=name)).data, (doi, name)


def test_every_datacite_xml_validates_against_kernel_4_7(synced):
    _, client, live = synced
    for doi in live:
        xml = client.get(url(doi)).data
        assert validate_datacite(xml, "4.7") == [], doi
        assert from_xml(xml)["doi"] == doi


def test_every_rest_payload_validates_against_datacite_json_schema_4_5(synced):
    _, client, live = synced
    for doi in live:
        payload = client.get(url(doi, format="datacite-rest")).get_json()
        assert payload["data"]["type"] == "dois" and payload["data"]["id"] == doi
        attributes = payload["data"]["attributes"]
        errors = [f"{list(e.path)}: {e.message}" for e in datacite45.iter_errors(as_kernel_45(attributes))]
        assert errors == [], doi


def test_the_newer_vocabulary_really_is_mapped_not_hidden(synced):
    """Without the mapping the 4.5 schema does object: the mapping is not a no-op."""
    _, client, live = synced
    refused = [doi for doi in live if not datacite45.is_valid(
        client.get(url(doi, format="datacite-rest")).get_json()["data"]["attributes"])]
    assert refused, "the fixtures carry Project relations and ROR funders"


def test_rest_payload_and_xml_agree_field_for_field(synced):
    _, client, live = synced
    for doi in live:
        xml = client.get(url(doi, format="datacite-xml")).data
        attributes = client.get(url(doi, format="datacite-rest")).get_json()["data"]["attributes"]
        assert attributes.pop("event") == "publish"
        assert attributes.pop("url").startswith("http")  # the landing page is not in the XML
        assert attributes == datacite_json.attributes(from_xml(xml)), doi


def test_datacite_json_is_the_attributes_object_without_event(synced):
    _, client, live = synced
    for doi in live:
        attributes = client.get(url(doi, format="datacite-json")).get_json()
        payload = client.get(url(doi, format="datacite-rest")).get_json()["data"]["attributes"]
        assert "data" not in attributes and "event" not in attributes
        assert {"event": "publish", **attributes} == payload


@pytest.mark.parametrize("event", ["publish", "register", "hide"])
def test_rest_event_matches_the_serializer(synced, event):
    store, client, live = synced
    for doi in live:
        body = client.get(url(doi, format="datacite-rest", event=event)).data
        payload = json.loads(body)
        assert payload["data"]["attributes"]["event"] == event
        stored = json.loads(store.get(doi).formats[export_key("datacite-rest")])
        stored["data"]["attributes"]["event"] = event
        assert payload == stored


def test_private_and_unknown_dois_get_the_same_404(v4_db, tmp_path):
    store = SQLiteStore(tmp_path / "records.sqlite3")
    Syncer(SciCatSource(v4_db), store, SETTINGS).run_once(now=T1)
    client = create_app(SETTINGS, store).test_client()
    assert v4_db["PublishedData"].count_documents({"doi": "10.5072/ess.private01"}) == 1
    private, unknown = client.get(url("10.5072/ess.private01")), client.get(url("10.5072/ess.nothing"))
    assert private.status_code == unknown.status_code == 404
    assert private.data == unknown.data
    assert private.mimetype == "application/problem+json"
    assert b"10.5072" not in private.data
    drop = {"Date"}
    assert ({k: v for k, v in private.headers if k not in drop}
            == {k: v for k, v in unknown.headers if k not in drop})
    store.close()


def test_a_record_withdrawn_in_scicat_answers_410(empty_db, fixtures_dir, tmp_path):
    seed(empty_db, fixtures_dir / "v4")
    store = SQLiteStore(tmp_path / "records.sqlite3")
    Syncer(SciCatSource(empty_db), store, SETTINGS).run_once(now=T1)
    client = create_app(SETTINGS, store).test_client()
    assert client.get(url("10.5072/ess.public01")).status_code == 200
    empty_db["PublishedData"].update_one({"doi": "10.5072/ess.public01"}, {"$set": {"status": "private"}})
    Syncer(SciCatSource(empty_db), store, SETTINGS).run_once(now=datetime(2030, 1, 2, tzinfo=timezone.utc))
    gone = client.get(url("10.5072/ess.public01"))
    assert gone.status_code == 410 and gone.get_json()["status"] == 410
    assert gone.mimetype == "application/problem+json"
    store.close()
