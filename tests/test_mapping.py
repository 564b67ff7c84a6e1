"""The canonical mapping, rule by rule (issue: every SciCat shape becomes one DataCite record)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from mappings.datacite import map_publication
from mappings.names import ETAL
from mappings.options import MappingOptions

OPTS = MappingOptions(landing_page_url="https://gw.example.org/records/{doi}")


def v3(**fields) -> dict:
    doc = {"_id": "10.5072/abc", "creator": ["Elena Borisova"], "publisher": "PSI", "publicationYear": 2020,
           "title": "A title", "abstract": "An abstract", "resourceType": "raw", "pidArray": [],
           "status": "registered"}
    doc.update(fields)
    return doc


def v4(metadata: dict | None = None, **fields) -> dict:
    meta = {"creators": [{"name": "Lee, Jun"}], "publisher": {"name": "ESS"}, "publicationYear": 2025,
            "resourceType": "raw"}
    meta.update(metadata or {})
    doc = {"_id": "10.5072/v4", "doi": "10.5072/v4", "title": "T", "abstract": "A", "datasetPids": [],
           "status": "registered", "metadata": meta}
    doc.update(fields)
    return doc


def codes(result) -> set[str]:
    return {p.code for p in result.problems}


# --- identifier ------------------------------------------------------------------------------

def test_loopback_document_is_keyed_by_its_id():
    result = map_publication(v3(), options=OPTS)
    assert result.doi == "10.5072/abc" and result.record["doi"] == "10.5072/abc"
    assert result.shape == "loopback-v3"


def test_backend_next_document_is_keyed_by_doi_even_when_id_differs():
    result = map_publication(v3(_id="10.5072/other-uuid", doi="10.5072/the-doi"), options=OPTS)
    assert result.doi == "10.5072/the-doi" and result.shape == "next-v3"


def test_document_without_a_valid_doi_is_an_error_not_an_exception():
    result = map_publication(v3(_id={"$ne": None}), options=OPTS)
    assert result.record is None and "missing-doi" in codes(result) and not result.valid


# --- creators --------------------------------------------------------------------------------

def test_plain_names_are_split_and_organisations_are_not():
    result = map_publication(v3(creator=["Borisova, Elena", "Johannes C. Schittny", "Paul Scherrer Institute", "ESS"]), options=OPTS)
    creators = result.record["creators"]
    assert creators[0] == {"name": "Borisova, Elena", "nameType": "Personal", "givenName": "Elena", "familyName": "Borisova"}
    assert creators[1]["givenName"] == "Johannes C." and creators[1]["familyName"] == "Schittny"
    assert creators[2] == {"name": "Paul Scherrer Institute", "nameType": "Organizational"}
    assert creators[3] == {"name": "ESS", "nameType": "Organizational"}


def test_et_al_becomes_the_datacite_etal_value_once_and_last():
    result = map_publication(v3(creator=["al.", "Oleksandr Yefanov", "et al."]), options=OPTS)
    names = [c["name"] for c in result.record["creators"]]
    assert names == ["Yefanov, Oleksandr", ETAL]


def test_duplicate_creators_are_removed_across_name_orders():
    result = map_publication(v3(creator=["Elena Borisova", "Borisova, Elena", "ELENA BORISOVA"]), options=OPTS)
    assert len(result.record["creators"]) == 1
    assert "duplicate-name" in codes(result)


def test_v3_affiliation_goes_to_every_person_but_not_to_organisations():
    result = map_publication(v3(creator=["Jun Lee", "ESS"], affiliation="Lund University"), options=OPTS)
    person, org = result.record["creators"]
    assert person["affiliation"] == [{"name": "Lund University"}]
    assert "affiliation" not in org


def test_v4_creators_keep_types_names_identifiers_and_affiliations():
    creator = {"name": "Andersson, Maja", "nameType": "Personal", "givenName": "Maja", "familyName": "Andersson",
               "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097", "nameIdentifierScheme": "ORCID"}],
               "affiliation": [{"name": "ESS ERIC", "affiliationIdentifier": "01wv9cn34", "affiliationIdentifierScheme": "ROR"}]}
    result = map_publication(v4({"creators": [creator]}), options=OPTS)
    assert result.record["creators"] == [{
        "name": "Andersson, Maja", "nameType": "Personal", "givenName": "Maja", "familyName": "Andersson",
        "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097", "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}],
        "affiliation": [{"name": "ESS ERIC", "affiliationIdentifier": "https://ror.org/01wv9cn34", "affiliationIdentifierScheme": "ROR", "schemeUri": "https://ror.org"}],
    }]


@pytest.mark.parametrize("form", ["0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097",
                                  "http://orcid.org/0000-0002-1825-0097", "orcid.org/0000-0002-1825-0097",
                                  "0000000218250097"])
def test_orcid_forms_are_normalised(form):
    creator = {"name": "Carberry, Josiah", "nameIdentifiers": [{"nameIdentifier": form, "nameIdentifierScheme": "ORCID"}]}
    result = map_publication(v4({"creators": [creator]}), options=OPTS)
    assert result.record["creators"][0]["nameIdentifiers"] == [
        {"nameIdentifier": "https://orcid.org/0000-0002-1825-0097", "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}]


@pytest.mark.parametrize("bad", ["0000-0002-1825-0098", "0000-0002-1825", "https://orcid.org/abcd", "not an orcid"])
def test_bad_orcids_are_dropped_and_reported(bad):
    creator = {"name": "Carberry, Josiah", "nameIdentifiers": [{"nameIdentifier": bad, "nameIdentifierScheme": "ORCID"}]}
    result = map_publication(v4({"creators": [creator]}), options=OPTS)
    assert "nameIdentifiers" not in result.record["creators"][0]
    assert "invalid-orcid" in codes(result)
    assert bad not in json.dumps(result.record)


def test_dataset_owner_orcid_enriches_a_matching_v3_creator():
    dataset = {"_id": "PID/ds1", "owner": "Oleksandr Yefanov", "orcidOfOwner": "0000-0001-8676-0091"}
    result = map_publication(v3(creator=["Oleksandr Yefanov", "al."], pidArray=["PID/ds1"]), [dataset], options=OPTS)
    assert result.record["creators"][0]["nameIdentifiers"][0]["nameIdentifier"] == "https://orcid.org/0000-0001-8676-0091"


def test_empty_affiliation_names_are_dropped_never_undefined():
    creator = {"name": "Elena Borisova", "affiliation": [{"name": ""}, {"name": None}]}
    result = map_publication(v4({"creators": [creator]}), options=OPTS)
    assert "affiliation" not in result.record["creators"][0]
    assert "undefined" not in json.dumps(result.record)


def test_invalid_ror_keeps_the_affiliation_name():
    creator = {"name": "Lee, Jun", "affiliation": [{"name": "Somewhere", "affiliationIdentifier": "https://ror.org/01wv9cn35", "affiliationIdentifierScheme": "ROR"}]}
    result = map_publication(v4({"creators": [creator]}), options=OPTS)
    assert result.record["creators"][0]["affiliation"] == [{"name": "Somewhere"}]
    assert "invalid-ror" in codes(result)


# --- publisher, titles, descriptions, types ---------------------------------------------------

def test_publisher_string_and_object_with_ror():
    assert map_publication(v3(), options=OPTS).record["publisher"] == {"name": "PSI"}
    result = map_publication(v4({"publisher": {"name": "ESS", "publisherIdentifier": "ror.org/01wv9cn34", "publisherIdentifierScheme": "ROR"}}), options=OPTS)
    assert result.record["publisher"] == {"name": "ESS", "publisherIdentifier": "https://ror.org/01wv9cn34",
                                          "publisherIdentifierScheme": "ROR", "schemeUri": "https://ror.org"}


def test_missing_publisher_makes_the_record_invalid():
    result = map_publication(v3(publisher=""), options=OPTS)
    assert "missing-publisher" in codes(result) and not result.valid


def test_abstract_data_description_and_v4_descriptions():
    result = map_publication(v4({"dataDescription": "How to reuse", "descriptions": [{"description": "Reduced with X", "descriptionType": "Methods"}]}), options=OPTS)
    assert result.record["descriptions"] == [
        {"description": "A", "descriptionType": "Abstract"},
        {"description": "How to reuse", "descriptionType": "TechnicalInfo"},
        {"description": "Reduced with X", "descriptionType": "Methods"}]


def test_resource_type_general_defaults_to_dataset_and_can_be_stated():
    assert map_publication(v3(), options=OPTS).record["types"] == {"resourceTypeGeneral": "Dataset", "resourceType": "raw"}
    result = map_publication(v4({"resourceTypeGeneral": "software"}), options=OPTS)
    assert result.record["types"]["resourceTypeGeneral"] == "Software"


@pytest.mark.parametrize("year", [2021, "2021", 2021.0])
def test_publication_year_int_or_string(year):
    assert map_publication(v3(publicationYear=year), options=OPTS).record["publicationYear"] == "2021"


# --- links ------------------------------------------------------------------------------------

PROPOSAL = {"_id": "ESS-1", "proposalId": "ESS-1", "title": "Nanodiscs", "email": "pi@example.org",
            "pi_email": "pi@example.org", "isPublished": True,
            "MeasurementPeriodList": [{"instrument": "LoKI", "start": datetime(2025, 3, 11, 8, tzinfo=timezone.utc),
                                       "end": datetime(2025, 3, 14, 18, tzinfo=timezone.utc)}]}
DATASET = {"_id": "20.500.12269/ds-1", "proposalIds": ["ESS-1"], "license": "CC-BY-4.0",
           "keywords": ["nanodisc"], "ownerEmail": "owner@example.org",
           "techniques": [{"pid": "PaNET01189", "name": "small angle neutron scattering"}],
           "creationTime": datetime(2025, 3, 12, tzinfo=timezone.utc), "instrumentIds": ["ess/loki"]}


def linked(options=OPTS, proposal=PROPOSAL):
    return map_publication(v4(datasetPids=["20.500.12269/ds-1"]), [DATASET], [proposal], options)


def test_proposal_pid_from_template_as_url_and_as_doi():
    url = linked(MappingOptions(proposal_pid_url="https://p.example.org/{proposalId}"))
    assert {"relatedIdentifier": "https://p.example.org/ESS-1", "relatedIdentifierType": "URL",
            "relationType": "IsPartOf", "resourceTypeGeneral": "Project"} in url.record["relatedIdentifiers"]
    doi = linked(MappingOptions(proposal_pid_url="10.5072/proposal.{proposalId}"))
    assert {"relatedIdentifier": "10.5072/proposal.ESS-1", "relatedIdentifierType": "DOI",
            "relationType": "IsPartOf", "resourceTypeGeneral": "Project"} in doi.record["relatedIdentifiers"]
    assert url.proposal_ids == ("ESS-1",) and url.instrument_ids == ("ess/loki",)


def test_public_proposal_becomes_a_project_related_item_private_one_does_not():
    public = linked(MappingOptions(proposal_pid_url="https://p.example.org/{proposalId}"))
    assert public.record["relatedItems"] == [{
        "relatedItemType": "Project", "relationType": "IsPartOf", "titles": [{"title": "Nanodiscs"}],
        "relatedItemIdentifier": {"relatedItemIdentifier": "https://p.example.org/ESS-1", "relatedItemIdentifierType": "URL"}}]
    hidden = linked(proposal={**PROPOSAL, "isPublished": False, "accessGroups": []})
    assert "relatedItems" not in hidden.record
    assert "Nanodiscs" not in json.dumps(hidden.record)


def test_without_template_a_plain_proposal_id_is_not_linked():
    result = linked(MappingOptions())
    assert not any(r["resourceTypeGeneral"] == "Project" for r in result.record["relatedIdentifiers"] if "resourceTypeGeneral" in r)


def test_dataset_pids_are_haspart_handles_or_urls_and_others_reported():
    result = map_publication(v4(datasetPids=["20.500.12269/ds-1", "https://data.example.org/ds/2", "PID.SAMPLE.PREFIX/x"]), options=OPTS)
    rel = result.record["relatedIdentifiers"]
    assert {"relatedIdentifier": "20.500.12269/ds-1", "relatedIdentifierType": "Handle", "relationType": "HasPart", "resourceTypeGeneral": "Dataset"} in rel
    assert {"relatedIdentifier": "https://data.example.org/ds/2", "relatedIdentifierType": "URL", "relationType": "HasPart", "resourceTypeGeneral": "Dataset"} in rel
    assert "unresolvable-dataset-pid" in codes(result)


def test_related_publications_yield_typed_identifiers_and_text_without_one_is_reported():
    texts = ["Yefanov et al., Structural Dynamics 6 (2019) https://doi.org/10.1063/1.5124387",
             "Collins & Lovesey (2021). Zenodo. https://zenodo.org/record/4444832",
             "A talk given at a conference"]
    result = map_publication(v3(relatedPublications=texts), options=OPTS)
    rel = result.record["relatedIdentifiers"]
    assert {"relatedIdentifier": "10.1063/1.5124387", "relatedIdentifierType": "DOI", "relationType": "IsSupplementTo"} in rel
    assert {"relatedIdentifier": "https://zenodo.org/record/4444832", "relatedIdentifierType": "URL", "relationType": "IsSupplementTo"} in rel
    assert len(rel) == 2 and "related-publication-without-identifier" in codes(result)


def test_typed_v4_related_identifiers_keep_their_relation():
    result = map_publication(v4({"relatedIdentifiers": [{"relatedIdentifier": "https://doi.org/10.1107/S1", "relatedIdentifierType": "DOI", "relationType": "IsCitedBy"}]}), options=OPTS)
    assert result.record["relatedIdentifiers"] == [{"relatedIdentifier": "10.1107/S1", "relatedIdentifierType": "DOI", "relationType": "IsCitedBy"}]


# --- dates, sizes, rights, subjects, url -------------------------------------------------------

def test_issued_from_registered_time_else_publication_year():
    with_time = map_publication(v3(registeredTime=datetime(2020, 2, 3, 8, 44, tzinfo=timezone.utc)), options=OPTS)
    assert {"date": "2020-02-03", "dateType": "Issued"} in with_time.record["dates"]
    iso_string = map_publication(v3(registeredTime="2020-02-03T08:44:00.000Z"), options=OPTS)
    assert {"date": "2020-02-03", "dateType": "Issued"} in iso_string.record["dates"]
    assert {"date": "2020", "dateType": "Issued"} in map_publication(v3(), options=OPTS).record["dates"]


def test_collected_from_measurement_periods_else_dataset_creation_times():
    assert {"date": "2025-03-11/2025-03-14", "dateType": "Collected"} in linked().record["dates"]
    no_periods = linked(proposal={**PROPOSAL, "MeasurementPeriodList": []})
    assert {"date": "2025-03-12", "dateType": "Collected"} in no_periods.record["dates"]


def test_sizes_from_top_level_or_metadata():
    assert map_publication(v4(numberOfFiles=412, sizeOfArchive=1024), options=OPTS).record["sizes"] == ["1024 bytes", "412 files"]
    assert map_publication(v4({"numberOfFiles": "3", "sizeOfArchive": 10}), options=OPTS).record["sizes"] == ["10 bytes", "3 files"]


def test_rights_from_dataset_licence_as_spdx_and_subjects_from_keywords_and_panet():
    record = linked().record
    assert record["rightsList"] == [{"rights": "Creative Commons Attribution 4.0 International",
                                     "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
                                     "rightsIdentifier": "cc-by-4.0", "rightsIdentifierScheme": "SPDX",
                                     "schemeUri": "https://spdx.org/licenses/"}]
    assert {"subject": "nanodisc"} in record["subjects"]
    assert {"subject": "small angle neutron scattering", "subjectScheme": "PaNET",
            "schemeUri": "http://purl.org/pan-science/PaNET/",
            "valueUri": "http://purl.org/pan-science/PaNET/PaNET01189"} in record["subjects"]


def test_landing_page_from_record_with_scheme_added_else_template():
    own = map_publication(v4({"landingPage": "doi.ess.eu/detail/"}), options=OPTS)
    assert own.record["url"] == "https://doi.ess.eu/detail/10.5072%2Fv4"
    assert map_publication(v4(), options=OPTS).record["url"] == "https://gw.example.org/records/10.5072/v4"


# --- privacy and hygiene ----------------------------------------------------------------------

def test_status_decides_public():
    assert not map_publication(v4(status="private"), options=OPTS).public
    assert not map_publication(v3(status="pending_registration"), options=OPTS).public
    assert map_publication(v4(status="amended"), options=OPTS).public


def test_no_email_reaches_the_record():
    doc = v4({"creators": [{"name": "Lee, Jun", "affiliation": [{"name": "jun.lee@example.org"}]}]},
             abstract="Contact jun.lee@example.org for access.")
    result = map_publication(doc, [DATASET], [PROPOSAL], OPTS)
    text = json.dumps(result.record)
    assert "@example.org" not in text and "email-removed" in codes(result)


def test_xml_illegal_characters_are_removed_and_markup_characters_kept():
    result = map_publication(v3(title="A \x00title\x1b with & and <b> \"quotes\""), options=OPTS)
    assert result.record["titles"] == [{"title": "A title with & and <b> \"quotes\""}]


def test_wrong_types_are_problems_not_exceptions():
    doc = v4({"creators": ["Lee, Jun", 5, {"name": {"$gt": ""}}], "dates": "yesterday", "subjects": {"subject": 3}},
             title=["not", "a", "string"], numberOfFiles="many")
    result = map_publication(doc, options=OPTS)
    assert [c["name"] for c in result.record["creators"]] == ["Lee, Jun"]
    assert "missing-title" in codes(result) and not result.valid


@pytest.mark.parametrize("value", ["²²²²", "２０２１", "20x1", True, 2021.5])
def test_non_ascii_digits_are_not_years(value):
    result = map_publication(v3(publicationYear=value, registeredTime=None, createdAt=None), options=OPTS)
    assert "missing-publication-year" in codes(result) and not result.valid


def test_non_ascii_digit_sizes_are_problems():
    result = map_publication(v4(sizeOfArchive="²", numberOfFiles="٣"), options=OPTS)
    assert "sizes" not in result.record and "invalid-value" in codes(result)
