"""Shared pieces of the landing, quality and OpenAPI tests: stores synced from the shared
fixtures (as sync does it in production) and the app serving them. No tests of its own."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote

import pytest

from gateway.app import create_app
from gateway.config import Settings
from gateway.source import SciCatSource
from gateway.store.sqlite import SQLiteStore
from gateway.sync import Syncer

T1 = datetime(2030, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
T2 = datetime(2030, 1, 2, 12, 0, 0, tzinfo=timezone.utc)
T3 = datetime(2030, 1, 3, 12, 0, 0, tzinfo=timezone.utc)
SETTINGS = Settings(proposal_pid_url="https://proposals.example.org/{proposalId}",
                    token_secret="test-secret")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")

NANODISCS = "10.5072/ess.4f2a9c1e7b"     # registered, public proposal, published datasets
AMENDED = "10.5072/ess.amended01"        # its proposal is not public
MIGRATED = "10.5072/legacy.migrated01"   # v3 leftovers: free-text publication, ":etal"
PRIVATE = "10.5072/ess.private01"        # never disseminated
V4_LIVE = {NANODISCS, AMENDED, MIGRATED, "10.5072/ess.public01"}


def record_url(doi: str, suffix: str = "") -> str:
    return "/records/" + quote(doi, safe="/") + suffix


def sync(db, store, now=T1, full=False):
    return Syncer(SciCatSource(db), store, SETTINGS).run_once(now=now, full=full)


@pytest.fixture(scope="module")
def v4_site(v4_db, tmp_path_factory):
    """(store, test client) over the v4 fixtures, synced once for the module."""
    store = SQLiteStore(tmp_path_factory.mktemp("landing") / "records.sqlite3")
    assert sync(v4_db, store).problems == 0
    yield store, create_app(SETTINGS, store).test_client()
    store.close()


@pytest.fixture
def scicat(writable_v4_db):
    """A writable database seeded with the v4 fixtures."""
    return writable_v4_db


@pytest.fixture
def site(scicat, tmp_path):
    """(database, store, test client) for tests that change SciCat between syncs."""
    store = SQLiteStore(tmp_path / "records.sqlite3")
    yield scicat, store, create_app(SETTINGS, store).test_client()
    store.close()


def published(doi: str, **fields) -> dict:
    """A v4 PublishedData document; ``fields`` override or add top-level keys."""
    doc = {
        "_id": doi, "doi": doi, "status": "registered", "title": "A title",
        "abstract": "An abstract.", "datasetPids": [],
        "registeredTime": T1, "createdAt": T1, "updatedAt": T1,
        "metadata": {"creators": [{"name": "Doe, Jane", "nameType": "Personal",
                                   "givenName": "Jane", "familyName": "Doe"}],
                     "publisher": {"name": "Example Facility"}, "publicationYear": 2025,
                     "resourceTypeGeneral": "Dataset"},
    }
    doc.update(fields)
    return doc
