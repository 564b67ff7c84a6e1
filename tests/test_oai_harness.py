"""Shared fixtures and helpers of the OAI-PMH tests (imported by the test_oai_* modules).

A small repository in a real SQLite store, filled through render_all from canonical
records: live records with a set hierarchy (``year``, ``year:2024``, ``proposal``,
``proposal:P1`` ...), one record in no set, a DOI that needs escaping, and tombstones.
Every response the client receives is validated against the composite OAI-PMH schema.
"""
from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import pytest
from lxml import etree

from gateway.app import create_app
from gateway.config import Settings
from gateway.oai.render import render_all
from gateway.schemas import validate_oai_pmh
from gateway.store.base import StoredRecord

UTC = timezone.utc
BASE_URL = "https://scicat.example.org"
OAI_URL = BASE_URL + "/oai"
REPOSITORY = "scicat.example.org"
SECRET = "test-secret-one"
NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "oaid": "http://schema.datacite.org/oai/oai-1.1/",
    "dcite": "http://datacite.org/schema/kernel-4",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "id": "http://www.openarchives.org/OAI/2.0/oai-identifier",
}

ODD_DOI = "10.5072/odd<1>#é"  # needs escaping in the oai-identifier (P24)


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# (DOI, datestamp, sets); a record's sets list their ancestors, as the store expects.
LIVE = [
    ("10.5072/a1", "2024-01-10T10:00:00Z", ("year", "year:2024", "proposal", "proposal:P1")),
    ("10.5072/a2", "2024-01-10T10:00:00Z", ("year", "year:2024")),  # same second as a1
    ("10.5072/b1", "2024-02-01T00:00:00Z", ("year", "year:2023", "proposal", "proposal:P2")),
    ("10.5072/b2", "2024-03-15T12:30:00Z", ("year", "year:2024", "proposal", "proposal:P1")),
    (ODD_DOI, "2024-04-01T08:00:00Z", ()),
]
DELETED = [
    ("10.5072/gone1", "2024-05-01T00:00:00Z", ("year", "year:2024")),
    ("10.5072/gone2", "2024-05-02T23:59:59Z", ()),
]
SET_NAMES = {
    "year": "Publication year", "year:2023": "2023", "year:2024": "2024",
    "proposal": "Proposals", "proposal:P1": "Proposal P1", "proposal:P2": "Proposal P2",
}
ALL_DOIS = [doi for doi, _, _ in sorted(LIVE + DELETED, key=lambda r: (r[1], r[0]))]
EARLIEST = "2024-01-10T10:00:00Z"


def canonical(doi: str, title: str | None = None) -> dict:
    """A small valid canonical DataCite record."""
    return {
        "doi": doi,
        "url": "https://scicat.example.org/records/" + quote(doi, safe=""),
        "creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane",
                      "familyName": "Doe", "nameIdentifiers": [], "affiliation": []}],
        "titles": [{"title": title or f"Diffraction data {doi} – ångström scale"}],
        "publisher": {"name": "Example Neutron Source"},
        "publicationYear": "2024",
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Raw data"},
    }


def make_settings(**overrides) -> Settings:
    values = dict(base_url=BASE_URL, repository_identifier=REPOSITORY, token_secret=SECRET,
                  repository_name="SciCat test repository", admin_email="oai-admin@example.org",
                  oai_page_size=2, oai_header_page_size=2, datacentre_symbol="EXAMPLE.SCICAT")
    values.update(overrides)
    return Settings(**values)


def stored(doi: str, datestamp: str, sets, settings: Settings, deleted: bool = False,
           title: str | None = None) -> StoredRecord:
    record = None if deleted else canonical(doi, title)
    return StoredRecord(identifier=doi, datestamp=at(datestamp), deleted=deleted, sets=tuple(sets),
                        content_hash=f"{doi}@{datestamp}",
                        formats=render_all(doi, at(datestamp), sets, record, settings))


def fill(store, settings: Settings) -> None:
    store.upsert_many([stored(doi, ds, sets, settings) for doi, ds, sets in LIVE]
                      + [stored(doi, ds, sets, settings, deleted=True) for doi, ds, sets in DELETED])
    store.set_names(SET_NAMES)


def oai_id(doi: str) -> str:
    from gateway.oai.identifiers import oai_identifier
    return oai_identifier(REPOSITORY, doi)


# -- the client ---------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes          # decompressed
    raw: bytes           # as sent

    @property
    def tree(self) -> etree._Element:
        return etree.fromstring(self.body)

    def xpath(self, path: str) -> list:
        return self.tree.xpath(path, namespaces=NS)

    @property
    def errors(self) -> list[str]:
        return [e.get("code") for e in self.xpath("/o:OAI-PMH/o:error")]

    @property
    def request_attributes(self) -> dict[str, str]:
        return dict(self.xpath("/o:OAI-PMH/o:request")[0].attrib)

    @property
    def identifiers(self) -> list[str]:
        return [e.text for e in self.xpath("//o:header/o:identifier")]

    @property
    def dois(self) -> list[str]:
        from gateway.oai.identifiers import local_identifier
        return [local_identifier(REPOSITORY, i) for i in self.identifiers]

    @property
    def token(self) -> etree._Element | None:
        found = self.xpath("//o:resumptionToken")
        return found[0] if found else None


def _decoded(raw: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":
        return zlib.decompress(raw)
    assert encoding is None, encoding
    return raw


class OAIClient:
    """Requests /oai and checks what every OAI response must satisfy: HTTP 200, text/xml,
    and a body valid against the composite schema (P4, P5, P10)."""

    def __init__(self, flask_client):
        self.http = flask_client

    def get(self, query: str | dict | list = "", headers: dict | None = None) -> Reply:
        if not isinstance(query, str):
            query = urlencode(query)
        return self._reply(self.http.get("/oai?" + query if query else "/oai", headers=headers))

    def post(self, data: str | dict | list, query: str = "", headers: dict | None = None) -> Reply:
        if not isinstance(data, str):
            data = urlencode(data)
        return self._reply(self.http.post(
            "/oai?" + query if query else "/oai", data=data,
            content_type="application/x-www-form-urlencoded", headers=headers))

    def _reply(self, response) -> Reply:
        reply = Reply(response.status_code, dict(response.headers),
                      _decoded(response.data, response.headers.get("Content-Encoding")),
                      response.data)
        assert reply.status == 200, (reply.status, reply.body[:300])
        assert reply.headers["Content-Type"] == "text/xml; charset=UTF-8"
        problems = validate_oai_pmh(reply.body)
        assert problems == [], (problems, reply.body[:2000])
        return reply

    def harvest(self, verb: str, **arguments) -> list[Reply]:
        """Every page of a list, following resumptionTokens."""
        replies = [self.get({"verb": verb, **arguments})]
        while replies[-1].token is not None and replies[-1].token.text:
            replies.append(self.get({"verb": verb, "resumptionToken": replies[-1].token.text}))
        return replies


# -- fixtures -----------------------------------------------------------------------------

@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def empty_store(sqlite_store):
    return sqlite_store


@pytest.fixture
def store(empty_store, settings):
    fill(empty_store, settings)
    return empty_store


@pytest.fixture
def app(settings, store):
    return create_app(settings, store)


@pytest.fixture
def oai(app) -> OAIClient:
    return OAIClient(app.test_client())


def client_for(settings: Settings, store) -> OAIClient:
    return OAIClient(create_app(settings, store).test_client())
