"""OAI-PMH checklist 1.1, the HTTP layer: P1-P7."""
from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest
from freezegun import freeze_time

from test_oai_harness import (  # noqa: F401  (fixtures)
    ODD_DOI, app, client_for, empty_store, make_settings, oai, oai_id, settings, store,
)

VERBS_AND_ERRORS = [
    "verb=Identify",
    "verb=ListMetadataFormats",
    "verb=ListSets",
    f"verb=GetRecord&metadataPrefix=oai_dc&identifier={quote(oai_id('10.5072/a1'))}",
    "verb=ListIdentifiers&metadataPrefix=oai_dc",
    "verb=ListRecords&metadataPrefix=oai_datacite",
    "",                                              # badVerb
    "verb=ListRecords",                              # badArgument
    "verb=ListRecords&metadataPrefix=marc21",        # cannotDisseminateFormat
    "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:other.org:1",  # idDoesNotExist
    "verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01",  # noRecordsMatch
    "verb=ListRecords&resumptionToken=junk",          # badResumptionToken
]


# -- P1 / P2: one base URL, GET and POST --------------------------------------------------

@freeze_time("2024-06-01 12:00:00")
@pytest.mark.parametrize("query", [
    "verb=Identify",
    f"verb=GetRecord&identifier={quote(oai_id('10.5072/a1'), safe='')}&metadataPrefix=oai_dc",
    "verb=ListRecords&metadataPrefix=oai_dc&set=proposal",
])
def test_P1_post_answers_exactly_like_get(oai, query):
    assert oai.post(query).body == oai.get(query).body


def test_P1_the_base_url_itself_answers_without_redirect(app):
    response = app.test_client().get("/oai?verb=Identify")
    assert response.status_code == 200  # VAL fails a 301 on the base URL


def test_P1_other_methods_are_refused_by_http(app):
    assert app.test_client().put("/oai?verb=Identify").status_code == 405


def test_P2_post_form_arguments_are_validated_like_query_arguments(oai):
    assert oai.post("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc").errors == [
        "badArgument"]
    assert oai.post("verb=Identify&extra=1").errors == ["badArgument"]
    assert oai.post("verb=Bogus").errors == ["badVerb"]


def test_P2_an_argument_in_both_query_and_body_counts_as_repeated(oai):
    reply = oai.post("metadataPrefix=oai_dc", query="verb=ListIdentifiers&metadataPrefix=oai_dc")
    assert reply.errors == ["badArgument"]


# -- P3: values are decoded once ----------------------------------------------------------

def test_P3_identifier_with_escapes_arrives_double_encoded_and_is_decoded_once(oai):
    identifier = oai_id(ODD_DOI)
    assert "%3C" in identifier  # the oai-identifier itself carries %XX
    query = f"verb=GetRecord&metadataPrefix=oai_dc&identifier={quote(identifier, safe='')}"
    assert "%253C" in query
    reply = oai.get(query)
    assert reply.errors == []
    assert reply.identifiers == [identifier]
    assert reply.request_attributes["identifier"] == identifier


def test_P3_reserved_characters_in_values_are_percent_decoded(oai):
    reply = oai.get("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2024-01-10T10%3A00%3A00Z")
    assert reply.errors == []
    assert reply.request_attributes["from"] == "2024-01-10T10:00:00Z"


# -- P4 / P5: text/xml, errors with HTTP 200 ----------------------------------------------

@pytest.mark.parametrize("query", VERBS_AND_ERRORS)
def test_P4_P5_every_answer_is_text_xml_with_http_200(oai, query):
    reply = oai.get(query)  # the client asserts 200 and the Content-Type
    assert reply.headers["Content-Type"].startswith("text/xml")


def test_P5_error_codes_are_in_the_body(oai):
    assert oai.get("verb=Nonsense").errors == ["badVerb"]
    assert oai.get("verb=ListRecords&metadataPrefix=oai_dc&from=2030-01-01").errors == [
        "noRecordsMatch"]


# -- P6: flow control when the store is down ----------------------------------------------

class _BrokenStore:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")
        return fail


@pytest.mark.parametrize("query", ["verb=Identify", "verb=ListRecords&metadataPrefix=oai_dc"])
def test_P6_an_unavailable_store_gives_503_with_numeric_retry_after(query):
    from gateway.app import create_app
    response = create_app(make_settings(), _BrokenStore()).test_client().get("/oai?" + query)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert 0 < int(response.headers["Retry-After"]) <= 3600


def test_P6_bad_requests_never_touch_the_store():
    from gateway.app import create_app
    client = create_app(make_settings(), _BrokenStore()).test_client()
    assert client.get("/oai?verb=junk").status_code == 200
    assert client.get("/oai?verb=ListRecords&from=x").status_code == 200


# -- P7: compression ----------------------------------------------------------------------

def test_P7_identity_without_accept_encoding(oai):
    reply = oai.get("verb=Identify")
    assert "Content-Encoding" not in reply.headers
    assert reply.raw.startswith(b"<?xml")
    assert "Accept-Encoding" in reply.headers["Vary"]


@pytest.mark.parametrize("accept, expected", [
    ("gzip", "gzip"),
    ("deflate", "deflate"),
    ("gzip, deflate", "gzip"),
    ("deflate;q=1.0, gzip;q=0.5", "deflate"),
    ("x-gzip", "gzip"),
    ("*", "gzip"),
    ("identity", None),
    ("br", None),
    ("gzip;q=0", None),
    ("gzip;q=0.3, identity", None),
    ("*;q=0", None),       # identity must always work
    ("gzip;q=bogus", None),
])
def test_P7_accept_encoding_is_honoured_with_q_values(oai, accept, expected):
    reply = oai.get("verb=ListRecords&metadataPrefix=oai_dc", headers={"Accept-Encoding": accept})
    assert reply.headers.get("Content-Encoding") == expected
    assert "Accept-Encoding" in reply.headers["Vary"]
    if expected:
        assert len(reply.raw) < len(reply.body)


def test_P7_errors_are_compressed_too(oai):
    reply = oai.get("verb=junk", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.errors == ["badVerb"]


def test_P7_identify_advertises_the_encodings_but_never_identity(oai):
    advertised = [e.text for e in oai.get("verb=Identify").xpath("//o:compression")]
    assert advertised == ["gzip", "deflate"]


def test_P7_compressed_and_plain_bodies_are_identical(oai):
    with freeze_time("2024-06-01 12:00:00"):
        plain = oai.get("verb=ListRecords&metadataPrefix=datacite").body
        for encoding in ("gzip", "deflate"):
            reply = oai.get("verb=ListRecords&metadataPrefix=datacite",
                            headers={"Accept-Encoding": encoding})
            assert reply.body == plain


def test_P7_an_empty_repository_compresses_too(empty_store):
    reply = client_for(make_settings(), empty_store).get(
        "verb=Identify", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
