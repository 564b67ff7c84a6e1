"""Shared test fixtures.

The tests talk to a real MongoDB-wire server (an embedded SecantusDB started
once per test run) and read SciCat example documents from ../shared.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from gateway.embedded import DEMO_SEED_DIR, EmbeddedMongo, seed

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("GATEWAY_SHARED_DIR") or REPO_DIR.parent / "shared")
FIXTURES_DIR = SHARED_DIR / "fixtures"
SHARED_XSD_DIR = SHARED_DIR / "xsd"


# -- shared reference material -------------------------------------------------


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or fail: CI must not pass by skipping what it cannot find."""
    missing = [str(p) for p in (FIXTURES_DIR, SHARED_XSD_DIR) if not p.is_dir()]
    if missing:
        pytest.fail(
            "shared reference material not found: " + ", ".join(missing)
            + ". Put the shared folder beside the checkout (../shared) "
            "or point GATEWAY_SHARED_DIR at it.",
            pytrace=False,
        )
    return SHARED_DIR


@pytest.fixture(scope="session")
def fixtures_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures"


# -- database ------------------------------------------------------------------


@pytest.fixture(scope="session")
def mongo():
    """One embedded SecantusDB for the whole test run (temporary storage)."""
    with EmbeddedMongo() as server:
        yield server


@pytest.fixture(scope="session")
def mongo_client(mongo):
    return mongo.client()


def _seeded(client, name: str, folder: Path):
    client.drop_database(name)
    db = client[name]
    seed(db, folder)
    return db


# Seeded databases are shared by all tests: tests must only read them. A
# test that writes takes `empty_db`.


@pytest.fixture(scope="session")
def scicatlive_db(mongo_client, fixtures_dir):
    """SciCat's scicatlive seed: LoopBack v3 PublishedData."""
    return _seeded(mongo_client, "scicatlive", fixtures_dir / "scicatlive-seed")


@pytest.fixture(scope="session")
def v4_db(mongo_client, fixtures_dir):
    """v4-shaped PublishedData with all four statuses, plus one migrated record."""
    return _seeded(mongo_client, "v4", fixtures_dir / "v4")


@pytest.fixture(scope="session")
def demo_db(mongo_client):
    """The project's own demo documents (gateway/demo), all three shapes."""
    return _seeded(mongo_client, "demo", DEMO_SEED_DIR)


@pytest.fixture
def empty_db(mongo_client):
    """A fresh, empty database on the shared server, dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    yield mongo_client[name]
    mongo_client.drop_database(name)


@pytest.fixture
def writable_v4_db(empty_db, fixtures_dir):
    """A fresh database seeded with ../shared/fixtures/v4, for tests that change SciCat."""
    seed(empty_db, fixtures_dir / "v4")
    return empty_db


@pytest.fixture
def writable_demo_db(empty_db):
    """A fresh database seeded with the project's demo documents."""
    seed(empty_db, DEMO_SEED_DIR)
    return empty_db


@pytest.fixture
def sqlite_store(tmp_path):
    """An empty SQLite record store in the test's own folder, closed afterwards."""
    from gateway.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "records.sqlite3")
    yield store
    store.close()
