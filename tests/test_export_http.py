"""GET /export/<doi> over HTTP: awkward DOIs, 404/410/406/400, ETag and 304, CORS, caching.

Records are written straight into an in-memory store, rendered by the export serializers
from a small canonical record, so each test controls DOIs, datestamps and hashes.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from werkzeug.http import http_date

from gateway.app import create_app
from gateway.config import ConfigError, Settings
from gateway.rendering import EXPORT_FORMATS, export_key
from gateway.schemas import validate_datacite
from gateway.store.base import StoredRecord
from gateway.store.sqlite import SQLiteStore
from mappings.readers.datacite_xml import from_xml
from mappings.serializers import datacite_json

T1 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
SETTINGS = Settings(token_secret="test-secret")
DOI = "10.5072/ess.plain01"
AWKWARD = [
    "10.5072/a/b/c",            # slashes in the suffix
    "10.5072/50%off",           # a percent sign
    "10.5072/50%25off",         # ... and what it looks like once encoded
    "10.5072/x#frag",           # would end the path unencoded
    "10.5072/a;b=c",            # path parameters, for some servers
    "10.5072/what?now",         # would start the query unencoded
    "10.5072/prøve-ünï-数据",    # Unicode
    "10.5072/a//b",             # a double slash, not to be merged
    "10.5072/(sici)<1>+[2]",    # SICI-style punctuation
    "10.5072/sp ace",           # a space
]


def canonical(doi: str) -> dict:
    return {
        "doi": doi, "url": "https://data.example.org/records/" + quote(doi, safe=""),
        "creators": [{"name": "Andersson, Maja", "nameType": "Personal", "givenName": "Maja",
                      "familyName": "Andersson"}],
        "titles": [{"title": "Powder diffraction of sample X"}],
        "publisher": {"name": "Example Neutron Source"}, "publicationYear": "2024",
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Raw data"},
    }


def stored(doi: str, datestamp: datetime = T1, content_hash: str = "c0ffee") -> StoredRecord:
    record = canonical(doi)
    formats = {export_key(name): serialize(record) for name, (_, serialize) in EXPORT_FORMATS.items()}
    return StoredRecord(doi, datestamp, False, ("openaire_data",), content_hash, formats)


@pytest.fixture
def store():
    records = SQLiteStore(":memory:")
    records.upsert_many([stored(DOI), *(stored(doi) for doi in AWKWARD)])
    records.upsert(StoredRecord("10.5072/ess.withdrawn", T1, True, ("openaire_data",), "deleted", {}))
    yield records
    records.close()


@pytest.fixture
def client(store):
    return create_app(SETTINGS, store).test_client()


def path(doi: str, safe: str = "/") -> str:
    return "/export/" + quote(doi, safe=safe)


# -- DOIs --------------------------------------------------------------------------------


@pytest.mark.parametrize("doi", AWKWARD)
def test_awkward_dois_are_found_percent_encoded(client, doi):
    response = client.get(path(doi))
    assert response.status_code == 200, doi
    assert from_xml(response.data)["doi"] == doi
    assert validate_datacite(response.data) == []


@pytest.mark.parametrize("doi", AWKWARD)
def test_awkward_dois_with_the_slash_encoded_too(client, doi):
    response = client.get(path(doi, safe=""), query_string={"format": "datacite-json"})
    assert response.status_code == 200, doi
    assert response.get_json()["doi"] == doi


def test_a_doi_is_decoded_exactly_once(client):
    assert client.get("/export/10.5072/50%25off?format=datacite-json").get_json()["doi"] == "10.5072/50%off"
    assert client.get("/export/10.5072/50%2525off?format=datacite-json").get_json()["doi"] == "10.5072/50%25off"


def test_literal_semicolon_and_double_slash_stay_in_the_doi(client):
    assert client.get("/export/10.5072/a;b=c?format=datacite-json").get_json()["doi"] == "10.5072/a;b=c"
    response = client.get("/export/10.5072/a//b?format=datacite-json")
    assert response.status_code == 200 and response.get_json()["doi"] == "10.5072/a//b"


def test_an_unencoded_hash_is_a_fragment_and_never_reaches_the_server(client):
    assert client.get("/export/10.5072/x#frag").status_code == 404


@pytest.mark.parametrize("target", ["/export/", "/export//10.5072/x", "/export/10.5072/a%0Ab"])
def test_paths_no_doi_looks_like_get_the_same_problem_404(client, target):
    # Empty, starting with "/", holding a line feed: once left to Werkzeug's HTML 404, no CORS.
    response = client.get(target)
    assert response.status_code == 404
    assert response.data == client.get(path("10.5072/nothing-here")).data
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert client.options(target).headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_a_doi_is_found_whatever_its_ascii_case(client):
    exact = client.get(path(DOI), query_string={"format": "datacite-json"})
    for variant in (DOI.upper(), "10.5072/Ess.Plain01", "10.5072/PRøVE-üNï-数据"):
        response = client.get(path(variant), query_string={"format": "datacite-json"})
        assert response.status_code == 200, variant
    upper = client.get(path(DOI.upper()), query_string={"format": "datacite-json"})
    assert upper.data == exact.data and upper.headers["ETag"] == exact.headers["ETag"]
    assert upper.get_json()["doi"] == DOI  # the record keeps the DOI as SciCat holds it
    assert client.get(path("10.5072/ESS.WITHDRAWN")).status_code == 410
    assert client.get(path("10.5072/PRØVE-ÜNÏ-数据")).status_code == 404  # only ASCII letters fold


# -- errors ------------------------------------------------------------------------------


def test_unknown_doi_is_404_problem_details(client):
    response = client.get(path("10.5072/nothing-here"))
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {"type": "about:blank", "title": "Not Found", "status": 404,
                                   "detail": "There is no public record with this DOI."}


def test_every_404_is_the_same_whatever_the_doi_and_format(client):
    bodies = {client.get(path(doi), query_string=query).data
              for doi in ("10.5072/a", "10.5072/ess.private01", "10.9999/%zz")
              for query in ({}, {"format": "bibtex"}, {"format": "datacite-rest", "event": "hide"})}
    assert len(bodies) == 1


def test_withdrawn_record_is_410_problem_details(client):
    response = client.get(path("10.5072/ess.withdrawn"), query_string={"format": "ris"})
    assert response.status_code == 410
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "Gone"
    assert "ETag" not in response.headers


def test_nothing_acceptable_is_406_with_the_formats(client):
    response = client.get(path(DOI), headers={"Accept": "application/json, text/html;q=0.9"})
    assert response.status_code == 406
    assert response.mimetype == "application/problem+json"
    formats = {f["format"]: f["mediaTypes"] for f in response.get_json()["formats"]}
    assert list(formats) == list(EXPORT_FORMATS)
    assert formats["datacite-xml"] == ["application/vnd.datacite.datacite+xml", "application/xml"]


def test_unknown_format_name_is_406_even_with_a_good_accept(client):
    response = client.get(path(DOI), query_string={"format": "marc21"}, headers={"Accept": "*/*"})
    assert response.status_code == 406


def test_406_does_not_depend_on_whether_the_doi_exists(client):
    known = client.get(path(DOI), query_string={"format": "marc21"})
    unknown = client.get(path("10.5072/nothing"), query_string={"format": "marc21"})
    assert known.status_code == unknown.status_code == 406 and known.data == unknown.data


def test_bad_event_is_400(client):
    response = client.get(path(DOI), query_string={"format": "datacite-rest", "event": "delete"})
    assert response.status_code == 400
    assert "publish, register, hide" in response.get_json()["detail"]


@pytest.mark.parametrize("query", ["format=ris&format=bibtex", "event=hide&event=publish",
                                   "format=ris&format=ris"])
def test_a_repeated_argument_is_400(client, query):
    response = client.get(path(DOI) + "?" + query)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "more than once" in response.get_json()["detail"]


def test_store_failure_is_503_with_retry_after(client, store, monkeypatch):
    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(store, "get", broken)
    response = client.get(path(DOI))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.mimetype == "application/problem+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_format_missing_from_an_old_store_is_503_not_404(client, store):
    old = stored(DOI)
    store.upsert(StoredRecord(DOI, T1, False, (), "c0ffee", {export_key("datacite-xml"): old.formats[export_key("datacite-xml")]}))
    assert client.get(path(DOI)).status_code == 200
    assert client.get(path(DOI), query_string={"format": "bibtex"}).status_code == 503


# -- formats -----------------------------------------------------------------------------


def test_content_types(client):
    expected = {
        "datacite-xml": "application/vnd.datacite.datacite+xml",
        "datacite-json": "application/vnd.datacite.datacite+json",
        "datacite-rest": "application/vnd.api+json",
        "schema.org": "application/ld+json",
        "citeproc": "application/vnd.citationstyles.csl+json",
        "bibtex": "application/x-bibtex; charset=utf-8",
        "ris": "application/x-research-info-systems; charset=utf-8",
        "citation": "text/x-bibliography; charset=utf-8",
        "oai_dc": "application/xml",
    }
    for name, content_type in expected.items():
        assert client.get(path(DOI), query_string={"format": name}).headers["Content-Type"] == content_type


def test_application_xml_is_datacite_xml_under_the_asked_type(client):
    response = client.get(path(DOI), headers={"Accept": "application/xml"})
    assert response.headers["Content-Type"] == "application/xml"
    assert response.data == client.get(path(DOI)).data
    assert response.headers["ETag"] != client.get(path(DOI)).headers["ETag"]


@pytest.mark.parametrize("event", ["publish", "register", "hide"])
def test_rest_payload_event(client, event):
    query = {"format": "datacite-rest"} | ({} if event == "publish" else {"event": event})
    response = client.get(path(DOI), query_string=query)
    assert response.data == datacite_json.to_json(canonical(DOI), event)


def test_rest_payload_event_with_an_awkward_doi(client):
    doi = AWKWARD[-4]
    response = client.get(path(doi), query_string={"format": "datacite-rest", "event": "register"})
    assert response.data == datacite_json.to_json(canonical(doi), "register")


def test_head_has_the_headers_and_no_body(client):
    get, head = client.get(path(DOI)), client.head(path(DOI))
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(get.data))


# -- validators and caching ----------------------------------------------------------------


def test_strong_etag_and_last_modified(client):
    response = client.get(path(DOI), query_string={"format": "citeproc"})
    assert response.headers["ETag"] == '"c0ffee.citeproc"'
    assert response.headers["Last-Modified"] == "Tue, 01 Jan 2030 12:00:00 GMT"


def test_etags_differ_per_format_and_event(client):
    tags = {client.get(path(DOI), query_string={"format": name}).headers["ETag"] for name in EXPORT_FORMATS}
    tags |= {client.get(path(DOI), query_string={"format": "datacite-rest", "event": event}).headers["ETag"]
             for event in ("register", "hide")}
    assert len(tags) == len(EXPORT_FORMATS) + 2


def test_etag_changes_with_the_content_hash(client, store):
    before = client.get(path(DOI)).headers["ETag"]
    store.upsert(stored(DOI, T1 + timedelta(hours=1), "beef"))
    assert client.get(path(DOI)).headers["ETag"] == '"beef.datacite-xml"' != before


@pytest.mark.parametrize("if_none_match", ['"c0ffee.datacite-xml"', 'W/"c0ffee.datacite-xml"',
                                           '"other", "c0ffee.datacite-xml"', "*"])
def test_if_none_match_gives_304(client, if_none_match):
    response = client.get(path(DOI), headers={"If-None-Match": if_none_match})
    assert response.status_code == 304 and response.data == b""
    # the fields RFC 9110 §15.4.5 asks of a 304 (Werkzeug leaves out Last-Modified, as it may)
    assert response.headers["ETag"] == '"c0ffee.datacite-xml"'
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_if_none_match_for_another_format_gives_200(client):
    response = client.get(path(DOI), query_string={"format": "ris"},
                          headers={"If-None-Match": '"c0ffee.datacite-xml"'})
    assert response.status_code == 200


@pytest.mark.parametrize("offset, status", [(timedelta(0), 304), (timedelta(days=1), 304),
                                            (timedelta(seconds=-1), 200)])
def test_if_modified_since(client, offset, status):
    response = client.get(path(DOI), headers={"If-Modified-Since": http_date(T1 + offset)})
    assert response.status_code == status


def test_if_none_match_wins_over_if_modified_since(client):
    response = client.get(path(DOI), headers={"If-None-Match": '"stale"',
                                              "If-Modified-Since": http_date(T1 + timedelta(days=1))})
    assert response.status_code == 200


def test_unreadable_if_modified_since_is_ignored(client):
    assert client.get(path(DOI), headers={"If-Modified-Since": "yesterday"}).status_code == 200


def test_cache_control_is_configurable(store):
    settings = Settings.from_env({"GATEWAY_EXPORT_CACHE_CONTROL": "no-cache", "GATEWAY_TOKEN_SECRET": "s"})
    client = create_app(settings, store).test_client()
    assert client.get(path(DOI)).headers["Cache-Control"] == "no-cache"
    assert client.get(path("10.5072/nothing")).headers["Cache-Control"] == "no-cache"


def test_export_settings_from_the_environment():
    assert Settings.from_env({}).export_cache_control == "public, max-age=3600"
    assert Settings.from_env({"GATEWAY_EXPORT_PAGE_SIZE": "50"}).export_page_size == 50
    with pytest.raises(ConfigError):
        Settings.from_env({"GATEWAY_EXPORT_CACHE_CONTROL": "max-age=60\r\nSet-Cookie: x=1"})
    with pytest.raises(ConfigError):
        Settings.from_env({"GATEWAY_EXPORT_PAGE_SIZE": "0"})


def test_vary_accept(client):
    assert "Accept" in client.get(path(DOI)).headers["Vary"]


# -- CORS --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", [DOI, "10.5072/nothing", "10.5072/ess.withdrawn"])
def test_any_origin_may_read(client, target):
    response = client.get(path(target), headers={"Origin": "https://elsewhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_preflight_allows_get_with_conditional_headers(client):
    response = client.options(path(DOI), headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_other_methods_are_not_allowed(client):
    assert client.post(path(DOI)).status_code == 405
    assert client.delete(path(DOI)).status_code == 405
