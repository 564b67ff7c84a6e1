"""GET /export: every record as NDJSON of DataCite REST payloads or as a ZIP of DataCite XML,
with since= and set= windows, tombstone lines, strict arguments and page-at-a-time reads."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.export import bulk
from gateway.rendering import EXPORT_FORMATS, export_key
from gateway.schemas import validate_datacite
from gateway.source import SciCatSource
from gateway.store.base import PageQuery, StoredRecord
from gateway.store.sqlite import SQLiteStore
from gateway.sync import Syncer
from mappings.serializers import datacite_json

T1 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
SETTINGS = Settings(token_secret="test-secret", export_page_size=3,
                    proposal_pid_url="https://proposals.example.org/{proposalId}")


def canonical(doi: str) -> dict:
    return {
        "doi": doi, "url": "https://data.example.org/records/" + doi,
        "creators": [{"name": "Lee, Jun", "nameType": "Personal", "givenName": "Jun", "familyName": "Lee"}],
        "titles": [{"title": f"Tomography of {doi}"}],
        "publisher": {"name": "Example Light Source"}, "publicationYear": "2025",
        "types": {"resourceTypeGeneral": "Dataset"},
    }


def live(doi: str, datestamp: datetime, sets: tuple[str, ...] = ()) -> StoredRecord:
    record = canonical(doi)
    formats = {export_key(name): serialize(record) for name, (_, serialize) in EXPORT_FORMATS.items()}
    return StoredRecord(doi, datestamp, False, sets, "hash-" + doi, formats)


# Ten records an hour apart, in two sets, two of them deleted; DOIs that need escaping.
DOIS = [f"10.5072/bulk.{i:02d}" for i in range(8)] + ["10.5072/a/b%c", "10.5072/ünï#1"]
DELETED = {"10.5072/bulk.03", "10.5072/bulk.06"}


def stamp(i: int) -> datetime:
    return T1 + timedelta(hours=i)


@pytest.fixture
def store():
    records = SQLiteStore(":memory:")
    for i, doi in enumerate(DOIS):
        sets = ("facility", "facility:psi") if i % 2 else ("facility", "facility:ess")
        if doi in DELETED:
            records.upsert(StoredRecord(doi, stamp(i), True, sets, "deleted", {}))
        else:
            records.upsert(live(doi, stamp(i), sets))
    yield records
    records.close()


@pytest.fixture
def client(store):
    return create_app(SETTINGS, store).test_client()


def ndjson_lines(response) -> list[dict]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/x-ndjson"
    assert response.data == b"" or response.data.endswith(b"\n")
    return [json.loads(line) for line in response.data.split(b"\n")[:-1]]


def doi_of(line: dict) -> str:
    return line["doi"] if line.get("deleted") else line["data"]["id"]


def zip_entries(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    return {unquote(name.removesuffix(".xml")): archive.read(name) for name in archive.namelist()}


# -- NDJSON --------------------------------------------------------------------------------


def test_ndjson_has_every_record_in_datestamp_order(client):
    lines = ndjson_lines(client.get("/export"))
    assert [doi_of(line) for line in lines] == DOIS  # three pages of three, and one more


def test_ndjson_lines_are_the_stored_rest_payloads(client, store):
    response = client.get("/export")
    for raw in response.data.split(b"\n")[:-1]:
        line = json.loads(raw)
        if not line.get("deleted"):
            assert raw == store.get(line["data"]["id"]).formats[export_key("datacite-rest")]
            assert raw == datacite_json.to_json(canonical(line["data"]["id"]), "publish")


def test_tombstone_lines_say_deleted_with_the_datestamp(client):
    lines = [line for line in ndjson_lines(client.get("/export")) if line.get("deleted")]
    assert lines == [{"doi": "10.5072/bulk.03", "deleted": True, "datestamp": "2030-01-01T15:00:00Z"},
                     {"doi": "10.5072/bulk.06", "deleted": True, "datestamp": "2030-01-01T18:00:00Z"}]


@pytest.mark.parametrize("event", ["register", "hide"])
def test_ndjson_event(client, event):
    for line in ndjson_lines(client.get("/export", query_string={"event": event})):
        if not line.get("deleted"):
            assert line["data"]["attributes"]["event"] == event


def test_ndjson_is_the_default_and_negotiable(client):
    assert client.get("/export", headers={"Accept": "*/*"}).mimetype == "application/x-ndjson"
    assert client.get("/export", headers={"Accept": "application/x-ndjson"}).mimetype == "application/x-ndjson"
    assert client.get("/export", headers={"Accept": "application/json"}).status_code == 406


def test_bulk_headers(client):
    response = client.get("/export")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Length" not in response.headers  # streamed


# -- windows -------------------------------------------------------------------------------


@pytest.mark.parametrize("since, first", [
    ("2030-01-01T15:00:00Z", 3),          # inclusive
    ("2030-01-01T14:59:59.5Z", 3),        # a fraction does not admit the second before
    ("2030-01-01T16:00:00+01:00", 3),     # an offset is converted to UTC
    ("2030-01-01T15:00:01Z", 4),
    ("2030-01-01", 0),
    ("2030-01-02", len(DOIS)),
])
def test_since_is_an_inclusive_lower_bound(client, since, first):
    lines = ndjson_lines(client.get("/export", query_string={"since": since}))
    assert [doi_of(line) for line in lines] == DOIS[first:]


def test_since_reports_deletions_too(client):
    lines = ndjson_lines(client.get("/export", query_string={"since": "2030-01-01T18:00:00Z"}))
    assert lines[0] == {"doi": "10.5072/bulk.06", "deleted": True, "datestamp": "2030-01-01T18:00:00Z"}


@pytest.mark.parametrize("spec, expected", [
    ("facility", DOIS),
    ("facility:psi", DOIS[1::2]),
    ("facility:ess", DOIS[0::2]),
    ("facility:none", []),
])
def test_set_selects_the_set_and_its_descendants(client, spec, expected):
    lines = ndjson_lines(client.get("/export", query_string={"set": spec}))
    assert [doi_of(line) for line in lines] == expected


def test_set_and_since_together(client):
    lines = ndjson_lines(client.get("/export", query_string={"set": "facility:psi", "since": "2030-01-01T16:00:00Z"}))
    assert [doi_of(line) for line in lines] == DOIS[5::2]


@pytest.mark.parametrize("query", [
    {"since": "2030-1-01"}, {"since": "2030-01-01T12:00Z"}, {"since": "2030-01-01T12:00:00"},
    {"since": "2030-02-30"}, {"since": "2030-01-01T24:00:00Z"}, {"since": "yesterday"},
    {"since": "２０３０-01-01"}, {"since": ""},
    {"set": "bad set"}, {"set": "a::b"}, {"set": ""},
    {"event": "delete"}, {"sinse": "2030-01-01"}, {"until": "2030-01-01"},
])
def test_malformed_or_unknown_arguments_are_400(client, query):
    response = client.get("/export", query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_repeated_arguments_are_400(client):
    assert client.get("/export?set=facility&set=facility:psi").status_code == 400
    assert client.get("/export?since=2030-01-01&since=2030-01-02").status_code == 400


def test_unknown_bulk_format_is_406(client):
    response = client.get("/export", query_string={"format": "csv"})
    assert response.status_code == 406
    assert [f["format"] for f in response.get_json()["formats"]] == ["ndjson", "zip"]


# -- ZIP -----------------------------------------------------------------------------------


def test_zip_has_one_valid_xml_file_per_live_record(client, store):
    response = client.get("/export", query_string={"format": "zip"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="datacite-xml.zip"'
    entries = zip_entries(response)
    assert set(entries) == set(DOIS) - DELETED
    for doi, xml in entries.items():
        assert xml == store.get(doi).formats[export_key("datacite-xml")]
        assert validate_datacite(xml) == []


def test_zip_file_names_escape_slashes_and_keep_the_datestamp(client):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/export", headers={"Accept": "application/zip"}).data))
    names = archive.namelist()
    assert "10.5072%2Fa%2Fb%25c.xml" in names and "10.5072%2F%C3%BCn%C3%AF%231.xml" in names
    assert all("/" not in name for name in names)
    assert archive.getinfo("10.5072%2Fbulk.00.xml").date_time == (2030, 1, 1, 12, 0, 0)


def test_zip_with_since_and_set(client):
    response = client.get("/export", query_string={"format": "zip", "set": "facility:ess", "since": "2030-01-01T14:00:00Z"})
    assert set(zip_entries(response)) == {"10.5072/bulk.02", "10.5072/bulk.04", "10.5072/a/b%c"}


def test_empty_zip_is_a_valid_archive(client):
    assert zip_entries(client.get("/export", query_string={"format": "zip", "set": "nothing"})) == {}


# -- memory: the store is read a page at a time ------------------------------------------------


class CountingStore:
    """Delegates to a store and records the size of every page read."""

    def __init__(self, inner):
        self.inner, self.pages = inner, []

    def page(self, query, fmt=None):
        assert query.limit == SETTINGS.export_page_size
        found = self.inner.page(query, fmt)
        self.pages.append(len(found))
        return found


def test_bulk_reads_keyset_pages_lazily(store):
    counting = CountingStore(store)
    stream = bulk.ndjson(counting, PageQuery(limit=SETTINGS.export_page_size), "publish")
    next(stream)
    assert counting.pages == [3]  # nothing read beyond the page being sent
    list(stream)
    assert counting.pages == [3, 3, 3, 1]


def test_a_record_changed_during_the_walk_is_sent_again_not_skipped(store):
    stream = bulk.ndjson(store, PageQuery(limit=3), "publish")
    first = next(stream)
    store.upsert(live(DOIS[0], stamp(100)))  # moves behind the walk's position
    rest = b"".join(stream)
    dois = [doi_of(json.loads(line)) for line in (first + rest).split(b"\n")[:-1]]
    assert dois == DOIS + [DOIS[0]]


# -- a synced fixture store ------------------------------------------------------------------


def test_bulk_of_a_synced_store_matches_the_single_record_exports(v4_db, tmp_path):
    store = SQLiteStore(tmp_path / "records.sqlite3")
    Syncer(SciCatSource(v4_db), store, SETTINGS).run_once(now=T1)
    client = create_app(SETTINGS, store).test_client()
    live_dois = {r.identifier for r in store.page(PageQuery(limit=100)) if not r.deleted}
    lines = ndjson_lines(client.get("/export"))
    assert {doi_of(line) for line in lines} == live_dois and len(lines) == len(live_dois)
    for line in lines:
        single = client.get("/export/" + line["data"]["id"], query_string={"format": "datacite-rest"})
        assert line == single.get_json()
    entries = zip_entries(client.get("/export", query_string={"format": "zip"}))
    assert set(entries) == live_dois
    for doi, xml in entries.items():
        assert xml == client.get("/export/" + doi).data
    store.close()
