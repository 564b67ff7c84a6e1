"""Every public fixture record, read from a real MongoDB-wire server, exports valid DataCite.

Covers ../shared/fixtures/scicatlive-seed (LoopBack v3), ../shared/fixtures/v4 (v4, all four
statuses, a migrated record) and the project's own demo documents (all three shapes).
"""
from __future__ import annotations

import json
import re

import pytest
from bson import json_util

from gateway.config import Settings
from gateway.rendering import EXPORT_FORMATS, render_export
from gateway.schemas import validate_datacite, validate_oai_dc
from gateway.source import SciCatSource
from mappings.datacite import map_publication
from mappings.readers.datacite_xml import from_xml
from mappings.serializers import datacite_json

SETTINGS = Settings.from_env({"GATEWAY_PROPOSAL_PID_URL": "https://proposals.example.org/{proposalId}"})
EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def mapped(db):
    return [map_publication(b.published, b.datasets, b.proposals, SETTINGS.mapping_options)
            for b in SciCatSource(db).bundles()]


def emails_in(db) -> set[bytes]:
    """Every e-mail address stored anywhere in the fixture database."""
    found = set()
    for name in db.list_collection_names():
        for doc in db[name].find():
            found |= {m.group(0) for m in EMAIL.finditer(json_util.dumps(doc).encode())}
    return found


@pytest.fixture(scope="module", params=["scicatlive_db", "v4_db", "demo_db"])
def source_db(request):
    return request.getfixturevalue(request.param)


def test_every_public_record_exports_valid_xml_and_matching_json(source_db):
    results = mapped(source_db)
    public = [r for r in results if r.public]
    assert public, "the fixture set has public records"
    for result in public:
        assert result.valid, (result.doi, result.problems.errors)
        xml = render_export(result, "datacite-xml", SETTINGS).body
        assert validate_datacite(xml) == [], result.doi
        attributes = json.loads(render_export(result, "datacite-rest", SETTINGS).body)["data"]["attributes"]
        # the XML carries neither the landing page nor the event: those are REST-only
        assert attributes.pop("event") == "publish" and attributes.pop("url") == result.record["url"]
        assert attributes == datacite_json.attributes(from_xml(xml)), result.doi


def test_oai_dc_of_every_public_record_validates(source_db):
    for result in mapped(source_db):
        if result.public:
            assert validate_oai_dc(render_export(result, "oai_dc", SETTINGS).body) == [], result.doi


def test_no_output_contains_an_email_address_from_the_fixtures(source_db):
    addresses = emails_in(source_db)
    for result in mapped(source_db):
        if not result.public:
            continue
        for fmt in EXPORT_FORMATS:
            body = render_export(result, fmt, SETTINGS).body
            leaked = [a for a in addresses if a in body]
            assert not leaked, (result.doi, fmt, leaked)


def test_private_and_pending_records_are_never_public(v4_db, demo_db):
    statuses = {r.doi: (r.status, r.public) for r in mapped(v4_db) + mapped(demo_db)}
    assert statuses["10.5072/ess.private01"] == ("private", False)
    assert all(not public for status, public in statuses.values() if status in ("private", "pending_registration"))


def test_scicatlive_links_proposal_and_enriches_orcids(scicatlive_db):
    by_doi = {r.doi: r.record for r in mapped(scicatlive_db)}
    psi = by_doi["10.9999/psi_pub1"]
    assert {"relatedIdentifier": "https://proposals.example.org/psi_proposal1", "relatedIdentifierType": "URL",
            "relationType": "IsPartOf", "resourceTypeGeneral": "Project"} in psi["relatedIdentifiers"]
    desy = by_doi["10.9999/desy_pub1"]
    assert desy["creators"][0]["nameIdentifiers"][0]["nameIdentifier"] == "https://orcid.org/0000-0001-8676-0091"
    assert desy["creators"][-1] == {"name": ":etal"}
    dls = by_doi["10.9999/dls_pub1"]
    assert any(r["relatedIdentifier"] == "https://zenodo.org/record/4444832" for r in dls["relatedIdentifiers"])


def test_v4_record_keeps_orcid_ror_funding_and_landing_page(v4_db):
    record = {r.doi: r.record for r in mapped(v4_db)}["10.5072/ess.4f2a9c1e7b"]
    assert record["url"] == "https://doi.ess.eu/detail/10.5072%2Fess.4f2a9c1e7b"
    orcids = [i["nameIdentifier"] for c in record["creators"] for i in c.get("nameIdentifiers", [])]
    assert orcids == ["https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700"]
    assert record["publisher"]["publisherIdentifier"] == "https://ror.org/01wv9cn34"
    assert record["fundingReferences"][0]["funderIdentifier"] == "https://ror.org/00k4n6c32"
