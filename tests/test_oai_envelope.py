"""OAI-PMH checklist 1.2, the response envelope: P8-P13."""
from __future__ import annotations

from urllib.parse import quote

import pytest
from freezegun import freeze_time

from test_oai_harness import (  # noqa: F401  (fixtures)
    NS, OAI_URL, app, client_for, empty_store, make_settings, oai, oai_id, settings, store,
)

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


# -- P8: well-formed UTF-8 with the declaration first ---------------------------------------

@pytest.mark.parametrize("query", [
    "verb=Identify", "junk", "verb=ListRecords&metadataPrefix=oai_datacite",
    "verb=ListIdentifiers&metadataPrefix=oai_dc",
])
def test_P8_first_line_is_the_xml_declaration(oai, query):
    assert oai.get(query).body.startswith(DECLARATION)


def test_P8_non_ascii_text_is_utf8_not_entity_references(oai):
    body = oai.get("verb=ListRecords&metadataPrefix=oai_dc").body
    assert "ångström".encode("utf-8") in body
    assert b"&#" not in body  # UTF-8 throughout, no character references needed


def test_P8_spliced_records_keep_their_meaning(oai):
    # The stored bytes are spliced in unparsed; parsing the whole response must find each
    # record's metadata in the namespaces its format announces.
    tree = oai.get("verb=ListRecords&metadataPrefix=oai_dc").tree
    records = tree.findall(".//{%s}record" % NS["o"])
    assert records and all(r.getparent().tag == "{%s}ListRecords" % NS["o"] for r in records)
    assert tree.xpath("//o:metadata/oai_dc:dc/dc:title", namespaces=NS)


def test_P8_stylesheet_instruction_when_configured(store):
    url = "https://scicat.example.org/static/oai.xsl?v=1&x=\"2\""
    body = client_for(make_settings(oai_stylesheet=url), store).get("verb=Identify").body
    assert body.startswith(DECLARATION + b'<?xml-stylesheet type="text/xsl" href="')
    assert b"v=1&amp;x=&quot;2&quot;" in body.split(b"\n")[1]


def test_P8_no_stylesheet_instruction_by_default(oai):
    assert b"xml-stylesheet" not in oai.get("verb=Identify").body


# -- P9: root element ------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["verb=Identify", "verb=junk"])
def test_P9_root_namespace_and_schema_location(oai, query):
    root = oai.get(query).tree
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"
    assert root.get("{%s}schemaLocation" % NS["xsi"]) == (
        "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")


# -- P10: schema validity (the client validates every response; here the widest mix) --------

@pytest.mark.parametrize("prefix", ["oai_dc", "oai_datacite", "datacite"])
def test_P10_every_format_validates_in_every_list_verb(oai, prefix):
    for verb in ("ListRecords", "ListIdentifiers"):
        pages = oai.harvest(verb, metadataPrefix=prefix)
        assert len(pages) > 1
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": prefix,
                     "identifier": oai_id("10.5072/a1")})
    assert reply.errors == []


# -- P11: responseDate ------------------------------------------------------------------------

def test_P11_response_date_is_utc_whole_seconds_with_z(oai):
    with freeze_time("2024-06-01T14:34:56.789+02:00"):
        reply = oai.get("verb=Identify")
    assert reply.xpath("/o:OAI-PMH/o:responseDate")[0].text == "2024-06-01T12:34:56Z"


def test_P11_response_date_is_taken_at_the_start_of_the_request(oai, monkeypatch):
    from gateway.oai import handlers

    original = handlers.identify

    def slow_identify(request, ctx):
        frozen.tick(5)  # the work takes five seconds
        return original(request, ctx)

    monkeypatch.setitem(__import__("gateway.oai.service", fromlist=["HANDLERS"]).HANDLERS,
                        "Identify", slow_identify)
    with freeze_time("2024-06-01T00:00:00Z") as frozen:
        reply = oai.get("verb=Identify")
    assert reply.xpath("//o:responseDate")[0].text == "2024-06-01T00:00:00Z"


def test_P11_error_responses_carry_a_response_date_too(oai):
    with freeze_time("2030-12-31T23:59:59Z"):
        assert oai.get("junk").xpath("//o:responseDate")[0].text == "2030-12-31T23:59:59Z"


# -- P12: the request element ----------------------------------------------------------------

def test_P12_request_text_is_the_base_url(oai):
    assert oai.get("verb=Identify").xpath("//o:request")[0].text == OAI_URL


def test_P12_request_attributes_are_exactly_the_arguments(oai):
    arguments = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "year:2024",
                 "from": "2024-01-01", "until": "2024-12-31"}
    assert oai.get(arguments).request_attributes == arguments


def test_P12_token_requests_echo_verb_and_token(oai):
    token = oai.get("verb=ListRecords&metadataPrefix=oai_dc").token.text
    reply = oai.get({"verb": "ListRecords", "resumptionToken": token})
    assert reply.request_attributes == {"verb": "ListRecords", "resumptionToken": token}


@pytest.mark.parametrize("query", [
    "junk",
    "verb=junk",
    "verb=Identify&verb=Identify",
    "verb=ListRecords&metadataPrefix=oai_dc&from=junk",
    "verb=ListRecords&metadataPrefix=oai dc",
    "verb=GetRecord&identifier=invalid%22id&metadataPrefix=oai_dc",
    "verb=ListSets&set=x",
    "verb=ListRecords&metadataPrefix=oai_dc&set=not%20a%20set",
])
def test_P12_no_attributes_after_badVerb_or_badArgument(oai, query):
    reply = oai.get(query)
    assert set(reply.errors) <= {"badVerb", "badArgument"} and reply.errors
    assert reply.request_attributes == {}
    assert reply.xpath("//o:request")[0].text == OAI_URL


@pytest.mark.parametrize("query, code", [
    ("verb=ListRecords&metadataPrefix=marc", "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:scicat.example.org:10.1/nope",
     "idDoesNotExist"),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2031-01-01", "noRecordsMatch"),
    ("verb=ListIdentifiers&resumptionToken=abc", "badResumptionToken"),
])
def test_P12_other_errors_echo_the_valid_arguments(oai, query, code):
    reply = oai.get(query)
    assert reply.errors == [code]
    assert reply.request_attributes == dict(pair.split("=", 1) for pair in query.split("&"))


@pytest.mark.parametrize("identifier", [
    'oai:scicat.example.org:10.1/a&b', "oai:scicat.example.org:10.1/a'b",
    "oai:scicat.example.org:10.1/a<b",
])
def test_P12_echoed_values_are_escaped(oai, identifier):
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": identifier})
    if reply.errors == ["idDoesNotExist"]:
        assert reply.request_attributes["identifier"] == identifier
    else:  # not a URI at all: refused without echo
        assert reply.errors == ["badArgument"] and reply.request_attributes == {}


def test_P12_validator_probe_with_a_quote_in_the_identifier(oai):
    reply = oai.get('verb=GetRecord&identifier=invalid"id&metadataPrefix=oai_dc')
    assert reply.errors in (["badArgument"], ["idDoesNotExist"])
    assert b'invalid"id"' not in reply.body


def test_P12_characters_xml_cannot_carry_are_refused_not_echoed(oai):
    for query in ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:x.org:%01",
                  "verb=ListSets&resumptionToken=%EF%BF%BE", "verb=Identify&%02=x"):
        reply = oai.get(query)
        assert set(reply.errors) == {"badArgument"}
        assert reply.request_attributes == {}


# -- P13: one or more errors, or the verb element -------------------------------------------

def test_P13_all_errors_are_reported(oai):
    reply = oai.get("verb=GetRecord&metadataPrefix=marc&identifier=oai:other.org:1")
    assert sorted(reply.errors) == ["cannotDisseminateFormat", "idDoesNotExist"]
    reply = oai.get("verb=ListRecords&metadataPrefix=oai_dc&from=junk&until=junk&bogus=1")
    assert reply.errors == ["badArgument"] * 3


def test_P13_errors_carry_human_readable_text(oai):
    for query in ("junk", "verb=ListRecords", "verb=ListRecords&metadataPrefix=marc"):
        assert all(e.text and e.text.strip() for e in oai.get(query).xpath("//o:error"))


def test_P13_the_third_child_is_the_verb_element(oai):
    for verb, extra in (("Identify", {}), ("ListSets", {}), ("ListMetadataFormats", {}),
                        ("ListRecords", {"metadataPrefix": "oai_dc"})):
        children = list(oai.get({"verb": verb, **extra}).tree)
        assert [etree_local(c) for c in children] == ["responseDate", "request", verb]


def test_P13_an_empty_repository_answers_lists_with_an_error(empty_store):
    reply = client_for(make_settings(), empty_store).get("verb=ListRecords&metadataPrefix=oai_dc")
    assert reply.errors == ["noRecordsMatch"]
    assert not reply.xpath("//o:ListRecords")


def etree_local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def test_P12_identifier_echo_roundtrips_through_percent_encoding(oai):
    identifier = oai_id("10.5072/a1")
    reply = oai.get(f"verb=GetRecord&metadataPrefix=oai_dc&identifier={quote(identifier, safe='')}")
    assert reply.request_attributes["identifier"] == identifier


# -- the optional browser stylesheet -----------------------------------------------------------

def test_P8_shipped_stylesheet_is_served_and_renders_every_verb(store):
    from lxml import etree

    client = client_for(make_settings(oai_stylesheet="/static/oai.xsl"), store)
    response = client.http.get("/static/oai.xsl")
    assert response.status_code == 200
    transform = etree.XSLT(etree.fromstring(response.data))
    for query in ("verb=Identify", "verb=ListSets", "verb=ListMetadataFormats",
                  "verb=ListRecords&metadataPrefix=oai_dc", "junk",
                  "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + quote(oai_id("10.5072/a1"))):
        reply = client.get(query)
        assert b'href="/static/oai.xsl"' in reply.body.split(b"\n")[1]
        html = str(transform(reply.tree))
        assert "<html>" in html and "OAI-PMH" in html
    assert "Diffraction data 10.5072/a1" in str(transform(client.get(
        "verb=ListRecords&metadataPrefix=oai_dc").tree))
