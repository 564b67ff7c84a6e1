"""The app factory, /healthz and the WSGI entry point."""
from __future__ import annotations

import importlib
import logging
import sqlite3
import sys
from pathlib import Path

from gateway.app import create_app
from test_oai_harness import (  # noqa: F401  (fixtures)
    OAIClient, app, empty_store, make_settings, settings, store,
)


def test_healthz_reports_ok_and_a_reachable_store(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "store": "ok"}


def test_healthz_reports_an_unreachable_store():
    class Down:
        def earliest_datestamp(self):
            raise sqlite3.OperationalError("unable to open database file")

    response = create_app(make_settings(), Down()).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["store"] == "unreachable"


def test_create_app_reads_settings_and_store_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEWAY_STORE", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("GATEWAY_BASE_URL", "https://oai.example.org")
    monkeypatch.setenv("GATEWAY_TOKEN_SECRET", "from-env")
    client = OAIClient(create_app().test_client())
    reply = client.get("verb=Identify")
    assert reply.xpath("//o:baseURL")[0].text == "https://oai.example.org/oai"
    # the oai-identifier namespace defaults to the base URL's host
    assert reply.xpath("//id:repositoryIdentifier")[0].text == "oai.example.org"
    assert (tmp_path / "env.sqlite3").exists()


def test_wsgi_module_exposes_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEWAY_STORE", f"sqlite:///{tmp_path / 'wsgi.sqlite3'}")
    monkeypatch.setenv("GATEWAY_TOKEN_SECRET", "from-env")
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent))
    sys.modules.pop("wsgi", None)
    wsgi = importlib.import_module("wsgi")
    assert wsgi.app.test_client().get("/healthz").status_code == 200
    assert wsgi.app.test_client().get("/oai?verb=Identify").status_code == 200


def test_missing_token_secret_is_logged(store, caplog):
    with caplog.at_level(logging.WARNING, logger="gateway.app"):
        create_app(make_settings(token_secret=None), store)
    assert "GATEWAY_TOKEN_SECRET" in caplog.text


def test_unknown_paths_are_plain_404(app):
    assert app.test_client().get("/oai/").status_code == 404
    assert app.test_client().get("/nothing").status_code == 404
