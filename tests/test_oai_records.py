"""OAI-PMH checklist 1.8/1.9, records, deleted records, formats and sets: P40-P50."""
from __future__ import annotations

import pytest

from gateway.oai.formats import FORMATS
from gateway.store.base import StoredRecord
from test_oai_harness import (  # noqa: F401  (fixtures)
    NS, ODD_DOI, app, at, client_for, empty_store, make_settings, oai, oai_id, settings, stored,
    store,
)

PREFIXES = ["oai_dc", "oai_datacite", "datacite"]


def get_record(oai, doi: str, prefix: str = "oai_dc"):
    return oai.get({"verb": "GetRecord", "metadataPrefix": prefix, "identifier": oai_id(doi)})


def local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


# -- P40: record structure ------------------------------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES)
def test_P40_a_record_is_header_then_metadata(oai, prefix):
    (record,) = get_record(oai, "10.5072/a1", prefix).xpath("//o:GetRecord/o:record")
    assert [local(c) for c in record] == ["header", "metadata"]
    header = record[0]
    assert [local(c) for c in header] == ["identifier", "datestamp", "setSpec", "setSpec",
                                          "setSpec", "setSpec"]
    assert header.get("status") is None
    assert len(record[1]) == 1  # exactly one metadata root


# -- P41: deleted records ---------------------------------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES)
def test_P41_get_record_of_a_deleted_record_is_its_header_only(oai, prefix):
    reply = get_record(oai, "10.5072/gone1", prefix)
    (record,) = reply.xpath("//o:GetRecord/o:record")
    assert [local(c) for c in record] == ["header"]
    assert record[0].get("status") == "deleted"
    assert reply.xpath("//o:header/o:datestamp")[0].text == "2024-05-01T00:00:00Z"
    assert [e.text for e in reply.xpath("//o:header/o:setSpec")] == ["year", "year:2024"]


def test_P41_deleted_records_in_lists(oai):
    records = [r for reply in oai.harvest("ListRecords", metadataPrefix="datacite")
               for r in reply.xpath("//o:ListRecords/o:record")]
    deleted = [r for r in records if r[0].get("status") == "deleted"]
    assert len(deleted) == 2
    assert all([local(c) for c in r] == ["header"] for r in deleted)
    headers = [h for reply in oai.harvest("ListIdentifiers", metadataPrefix="datacite")
               for h in reply.xpath("//o:ListIdentifiers/o:header")]
    assert [h.get("status") for h in headers].count("deleted") == 2


def test_P41_the_deleted_header_is_the_same_for_every_prefix(oai):
    bodies = {prefix: get_record(oai, "10.5072/gone2", prefix).xpath("//o:header")[0]
              for prefix in PREFIXES}
    from lxml import etree
    assert len({etree.tostring(h) for h in bodies.values()}) == 1


def test_P41_a_deleted_record_answers_an_unknown_prefix_with_cannotDisseminateFormat(oai):
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": "marc",
                     "identifier": oai_id("10.5072/gone1")})
    assert reply.errors == ["cannotDisseminateFormat"]


def test_P41_policy_is_persistent(oai):
    assert oai.get("verb=Identify").xpath("//o:deletedRecord")[0].text == "persistent"


# -- P42: oai_dc is offered, the reserved prefix "all" is not ------------------------------

def test_P42_oai_dc_is_listed(oai):
    reply = oai.get("verb=ListMetadataFormats")
    prefixes = [e.text for e in reply.xpath("//o:metadataFormat/o:metadataPrefix")]
    assert prefixes == PREFIXES
    (dc,) = reply.xpath("//o:metadataFormat[o:metadataPrefix='oai_dc']")
    assert dc.xpath("o:schema", namespaces=NS)[0].text == (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    assert dc.xpath("o:metadataNamespace", namespaces=NS)[0].text == (
        "http://www.openarchives.org/OAI/2.0/oai_dc/")


def test_P42_the_reserved_prefix_all_is_not_a_format(oai):
    assert oai.get("verb=ListRecords&metadataPrefix=all").errors == ["cannotDisseminateFormat"]


def test_P42_format_registry():
    assert FORMATS["oai_datacite"].schema == "http://schema.datacite.org/oai/oai-1.1/oai.xsd"
    assert FORMATS["oai_datacite"].namespace == "http://schema.datacite.org/oai/oai-1.1/"
    assert FORMATS["datacite"].namespace == "http://datacite.org/schema/kernel-4"
    assert FORMATS["datacite"].schema == "https://schema.datacite.org/meta/kernel-4.7/metadata.xsd"


# -- P44: the metadata root names its namespace and the advertised schema ----------------

@pytest.mark.parametrize("prefix", PREFIXES)
def test_P44_metadata_root_schema_location_matches_list_metadata_formats(oai, prefix):
    listed = oai.get("verb=ListMetadataFormats").xpath(
        f"//o:metadataFormat[o:metadataPrefix='{prefix}']")[0]
    schema = listed.xpath("o:schema", namespaces=NS)[0].text
    namespace = listed.xpath("o:metadataNamespace", namespaces=NS)[0].text
    (root,) = get_record(oai, "10.5072/a1", prefix).xpath("//o:metadata/*")
    assert root.tag.startswith("{%s}" % namespace)
    pairs = root.get("{%s}schemaLocation" % NS["xsi"]).split()
    assert dict(zip(pairs[::2], pairs[1::2]))[namespace] == schema


def test_P44_oai_datacite_carries_the_kernel_record_and_the_datacentre_symbol(oai):
    reply = get_record(oai, "10.5072/a1", "oai_datacite")
    assert reply.xpath("//oaid:datacentreSymbol")[0].text == "EXAMPLE.SCICAT"
    assert reply.xpath("//oaid:payload/dcite:resource/dcite:identifier")[0].text == "10.5072/a1"


# -- P45: ListMetadataFormats with and without identifier ------------------------------------

def test_P45_formats_of_one_item(oai):
    reply = oai.get({"verb": "ListMetadataFormats", "identifier": oai_id("10.5072/b1")})
    assert [e.text for e in reply.xpath("//o:metadataPrefix")] == PREFIXES
    assert reply.request_attributes["identifier"] == oai_id("10.5072/b1")


def test_P45_a_deleted_item_still_lists_its_formats(oai):
    # GetRecord answers every prefix of a deleted item with its deleted header, so each
    # format remains available (as a deleted record), and the list says so.
    reply = oai.get({"verb": "ListMetadataFormats", "identifier": oai_id("10.5072/gone1")})
    assert [e.text for e in reply.xpath("//o:metadataPrefix")] == PREFIXES


def test_P45_unknown_item_is_idDoesNotExist(oai):
    for identifier in ("oai:scicat.example.org:10.5072/none", "oai:elsewhere.org:10.5072/a1"):
        reply = oai.get({"verb": "ListMetadataFormats", "identifier": identifier})
        assert reply.errors == ["idDoesNotExist"]


def test_P45_an_item_with_only_some_formats(empty_store, settings):
    full = stored("10.5072/full", "2024-01-01T00:00:00Z", (), settings)
    formats = {k: v for k, v in full.formats.items() if k in ("header", "oai_dc")}
    empty_store.upsert_many([
        StoredRecord("10.5072/dc-only", at("2024-01-02T00:00:00Z"), formats=formats),
        StoredRecord("10.5072/nothing", at("2024-01-03T00:00:00Z"), formats={"header": b""}),
    ])
    client = client_for(settings, empty_store)
    reply = client.get({"verb": "ListMetadataFormats", "identifier": oai_id("10.5072/dc-only")})
    assert [e.text for e in reply.xpath("//o:metadataPrefix")] == ["oai_dc"]
    reply = client.get({"verb": "GetRecord", "metadataPrefix": "datacite",
                        "identifier": oai_id("10.5072/dc-only")})
    assert reply.errors == ["cannotDisseminateFormat"]
    reply = client.get({"verb": "ListMetadataFormats", "identifier": oai_id("10.5072/nothing")})
    assert reply.errors == ["noMetadataFormats"]


# -- P46: records link to the resource -------------------------------------------------------

def test_P46_dc_identifier_links_the_doi(oai):
    identifiers = [e.text for e in get_record(oai, "10.5072/a1").xpath("//dc:identifier")]
    assert any(i.endswith("10.5072/a1") and "doi.org" in i for i in identifiers)


def test_P46_oai_identifier_carries_the_doi(oai):
    assert get_record(oai, ODD_DOI).identifiers == [oai_id(ODD_DOI)]


# -- P47/P48: ListSets ------------------------------------------------------------------------

def test_P48_list_sets_lists_spec_and_name(oai):
    reply = oai.get("verb=ListSets")
    sets = [(s.xpath("o:setSpec", namespaces=NS)[0].text, s.xpath("o:setName", namespaces=NS)[0].text)
            for s in reply.xpath("//o:ListSets/o:set")]
    assert sets == [("proposal", "Proposals"), ("proposal:P1", "Proposal P1"),
                    ("proposal:P2", "Proposal P2"), ("year", "Publication year"),
                    ("year:2023", "2023"), ("year:2024", "2024")]
    assert reply.token is None


def test_P48_no_sets_means_noSetHierarchy(empty_store, settings):
    empty_store.upsert(stored("10.5072/x", "2024-01-01T00:00:00Z", (), settings))
    client = client_for(settings, empty_store)
    assert client.get("verb=ListSets").errors == ["noSetHierarchy"]
    for verb in ("ListRecords", "ListIdentifiers"):
        reply = client.get({"verb": verb, "metadataPrefix": "oai_dc", "set": "year"})
        assert reply.errors == ["noSetHierarchy"]
        assert reply.request_attributes["set"] == "year"


def test_P48_list_sets_takes_no_other_argument(oai):
    assert oai.get("verb=ListSets&metadataPrefix=oai_dc").errors == ["badArgument"]


# -- P49: headers list the item's sets -------------------------------------------------------

def test_P49_get_record_lists_the_sets(oai):
    reply = get_record(oai, "10.5072/a1")
    assert [e.text for e in reply.xpath("//o:header/o:setSpec")] == [
        "proposal", "proposal:P1", "year", "year:2024"]
    assert get_record(oai, ODD_DOI).xpath("//o:header/o:setSpec") == []


def test_P49_list_headers_list_the_sets(oai):
    for verb in ("ListRecords", "ListIdentifiers"):
        reply = oai.get({"verb": verb, "metadataPrefix": "oai_dc", "set": "proposal:P2"})
        assert [e.text for e in reply.xpath("//o:header/o:setSpec")] == [
            "proposal", "proposal:P2", "year", "year:2023"]


def test_P49_get_record_carries_the_set_an_item_was_harvested_from(oai):
    for spec in ("year:2024", "proposal:P1"):
        for identifier in oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                                   "set": spec}).identifiers:
            reply = oai.get({"verb": "GetRecord", "metadataPrefix": "oai_dc",
                             "identifier": identifier})
            assert spec in [e.text for e in reply.xpath("//o:header/o:setSpec")]


# -- P50: a set includes its descendants -----------------------------------------------------

def test_P50_a_set_includes_its_descendants(oai):
    def members(spec):
        return [d for r in oai.harvest("ListIdentifiers", metadataPrefix="oai_dc", set=spec)
                for d in r.dois]
    assert members("proposal") == ["10.5072/a1", "10.5072/b1", "10.5072/b2"]
    assert members("proposal:P1") == ["10.5072/a1", "10.5072/b2"]
    assert members("year") == ["10.5072/a1", "10.5072/a2", "10.5072/b1", "10.5072/b2",
                               "10.5072/gone1"]


def test_P50_a_set_prefix_is_not_a_parent(oai):
    # "year:202" is not an ancestor of "year:2024"
    reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "year:202"})
    assert reply.errors == ["noRecordsMatch"]


def test_P50_unknown_set_is_noRecordsMatch(oai):
    for verb in ("ListRecords", "ListIdentifiers"):
        reply = oai.get({"verb": verb, "metadataPrefix": "oai_dc", "set": "nosuch"})
        assert reply.errors == ["noRecordsMatch"]


def test_P50_only_an_unrestricted_harvest_includes_items_in_no_set(oai):
    in_sets = set()
    for spec in ("year", "proposal"):
        for reply in oai.harvest("ListIdentifiers", metadataPrefix="oai_dc", set=spec):
            in_sets.update(reply.dois)
    everything = {d for r in oai.harvest("ListIdentifiers", metadataPrefix="oai_dc")
                  for d in r.dois}
    assert everything - in_sets == {ODD_DOI, "10.5072/gone2"}
