"""Property-based: arbitrary and hostile documents never make the mapping raise.

Whatever comes in, the mapping yields either a record that is valid (kernel-4.7 XSD plus
the project's own rules) or problems that say why not.
"""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.schemas import validate_datacite
from mappings.datacite import map_publication
from mappings.options import MappingOptions
from mappings.serializers import datacite_json, datacite_xml

OPTS = MappingOptions(proposal_pid_url="https://p.example.org/{proposalId}")

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),       # control chars, surrogates excluded by codec
    st.sampled_from(["", " ", "\x00", "\x1b[31m", "&amp;", "<b>", "\"'", "al.", "et al.", "ESS", "null",
                     "0000-0002-1825-0097", "0000-0002-1825-0098", "https://ror.org/01wv9cn34", "10.5072/x",
                     "a@b.org", "$where", "\ud7ff\ufffe", "Łukasz Żółć"]),
    st.integers(20_001, 30_000).map(lambda n: "x" * n),                 # longer than any field may be
)
operators = st.dictionaries(st.sampled_from(["$gt", "$ne", "$where", "$regex", "$date"]),
                            st.one_of(st.none(), st.integers(), hostile_text), min_size=1, max_size=2)
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), hostile_text, operators)
anything = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(hostile_text, inner, max_size=4)), max_leaves=12)

person = st.fixed_dictionaries({}, optional={
    "name": anything | hostile_text, "nameType": st.sampled_from(["Personal", "Organizational", "x"]) | anything,
    "givenName": hostile_text, "familyName": hostile_text,
    "nameIdentifiers": st.lists(st.fixed_dictionaries({}, optional={"nameIdentifier": hostile_text | anything,
                                                                  "nameIdentifierScheme": st.sampled_from(["ORCID", "orcid", "ISNI", ""]) | anything}), max_size=3) | anything,
    "affiliation": st.lists(st.fixed_dictionaries({}, optional={"name": hostile_text | anything,
                                                              "affiliationIdentifier": hostile_text,
                                                              "affiliationIdentifierScheme": st.sampled_from(["ROR", "GRID"]) | hostile_text}), max_size=3) | anything,
    "contributorType": st.sampled_from(["DataCurator", "Other", "bogus"]) | anything,
})
metadata = st.fixed_dictionaries({}, optional={
    "creators": st.lists(person | hostile_text, max_size=4) | anything,
    "contributors": st.lists(person, max_size=3) | anything,
    "publisher": st.fixed_dictionaries({"name": hostile_text}, optional={"publisherIdentifier": hostile_text}) | hostile_text | anything,
    "publicationYear": st.integers() | hostile_text | anything,
    "resourceType": hostile_text, "resourceTypeGeneral": st.sampled_from(["Dataset", "software", "Nonsense"]) | anything,
    "subjects": st.lists(st.fixed_dictionaries({"subject": hostile_text}, optional={"valueUri": hostile_text}), max_size=3) | anything,
    "dates": st.lists(st.fixed_dictionaries({"date": hostile_text | anything, "dateType": st.sampled_from(["Issued", "Collected", "x"])}), max_size=3) | anything,
    "relatedIdentifiers": st.lists(st.fixed_dictionaries({"relatedIdentifier": hostile_text | anything},
                                                         optional={"relatedIdentifierType": st.sampled_from(["DOI", "URL", "Handle", "nope"]),
                                                                   "relationType": st.sampled_from(["Cites", "IsSupplementTo", "HasMetadata", "nope"]),
                                                                   "schemeUri": hostile_text}), max_size=3) | anything,
    "rightsList": st.lists(st.fixed_dictionaries({}, optional={"rights": hostile_text, "rightsUri": hostile_text, "rightsIdentifier": hostile_text}), max_size=2) | anything,
    "descriptions": st.lists(st.fixed_dictionaries({"description": hostile_text}, optional={"descriptionType": hostile_text}), max_size=2) | anything,
    "geoLocations": st.lists(st.fixed_dictionaries({}, optional={"geoLocationPlace": hostile_text,
                                                               "geoLocationPoint": st.fixed_dictionaries({"pointLongitude": scalar, "pointLatitude": scalar}),
                                                               "geoLocationBox": st.dictionaries(st.sampled_from(["westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude"]), scalar)}), max_size=2) | anything,
    "fundingReferences": st.lists(st.fixed_dictionaries({}, optional={"funderName": hostile_text, "funderIdentifier": hostile_text,
                                                                    "funderIdentifierType": st.sampled_from(["ROR", "ISNI", "x"]), "awardNumber": hostile_text, "awardUri": hostile_text}), max_size=2) | anything,
    "relatedItems": st.lists(st.dictionaries(st.sampled_from(["relatedItemType", "relationType", "titles", "publicationYear", "volume", "creators"]), anything | hostile_text), max_size=2) | anything,
    "landingPage": hostile_text | anything, "language": hostile_text, "version": hostile_text | anything,
    "sizes": st.lists(hostile_text) | anything, "formats": st.lists(hostile_text) | anything,
    "numberOfFiles": scalar, "sizeOfArchive": scalar, "alternateIdentifiers": anything,
})


def mostly(good, bad):
    """Mostly plausible values, so that valid records are common and hostile ones frequent."""
    return st.one_of(good, good, good, bad)


plain = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60)
doi = mostly(st.from_regex(r"10\.\d{4,5}/[A-Za-z0-9._;()/:-]{1,20}", fullmatch=True), anything)
published = st.fixed_dictionaries({
    "_id": doi, "title": mostly(plain, hostile_text | anything),
    "creator": mostly(st.lists(plain, min_size=1, max_size=5), st.lists(hostile_text | anything, max_size=5) | anything),
    "publisher": mostly(plain, hostile_text | anything),
    "publicationYear": mostly(st.integers(1000, 2999), st.integers() | hostile_text | anything),
}, optional={
    "doi": doi, "abstract": hostile_text | anything, "dataDescription": hostile_text,
    "authors": st.lists(hostile_text, max_size=3) | anything,
    "affiliation": hostile_text | anything,
    "resourceType": hostile_text, "url": hostile_text, "pidArray": st.lists(hostile_text | anything, max_size=3) | anything,
    "datasetPids": st.lists(hostile_text, max_size=3) | anything, "relatedPublications": st.lists(hostile_text | anything, max_size=3) | anything,
    "status": st.sampled_from(["registered", "public", "amended", "private", "pending_registration"]) | anything,
    "registeredTime": st.datetimes() | hostile_text | anything, "numberOfFiles": scalar, "sizeOfArchive": scalar,
    "metadata": metadata | anything, "updatedAt": st.datetimes() | anything, hostile_text: anything,
})
dataset = st.fixed_dictionaries({"_id": hostile_text}, optional={
    "owner": hostile_text, "orcidOfOwner": hostile_text | anything, "proposalIds": st.lists(hostile_text) | anything,
    "keywords": st.lists(hostile_text) | anything, "license": hostile_text | anything, "creationTime": st.datetimes() | anything,
    "techniques": st.lists(st.fixed_dictionaries({}, optional={"pid": hostile_text, "name": hostile_text})) | anything,
    "ownerEmail": hostile_text})
proposal = st.fixed_dictionaries({"_id": hostile_text, "proposalId": hostile_text | anything}, optional={
    "title": hostile_text | anything, "isPublished": st.booleans() | anything, "accessGroups": st.lists(hostile_text) | anything,
    "MeasurementPeriodList": st.lists(st.fixed_dictionaries({}, optional={"start": st.datetimes() | anything, "end": st.datetimes() | anything})) | anything,
    "email": hostile_text})


def assert_valid_or_explained(result) -> None:
    if result.record is None or not result.valid:
        assert result.problems.errors, "an unusable record must say why"
        return
    xml = datacite_xml.to_xml(result.record)
    assert validate_datacite(xml) == [], result.record
    json.loads(datacite_json.to_json(result.record))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(published, st.lists(dataset, max_size=3), st.lists(proposal, max_size=2))
def test_mapping_never_raises_and_valid_means_valid(doc, datasets, proposals):
    assert_valid_or_explained(map_publication(doc, datasets, proposals, OPTS))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything, st.lists(anything, max_size=2), st.lists(anything, max_size=2))
def test_any_json_value_at_all_is_survived(doc, datasets, proposals):
    assert_valid_or_explained(map_publication(doc, datasets, proposals, OPTS))
