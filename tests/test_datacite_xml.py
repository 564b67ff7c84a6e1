"""DataCite XML: serializer and reader, against DataCite's own examples and hostile text."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from gateway.schemas import schema_dir, validate_datacite
from mappings.readers.datacite_xml import from_xml
from mappings.serializers import datacite_xml
from mappings.serializers.datacite_xml import to_element, to_xml
from mappings.text import xml_safe

REPO = Path(__file__).resolve().parents[1]
SHARED_XSD = Path(os.environ.get("GATEWAY_SHARED_DIR") or REPO.parent / "shared") / "xsd"
OFFICIAL = SHARED_XSD / "examples" / "datacite-official"
EXPECTED_COUNTS = {"4.5": 7, "4.6": 13, "4.7": 17}
EXAMPLES = sorted(OFFICIAL.glob("kernel-4.*/*.xml"))
NS = "{http://datacite.org/schema/kernel-4}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def example_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_official_examples_are_all_there():
    # Parametrized tests over an empty glob would pass silently: count them instead.
    found = {k: len(list((OFFICIAL / f"kernel-{k}").glob("*.xml"))) for k in EXPECTED_COUNTS}
    assert found == EXPECTED_COUNTS, f"DataCite's examples not found under {OFFICIAL}"


# -- round trip of DataCite's official examples ---------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_official_example_round_trip(path: Path):
    record = from_xml(path.read_bytes())
    xml = to_xml(record)
    assert validate_datacite(xml, "4.7") == []
    assert from_xml(xml) == record


# Content models that are xs:all or a repeatable choice: child order carries no meaning.
_UNORDERED = {f"{NS}{name}" for name in (
    "resource", "geoLocation", "fundingReference", "geoLocationPoint", "polygonPoint",
    "inPolygonPoint", "geoLocationBox")}
_NUMBERS = {f"{NS}{name}" for name in (
    "pointLongitude", "pointLatitude", "westBoundLongitude", "eastBoundLongitude",
    "southBoundLatitude", "northBoundLatitude")}


def canonical(element) -> tuple:
    """What an element says, ignoring formatting, child order where the XSD ignores it,
    how numbers are written, and empty wrappers."""
    text = (element.text or "").strip()
    if element.tag in _NUMBERS:
        text = float(text)
    attributes = tuple(sorted((k, v.strip()) for k, v in element.attrib.items()
                              if k != f"{XSI}schemaLocation"))
    children = [canonical(c) for c in element if isinstance(c.tag, str)]
    children = [c for c in children if c[1] or c[2] or c[3]]
    if element.tag in _UNORDERED:
        children.sort(key=repr)
    return element.tag, attributes, text, tuple(children)


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_official_example_loses_nothing(path: Path):
    """The XML we write says everything the original said (the reader drops nothing)."""
    original = etree.parse(str(path)).getroot()
    written = to_element(from_xml(original))
    assert canonical(written) == canonical(original)


def test_second_opinion_from_xmlschema():
    schema = xmlschema.XMLSchema(str(schema_dir() / "datacite/kernel-4.7/metadata.xsd"),
                                 allow="local")
    for path in EXAMPLES:
        schema.validate(to_xml(from_xml(path.read_bytes())).decode())


# -- the serializer itself -----------------------------------------------------------------

def full_record() -> dict:
    """A canonical record using every attribute the record conventions define."""
    person = {
        "name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe",
        "lang": "en",
        "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0097",
                             "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}],
        "affiliation": [{"name": "Example Neutron Source",
                         "affiliationIdentifier": "https://ror.org/01wv9cn34",
                         "affiliationIdentifierScheme": "ROR", "schemeUri": "https://ror.org"}],
    }
    point = {"pointLongitude": 8.2275, "pointLatitude": 47.5364}
    return {
        "doi": "10.5072/SciCat.ABC-123",
        "url": "https://scicat.example.org/published/abc",
        "creators": [person, {"name": "Example Neutron Source", "nameType": "Organizational"}],
        "titles": [{"title": "Powder diffraction", "lang": "en"},
                   {"title": "Pulverdiffraktion", "titleType": "TranslatedTitle", "lang": "de"}],
        "publisher": {"name": "Example Neutron Source", "publisherIdentifier": "https://ror.org/01wv9cn34",
                      "publisherIdentifierScheme": "ROR", "schemeUri": "https://ror.org", "lang": "en"},
        "publicationYear": "2024",
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Raw data"},
        "subjects": [{"subject": "neutron diffraction", "subjectScheme": "PaNET",
                      "schemeUri": "http://purl.org/pan-science/PaNET/",
                      "valueUri": "http://purl.org/pan-science/PaNET/PaNET01217",
                      "classificationCode": "PaNET01217", "lang": "en"}],
        "contributors": [{**person, "contributorType": "DataCurator"}],
        "dates": [{"date": "2024-01-15", "dateType": "Issued"},
                  {"date": "2023-05-01/2023-05-04", "dateType": "Other", "dateInformation": "beamtime"}],
        "language": "en",
        "alternateIdentifiers": [{"alternateIdentifier": "abc", "alternateIdentifierType": "SciCat PID"}],
        "relatedIdentifiers": [
            {"relatedIdentifier": "10.5072/metadata", "relatedIdentifierType": "DOI",
             "relationType": "HasMetadata", "resourceTypeGeneral": "Dataset",
             "relatedMetadataScheme": "NeXus", "schemeUri": "https://manual.nexusformat.org/",
             "schemeType": "XSD"},
            {"relatedIdentifier": "https://example.org/x", "relatedIdentifierType": "URL",
             "relationType": "Other", "relationTypeInformation": "measured with"},
        ],
        "relatedItems": [{
            # metadata-scheme attributes are only right with HasMetadata/IsMetadataFor
            "relatedItemType": "Text", "relationType": "HasMetadata",
            "relationTypeInformation": "a metadata record",
            "relatedItemIdentifier": {"relatedItemIdentifier": "10.5072/article",
                                      "relatedItemIdentifierType": "DOI",
                                      "relatedMetadataScheme": "x", "schemeUri": "https://x.org/",
                                      "schemeType": "y"},
            "creators": [{"name": "Roe, Richard", "nameType": "Personal", "givenName": "Richard",
                          "familyName": "Roe", "lang": "en"}],
            "titles": [{"title": "An article", "lang": "en"}],
            "publicationYear": "2025", "volume": "12", "issue": "3", "number": "42",
            "numberType": "Article", "firstPage": "1", "lastPage": "9",
            "publisher": "Journal Press", "edition": "2",
            "contributors": [{"name": "Editor, Ed", "contributorType": "Editor"}],
        }],
        "sizes": ["12 GB", "3 files"],
        "formats": ["application/x-hdf5"],
        "version": "1.0",
        "rightsList": [{"rights": "CC BY 4.0", "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode",
                        "rightsIdentifier": "cc-by-4.0", "rightsIdentifierScheme": "SPDX",
                        "schemeUri": "https://spdx.org/licenses/", "lang": "en"}],
        "descriptions": [{"description": "Line one\nline two", "descriptionType": "Abstract", "lang": "en"}],
        "geoLocations": [{
            "geoLocationPlace": "PSI, Villigen",
            "geoLocationPoint": point,
            "geoLocationBox": {"westBoundLongitude": 8.2, "eastBoundLongitude": 8.3,
                               "southBoundLatitude": 47.5, "northBoundLatitude": 47.6},
            "geoLocationPolygons": [{"polygonPoints": [
                {"pointLongitude": 8.2, "pointLatitude": 47.5},
                {"pointLongitude": 8.3, "pointLatitude": 47.5},
                {"pointLongitude": 8.3, "pointLatitude": 47.6},
                {"pointLongitude": 8.2, "pointLatitude": 47.5}], "inPolygonPoint": point}],
        }],
        "fundingReferences": [{"funderName": "SNSF", "funderIdentifier": "https://ror.org/00yjd3n13",
                               "funderIdentifierType": "ROR", "schemeUri": "https://ror.org",
                               "awardNumber": "200021", "awardUri": "https://data.snf.ch/grants/grant/200021",
                               "awardTitle": "Powders"}],
    }


def test_full_record_validates_and_round_trips():
    record = full_record()
    xml = to_xml(record)
    assert validate_datacite(xml) == []
    expected = {k: v for k, v in record.items() if k != "url"}  # url is not in the XML kernel
    assert from_xml(xml) == expected


def test_json_names_become_xml_names():
    root = to_element(full_record())
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    subject = root.find(f"{NS}subjects/{NS}subject")
    assert subject.get("schemeURI") and subject.get("valueURI") and subject.get(lang) == "en"
    assert root.find(f"{NS}rightsList/{NS}rights").get("rightsURI").startswith("https://creativecommons")
    assert root.find(f"{NS}fundingReferences/{NS}fundingReference/{NS}awardNumber").get("awardURI")
    assert root.find(f"{NS}publisher").get("schemeURI") == "https://ror.org"
    assert root.find(f"{NS}creators/{NS}creator/{NS}creatorName").get(lang) == "en"
    assert root.find(f"{NS}identifier").attrib == {"identifierType": "DOI"}
    assert not [e for e in root.iter() if "Uri" in "".join(e.attrib) or "lang" in e.attrib]


def test_root_element_and_declaration():
    xml = to_xml(full_record())
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<resource xmlns="http://datacite.org/schema/kernel-4"')
    root = etree.fromstring(xml)
    assert root.get(f"{XSI}schemaLocation") == (
        "http://datacite.org/schema/kernel-4 https://schema.datacite.org/meta/kernel-4.7/metadata.xsd")
    assert to_xml(full_record()) == xml  # deterministic
    assert etree.fromstring(to_xml(full_record(), pretty=False)).tag == f"{NS}resource"


def test_empty_values_are_omitted():
    record = {**full_record(), "subjects": [], "sizes": ["", None], "version": "", "formats": [],
              "language": None, "dates": [{"date": "", "dateType": "Issued"}],
              "geoLocations": [{}], "relatedItems": [], "fundingReferences": [{"funderName": ""}]}
    root = to_element(record)
    for name in ("subjects", "sizes", "version", "formats", "language", "dates", "geoLocations",
                 "relatedItems", "fundingReferences"):
        assert root.find(f"{NS}{name}") is None, name
    for element in root.iter():
        assert element.text is None or element.text.strip() or len(element), element.tag


def test_person_without_name_is_left_out():
    record = {**full_record(), "creators": [{"name": ""}, {"givenName": "x"}, {"name": "Kept"}]}
    names = [e.text for e in to_element(record).findall(f"{NS}creators/{NS}creator/{NS}creatorName")]
    assert names == ["Kept"]


# -- hostile text --------------------------------------------------------------------------

HOSTILE = [
    "Tom & Jerry <script>alert('x')</script> \"quoted\" 'single'",
    "]]> &amp; &lt; &#x41; <![CDATA[x]]>",
    "control\x00\x01\x08\x0b\x0c\x1f\x7f chars\ufffe\uffff\ud800 removed",
    "emoji 😀🧪 and CJK 中文 and RTL עברית",
    "tab\tnewline\ncarriage\rreturn",
    "x&<" * 40_000,
]


def _deep(value, fn):
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_deep(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _deep(v, fn) for k, v in value.items()}
    return value


def hostile_record(text: str) -> dict:
    record = full_record()
    record["creators"][0].update(name=text, givenName=text, familyName=text)
    record["creators"][0]["affiliation"][0].update(name=text, affiliationIdentifier=text)
    record["titles"][0]["title"] = text
    record["publisher"]["name"] = text
    record["subjects"][0]["subject"] = text
    record["subjects"][0]["subjectScheme"] = text
    record["dates"][1]["dateInformation"] = text
    record["alternateIdentifiers"][0].update(alternateIdentifier=text, alternateIdentifierType=text)
    record["relatedIdentifiers"][1]["relationTypeInformation"] = text
    record["relatedItems"][0].update(volume=text, publisher=text, edition=text)
    record["sizes"] = [text]
    record["formats"] = [text]
    record["version"] = text
    record["rightsList"][0]["rights"] = text
    record["descriptions"][0]["description"] = text
    record["geoLocations"][0]["geoLocationPlace"] = text
    record["fundingReferences"][0].update(funderName=text, awardTitle=text, awardNumber=text)
    return record


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_is_valid_and_survives(text: str):
    record = hostile_record(text)
    xml = to_xml(record)
    assert validate_datacite(xml) == []
    expected = _deep({k: v for k, v in record.items() if k != "url"}, lambda s: xml_safe(s).strip())
    back = from_xml(xml)
    assert back == expected
    if "&" in text:
        assert "&" in back["titles"][0]["title"] and "<" in back["titles"][0]["title"]


def test_only_illegal_characters_never_raise():
    record = hostile_record("\x00\x01\ud800")
    record["doi"] = "\x0b"
    record["types"] = {"resourceTypeGeneral": "Dataset\x00"}
    etree.fromstring(to_xml(record))  # well-formed; the rules report the damage


@pytest.mark.parametrize("junk", [None, 0, 1.5, True, [], {}, ["a"], {"a": 1}, object()])
def test_odd_value_types_never_raise(junk):
    record = {key: junk for key in full_record()}
    to_xml(record)
    record = full_record()
    record["creators"] = [junk, {"name": junk, "nameIdentifiers": junk, "affiliation": [junk]}]
    record["geoLocations"] = [{"geoLocationPoint": junk, "geoLocationPolygons": [junk]}]
    record["relatedItems"] = [{"relatedItemIdentifier": junk, "titles": junk, "publisher": junk}]
    etree.fromstring(to_xml(record))


def test_coordinates_are_written_as_numbers():
    record = full_record()
    record["geoLocations"] = [{"geoLocationPoint": {"pointLongitude": 0, "pointLatitude": -0.5}}]
    point = to_element(record).find(f"{NS}geoLocations/{NS}geoLocation/{NS}geoLocationPoint")
    assert [(etree.QName(c).localname, c.text) for c in point] == [
        ("pointLongitude", "0"), ("pointLatitude", "-0.5")]


# -- the reader ----------------------------------------------------------------------------

def _resource(*children: str) -> bytes:
    body = "".join(children)
    return (f'<resource xmlns="http://datacite.org/schema/kernel-4">{body}</resource>').encode()


def test_reader_keeps_doi_case_and_trims_text():
    record = from_xml(_resource('<identifier identifierType="DOI"> 10.5072/AbC </identifier>'))
    assert record == {"doi": "10.5072/AbC"}


def test_reader_drops_non_doi_identifier():
    assert from_xml(_resource('<identifier identifierType="URL">https://x.org</identifier>')) == {}


def test_reader_turns_br_into_newlines():
    record = from_xml(_resource(
        '<descriptions><description descriptionType="Abstract">one<br/>two</description></descriptions>'))
    assert record["descriptions"] == [{"description": "one\ntwo", "descriptionType": "Abstract"}]


def test_reader_splits_repeated_geolocation_parts():
    record = from_xml(_resource(
        "<geoLocations><geoLocation><geoLocationPlace>A</geoLocationPlace>"
        "<geoLocationPlace>B</geoLocationPlace></geoLocation></geoLocations>"))
    assert record["geoLocations"] == [{"geoLocationPlace": "A"}, {"geoLocationPlace": "B"}]


def test_reader_accepts_oai_datacite_and_elements():
    from mappings.serializers import oai_datacite

    record = {k: v for k, v in full_record().items() if k != "url"}
    assert from_xml(oai_datacite.to_xml(record, "X.Y")) == record
    assert from_xml(oai_datacite.to_element(record, "X.Y")) == record
    assert from_xml(datacite_xml.to_element(record)) == record
    assert from_xml(to_xml(record).decode("utf-8").split("\n", 1)[1]) == record


def test_reader_rejects_other_documents():
    with pytest.raises(ValueError):
        from_xml(b"<html/>")


def test_reader_does_not_expand_entities():
    doc = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<resource xmlns="http://datacite.org/schema/kernel-4"><version>&e;</version></resource>')
    assert "root" not in str(from_xml(doc))
