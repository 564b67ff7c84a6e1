"""OAI-PMH checklist 1.5, Identify and oai-identifiers: P19-P24."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from gateway.oai.identifiers import (
    escape_local, is_domain_name, local_identifier, oai_identifier, unescape_local,
)
from test_oai_harness import (  # noqa: F401  (fixtures)
    EARLIEST, NS, OAI_URL, REPOSITORY, app, client_for, empty_store, make_settings, oai,
    settings, stored, store,
)


def _identify(reply):
    return reply.xpath("/o:OAI-PMH/o:Identify")[0]


def _text(reply, name: str) -> list[str]:
    return [e.text for e in reply.xpath(f"/o:OAI-PMH/o:Identify/o:{name}")]


# -- P19: elements, counts and order --------------------------------------------------------

def test_P19_elements_in_schema_order(oai):
    names = [child.tag.rsplit("}", 1)[1] for child in _identify(oai.get("verb=Identify"))]
    assert names == ["repositoryName", "baseURL", "protocolVersion", "adminEmail",
                     "earliestDatestamp", "deletedRecord", "granularity",
                     "compression", "compression", "description"]


def test_P19_values(oai):
    reply = oai.get("verb=Identify")
    assert _text(reply, "repositoryName") == ["SciCat test repository"]
    assert _text(reply, "protocolVersion") == ["2.0"]


def test_P19_post_identify(oai):
    assert _text(oai.post("verb=Identify"), "protocolVersion") == ["2.0"]


# -- P20: baseURL and adminEmail -------------------------------------------------------------

def test_P20_base_url_is_the_configured_url_plus_oai(oai):
    assert _text(oai.get("verb=Identify"), "baseURL") == [OAI_URL]


def test_P20_base_url_ignores_a_trailing_slash_in_the_setting(store):
    reply = client_for(make_settings(base_url="https://h.example.org/gw/"), store).get(
        "verb=Identify")
    assert _text(reply, "baseURL") == ["https://h.example.org/gw/oai"]
    assert reply.xpath("//o:request")[0].text == "https://h.example.org/gw/oai"


def test_P20_admin_email_is_the_configured_address(oai):
    assert _text(oai.get("verb=Identify"), "adminEmail") == ["oai-admin@example.org"]


# -- P21: earliestDatestamp ------------------------------------------------------------------

def test_P21_earliest_datestamp_is_the_oldest_record_in_seconds(oai):
    assert _text(oai.get("verb=Identify"), "earliestDatestamp") == [EARLIEST]


def test_P21_deleted_records_count_for_the_earliest_datestamp(empty_store, settings):
    empty_store.upsert_many([
        stored("10.5072/x", "2024-02-01T00:00:00Z", (), settings),
        stored("10.5072/old", "2019-07-01T05:06:07Z", (), settings, deleted=True),
    ])
    reply = client_for(settings, empty_store).get("verb=Identify")
    assert _text(reply, "earliestDatestamp") == ["2019-07-01T05:06:07Z"]


def test_P21_empty_repository_uses_the_documented_fallback(empty_store):
    from gateway.oai.handlers import EMPTY_REPOSITORY_EARLIEST

    reply = client_for(make_settings(), empty_store).get("verb=Identify")
    assert _text(reply, "earliestDatestamp") == ["1970-01-01T00:00:00Z"]
    assert EMPTY_REPOSITORY_EARLIEST == datetime(1970, 1, 1, tzinfo=timezone.utc)


def test_P21_earliest_datestamp_matches_the_granularity(oai):
    reply = oai.get("verb=Identify")
    assert _text(reply, "granularity") == ["YYYY-MM-DDThh:mm:ssZ"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", _text(reply, "earliestDatestamp")[0])


# -- P22: deletedRecord and granularity ------------------------------------------------------

def test_P22_deleted_record_policy_is_persistent(oai):
    assert _text(oai.get("verb=Identify"), "deletedRecord") == ["persistent"]


def test_P22_granularity_is_seconds(oai):
    assert _text(oai.get("verb=Identify"), "granularity") == ["YYYY-MM-DDThh:mm:ssZ"]


# -- P23: the oai-identifier description -----------------------------------------------------

def test_P23_oai_identifier_description(oai):
    reply = oai.get("verb=Identify")
    (container,) = reply.xpath("//o:description/id:oai-identifier")
    assert container.get("{%s}schemaLocation" % NS["xsi"]) == (
        "http://www.openarchives.org/OAI/2.0/oai-identifier "
        "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
    values = {child.tag.rsplit("}", 1)[1]: child.text for child in container}
    assert values["scheme"] == "oai"
    assert values["repositoryIdentifier"] == REPOSITORY
    assert values["delimiter"] == ":"
    sample = values["sampleIdentifier"]
    assert sample.startswith(f"oai:{REPOSITORY}:10.")
    assert local_identifier(REPOSITORY, sample) is not None


def test_P23_no_oai_identifier_description_for_a_namespace_that_is_no_domain_name(store):
    # 127.0.0.1 (the demo default taken from the base URL) is not a domain name, so the
    # identifiers are plain URIs and the description, which would be invalid, is left out.
    reply = client_for(make_settings(repository_identifier="127.0.0.1"), store).get(
        "verb=Identify")
    assert reply.xpath("//o:description") == []


# -- P24: oai-identifier syntax and escaping -------------------------------------------------

@pytest.mark.parametrize("doi, escaped", [
    ("10.5072/abc", "10.5072/abc"),
    ("10.5072/ABC-def_1.2~x", "10.5072/ABC-def_1.2~x"),
    ("10.5072/a;b/c?d:e@f&g=h+i$j,k", "10.5072/a;b/c?d:e@f&g=h+i$j,k"),   # reserved: kept
    ("10.5072/it's(1)!*", "10.5072/it's(1)!*"),                          # marks: kept
    ("10.5072/a b", "10.5072/a%20b"),
    ("10.5072/<x>", "10.5072/%3Cx%3E"),                                  # upper-case hex
    ("10.5072/50%", "10.5072/50%25"),                                    # % itself escaped
    ("10.5072/a#b", "10.5072/a%23b"),
    ('10.5072/"q"', "10.5072/%22q%22"),
    ("10.5072/{a|b}\\^`[]", "10.5072/%7Ba%7Cb%7D%5C%5E%60%5B%5D"),
    ("10.5072/é", "10.5072/%C3%A9"),                                     # UTF-8 bytes
])
def test_P24_local_part_escaping(doi, escaped):
    assert escape_local(doi) == escaped
    assert unescape_local(escaped) == doi
    identifier = oai_identifier(REPOSITORY, doi)
    assert identifier == f"oai:{REPOSITORY}:{escaped}"
    assert local_identifier(REPOSITORY, identifier) == doi


def test_P24_escaped_local_part_uses_only_uric_characters():
    identifier = oai_identifier(REPOSITORY, "10.5072/ünïcode <&> \"'{}|\\^`#%[]\t\n")
    local = identifier.split(":", 2)[2]
    assert re.fullmatch(r"(?:[A-Za-z0-9\-_.!~*'();/?:@&=+$,]|%[0-9A-F]{2})+", local)


@pytest.mark.parametrize("identifier", [
    "oai:other.example.org:10.5072/abc",         # another repository
    "oai:scicat.example.org:",                   # no local part
    "oai:scicat.example.org",
    "10.5072/abc",                               # a bare DOI
    "doi:10.5072/abc",
    "OAI:scicat.example.org:10.5072/abc",        # identifiers compare as strings
    "oai:scicat.example.org:10.5072/%3cx%3e",    # lower-case hex is not our spelling
    "oai:scicat.example.org:10.5072/%61bc",      # needlessly escaped
    "oai:scicat.example.org:10.5072/%FF",        # not UTF-8
])
def test_P24_foreign_or_non_canonical_identifiers_are_not_ours(identifier):
    assert local_identifier(REPOSITORY, identifier) is None


@pytest.mark.parametrize("name, ok", [
    ("scicat.example.org", True), ("a.b", True), ("psi-1.ch", True),
    ("127.0.0.1", False), ("localhost", False), ("1psi.ch", False), ("psi..ch", False),
    ("psi.ch.", False), ("", False),
])
def test_P24_namespace_identifier_is_a_domain_name(name, ok):
    assert is_domain_name(name) is ok


def test_P24_get_record_answers_the_exact_identifier_it_lists(oai):
    for identifier in oai.get("verb=ListIdentifiers&metadataPrefix=oai_dc").identifiers:
        reply = oai.get({"verb": "GetRecord", "metadataPrefix": "oai_dc",
                         "identifier": identifier})
        assert reply.identifiers == [identifier]


def test_P24_non_canonical_spelling_is_idDoesNotExist(oai):
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": "oai_dc",
                     "identifier": "oai:scicat.example.org:10.5072/odd%3c1%3e%23%c3%a9"})
    assert reply.errors == ["idDoesNotExist"]
