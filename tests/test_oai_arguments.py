"""OAI-PMH checklist 1.3/1.4 and the argument syntax of 1.6, 1.8, 1.9:
P14-P18, P25-P29, P43, P47, and "nothing a request contains leads to a 500"."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from test_oai_harness import (  # noqa: F401  (fixtures)
    EARLIEST, app, client_for, empty_store, make_settings, oai, oai_id, settings, store,
)

A1 = oai_id("10.5072/a1")


# -- P14: badVerb --------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "", "junk", "verb=junk", "verb=", "verb=identify", "verb=Identify%20",
    "verb=Identify&verb=Identify", "verb=Identify&verb=ListSets", "metadataPrefix=oai_dc",
])
def test_P14_missing_illegal_or_repeated_verb_is_badVerb(oai, query):
    assert oai.get(query).errors == ["badVerb"]


def test_P14_repeated_verb_is_badVerb_even_via_post(oai):
    assert oai.post("verb=Identify", query="verb=Identify").errors == ["badVerb"]


# -- P15: badArgument ----------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "verb=Identify&metadataPrefix=oai_dc",                             # illegal argument
    "verb=Identify&junk",                                              # illegal, empty
    "verb=ListSets&metadataPrefix=oai_dc",
    "verb=ListMetadataFormats&metadataPrefix=oai_dc",
    "verb=GetRecord&identifier=" + A1,                                 # missing prefix
    "verb=GetRecord&metadataPrefix=oai_dc",                            # missing identifier
    "verb=ListIdentifiers",                                            # missing prefix
    "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",    # repeated
    "verb=ListRecords&metadataPrefix=oai_dc&set=year&set=year",
    "verb=GetRecord&metadataPrefix=oai_dc&identifier=" + A1 + "&identifier=" + A1,
    "verb=ListRecords&metadataPrefix=",                                # empty value
    "verb=GetRecord&metadataPrefix=oai_dc&identifier=",
    "verb=ListRecords&metadataPrefix=oai_dc&set=",
    "verb=ListRecords&metadataPrefix=oai_dc&until=",
    "verb=ListRecords&metadataPrefix=oai_dc&From=2024-01-01",          # names are case-sensitive
    "verb=GetRecord&metadataPrefix=oai_dc&identifier=not%20a%20uri",   # value syntax
])
def test_P15_illegal_missing_repeated_or_malformed_arguments_are_badArgument(oai, query):
    reply = oai.get(query)
    assert reply.errors and set(reply.errors) == {"badArgument"}


def test_P15_each_problem_is_reported(oai):
    reply = oai.get("verb=ListIdentifiers&set=a&set=b&bogus=1")
    messages = [e.text for e in reply.xpath("//o:error")]
    assert len(messages) == 3  # repeated set, illegal bogus, missing metadataPrefix
    assert any("repeated" in m for m in messages)
    assert any("bogus" in m for m in messages)
    assert any("metadataPrefix" in m for m in messages)


# -- P16: resumptionToken is exclusive -----------------------------------------------------

@pytest.mark.parametrize("extra", [
    "metadataPrefix=oai_dc", "until=2000-02-05", "from=2000-02-05", "set=year", "until=junk",
])
def test_P16_resumption_token_with_other_arguments_is_badArgument(oai, extra):
    token = oai.get("verb=ListRecords&metadataPrefix=oai_dc").token.text
    reply = oai.get(f"verb=ListRecords&resumptionToken={token}&{extra}")
    assert "badArgument" in reply.errors


# -- P17: codes per verb --------------------------------------------------------------------

@pytest.mark.parametrize("query, code", [
    ("verb=Identify&x=1", "badArgument"),
    ("verb=ListMetadataFormats&identifier=oai:scicat.example.org:10.1/none", "idDoesNotExist"),
    ("verb=ListSets&resumptionToken=anything", "badResumptionToken"),
    ("verb=GetRecord&metadataPrefix=marc&identifier=" + A1, "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:scicat.example.org:10.1/none",
     "idDoesNotExist"),
    ("verb=ListIdentifiers&metadataPrefix=marc", "cannotDisseminateFormat"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=nosuchset", "noRecordsMatch"),
    ("verb=ListRecords&resumptionToken=x.y", "badResumptionToken"),
])
def test_P17_error_codes_per_verb(oai, query, code):
    assert oai.get(query).errors == [code]


def test_P17_noSetHierarchy_needs_a_repository_without_sets(empty_store):
    client = client_for(make_settings(), empty_store)
    assert client.get("verb=ListSets").errors == ["noSetHierarchy"]
    assert client.get("verb=ListRecords&metadataPrefix=oai_dc&set=year").errors == [
        "noSetHierarchy"]


# -- P18: the official validator's error probes -------------------------------------------

def _year_before(stamp: str) -> str:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    return moment.replace(year=moment.year - 1).strftime("%Y-%m-%dT%H:%M:%SZ")


VALIDATOR_PROBES = [
    ("junk", {"badVerb"}),
    ("verb=junk", {"badVerb"}),
    ("verb=GetRecord&metadataPrefix=oai_dc", {"badArgument"}),
    ("verb=GetRecord&identifier=" + A1, {"badArgument"}),
    ('verb=GetRecord&identifier=invalid"id&metadataPrefix=oai_dc', {"badArgument", "idDoesNotExist"}),
    ("verb=ListIdentifiers&until=junk", {"badArgument"}),
    ("verb=ListIdentifiers&from=junk", {"badArgument"}),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&until=junk", {"badArgument"}),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&from=junk", {"badArgument"}),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=junk", {"badArgument"}),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=junk", {"badArgument"}),
    ("verb=ListRecords", {"badArgument"}),
    ("verb=ListRecords&resumptionToken=junk", {"badResumptionToken"}),
    ("verb=ListIdentifiers&resumptionToken=junk&until=2000-02-05", {"badArgument"}),
    ("verb=ListRecords&metadataPrefix=oai_dc&from=2002-02-05&until=2002-02-06T05:35:00Z",
     {"badArgument"}),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2002-02-05&until=2002-02-06T05:35:00Z",
     {"badArgument"}),
    ("verb=ListRecords&metadataPrefix=oai_dc&until=" + _year_before(EARLIEST), {"noRecordsMatch"}),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&until=" + _year_before(EARLIEST)[:10],
     {"noRecordsMatch"}),
]


@pytest.mark.parametrize("query, accepted", VALIDATOR_PROBES)
def test_P18_validator_error_probes(oai, query, accepted):
    reply = oai.get(query)  # HTTP 200 and schema-valid, checked by the client
    assert reply.errors and set(reply.errors) <= accepted
    if "badArgument" in accepted and "badArgument" in reply.errors:
        assert reply.request_attributes == {}


def test_P18_validator_post_probes(oai):
    assert oai.post("verb=Identify").xpath("//o:Identify")
    reply = oai.post({"verb": "GetRecord", "identifier": A1, "metadataPrefix": "oai_dc"})
    assert reply.identifiers == [A1]


# -- P25-P29: date syntax and combinations -----------------------------------------------

@pytest.mark.parametrize("value", [
    "2024-01-10", "2024-01-10T10:00:00Z", "0001-01-01", "9999-12-31", "9999-12-31T23:59:59Z",
    "2024-02-29",
])
def test_P25_P26_both_forms_are_accepted(oai, value):
    reply = oai.get(f"verb=ListIdentifiers&metadataPrefix=oai_dc&from={value}")
    assert set(reply.errors) <= {"noRecordsMatch"}


@pytest.mark.parametrize("value", [
    "2020-1-1", "2020-01-1", "20-01-01", "2020/01/01", "2020-01-01T00:00:00",
    "2020-01-01T00:00Z", "2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00.5Z",
    "2020-01-01 00:00:00Z", "2020-01-01t00:00:00z", "2020-02-30", "2023-02-29",
    "2020-13-01", "2020-00-10", "0000-01-01", "2020-01-01T24:00:00Z", "2020-01-01T23:60:00Z",
    "2020-12-31T23:59:60Z", " 2020-01-01", "2020-01-01 ", "2020", "２０２０-01-01", "junk",
])
def test_P25_other_date_forms_and_impossible_dates_are_badArgument(oai, value):
    for name in ("from", "until"):
        reply = oai.get(urlencode({"verb": "ListRecords", "metadataPrefix": "oai_dc", name: value}))
        assert reply.errors == ["badArgument"], (name, value)


def test_P27_mixed_granularity_is_badArgument(oai):
    for start, end in (("2024-01-01", "2024-12-31T00:00:00Z"),
                       ("2024-01-01T00:00:00Z", "2024-12-31")):
        reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                         "from": start, "until": end})
        assert reply.errors == ["badArgument"]


def test_P28_seconds_are_not_finer_than_this_repository(oai):
    # The repository's granularity is seconds, so a seconds request is never too fine;
    # anything finer (fractions) is not a legal form at all.
    reply = oai.get("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2024-01-10T10:00:00Z")
    assert reply.errors == []
    assert oai.get("verb=ListIdentifiers&metadataPrefix=oai_dc&from=2024-01-10T10:00:00.000Z"
                   ).errors == ["badArgument"]


@pytest.mark.parametrize("start, end", [
    ("2024-01-02", "2024-01-01"),
    ("2024-01-01T00:00:01Z", "2024-01-01T00:00:00Z"),
])
def test_P29_from_after_until_is_badArgument(oai, start, end):
    reply = oai.get({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": start, "until": end})
    assert reply.errors == ["badArgument"]


def test_P29_from_equal_until_is_allowed(oai):
    reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                     "from": "2024-01-10", "until": "2024-01-10"})
    assert reply.errors == []


# -- P43: metadataPrefix syntax versus an unknown prefix ---------------------------------

@pytest.mark.parametrize("prefix", ["oai dc", "oai/dc", "oai:dc", "oai_dc?", "\u00e9", "a,b"])
def test_P43_malformed_prefix_is_badArgument(oai, prefix):
    for verb in ("ListRecords", "ListIdentifiers"):
        assert oai.get({"verb": verb, "metadataPrefix": prefix}).errors == ["badArgument"]
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": prefix, "identifier": A1})
    assert reply.errors == ["badArgument"]


@pytest.mark.parametrize("prefix", ["marc21", "OAI_DC", "all", "oai_dc.", "x-(y)!~*'"])
def test_P43_well_formed_unknown_prefix_is_cannotDisseminateFormat(oai, prefix):
    for verb in ("ListRecords", "ListIdentifiers"):
        reply = oai.get({"verb": verb, "metadataPrefix": prefix})
        assert reply.errors == ["cannotDisseminateFormat"]
        assert reply.request_attributes["metadataPrefix"] == prefix
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": prefix, "identifier": A1})
    assert reply.errors == ["cannotDisseminateFormat"]


# -- P47: set syntax -------------------------------------------------------------------------

@pytest.mark.parametrize("spec", ["year:", ":year", "year::2024", "year 2024", "year/2024",
                                  "year:2024:", "é"])
def test_P47_malformed_set_spec_is_badArgument(oai, spec):
    reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": spec})
    assert reply.errors == ["badArgument"]


@pytest.mark.parametrize("spec", ["year", "year:2024", "a-b_c.d!e~f*g'h(i)", "x:y:z"])
def test_P47_well_formed_set_specs_are_accepted(oai, spec):
    reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": spec})
    assert set(reply.errors) <= {"noRecordsMatch"}


# -- no request content ever produces a 500 -----------------------------------------------

_NAMES = st.sampled_from(["verb", "metadataPrefix", "identifier", "from", "until", "set",
                          "resumptionToken", "junk", "", "VERB"])
_VALUES = st.one_of(
    st.sampled_from(["Identify", "ListRecords", "ListIdentifiers", "GetRecord", "ListSets",
                     "ListMetadataFormats", "oai_dc", "datacite", A1, "2024-01-10",
                     "2024-01-10T10:00:00Z", "year", "year:2024", "", "%", "%zz", "a.b"]),
    st.text(max_size=30),
)


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(_NAMES, _VALUES), max_size=5), use_post=st.booleans())
def test_arbitrary_requests_always_get_a_valid_oai_answer(oai, pairs, use_post):
    # the client asserts HTTP 200, text/xml and schema validity for each reply
    reply = oai.post(pairs) if use_post else oai.get(pairs)
    assert reply.errors or reply.xpath("/o:OAI-PMH/*[3]")


def test_arbitrary_bytes_in_the_query_string(oai):
    for query in ("verb=Identify&%ff=%fe", "verb=%ff", "%00", "verb=Identify%00",
                  "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:a.b:%ED%A0%80"):
        reply = oai.get(query)
        assert reply.errors


