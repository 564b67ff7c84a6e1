"""GET /records/<doi> and /records/<doi>.html through the real app, from a store synced from
../shared/fixtures: content, privacy, escaping, and the HTTP conventions of /export."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from gateway.landing.page import script_json
from gateway.landing.views import readings
from gateway.source import SciCatSource
from mappings.datacite import map_publication
from mappings.serializers import citation, schema_org
from test_thumbnails import PNG, SVG, data_uri
from test_landing_harness import (  # noqa: F401  (fixtures)
    AMENDED, EMAIL, MIGRATED, NANODISCS, PRIVATE, SETTINGS, T2, T3, V4_LIVE, published, record_url,
    scicat, site, sync, v4_site,
)

HOSTILE = '</script><script>alert("x")</script><!-- & <b>bold</b> \u2028'


def landing(client, doi: str) -> dict:
    response = client.get(record_url(doi))
    assert response.status_code == 200, doi
    assert response.mimetype == "application/json"
    return response.get_json()


# -- landing JSON ------------------------------------------------------------------------


def test_landing_json_holds_the_record_datasets_proposal_citation_and_jsonld(v4_site, v4_db):
    _, client = v4_site
    doc = landing(client, NANODISCS)
    bundle = SciCatSource(v4_db).bundle(NANODISCS)
    mapped = map_publication(bundle.published, bundle.datasets, bundle.proposals, SETTINGS.mapping_options)
    assert doc["record"] == mapped.record
    assert doc["doiUrl"] == "https://doi.org/10.5072/ess.4f2a9c1e7b"
    assert doc["landingPage"] == mapped.record["url"]
    assert doc["datasets"] == [{"pid": "20.500.12269/ds-0001", "name": "nanodisc_25C"},
                               {"pid": "20.500.12269/ds-0002", "name": "nanodisc_37C"}]
    assert doc["proposals"] == [{"id": "ESS-2025-0042",
                                 "title": "Structure of lipid nanodiscs under physiological conditions"}]
    assert doc["citation"] == citation.to_text(mapped.record)
    assert doc["citation"].startswith("Andersson, Maja; Okafor, Chidi")
    assert doc["jsonld"] == schema_org.to_jsonld(mapped.record)


def test_jsonld_is_the_schema_org_export(v4_site):
    _, client = v4_site
    for doi in V4_LIVE:
        exported = client.get("/export/" + doi + "?format=schema.org")
        if exported.status_code == 404:  # /export not registered in this tree
            continue
        assert landing(client, doi)["jsonld"] == json.loads(exported.data), doi


def test_a_proposal_that_is_not_public_is_listed_without_its_title(v4_site):
    _, client = v4_site
    assert landing(client, AMENDED)["proposals"] == [{"id": "ESS-2024-0007", "title": None}]


def test_dataset_names_only_of_published_datasets(site):
    db, store, client = site
    db["Dataset"].insert_many([
        {"_id": "20.500.12269/shown", "pid": "20.500.12269/shown", "datasetName": "shown_name",
         "isPublished": True, "type": "raw", "updatedAt": T2},
        {"_id": "20.500.12269/hidden", "pid": "20.500.12269/hidden", "datasetName": "internal_name",
         "isPublished": False, "type": "raw", "updatedAt": T2},
    ])
    db["PublishedData"].insert_one(published(
        "10.5072/two.sets", updatedAt=T2,
        datasetPids=["20.500.12269/shown", "20.500.12269/hidden", "20.500.12269/missing"]))
    sync(db, store)
    doc = landing(client, "10.5072/two.sets")
    assert doc["datasets"] == [{"pid": "20.500.12269/shown", "name": "shown_name"},
                               {"pid": "20.500.12269/hidden", "name": None},
                               {"pid": "20.500.12269/missing", "name": None}]
    assert b"internal_name" not in client.get(record_url("10.5072/two.sets", ".html")).data


def test_download_link_and_no_thumbnail_where_scicat_holds_none(v4_site):
    _, client = v4_site
    doc = landing(client, MIGRATED)
    assert doc["downloadLink"] == "https://data.example.org/download/legacy01"
    assert doc["thumbnail"] is None  # stored as ""
    assert "thumbnailUrl" not in doc["jsonld"]
    missing = client.get(record_url(MIGRATED, "/thumbnail"))
    assert missing.status_code == 404
    assert missing.data == client.get(record_url("10.5072/unknown", "/thumbnail")).data
    assert all("base64" not in json.dumps(landing(client, doi)) for doi in V4_LIVE)


THUMBED = "10.5072/thumb;nail#1/ü"  # characters a URL must escape


def test_a_thumbnail_scicat_holds_is_served_by_reference(site):
    db, store, client = site
    db["PublishedData"].insert_one(published(THUMBED, thumbnail=data_uri("image/png", PNG)))
    sync(db, store)
    doc = landing(client, THUMBED)
    assert doc["thumbnail"] == SETTINGS.base_url + record_url(THUMBED, "/thumbnail")
    assert doc["jsonld"]["thumbnailUrl"] == doc["thumbnail"]
    image = client.get(doc["thumbnail"].removeprefix(SETTINGS.base_url))
    assert image.status_code == 200
    assert image.mimetype == "image/png" and image.data == PNG
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert image.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(record_url(THUMBED, "/thumbnail"), headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304
    page = client.get(record_url(THUMBED, ".html")).data.decode()
    assert f'<img class="thumbnail" src="{doc["thumbnail"]}"'.replace("&", "&amp;") in page


def test_a_facility_thumbnail_url_is_referenced_not_served(site):
    db, store, client = site
    db["PublishedData"].insert_one(published(
        "10.5072/thumb.url", metadata={**published("x")["metadata"],
                                       "thumbnail": "https://images.example.org/p.jpg"}))
    sync(db, store)
    assert landing(client, "10.5072/thumb.url")["thumbnail"] == "https://images.example.org/p.jpg"
    assert client.get(record_url("10.5072/thumb.url", "/thumbnail")).status_code == 404


def test_an_unusable_thumbnail_is_a_quality_warning_not_an_image(site):
    db, store, client = site
    db["PublishedData"].insert_one(published("10.5072/thumb.svg", thumbnail=data_uri("image/svg+xml", SVG)))
    sync(db, store)
    assert landing(client, "10.5072/thumb.svg")["thumbnail"] is None
    assert client.get(record_url("10.5072/thumb.svg", "/thumbnail")).status_code == 404
    report = client.get(record_url("10.5072/thumb.svg", "/quality")).get_json()
    assert "thumbnail-unusable" in json.dumps(report)


def test_thumbnails_of_private_and_withdrawn_records_are_not_served(site):
    db, store, client = site
    png = data_uri("image/png", PNG)
    db["PublishedData"].insert_many([published("10.5072/thumb.private", status="private", thumbnail=png),
                                     published("10.5072/thumb.gone", thumbnail=png)])
    sync(db, store)
    assert client.get(record_url("10.5072/thumb.gone", "/thumbnail")).status_code == 200
    db["PublishedData"].delete_one({"_id": "10.5072/thumb.gone"})
    sync(db, store, now=T2, full=True)
    assert client.get(record_url("10.5072/thumb.gone", "/thumbnail")).status_code == 410
    private = client.get(record_url("10.5072/thumb.private", "/thumbnail"))
    assert private.status_code == 404
    assert private.data == client.get(record_url("10.5072/unknown", "/thumbnail")).data


def test_every_view_finds_a_doi_whatever_its_ascii_case(v4_site):
    _, client = v4_site
    for suffix in ("", ".html", "/quality"):
        exact = client.get(record_url(NANODISCS, suffix))
        upper = client.get(record_url(NANODISCS.upper(), suffix))
        assert upper.status_code == 200 and upper.data == exact.data, suffix
    unknown = client.get(record_url("10.5072/unknown"))
    private = client.get(record_url(PRIVATE.upper()))
    assert private.status_code == 404 and private.data == unknown.data


def test_no_landing_body_contains_an_email_address(v4_site):
    _, client = v4_site
    for doi in V4_LIVE:
        for suffix in ("", ".html", "/quality"):
            body = client.get(record_url(doi, suffix)).get_data(as_text=True)
            assert not EMAIL.search(body), (doi, suffix)


# -- 404, 410, HTTP conventions ------------------------------------------------------------


def test_unknown_and_private_dois_get_the_same_404(v4_site):
    _, client = v4_site
    for suffix in ("", ".html", "/quality"):
        unknown = client.get(record_url("10.5072/does-not-exist", suffix))
        private = client.get(record_url(PRIVATE, suffix))
        assert unknown.status_code == private.status_code == 404
        assert unknown.mimetype == "application/problem+json"
        assert unknown.data == private.data
        assert unknown.get_json()["status"] == 404


def test_paths_no_doi_looks_like_get_the_same_404(v4_site):
    # Empty, starting with "/", holding a line feed: once left to Werkzeug's HTML 404, no CORS.
    _, client = v4_site
    expected = client.get(record_url("10.5072/does-not-exist")).data
    for target in ("/records/", "/records//x", "/records/%2F.html", "/records/10.5072/a%0Ab/quality"):
        response = client.get(target)
        assert (response.status_code, response.data) == (404, expected), target
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_withdrawn_record_is_410_in_every_view(site):
    db, store, client = site
    sync(db, store)
    assert client.get(record_url(NANODISCS)).status_code == 200
    db["PublishedData"].update_one({"doi": NANODISCS}, {"$set": {"status": "private", "updatedAt": T2}})
    sync(db, store, now=T2)
    for suffix in ("", ".html", "/quality"):
        response = client.get(record_url(NANODISCS, suffix))
        assert response.status_code == 410, suffix
        assert response.mimetype == "application/problem+json"
        assert NANODISCS not in response.get_data(as_text=True)


def test_etag_last_modified_and_conditional_get(v4_site):
    store, client = v4_site
    stored = store.get(NANODISCS)
    for suffix, kind in (("", "landing"), (".html", "landing.html"), ("/quality", "quality")):
        first = client.get(record_url(NANODISCS, suffix))
        assert first.headers["ETag"] == f'"{stored.content_hash}.{kind}"'
        assert first.last_modified == stored.datestamp
        again = client.get(record_url(NANODISCS, suffix), headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
        since = client.get(record_url(NANODISCS, suffix),
                           headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304
        other = client.get(record_url(NANODISCS, suffix), headers={"If-None-Match": '"other"'})
        assert other.status_code == 200


def test_cors_on_answers_and_preflight(v4_site):
    _, client = v4_site
    for path in (record_url(NANODISCS), record_url(PRIVATE), "/quality", "/openapi.json"):
        assert client.get(path).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(record_url(NANODISCS))
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_head_answers_like_get_without_a_body(v4_site):
    _, client = v4_site
    head = client.head(record_url(NANODISCS))
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == client.get(record_url(NANODISCS)).headers["ETag"]


def test_percent_encoded_slash_in_the_doi_is_the_same_record(v4_site):
    _, client = v4_site
    assert client.get("/records/10.5072%2Fess.4f2a9c1e7b").data == client.get(record_url(NANODISCS)).data


def test_a_doi_that_itself_ends_like_a_view_is_read_as_a_doi_first():
    assert list(readings("10.5072/x.html")) == [("10.5072/x.html", "landing"), ("10.5072/x", "landing:html")]
    assert list(readings("10.5072/x/quality")) == [("10.5072/x/quality", "landing"), ("10.5072/x", "quality")]
    assert list(readings(".html")) == [(".html", "landing")]


def test_a_store_that_fails_answers_503(v4_site):
    import sqlite3

    from gateway.app import create_app

    class Broken:
        def get(self, *args, **kwargs):
            raise sqlite3.OperationalError("disk I/O error")

        def get_state(self, key):
            raise sqlite3.OperationalError("disk I/O error")

    client = create_app(SETTINGS, Broken()).test_client()
    for path in (record_url(NANODISCS), "/quality", record_url(NANODISCS, "/quality")):
        response = client.get(path)
        assert response.status_code == 503 and response.headers["Retry-After"]


# -- the HTML page ---------------------------------------------------------------------------


class _Page(HTMLParser):
    """Text of the page, its links, and the contents of its script elements."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self.scripts, self.tags = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "script":
            self._in_script = True
            self.scripts.append((attrs.get("type"), ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)
        else:
            self.text.append(data)


def page(client, doi: str) -> tuple[_Page, str]:
    response = client.get(record_url(doi, ".html"))
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    html = response.get_data(as_text=True)
    parsed = _Page()
    parsed.feed(html)
    return parsed, html


def test_html_page_shows_citation_doi_creators_description_and_datasets(v4_site):
    _, client = v4_site
    parsed, _ = page(client, NANODISCS)
    doc = landing(client, NANODISCS)
    text = " ".join(" ".join(parsed.text).split())
    assert doc["citation"] in text
    assert "https://doi.org/10.5072/ess.4f2a9c1e7b" in parsed.links
    assert "https://orcid.org/0000-0002-1825-0097" in parsed.links
    assert "Andersson, Maja" in text and "European Spallation Source ERIC" in text
    assert "SANS curves of DMPC nanodiscs" in text
    assert "nanodisc_25C" in text and "20.500.12269/ds-0002" in text
    assert "Structure of lipid nanodiscs under physiological conditions" in text
    [(kind, script)] = parsed.scripts
    assert kind == "application/ld+json"
    assert json.loads(script) == doc["jsonld"]


def hostile_publication() -> dict:
    return published(
        "10.5072/hostile.1", updatedAt=T3, title=HOSTILE, abstract=HOSTILE,
        downloadLink="javascript:alert(1)", datasetPids=["20.500.12269/evil"],
        metadata={"creators": [{"name": HOSTILE, "nameType": "Personal", "givenName": "<i>x</i>",
                                "familyName": HOSTILE}],
                  "publisher": {"name": HOSTILE}, "publicationYear": 2025,
                  "resourceTypeGeneral": "Dataset",
                  "rightsList": [{"rights": HOSTILE, "rightsUri": "javascript:alert(2)"}]})


def test_hostile_values_are_escaped_and_cannot_end_the_jsonld_script(site):
    db, store, client = site
    db["Dataset"].insert_one({"_id": "20.500.12269/evil", "pid": "20.500.12269/evil", "type": "raw",
                              "datasetName": HOSTILE, "isPublished": True, "updatedAt": T3})
    db["PublishedData"].insert_one(hostile_publication())
    assert sync(db, store).problems == 0
    parsed, html = page(client, "10.5072/hostile.1")
    # only the page's own elements: nothing from the values became markup
    assert set(parsed.tags) <= {"html", "head", "meta", "title", "link", "script", "style", "body",
                                "main", "h1", "h2", "p", "a", "section", "ul", "li", "span"}
    assert html.count("<script") == 1 and html.count("</script>") == 1
    assert "<!--" not in html and "<b>" not in html
    assert not any(link.startswith("javascript:") for link in parsed.links)
    [(_, script)] = parsed.scripts
    assert "</" not in script and "<" not in script
    assert json.loads(script) == landing(client, "10.5072/hostile.1")["jsonld"]
    text = "".join(parsed.text)
    assert HOSTILE.replace("\u2028", "").strip() in text.replace("\u2028", "")


def test_landing_json_of_a_hostile_record_is_plain_json(site):
    db, store, client = site
    db["PublishedData"].insert_one(hostile_publication())
    sync(db, store)
    raw = client.get(record_url("10.5072/hostile.1")).data
    assert b"<" not in raw  # written \u003c: stored JSON never holds markup
    doc = json.loads(raw)
    assert doc["record"]["titles"][0]["title"] == HOSTILE.strip()
    assert doc["downloadLink"] is None


def test_script_json_escapes_what_could_end_a_script_element():
    text = str(script_json({"a": "</script><!-- --> & \u2028"}))
    assert re.search(r"[<>&\u2028]", text) is None
    assert json.loads(text) == {"a": "</script><!-- --> & \u2028"}
