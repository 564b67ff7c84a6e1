"""The embedded SecantusDB helper and the seed loader, against the real server."""
from __future__ import annotations

import json

import pytest
from bson import json_util
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from gateway.embedded import DEMO_SEED_DIR, EmbeddedMongo, EmbeddedMongoError, seed, seed_if_empty


def _array_length(path) -> int:
    return len(json_util.loads(path.read_text(encoding="utf-8")))


def test_shared_server_is_loopback_and_answers(mongo):
    assert mongo.uri == f"mongodb://127.0.0.1:{mongo.port}"
    assert mongo.running
    assert mongo.client().admin.command("ping")["ok"] == 1


def test_temporary_storage_is_removed_and_server_stopped():
    with EmbeddedMongo() as server:
        workdir = server._workdir
        server.client().scratch.things.insert_one({"_id": "x"})
        assert (workdir / "data").is_dir()
    assert not workdir.exists()
    assert not server.running
    probe = MongoClient(server.uri, directConnection=True, serverSelectionTimeoutMS=300)
    with pytest.raises(PyMongoError):
        probe.admin.command("ping")
    probe.close()


def test_caller_storage_is_kept_across_restarts(tmp_path):
    storage = tmp_path / "data"
    with EmbeddedMongo(storage) as server:
        first = seed_if_empty(server.client().demo, DEMO_SEED_DIR)
    assert storage.is_dir()
    with EmbeddedMongo(storage) as server:
        db = server.client().demo
        assert seed_if_empty(db, DEMO_SEED_DIR) == {}
        assert db.PublishedData.count_documents({}) == first["PublishedData"]


def test_start_failure_reports_server_output(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("occupied")
    with pytest.raises(EmbeddedMongoError) as failure:
        EmbeddedMongo(not_a_dir, startup_timeout=20).start()
    message = str(failure.value)
    assert "secantus" in message and "server output" in message
    assert "(no output)" not in message


def test_seed_counts_match_the_files(empty_db, fixtures_dir):
    folder = fixtures_dir / "scicatlive-seed"
    expected = {p.stem: _array_length(p) for p in folder.glob("*.json")}
    assert seed(empty_db, folder) == expected
    assert expected["PublishedData"] == 11
    for name, count in expected.items():
        assert empty_db[name].count_documents({}) == count


def test_seed_keeps_extended_json_types(empty_db, fixtures_dir):
    seed(empty_db, fixtures_dir / "v4")
    doc = empty_db.PublishedData.find_one({"doi": "10.5072/ess.4f2a9c1e7b"})
    assert doc["registeredTime"].year == 2025  # {"$date": ...} became a datetime


def test_seed_if_empty_seeds_once(empty_db):
    counts = seed_if_empty(empty_db, DEMO_SEED_DIR)
    assert set(counts) == {"PublishedData", "Dataset", "Proposal"}
    assert seed_if_empty(empty_db, DEMO_SEED_DIR) == {}
    assert empty_db.Dataset.count_documents({}) == counts["Dataset"]


def test_seed_rejects_a_file_that_is_not_an_array(empty_db, tmp_path):
    (tmp_path / "Thing.json").write_text(json.dumps({"_id": "lonely"}))
    with pytest.raises(ValueError, match="Thing.json"):
        seed(empty_db, tmp_path)


def test_seed_of_a_folder_without_files_fails(empty_db, tmp_path):
    with pytest.raises(FileNotFoundError):
        seed(empty_db, tmp_path)
