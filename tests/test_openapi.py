"""The OpenAPI 3.1 document: valid itself (openapi-spec-validator), served at /openapi.json,
and true of the app: real answers of every endpoint, for every documented status that a
test can bring about, validate against it (openapi-core), and every route is documented."""
from __future__ import annotations

import json
import re
import sqlite3
from urllib.parse import quote

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate

from gateway.app import create_app
from gateway.landing.openapi import document
from gateway.rendering import EXPORT_FORMATS
from test_landing_harness import (  # noqa: F401  (fixtures)
    NANODISCS, PRIVATE, SETTINGS, T2, published, record_url, scicat, site, sync, v4_site,
)
from test_thumbnails import PNG, data_uri

BASE = "http://localhost"
JSON_TYPES = ("application/problem+json", "application/ld+json", "application/vnd.datacite.datacite+json",
              "application/vnd.citationstyles.csl+json")
# Documented answers no test here brings about: a store failing in the middle of a streamed
# bulk export cannot change a status already sent.
NOT_EXERCISED = {("/export", "get", "503")}


@pytest.fixture(scope="module")
def spec():
    doc = document(BASE)
    validate(doc)
    config = Config(extra_media_type_deserializers={kind: json.loads for kind in JSON_TYPES})
    return OpenAPI.from_dict(doc, config=config)


class _SpecRequest(WerkzeugOpenAPIRequest):
    """The request as the document's paths see it: a DOI's "/" percent-encoded, since a
    path template parameter stands for one segment."""

    @property
    def path(self) -> str:
        return spec_path(self.request.path)

    @property
    def body(self) -> bytes:
        return b""  # the app has read it; only answers are validated here


SUB_RESOURCES = ("/quality", "/thumbnail")


def spec_path(path: str) -> str:
    for prefix in ("/records/", "/export/"):
        if path.startswith(prefix):
            rest = path[len(prefix):]
            suffix = next((s for s in SUB_RESOURCES if rest.endswith(s)), "")
            return prefix + quote(rest[:len(rest) - len(suffix)], safe=".") + suffix
    return path


def template(method: str, path: str) -> tuple[str, str]:
    if path.startswith("/records/"):
        for suffix in SUB_RESOURCES:
            if path.endswith(suffix):
                return "/records/{doi}" + suffix, method
        return ("/records/{doi}.html" if path.endswith(".html") else "/records/{doi}"), method
    if path.startswith("/export/"):
        return "/export/{doi}", method
    return path, method


class Checker:
    """Validates answers against the document and remembers which it has seen."""

    def __init__(self, spec):
        self.spec, self.seen = spec, set()

    def __call__(self, response):
        self.spec.validate_response(_SpecRequest(response.request), WerkzeugOpenAPIResponse(response))
        path, method = template(response.request.method.lower(), response.request.path)
        self.seen.add((path, method, str(response.status_code)))
        return response


@pytest.fixture(scope="module")
def checked(spec):
    checker = Checker(spec)
    yield checker
    documented = {(path, method, status) for path, item in document(BASE)["paths"].items()
                  for method, operation in item.items() for status in operation["responses"]}
    missing = documented - checker.seen - NOT_EXERCISED
    assert not missing, f"documented answers never checked against the app: {sorted(missing)}"


def test_the_document_is_valid_openapi_3_1():
    doc = document(BASE)
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {"/oai", "/export/{doi}", "/export", "/records/{doi}",
                                 "/records/{doi}.html", "/records/{doi}/quality",
                                 "/records/{doi}/thumbnail", "/quality",
                                 "/healthz", "/openapi.json"}


def test_every_route_of_the_app_is_documented(v4_site):
    store, _ = v4_site
    app = create_app(SETTINGS, store)
    documented = set(document()["paths"])
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(\w+:)?(doi|path)>", "{doi}", rule.rule)  # whatever the converter
        assert path in documented, rule.rule


def test_openapi_json_is_the_document_with_this_server(v4_site, checked):
    _, client = v4_site
    response = checked(client.get("/openapi.json", base_url=BASE))
    assert response.get_json() == json.loads(json.dumps(document(SETTINGS.base_url)))
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_oai_answers(v4_site, checked):
    _, client = v4_site
    checked(client.get("/oai?verb=Identify", base_url=BASE))
    checked(client.get("/oai?verb=NoSuchVerb", base_url=BASE))
    checked(client.post("/oai", data={"verb": "ListRecords", "metadataPrefix": "oai_dc"}, base_url=BASE))
    checked(client.post("/oai", data={"verb": "ListIdentifiers", "metadataPrefix": "oai_datacite"},
                        base_url=BASE))


def test_landing_and_quality_answers(v4_site, checked):
    _, client = v4_site
    for suffix in ("", ".html", "/quality"):
        ok = checked(client.get(record_url(NANODISCS, suffix), base_url=BASE))
        assert ok.status_code == 200
        checked(client.get(record_url(NANODISCS, suffix), base_url=BASE,
                           headers={"If-None-Match": ok.headers["ETag"]}))
        checked(client.get(record_url(PRIVATE, suffix), base_url=BASE))
    summary = checked(client.get("/quality", base_url=BASE))
    checked(client.get("/quality", base_url=BASE, headers={"If-None-Match": summary.headers["ETag"]}))
    checked(client.get("/healthz", base_url=BASE))


def test_thumbnail_answers(site, checked):
    db, store, client = site
    db["PublishedData"].insert_one(published("10.5072/thumb/1", thumbnail=data_uri("image/png", PNG)))
    sync(db, store)
    assert checked(client.get(record_url("10.5072/thumb/1"), base_url=BASE)).get_json()["thumbnail"]
    ok = checked(client.get(record_url("10.5072/thumb/1", "/thumbnail"), base_url=BASE))
    assert ok.status_code == 200 and ok.mimetype == "image/png"
    checked(client.get(record_url("10.5072/thumb/1", "/thumbnail"), base_url=BASE,
                       headers={"If-None-Match": ok.headers["ETag"]}))
    for doi in (NANODISCS, PRIVATE):  # none held; not public
        assert checked(client.get(record_url(doi, "/thumbnail"), base_url=BASE)).status_code == 404


def test_export_answers(v4_site, checked):
    _, client = v4_site
    one = "/export/" + NANODISCS
    for name in EXPORT_FORMATS:
        response = checked(client.get(f"{one}?format={name}", base_url=BASE))
        assert response.status_code == 200, name
    etag = client.get(one, base_url=BASE).headers["ETag"]
    checked(client.get(one, base_url=BASE, headers={"If-None-Match": etag}))
    checked(client.get(one + "?event=bogus", base_url=BASE))
    checked(client.get(one, base_url=BASE, headers={"Accept": "image/png"}))
    checked(client.get("/export/" + PRIVATE, base_url=BASE))
    for kind in ("ndjson", "zip"):
        checked(client.get(f"/export?format={kind}", base_url=BASE))
    checked(client.get("/export?sinse=2025-01-01", base_url=BASE))
    checked(client.get("/export", base_url=BASE, headers={"Accept": "image/png"}))


def test_withdrawn_and_not_yet_synced_answers(site, checked):
    db, store, client = site
    checked(client.get("/quality", base_url=BASE))  # 503: no sync has made a summary yet
    sync(db, store)
    db["PublishedData"].update_one({"doi": NANODISCS}, {"$set": {"status": "private", "updatedAt": T2}})
    sync(db, store, now=T2)
    for path in (record_url(NANODISCS), record_url(NANODISCS, ".html"), record_url(NANODISCS, "/quality"),
                 record_url(NANODISCS, "/thumbnail"), "/export/" + NANODISCS):
        assert checked(client.get(path, base_url=BASE)).status_code == 410


def test_answers_of_a_failing_store(checked):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise sqlite3.OperationalError("unable to open database file")
            return fail

    client = create_app(SETTINGS, Down()).test_client()
    for path in ("/oai?verb=Identify", record_url(NANODISCS), record_url(NANODISCS, ".html"),
                 record_url(NANODISCS, "/quality"), record_url(NANODISCS, "/thumbnail"), "/quality",
                 "/healthz", "/export/" + NANODISCS):
        assert checked(client.get(path, base_url=BASE)).status_code == 503, path
    assert checked(client.post("/oai", data={"verb": "Identify"}, base_url=BASE)).status_code == 503


def test_the_check_is_not_vacuous(v4_site, spec):
    """An answer that breaks the document is refused: a landing document without its
    citation, and a quality report with an unknown severity."""
    from openapi_core.exceptions import OpenAPIError

    _, client = v4_site
    for suffix, spoil in (("", lambda doc: doc.pop("citation")),
                          ("/quality", lambda doc: doc["counts"].update(fatal=1))):
        response = client.get(record_url(NANODISCS, suffix), base_url=BASE)
        doc = response.get_json()
        spoil(doc)
        response.set_data(json.dumps(doc))
        with pytest.raises(OpenAPIError):
            spec.validate_response(_SpecRequest(response.request), WerkzeugOpenAPIResponse(response))
