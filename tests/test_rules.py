"""mappings.rules: each rule fails where it should and passes where it should."""
from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.schemas import validate_datacite
from mappings.problems import ERROR, WARNING
from mappings.readers.datacite_xml import from_xml
from mappings.rules import any_uri_ok, check
from mappings.serializers.datacite_xml import to_xml
from test_datacite_xml import full_record

REPO = Path(__file__).resolve().parents[1]
SHARED_XSD = Path(os.environ.get("GATEWAY_SHARED_DIR") or REPO.parent / "shared") / "xsd"
OFFICIAL = SHARED_XSD / "examples" / "datacite-official"


def with_change(path: str, value):
    """A copy of the full record with the value at a dotted path (``a.0.b``) replaced;
    ``value`` ``...`` deletes the key."""
    record = copy.deepcopy(full_record())
    *parents, last = path.split(".")
    target = record
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return record


def problems_of(record) -> set[tuple[str, str, str]]:
    return {(p.code, p.field, p.severity) for p in check(record)}


def test_full_record_passes_every_rule():
    assert check(full_record()) == []
    assert validate_datacite(to_xml(full_record())) == []


FAILING = [
    # (change, value, code, field, severity)
    ("doi", ..., "missing-doi", "doi", ERROR),
    ("doi", "", "missing-doi", "doi", ERROR),
    ("doi", "https://doi.org/10.5072/x", "invalid-doi", "doi", ERROR),
    ("doi", "10.50/x", "invalid-doi", "doi", ERROR),
    ("doi", "11.5072/x", "invalid-doi", "doi", ERROR),
    ("doi", "10.5072/a b", "invalid-doi", "doi", ERROR),
    ("url", ..., "missing-url", "url", WARNING),
    ("url", "ftp://example.org/x", "invalid-url", "url", ERROR),
    ("url", "/records/x", "invalid-url", "url", ERROR),
    ("creators", [], "missing-creator", "creators", ERROR),
    ("creators", ..., "missing-creator", "creators", ERROR),
    ("creators.0.name", "  ", "empty-name", "creators[0].name", ERROR),
    ("creators.1.nameType", "organizational", "invalid-vocabulary", "creators[1].nameType", ERROR),
    ("creators.0.nameIdentifiers.0.nameIdentifierScheme", ...,
     "missing-name-identifier-scheme", "creators[0].nameIdentifiers[0].nameIdentifierScheme", ERROR),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "",
     "empty-name-identifier", "creators[0].nameIdentifiers[0]", ERROR),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "https://orcid.org/0000-0002-1825-0098",
     "invalid-orcid", "creators[0].nameIdentifiers[0]", ERROR),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "https://orcid.org/https://orcid.org/0000-0002-1825-0097",
     "invalid-orcid", "creators[0].nameIdentifiers[0]", ERROR),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "0000-0002-1825-0097",
     "orcid-not-canonical", "creators[0].nameIdentifiers[0]", WARNING),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "http://orcid.org/0000-0002-1825-0097",
     "orcid-not-canonical", "creators[0].nameIdentifiers[0]", WARNING),
    ("creators.0.affiliation.0.affiliationIdentifierScheme", ...,
     "missing-affiliation-identifier-scheme", "creators[0].affiliation[0].affiliationIdentifierScheme", ERROR),
    ("creators.0.affiliation.0.name", ..., "empty-affiliation", "creators[0].affiliation[0].name", ERROR),
    ("contributors.0.contributorType", "Curator", "invalid-vocabulary", "contributors[0].contributorType", ERROR),
    ("contributors.0.contributorType", ..., "missing-vocabulary-term", "contributors[0].contributorType", ERROR),
    ("contributors.0.nameIdentifiers.0.nameIdentifierScheme", "",
     "missing-name-identifier-scheme", "contributors[0].nameIdentifiers[0].nameIdentifierScheme", ERROR),
    ("titles", [], "missing-title", "titles", ERROR),
    ("titles.1.title", "", "empty-title", "titles[1].title", ERROR),
    ("titles.1.titleType", "Translated", "invalid-vocabulary", "titles[1].titleType", ERROR),
    ("publisher", {"name": ""}, "missing-publisher", "publisher.name", ERROR),
    ("publisher", ..., "missing-publisher", "publisher.name", ERROR),
    ("publisher.publisherIdentifierScheme", ...,
     "missing-publisher-identifier-scheme", "publisher.publisherIdentifierScheme", ERROR),
    ("publicationYear", "24", "invalid-publication-year", "publicationYear", ERROR),
    ("publicationYear", "2024-01", "invalid-publication-year", "publicationYear", ERROR),
    ("publicationYear", 2024, "invalid-publication-year", "publicationYear", ERROR),
    ("publicationYear", ..., "missing-publication-year", "publicationYear", ERROR),
    ("types", {"resourceType": "x"}, "missing-resource-type-general", "types.resourceTypeGeneral", ERROR),
    ("types.resourceTypeGeneral", "dataset", "invalid-vocabulary", "types.resourceTypeGeneral", ERROR),
    ("types.resourceTypeGeneral", "Data", "invalid-vocabulary", "types.resourceTypeGeneral", ERROR),
    ("dates.0.date", "15.01.2024", "invalid-date", "dates[0].date", ERROR),
    ("dates.0.date", "2024-13-01", "invalid-date", "dates[0].date", ERROR),
    ("dates.0.date", "2024-02-30", "invalid-date", "dates[0].date", ERROR),
    ("dates.0.date", "2024-01-15T10:00:00", "invalid-date", "dates[0].date", ERROR),
    ("dates.0.date", "2024-01-15 10:00:00Z", "invalid-date", "dates[0].date", ERROR),
    ("dates.0.date", "2024/2025/2026", "invalid-date", "dates[0].date", ERROR),
    ("dates.0.date", "2025-01-01/2024-01-01", "reversed-date-range", "dates[0].date", WARNING),
    ("dates.0.dateType", "Published", "invalid-vocabulary", "dates[0].dateType", ERROR),
    ("language", "english language", "invalid-language", "language", ERROR),
    ("titles.0.lang", "en_GB", "invalid-language", "titles[0].lang", ERROR),
    ("alternateIdentifiers.0.alternateIdentifierType", "",
     "missing-alternate-identifier-type", "alternateIdentifiers[0].alternateIdentifierType", ERROR),
    ("relatedIdentifiers.1.relationType", "isPartOf", "invalid-vocabulary", "relatedIdentifiers[1].relationType", ERROR),
    ("relatedIdentifiers.1.relationType", ..., "missing-vocabulary-term", "relatedIdentifiers[1].relationType", ERROR),
    ("relatedIdentifiers.1.relatedIdentifierType", "Website",
     "invalid-vocabulary", "relatedIdentifiers[1].relatedIdentifierType", ERROR),
    ("relatedIdentifiers.1.resourceTypeGeneral", "Article",
     "invalid-vocabulary", "relatedIdentifiers[1].resourceTypeGeneral", ERROR),
    ("relatedIdentifiers.0.relationType", "References",
     "metadata-scheme-misplaced", "relatedIdentifiers[0].relatedMetadataScheme", WARNING),
    ("relatedIdentifiers.1.relationTypeInformation", ...,
     "missing-relation-type-information", "relatedIdentifiers[1].relationTypeInformation", WARNING),
    ("relatedIdentifiers.0.relatedIdentifier", "not a doi",
     "invalid-related-doi", "relatedIdentifiers[0].relatedIdentifier", WARNING),
    ("relatedIdentifiers.0.relatedIdentifier", "", "empty-related-identifier", "relatedIdentifiers[0]", ERROR),
    ("relatedItems.0.relatedItemType", "Article", "invalid-vocabulary", "relatedItems[0].relatedItemType", ERROR),
    ("relatedItems.0.relationType", "Cited", "invalid-vocabulary", "relatedItems[0].relationType", ERROR),
    ("relatedItems.0.numberType", "Page", "invalid-vocabulary", "relatedItems[0].numberType", ERROR),
    ("relatedItems.0.publicationYear", "99", "invalid-publication-year", "relatedItems[0].publicationYear", ERROR),
    ("relatedItems.0.relatedItemIdentifier.relatedItemIdentifierType", "doi",
     "invalid-vocabulary", "relatedItems[0].relatedItemIdentifier.relatedItemIdentifierType", ERROR),
    ("relatedItems.0.contributors.0.contributorType", ...,
     "missing-vocabulary-term", "relatedItems[0].contributors[0].contributorType", ERROR),
    ("relatedItems.0.creators.0.name", "", "empty-name", "relatedItems[0].creators[0].name", ERROR),
    ("relatedItems.0.titles.0.titleType", "Main", "invalid-vocabulary", "relatedItems[0].titles[0].titleType", ERROR),
    ("descriptions.0.descriptionType", "Summary", "invalid-vocabulary", "descriptions[0].descriptionType", ERROR),
    ("descriptions.0.descriptionType", ..., "missing-vocabulary-term", "descriptions[0].descriptionType", ERROR),
    ("geoLocations.0.geoLocationPoint.pointLatitude", 91,
     "invalid-coordinate", "geoLocations[0].geoLocationPoint.pointLatitude", ERROR),
    ("geoLocations.0.geoLocationPoint.pointLongitude", "east",
     "invalid-coordinate", "geoLocations[0].geoLocationPoint.pointLongitude", ERROR),
    ("geoLocations.0.geoLocationBox.northBoundLatitude", ...,
     "invalid-coordinate", "geoLocations[0].geoLocationBox.northBoundLatitude", ERROR),
    ("geoLocations.0.geoLocationPolygons.0.polygonPoints.3", ...,
     "invalid-polygon", "geoLocations[0].geoLocationPolygons[0]", ERROR),
    ("fundingReferences.0.funderName", "", "missing-funder-name", "fundingReferences[0].funderName", ERROR),
    ("fundingReferences.0.funderIdentifierType", ...,
     "missing-vocabulary-term", "fundingReferences[0].funderIdentifierType", ERROR),
    ("fundingReferences.0.funderIdentifierType", "Crossref",
     "invalid-vocabulary", "fundingReferences[0].funderIdentifierType", ERROR),
    ("subjects.0.valueUri", "%zz", "invalid-uri", "subjects[0].valueUri", ERROR),
    ("rightsList.0.rightsUri", "http://a:b:c/", "invalid-uri", "rightsList[0].rightsUri", ERROR),
    ("fundingReferences.0.awardUri", "::", "invalid-uri", "fundingReferences[0].awardUri", ERROR),
]


@pytest.mark.parametrize("change, value, code, field, severity", FAILING,
                         ids=[f"{c[2]}:{c[0]}={c[1]!r}"[:70] for c in FAILING])
def test_rule_fails(change, value, code, field, severity):
    assert (code, field, severity) in problems_of(with_change(change, value))


PASSING = [
    ("doi", "10.12345/ABC(1)"),
    ("doi", "10.5072/a/b/c;d"),
    ("url", "http://example.org/records/10.5072%2Fx"),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "https://orcid.org/0000-0002-1694-233X"),
    ("creators.0.nameIdentifiers.0.nameIdentifier", "https://orcid.org/0000-0001-5109-3700"),
    ("creators.0.nameIdentifiers.0.nameIdentifierScheme", "ISNI"),
    ("creators.0.nameIdentifiers.0", {"nameIdentifier": "0000 0001 2146 438X",
                                       "nameIdentifierScheme": "ISNI"}),
    ("creators.0.affiliation.0", {"name": "No identifier, no scheme needed"}),
    ("creators.1.nameType", ...),
    ("publisher", {"name": "Only a name"}),
    ("publicationYear", "0999"),
    ("types.resourceTypeGeneral", "Presentation"),  # new in 4.7
    ("dates.0.date", "2024"),
    ("dates.0.date", "2024-01"),
    ("dates.0.date", "2024-02-29"),
    ("dates.0.date", "2024-01-15T10:00Z"),
    ("dates.0.date", "2024-01-15T10:00:00Z"),
    ("dates.0.date", "2024-01-15T10:00:00.5+01:00"),
    ("dates.0.date", "2024-01-15T10:00:00-05:00"),
    ("dates.0.date", "2023/2024"),
    ("dates.0.date", "2024-01-15/2024-01-15"),
    ("dates.0.date", "2024-01/2024-03-02"),
    ("dates.0.dateType", "Coverage"),
    ("language", "de-CH"),
    ("titles.0.lang", "zh-Hant-TW"),
    ("relatedIdentifiers.0.relationType", "IsMetadataFor"),
    ("relatedIdentifiers.1.relationType", "Other"),
    ("relatedIdentifiers.1.relatedIdentifierType", "SWHID"),  # new in 4.7
    ("relatedIdentifiers.1.relatedIdentifierType", "RAiD"),
    ("relatedItems.0.relatedItemIdentifier", ...),
    ("geoLocations.0.geoLocationPoint", {"pointLongitude": -180, "pointLatitude": 90.0}),
    ("geoLocations.0.geoLocationPoint", {"pointLongitude": "7.5", "pointLatitude": "-1e1"}),
    ("fundingReferences.0", {"funderName": "Only a name"}),
    ("fundingReferences.0.funderIdentifierType", "Crossref Funder ID"),
    ("subjects.0.classificationCode", "461001"),
    ("subjects.0.valueUri", "http://vocab.example.org/term#a b"),
    ("rightsList.0.rightsUri", "https://example.org/licence%20v2?x=[1]"[:-5]),
]


@pytest.mark.parametrize("change, value", PASSING, ids=[f"{c}={v!r}"[:70] for c, v in PASSING])
def test_rule_passes(change, value):
    record = with_change(change, value)
    assert [p for p in check(record) if p.severity != "info"] == []
    assert validate_datacite(to_xml(record)) == []


def test_orcid_checksum_of_real_identifiers():
    for orcid in ("0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X",
                  "0000-0001-5727-2427"):
        record = with_change("creators.0.nameIdentifiers.0.nameIdentifier", f"https://orcid.org/{orcid}")
        assert check(record) == [], orcid


@pytest.mark.parametrize("junk", [None, [], "x", 1, {"creators": "x", "titles": {"a": 1},
                                                    "dates": [None, 1, {"date": 5}],
                                                    "geoLocations": [{"geoLocationPolygons": [None, {}]}],
                                                    "relatedItems": ["x"], "publisher": 7}])
def test_rules_never_raise(junk):
    problems = check(junk)
    assert problems.errors


def test_rules_find_real_mistakes_in_datacite_examples():
    """DataCite's own 4.7 examples pass the XSD but carry two mistakes the XSD cannot see."""
    project = from_xml((OFFICIAL / "kernel-4.7/datacite-example-project-v4.xml").read_bytes())
    assert ("invalid-orcid", "contributors[4].nameIdentifiers[0]", ERROR) in problems_of(project)
    item = from_xml((OFFICIAL / "kernel-4.7/datacite-example-relateditem1-v4.xml").read_bytes())
    assert ("missing-affiliation-identifier-scheme",
            "creators[0].affiliation[0].affiliationIdentifierScheme", ERROR) in problems_of(item)


@pytest.mark.parametrize("uri, ok", [
    ("https://example.org/a?b=c#d", True), ("urn:isbn:0451450523", True), ("461001", True),
    ("relative/path", True), ("a b", True), ("%zz", False), ("::", False), ("a#b#c", False),
    ("http://h:port/", False), ("http://a@b@c/", False), ("1:x", False),
])
def test_any_uri_ok_matches_libxml2(uri, ok):
    assert any_uri_ok(uri) is ok
    record = with_change("subjects.0.valueUri", uri)
    assert (validate_datacite(to_xml(record)) == []) is ok


# -- no rule errors means the XML is valid ----------------------------------------------------

text = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "x", "Dataset", "dataset", "DOI", "Other", "en", "en_GB", "2024", "24", "2024-02-30",
     "%zz", "::", "https://x.org/a", "ORCID", "https://orcid.org/0000-0002-1825-0097"]))
value = st.one_of(st.none(), st.integers(-200, 200), st.floats(allow_nan=True), text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([c[0] for c in FAILING + PASSING]), value), max_size=4))
def test_no_errors_means_schema_valid(changes):
    record = full_record()
    for path, new in changes:
        try:
            record = _apply(record, path, new)
        except (KeyError, IndexError, TypeError):
            continue
    if not check(record).errors:
        assert validate_datacite(to_xml(record)) == [], record


def _apply(record: dict, path: str, new) -> dict:
    record = copy.deepcopy(record)
    *parents, last = path.split(".")
    target = record
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = new
    return record


def test_a_vocabulary_value_of_the_wrong_type_is_a_problem_not_an_exception():
    from mappings.rules import check
    record = {"doi": "10.5072/x", "creators": [{"name": "Lee, Jun"}], "titles": [{"title": "T"}],
              "publisher": {"name": "P"}, "publicationYear": "2024",
              "types": {"resourceTypeGeneral": [None]}}
    assert any(p.code == "invalid-vocabulary" for p in check(record))
