"""`scicat-gateway export` and `check` against a real MongoDB-wire server."""
from __future__ import annotations

import json

import pytest

from gateway.cli import main
from gateway.schemas import validate_datacite


@pytest.fixture
def scicat_env(monkeypatch, mongo, v4_db):
    monkeypatch.setenv("GATEWAY_MONGODB_URI", mongo.uri + "/?directConnection=true")
    monkeypatch.setenv("GATEWAY_SCICAT_DB", v4_db.name)
    monkeypatch.setenv("GATEWAY_PROPOSAL_PID_URL", "https://proposals.example.org/{proposalId}")


def test_export_prints_valid_datacite_xml(scicat_env, capsysbinary):
    assert main(["export", "10.5072/ess.4f2a9c1e7b"]) == 0
    out = capsysbinary.readouterr().out
    assert validate_datacite(out) == []
    assert b"https://orcid.org/0000-0001-5109-3700" in out


def test_export_datacite_json_is_a_rest_payload(scicat_env, capsysbinary):
    assert main(["export", "10.5072/ess.amended01", "--format", "datacite-rest"]) == 0
    payload = json.loads(capsysbinary.readouterr().out)
    assert payload["data"]["type"] == "dois"
    assert payload["data"]["attributes"]["doi"] == "10.5072/ess.amended01"
    assert payload["data"]["attributes"]["event"] == "publish"


@pytest.mark.parametrize("doi", ["10.5072/ess.private01", "10.5072/does-not-exist"])
def test_export_of_private_or_unknown_doi_exits_2_with_one_line(scicat_env, capsys, doi):
    assert main(["export", doi]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [line for line in captured.err.splitlines() if not line.startswith(("INFO", "WARNING"))]
    assert lines == [f"{doi}: no public record with this DOI"]


def test_check_reports_problems_and_a_summary(scicat_env, capsys):
    assert main(["check", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    summary = lines[-1]
    assert summary["records"] == 5 and summary["public"] == 4
    assert summary["withOrcid"] >= 1 and summary["withRorAffiliation"] >= 1 and summary["withProposalLink"] >= 1
    records = {r["doi"]: r for r in lines[:-1]}
    assert len(records) == 5 and all(r["valid"] for r in records.values())
    assert records["10.5072/ess.private01"]["public"] is False


def test_check_text_summary(scicat_env, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "records: 5, public: 4 (80%)" in out and "with ORCID creators" in out
