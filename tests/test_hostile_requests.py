"""Nothing a client sends to the non-OAI endpoints leads to a 5xx answer or an exception, and
every error answer is well-formed.

Paths (DOIs with any text: ``/``, ``%``, ``#``, ``;``, ``..``, Unicode, control characters,
very long), query arguments (known, unknown, repeated, malformed) and headers (``Accept``,
``If-None-Match``, ``If-Modified-Since``, ``Accept-Encoding``, ``Range``, ``Origin``) are
generated; every answer is checked for:
- a status below 500;
- under /export and /records: any origin may read it, and a 4xx is RFC 9457 problem JSON
  whose ``status`` is the HTTP status, with a ``title``; a 406 lists the formats;
- no body for a 304 or a HEAD;
- no e-mail address the client did not send itself (the fixtures hold some), and no
  Python traceback.

The site is the v4 fixtures synced into a SQLite store, plus a record with a thumbnail and
a withdrawn one, so 200, 304, 404 and 410 answers of every view are reachable.
"""
from __future__ import annotations

import json
import re
import uuid
from urllib.parse import quote, unquote, unquote_plus, urlencode

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from werkzeug.http import http_date

from gateway.app import create_app
from gateway.embedded import seed
from gateway.export.formats import BULK_OFFERS, RECORD_OFFERS
from gateway.store.sqlite import SQLiteStore
from test_landing_harness import (
    AMENDED, EMAIL, MIGRATED, NANODISCS, PRIVATE, SETTINGS, T2, published, record_url, sync,
)
from test_thumbnails import PNG, data_uri

PROBLEM_JSON = "application/problem+json"
TRACEBACK = re.compile(r'Traceback \(most recent call last\)|File "[^"]*\.py", line [0-9]+')

THUMBED = "10.5072/hostile;thumb#1/ü"
WITHDRAWN = "10.5072/hostile.withdrawn"
KNOWN_DOIS = [NANODISCS, AMENDED, MIGRATED, PRIVATE, "10.5072/ess.public01", THUMBED, WITHDRAWN]
RECORD_SUFFIXES = ["", ".html", "/quality", "/thumbnail"]
FORMAT_NAMES = [offer.name for offer in RECORD_OFFERS + BULK_OFFERS]
MEDIA_TYPES = sorted({media_type for offer in RECORD_OFFERS + BULK_OFFERS
                      for media_type in offer.media_types})

EXAMPLES = hypothesis_settings(max_examples=150, deadline=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def hostile_site(mongo_client, fixtures_dir, tmp_path_factory):
    """(test client, ETags it gave out) over the v4 fixtures plus a record with a thumbnail
    and a withdrawn one."""
    db = mongo_client["hostile_" + uuid.uuid4().hex[:12]]
    store = SQLiteStore(tmp_path_factory.mktemp("hostile") / "records.sqlite3")
    try:
        seed(db, fixtures_dir / "v4")
        db["PublishedData"].insert_many([published(THUMBED, thumbnail=data_uri("image/png", PNG)),
                                         published(WITHDRAWN)])
        assert sync(db, store).problems == 0
        db["PublishedData"].update_one({"doi": WITHDRAWN}, {"$set": {"status": "private", "updatedAt": T2}})
        sync(db, store, now=T2)
        client = create_app(SETTINGS, store).test_client()
        assert client.get(record_url(THUMBED, "/thumbnail")).status_code == 200
        assert client.get(record_url(WITHDRAWN)).status_code == 410
        yield client, _tags(client)
    finally:
        store.close()
        mongo_client.drop_database(db.name)


def _tags(client) -> list[str]:
    """The ETags of some real answers, so that generated conditional requests can match."""
    paths = [record_url(doi, suffix) for doi in (NANODISCS, THUMBED) for suffix in RECORD_SUFFIXES]
    paths += ["/export/" + quote(NANODISCS) + "?format=" + name for name in FORMAT_NAMES[:4]]
    paths += ["/quality", "/openapi.json"]
    tags = [client.get(path).headers.get("ETag") for path in paths]
    return [tag for tag in tags if tag]


# -- what a client can send -----------------------------------------------------------------

# Header values as they may reach the app: Latin-1 text without CR, LF or NUL, which no HTTP
# server passes on (some pass the other control characters).
_HEADER_TEXT = st.text(st.characters(min_codepoint=0x01, max_codepoint=0xFF, exclude_characters="\r\n"),
                       max_size=60)
_LONG = st.integers(500, 5000)

_FRAGMENTS = st.sampled_from([
    "/", "//", "%", "%2F", "%25", "%zz", "%ff", "%ED%A0%80", "%00", "#", "?", ";", ";a=b", "..",
    "../", "./", " ", "+", "&", "=", "@", "\x00", "\n", "\r", "\t", "\x7f", "\x85", "ü", "数据",
    "\u2028", "\ufeff", "\U0001f600", ".html", "/quality", "/thumbnail", "<script>", "'\"",
])
_KNOWN = st.sampled_from(KNOWN_DOIS)
_DOIS = st.one_of(
    _KNOWN,  # several times over, so that half the requests name a record
    _KNOWN,
    _KNOWN.map(str.upper),
    _KNOWN.map(str.lower),
    st.sampled_from(["", "/", "10.5072/", "10.5072/does-not-exist"]),
    st.text(max_size=40),
    st.lists(st.one_of(_FRAGMENTS, _KNOWN, st.text(max_size=4)), min_size=1, max_size=8).map("".join),
    st.builds(lambda doi, tail: doi + tail, _KNOWN, _FRAGMENTS),
    st.builds(lambda doi, head: head + doi, _KNOWN, _FRAGMENTS),
    _LONG.map(lambda n: "10.5072/" + "x" * n),
)
# How the client writes the DOI into the path: "/" kept or encoded, and "%", ";", "#" sent
# raw (a raw "#" ends the path; a raw "%" may start an escape that is not one).
_SAFE = st.sampled_from(["/", "", "/;", "/%", "/%;#", "%"])

_ARG_NAMES = st.sampled_from(["format", "event", "since", "set", "junk", "", "FORMAT", "format[]"])
_ARG_VALUES = st.one_of(
    st.sampled_from([*FORMAT_NAMES, "publish", "register", "hide", "PUBLISH", "", "2024-01-01",
                     "2030-01-01T12:00:00Z", "2030-01-01T12:00:00+01:00", "2030-01-01T12:00:00",
                     "2025-02-30", "0000-00-00", "9999-12-31T23:59:59+23:59", "2024-01-01T00:00:00.1234567Z",
                     "２０２４-01-01", "openaire_data", "year", "a:b", "a::b", ":", "%", "%zz", "\x00",
                     "x@example.org"]),
    st.text(max_size=30),
)
_QUERIES = st.one_of(
    st.just(""),
    st.lists(st.tuples(_ARG_NAMES, _ARG_VALUES), max_size=5).map(urlencode),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#"), max_size=40),
)

_MEDIA_RANGES = st.sampled_from([
    *MEDIA_TYPES, "*/*", "application/*", "text/*", "image/*", "*/xml", "text/html", "image/png",
    "application", "/", "", "a/b/c", "APPLICATION/XML", " application/zip ", "application/json",
])
_PARAMETERS = st.sampled_from([
    "", ";q=0", ";q=1", ";q=0.5", ";q=0.001", ";q=abc", ";q=2", ";q=-1", ";q=1.0001", ";q=0.0001",
    ";q=", ";q", ";Q=0.1", ";q=1.", ";q=0.", ";q=nan", ";q=inf", ";q=1e0", ";q=0x1", ';q="0.5"',
    ";q=\xa00.5", ";q=0.5\x1c", ";q=0.5;q=0", ";level=1;q=0.2", ";charset=utf-8", ";;", ";style=apa",
])
_ACCEPT = st.one_of(
    st.lists(st.tuples(_MEDIA_RANGES, _PARAMETERS).map("".join), max_size=6).map(", ".join),
    st.sampled_from(["*/*;q=0", "*/*;q=0, application/xml", ",,,", ";;;", "q=1", "*", "*/*/*"]),
    _HEADER_TEXT,
    _LONG.map(lambda n: ", ".join(["text/plain;q=0.1"] * (n // 16))),
)
_IF_NONE_MATCH_FIXED = st.one_of(
    st.sampled_from(["*", '"x"', 'W/"x"', "W/", '"', '""', 'W/""', '*, "x"', '"a", W/"b", *', ",,,",
                     "garbage", 'W/"' + "x" * 5000 + '"']),
    _HEADER_TEXT,
)
_IF_MODIFIED_SINCE = st.one_of(
    st.sampled_from([
        "Tue, 01 Jan 2030 12:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
        "Sat, 01 Jan 0001 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994", "Wed, 31 Feb 2024 00:00:00 GMT", "Wed, 01 Jan 2024 25:61:61 GMT",
        "Wed, 01 Jan 99999 00:00:00 GMT", "Wed, 01 Jan -001 00:00:00 GMT", "Wed, 01 Jan 2024 00:00:00 +9999",
        "0", "-1", "9" * 40, "2030-01-01", "2030-01-01T12:00:00Z", "now", "",
    ]),
    st.datetimes().map(http_date),
    _HEADER_TEXT,
)
_ACCEPT_ENCODING = st.one_of(
    st.sampled_from(["gzip", "br;q=1.0, gzip;q=0.8, *;q=0.1", "*;q=0", "identity;q=0",
                     "identity;q=0, *;q=0", "gzip;q=abc", "x" * 10000]),
    _HEADER_TEXT,
)
_RANGE = st.one_of(
    st.sampled_from(["bytes=0-0", "bytes=-1", "bytes=1-0", "bytes=999999999999-", "bytes=0-1,2-3,4-5",
                     "bytes=abc", "items=0-10", "bytes=", "bytes=-0", "bytes=0-" + "9" * 40]),
    _HEADER_TEXT,
)
_ORIGIN = st.one_of(
    st.sampled_from(["null", "https://evil.example", "http://localhost:3000", "file://", ""]),
    _HEADER_TEXT,
)


@st.composite
def _headers(draw, tags: list[str], accept: bool = True) -> dict[str, str]:
    if_none_match = st.one_of(_IF_NONE_MATCH_FIXED, st.sampled_from(tags),
                              st.sampled_from(tags).map(lambda tag: "W/" + tag),
                              st.lists(st.sampled_from(tags), min_size=1, max_size=3).map(", ".join))
    optional = {"If-None-Match": if_none_match, "If-Modified-Since": _IF_MODIFIED_SINCE,
                "Accept-Encoding": _ACCEPT_ENCODING, "Range": _RANGE, "Origin": _ORIGIN}
    if accept:
        optional["Accept"] = _ACCEPT
    return draw(st.fixed_dictionaries({}, optional=optional))


# -- what every answer must be ---------------------------------------------------------------


def _echoable(sent: list[str]) -> str:
    """The request's own text as an answer may quote it back (decoded, or as a repr)."""
    variants = []
    for text in sent:
        for decoded in (text, unquote(text), unquote_plus(text)):
            variants += [decoded, repr(decoded)]
    return "\n".join(variants)


def check(response, method: str, sent: list[str], problems: bool = True) -> None:
    """``problems``: the endpoint answers errors with problem JSON and is open to any origin."""
    status, body = response.status_code, response.get_data()
    where = f"{method} -> {status} {response.content_type}: {body[:300]!r}"
    assert status < 500, where
    text = body.decode("utf-8", "replace")
    assert not TRACEBACK.search(text), where
    own = _echoable(sent)
    leaked = [m.group() for m in EMAIL.finditer(text) if m.group() not in own]
    assert not leaked, (leaked, where)
    if status == 304 or method == "HEAD":
        assert body == b"", where
    if not problems:
        return
    assert response.headers.get("Access-Control-Allow-Origin") == "*", where
    if 400 <= status < 500:
        assert response.mimetype == PROBLEM_JSON, where
        if method == "GET":
            check_problem(json.loads(body), status)


def check_problem(doc: dict, status: int) -> None:
    assert doc["status"] == status
    assert isinstance(doc["title"], str) and doc["title"]
    if status == 406:
        assert doc["formats"]
        for listed in doc["formats"]:
            assert isinstance(listed["format"], str) and listed["format"]
            assert listed["mediaTypes"] and all("/" in media_type for media_type in listed["mediaTypes"])


# -- the endpoints ---------------------------------------------------------------------------


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["GET", "HEAD"]), doi=_DOIS, safe=_SAFE, query=_QUERIES)
def test_one_record_export_answers_anything(hostile_site, data, method, doi, safe, query):
    client, tags = hostile_site
    headers = data.draw(_headers(tags))
    response = client.open("/export/" + quote(doi, safe=safe), method=method, query_string=query,
                           headers=headers)
    check(response, method, [doi, query, *headers.values()])


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["GET", "HEAD"]), query=_QUERIES)
def test_bulk_export_answers_anything(hostile_site, data, method, query):
    client, tags = hostile_site
    headers = data.draw(_headers(tags))
    response = client.open("/export", method=method, query_string=query, headers=headers)
    check(response, method, [query, *headers.values()])
    if response.status_code == 200:
        assert response.mimetype in {"application/x-ndjson", "application/zip"}


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["GET", "HEAD"]), doi=_DOIS,
       suffix=st.sampled_from(RECORD_SUFFIXES), safe=_SAFE, query=_QUERIES)
def test_record_views_answer_anything(hostile_site, data, method, doi, suffix, safe, query):
    client, tags = hostile_site
    headers = data.draw(_headers(tags))
    response = client.open("/records/" + quote(doi, safe=safe) + suffix, method=method,
                           query_string=query, headers=headers)
    check(response, method, [doi, query, *headers.values()])


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["GET", "HEAD"]),
       path=st.sampled_from(["/quality", "/openapi.json", "/healthz"]), query=_QUERIES)
def test_repository_endpoints_answer_anything(hostile_site, data, method, path, query):
    client, tags = hostile_site
    headers = data.draw(_headers(tags))
    response = client.open(path, method=method, query_string=query, headers=headers)
    check(response, method, [query, *headers.values()], problems=path != "/healthz")
    assert response.status_code in {200, 304}


_PREFLIGHT_PATHS = st.one_of(
    st.builds(lambda doi, safe: "/export/" + quote(doi, safe=safe), _DOIS, _SAFE),
    st.builds(lambda doi, suffix, safe: "/records/" + quote(doi, safe=safe) + suffix,
              _DOIS, st.sampled_from(RECORD_SUFFIXES), _SAFE),
    st.sampled_from(["/export", "/quality", "/openapi.json"]),
)


@EXAMPLES
@given(path=_PREFLIGHT_PATHS, query=_QUERIES, origin=_ORIGIN,
       asked_method=st.one_of(st.sampled_from(["GET", "HEAD", "POST", "DELETE", "get"]), _HEADER_TEXT),
       asked_headers=st.one_of(st.sampled_from(["If-None-Match", "Accept, If-Modified-Since",
                                                "X-Custom", ""]), _HEADER_TEXT))
def test_cors_preflights_are_answered(hostile_site, path, query, origin, asked_method, asked_headers):
    client, _ = hostile_site
    response = client.options(path, query_string=query, headers={
        "Origin": origin, "Access-Control-Request-Method": asked_method,
        "Access-Control-Request-Headers": asked_headers})
    check(response, "OPTIONS", [path, query, origin, asked_method, asked_headers])
    assert response.status_code in {200, 204}, path
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_healthz_preflight_is_no_error(hostile_site):
    client, _ = hostile_site
    response = client.options("/healthz", headers={"Origin": "https://evil.example"})
    check(response, "OPTIONS", [], problems=False)


# -- a record that is there is served, whatever else the request says --------------------------

def _ascii_upper(doi: str) -> str:
    """The DOI in another case that still names it: only ASCII letters fold."""
    return "".join(c.upper() if c.isascii() else c for c in doi)


_LIVE = st.sampled_from([NANODISCS, AMENDED, MIGRATED, THUMBED])
_LIVE_VIEWS = st.one_of(
    st.builds(record_url, _LIVE, st.sampled_from(["", ".html", "/quality"])),
    st.just(record_url(THUMBED, "/thumbnail")),
    st.builds(lambda doi, name: "/export/" + quote(doi) + "?format=" + name, _LIVE.map(_ascii_upper),
              st.sampled_from([offer.name for offer in RECORD_OFFERS])),
)


@EXAMPLES
@given(data=st.data(), method=st.sampled_from(["GET", "HEAD"]), target=_LIVE_VIEWS)
def test_a_live_record_is_served_whatever_the_other_headers(hostile_site, data, method, target):
    client, tags = hostile_site
    headers = data.draw(_headers(tags, accept=False))
    response = client.open(target, method=method, headers=headers)
    check(response, method, list(headers.values()))
    assert response.status_code in {200, 304}, target
    assert response.headers["ETag"]
    if response.status_code == 304:
        assert {"If-None-Match", "If-Modified-Since"} & set(headers)
    elif method == "GET":
        assert response.get_data()


# -- the formats a 406 lists can be had -------------------------------------------------------


@pytest.mark.parametrize("path", ["/export/" + quote(NANODISCS), "/export"])
def test_every_format_a_406_lists_can_be_asked_for(hostile_site, path):
    client, _ = hostile_site
    refused = client.get(path, headers={"Accept": "image/png, */*;q=0"})
    assert refused.status_code == 406
    listed = refused.get_json()["formats"]
    for entry in listed:
        assert client.get(path, query_string={"format": entry["format"]}).status_code == 200, entry
        for media_type in entry["mediaTypes"]:
            assert client.get(path, headers={"Accept": media_type}).status_code == 200, media_type
    assert client.get(path, query_string={"format": "no-such-format"}).get_json()["formats"] == listed
