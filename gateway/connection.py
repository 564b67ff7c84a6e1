"""The SciCat database to read: the configured MongoDB, or the embedded demo database."""
from __future__ import annotations

import contextlib
import logging
from typing import Iterator

from pymongo import MongoClient
from pymongo.database import Database

from .config import Settings
from .embedded import DEMO_SEED_DIR, EmbeddedMongo, seed_if_empty

log = logging.getLogger(__name__)


@contextlib.contextmanager
def scicat_database(settings: Settings) -> Iterator[Database]:
    """SciCat's database, read only. With no GATEWAY_MONGODB_URI, a seeded embedded demo server."""
    if settings.mongodb_uri:
        client = MongoClient(settings.mongodb_uri, tz_aware=True, serverSelectionTimeoutMS=10_000)
        try:
            yield client[settings.scicat_db]
        finally:
            client.close()
        return
    log.warning("GATEWAY_MONGODB_URI is not set: using the embedded demo database")
    with EmbeddedMongo() as server:
        client = server.client()
        db = client[settings.scicat_db]
        seed_if_empty(db, DEMO_SEED_DIR)
        yield db
