"""oai_dc and oai_datacite serializers: schema-valid alone and inside an OAI-PMH response."""
from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from lxml import etree

from gateway.schemas import validate_datacite, validate_oai_dc, validate_oai_pmh
from mappings.readers.datacite_xml import from_xml
from mappings.serializers import datacite_xml, oai_dc, oai_datacite
from test_datacite_xml import HOSTILE, full_record, hostile_record

REPO = Path(__file__).resolve().parents[1]
SHARED_XSD = Path(os.environ.get("GATEWAY_SHARED_DIR") or REPO.parent / "shared") / "xsd"
EXAMPLES = sorted((SHARED_XSD / "examples" / "datacite-official").glob("kernel-4.7/*.xml"))

NS_OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
DC = "{http://purl.org/dc/elements/1.1/}"
OAIDC = "{http://schema.datacite.org/oai/oai-1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def get_record_response(metadata: etree._Element) -> bytes:
    """A minimal OAI-PMH GetRecord response carrying ``metadata`` (P9, P40)."""
    oai = etree.Element(f"{{{NS_OAI}}}OAI-PMH", nsmap={None: NS_OAI, "xsi": XSI})
    oai.set(f"{{{XSI}}}schemaLocation", f"{NS_OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    etree.SubElement(oai, f"{{{NS_OAI}}}responseDate").text = "2024-05-01T12:00:00Z"
    request = etree.SubElement(oai, f"{{{NS_OAI}}}request", verb="GetRecord",
                               identifier="oai:scicat.example.org:10.5072/x", metadataPrefix="x")
    request.text = "https://scicat.example.org/oai"
    record = etree.SubElement(etree.SubElement(oai, f"{{{NS_OAI}}}GetRecord"), f"{{{NS_OAI}}}record")
    header = etree.SubElement(record, f"{{{NS_OAI}}}header")
    etree.SubElement(header, f"{{{NS_OAI}}}identifier").text = "oai:scicat.example.org:10.5072/x"
    etree.SubElement(header, f"{{{NS_OAI}}}datestamp").text = "2024-01-15T10:00:00Z"
    etree.SubElement(record, f"{{{NS_OAI}}}metadata").append(metadata)
    return etree.tostring(oai, xml_declaration=True, encoding="UTF-8")


def dc_values(root, name: str) -> list[str]:
    return [e.text for e in root.findall(f"{DC}{name}")]


# -- oai_dc ----------------------------------------------------------------------------------

def test_examples_found():
    assert len(EXAMPLES) == 17, f"DataCite's kernel-4.7 examples not found under {SHARED_XSD}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_oai_dc_of_official_examples_is_valid(path: Path):
    record = from_xml(path.read_bytes())
    assert validate_oai_dc(oai_dc.to_xml(record)) == []
    assert validate_oai_pmh(get_record_response(oai_dc.to_element(record))) == []


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_oai_dc_of_hostile_record_is_valid(text: str):
    xml = oai_dc.to_xml(hostile_record(text))
    assert validate_oai_dc(xml) == []
    if "&" in text:
        assert any("&" in t and "<" in t for t in dc_values(etree.fromstring(xml), "title"))


def test_oai_dc_root():
    xml = oai_dc.to_xml(full_record())
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<oai_dc:dc ')
    root = etree.fromstring(xml)
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"
    assert root.nsmap["dc"] == "http://purl.org/dc/elements/1.1/"
    assert root.get(f"{{{XSI}}}schemaLocation") == (
        "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd")


def test_oai_dc_follows_the_datacite_mapping():
    record = full_record()
    record["creators"].append({"name": "Third, Creator"})
    record["dates"].append({"date": "2020/2021", "dateType": "Coverage"})
    record["relatedIdentifiers"] += [
        {"relatedIdentifier": "https://doi.org/10.5072/resolver", "relatedIdentifierType": "DOI", "relationType": "Cites"},
        {"relatedIdentifier": "20.500.12269/abc", "relatedIdentifierType": "Handle", "relationType": "Cites"},
        {"relatedIdentifier": "978-3-905673-82-1", "relatedIdentifierType": "ISBN", "relationType": "Cites"},
        {"relatedIdentifier": "RRID:SCR_014641", "relatedIdentifierType": "RRID", "relationType": "Cites"},
    ]
    root = oai_dc.to_element(record)
    assert dc_values(root, "creator") == ["Doe, Jane", "Example Neutron Source", "Third, Creator"]
    assert dc_values(root, "title") == ["Powder diffraction", "Pulverdiffraktion"]
    assert root.find(f"{DC}title").get(XML_LANG) == "en"
    assert dc_values(root, "publisher") == ["Example Neutron Source"]
    assert dc_values(root, "date") == ["2024", "2024-01-15", "2023-05-01/2023-05-04"]
    assert dc_values(root, "coverage") == ["PSI, Villigen", "2020/2021"]
    assert dc_values(root, "identifier") == [
        "https://doi.org/10.5072/SciCat.ABC-123", "https://scicat.example.org/published/abc"]
    assert dc_values(root, "type") == ["Dataset", "Raw data"]
    assert dc_values(root, "subject") == ["neutron diffraction"]
    assert dc_values(root, "rights") == [
        "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/legalcode"]
    assert dc_values(root, "relation") == [
        "https://doi.org/10.5072/metadata", "https://example.org/x",
        "https://doi.org/10.5072/resolver", "https://hdl.handle.net/20.500.12269/abc",
        "ISBN:978-3-905673-82-1", "RRID:SCR_014641"]
    assert dc_values(root, "description") == ["Line one\nline two"]
    assert dc_values(root, "format") == ["application/x-hdf5", "12 GB", "3 files"]
    assert dc_values(root, "language") == ["en"]
    assert dc_values(root, "contributor") == ["Doe, Jane", "SNSF"]


def test_oai_dc_writes_each_value_once():
    record = full_record()
    record["formats"] = ["text/plain", "text/plain"]
    record["dates"] = [{"date": "2024", "dateType": "Issued"}]
    root = oai_dc.to_element(record)
    assert dc_values(root, "format") == ["text/plain", "12 GB", "3 files"]
    assert dc_values(root, "date") == ["2024"]


def test_oai_dc_of_an_empty_record_is_valid():
    assert validate_oai_dc(oai_dc.to_xml({})) == []


# -- oai_datacite ----------------------------------------------------------------------------

def test_oai_datacite_wrapper():
    root = oai_datacite.to_element(full_record(), "PSI.DATA")
    assert root.tag == f"{OAIDC}oai_datacite"
    assert root.get(f"{{{XSI}}}schemaLocation") == (
        "http://schema.datacite.org/oai/oai-1.1/ http://schema.datacite.org/oai/oai-1.1/oai.xsd")
    assert root.findtext(f"{OAIDC}schemaVersion") == "4.7"
    assert root.findtext(f"{OAIDC}datacentreSymbol") == "PSI.DATA"
    (resource,) = root.find(f"{OAIDC}payload")
    assert etree.tostring(resource, method="c14n", exclusive=True) == etree.tostring(
        datacite_xml.to_element(full_record()), method="c14n", exclusive=True)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_oai_datacite_of_official_examples_is_valid(path: Path):
    record = from_xml(path.read_bytes())
    assert validate_oai_pmh(oai_datacite.to_xml(record, "DATACITE.EXAMPLE")) == []
    response = get_record_response(oai_datacite.to_element(record, "DATACITE.EXAMPLE"))
    assert validate_oai_pmh(response) == []


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_oai_datacite_of_hostile_record_is_valid(text: str):
    response = get_record_response(oai_datacite.to_element(hostile_record(text), text))
    assert validate_oai_pmh(response) == []


def test_payload_is_validated_too():
    """The composite schema checks the kernel-4 record inside payload (it is lax there)."""
    broken = copy.deepcopy(full_record())
    del broken["publicationYear"]
    assert validate_datacite(datacite_xml.to_xml(broken)) != []
    errors = validate_oai_pmh(get_record_response(oai_datacite.to_element(broken, "X")))
    assert any("publicationYear" in message for message in errors)
