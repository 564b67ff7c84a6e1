"""Sync-time rendering: render_all and the fragment renderers (P31, P40, P41, P44, P49)."""
from __future__ import annotations

import pytest
from lxml import etree

from gateway.oai.render import (
    render_all, render_deleted_record_bytes, render_header_bytes, render_record_bytes,
)
from test_oai_harness import NS, ODD_DOI, at, canonical, make_settings, oai_id

SETS = ("year", "year:2024")
STAMP = at("2024-03-15T12:30:00Z")


def test_render_all_of_a_live_record_gives_header_and_every_prefix():
    rendered = render_all("10.5072/a1", STAMP, SETS, canonical("10.5072/a1"), make_settings())
    assert set(rendered) == {"header", "oai_dc", "oai_datacite", "datacite"}
    header = etree.fromstring(rendered["header"])
    assert header.tag == "{%s}header" % NS["o"]
    assert header.get("status") is None
    for prefix in ("oai_dc", "oai_datacite", "datacite"):
        record = etree.fromstring(rendered[prefix])  # each fragment stands on its own
        assert record.tag == "{%s}record" % NS["o"]
        assert etree.tostring(record[0]) == etree.tostring(header)


def test_render_all_of_a_tombstone_gives_only_the_deleted_header():
    rendered = render_all("10.5072/gone", STAMP, SETS, None, make_settings())
    assert set(rendered) == {"header"}
    header = etree.fromstring(rendered["header"])
    assert header.get("status") == "deleted"
    assert header.xpath("o:identifier", namespaces=NS)[0].text == oai_id("10.5072/gone")


def test_render_all_escapes_the_identifier_and_formats_the_datestamp():
    rendered = render_all(ODD_DOI, STAMP, (), canonical(ODD_DOI), make_settings())
    header = etree.fromstring(rendered["header"])
    assert header.xpath("o:identifier", namespaces=NS)[0].text == oai_id(ODD_DOI)
    assert header.xpath("o:datestamp", namespaces=NS)[0].text == "2024-03-15T12:30:00Z"
    assert header.xpath("o:setSpec", namespaces=NS) == []


def test_render_all_uses_the_datacentre_symbol():
    rendered = render_all("10.5072/a1", STAMP, (), canonical("10.5072/a1"),
                          make_settings(datacentre_symbol="PSI.DATA"))
    record = etree.fromstring(rendered["oai_datacite"])
    assert record.xpath("//oaid:datacentreSymbol", namespaces=NS)[0].text == "PSI.DATA"


def test_header_lists_sets_sorted_once():
    header = etree.fromstring(render_header_bytes("oai:a.b:1", STAMP, ("b", "a", "a:x", "a")))
    assert [e.text for e in header.xpath("o:setSpec", namespaces=NS)] == ["a", "a:x", "b"]


@pytest.mark.parametrize("spec", ["", "a:", "a b", "a/b", "é"])
def test_invalid_set_specs_are_refused_at_render_time(spec):
    with pytest.raises(ValueError):
        render_header_bytes("oai:a.b:1", STAMP, (spec,))


def test_record_and_deleted_record_fragments():
    metadata = etree.Element("{urn:x}thing")
    record = etree.fromstring(render_record_bytes("oai:a.b:1", STAMP, SETS, metadata))
    assert [c.tag.split("}")[1] for c in record] == ["header", "metadata"]
    assert record[1][0].tag == "{urn:x}thing"
    deleted = etree.fromstring(render_deleted_record_bytes("oai:a.b:1", STAMP, SETS))
    assert [c.tag.split("}")[1] for c in deleted] == ["header"]
    assert deleted[0].get("status") == "deleted"


def test_fragments_carry_no_xml_declaration():
    rendered = render_all("10.5072/a1", STAMP, SETS, canonical("10.5072/a1"), make_settings())
    assert all(not data.startswith(b"<?xml") for data in rendered.values())
