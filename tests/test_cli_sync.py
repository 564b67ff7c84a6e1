"""`scicat-gateway sync` and `serve` against a real MongoDB-wire server and a SQLite store."""
from __future__ import annotations

import re
import threading

import pytest

from gateway import cli
from gateway.embedded import seed
from gateway.store.sqlite import SQLiteStore

SUMMARY = re.compile(r"read (\d+), changed (\d+), deleted (\d+), problems (\d+) \(\d+\.\d s\)")


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / "records.sqlite3"


@pytest.fixture
def gateway_env(monkeypatch, mongo, empty_db, fixtures_dir, store_path):
    seed(empty_db, fixtures_dir / "v4")
    monkeypatch.setenv("GATEWAY_MONGODB_URI", mongo.uri + "/?directConnection=true")
    monkeypatch.setenv("GATEWAY_SCICAT_DB", empty_db.name)
    monkeypatch.setenv("GATEWAY_STORE", f"sqlite:///{store_path}")
    monkeypatch.setenv("GATEWAY_REPOSITORY_IDENTIFIER", "gateway.example.org")
    return empty_db


def summary(out: str) -> tuple[int, ...]:
    lines = out.splitlines()
    assert len(lines) == 1, lines
    match = SUMMARY.fullmatch(lines[0])
    assert match, lines[0]
    return tuple(int(n) for n in match.groups())


def test_sync_prints_one_summary_line(gateway_env, store_path, capsys):
    assert cli.main(["sync"]) == 0
    assert summary(capsys.readouterr().out) == (5, 4, 0, 0)
    store = SQLiteStore(store_path)
    try:
        assert store.get("10.5072/ess.4f2a9c1e7b") is not None
        assert store.get("10.5072/ess.private01") is None
    finally:
        store.close()


def test_a_second_sync_changes_nothing(gateway_env, capsys):
    cli.main(["sync"])
    capsys.readouterr()
    assert cli.main(["sync"]) == 0
    assert summary(capsys.readouterr().out)[1:] == (0, 0, 0)


def test_sync_full_re_reads_everything(gateway_env, capsys):
    cli.main(["sync"])
    capsys.readouterr()
    assert cli.main(["sync", "--full"]) == 0
    assert summary(capsys.readouterr().out) == (5, 0, 0, 0)


def test_sync_reports_a_deletion(gateway_env, capsys):
    cli.main(["sync"])
    capsys.readouterr()
    gateway_env.PublishedData.delete_one({"_id": "10.5072/ess.public01"})
    cli.main(["sync"])
    assert summary(capsys.readouterr().out)[2] == 1


@pytest.mark.parametrize("interval", ["0", "-1", "nan", "soon"])
def test_follow_needs_a_positive_interval(interval, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sync", "--follow", "--interval", interval])
    assert exit_info.value.code == 2


def test_serve_syncs_then_serves_the_store_with_a_background_sync(gateway_env, monkeypatch, capsys):
    served = {}

    def fake_run_simple(host, port, app, **options):
        served.update(host=host, port=port, options=options)
        served["syncing"] = any(t.name == "sync" and t.is_alive() for t in threading.enumerate())
        response = app.test_client().get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc")
        served["body"] = response.get_data()

    monkeypatch.setattr(cli, "run_simple", fake_run_simple)
    assert cli.main(["serve", "--port", "8099", "--sync-interval", "30"]) == 0
    assert summary(capsys.readouterr().out)[1] == 4
    assert served["host"] == "127.0.0.1" and served["port"] == 8099
    assert served["options"]["threaded"] is True and served["options"]["use_reloader"] is False
    assert served["syncing"]
    assert b"oai:gateway.example.org:10.5072/ess.4f2a9c1e7b" in served["body"]
    assert not any(t.name == "sync" and t.is_alive() for t in threading.enumerate())


def test_serve_without_background_sync(gateway_env, monkeypatch, capsys):
    monkeypatch.setattr(cli, "run_simple", lambda *args, **kwargs: None)
    assert cli.main(["serve", "--sync-interval", "0"]) == 0
    assert not any(t.name == "sync" for t in threading.enumerate())
