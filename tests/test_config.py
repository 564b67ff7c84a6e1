"""Configuration: the one table of environment variables (README) and their checks."""
from __future__ import annotations

import pytest

from gateway.cli import _own_url, _parser
from gateway.config import DEMO_REPOSITORY_IDENTIFIER, ConfigError, Settings


def test_defaults_are_a_working_demo():
    settings = Settings.from_env({})
    assert settings.base_url == "http://127.0.0.1:8080"
    assert settings.public_statuses == ("public", "registered", "amended")
    assert settings.repository_identifier == DEMO_REPOSITORY_IDENTIFIER  # an IP is no domain name
    assert settings.landing_page_url == "http://127.0.0.1:8080/records/{doi}"


def test_P20_serve_defaults_the_base_url_to_its_own_address_but_the_environment_wins():
    args = _parser().parse_args(["serve", "--port", "8099"])
    assert Settings.from_env({}, default_base_url=_own_url(args)).base_url == "http://127.0.0.1:8099"
    configured = Settings.from_env({"GATEWAY_BASE_URL": "https://oai.example.org/"}, default_base_url=_own_url(args))
    assert configured.base_url == "https://oai.example.org"
    assert configured.repository_identifier == "oai.example.org"


@pytest.mark.parametrize("env", [
    {"GATEWAY_PUBLIC_STATUSES": "registered,private"},
    {"GATEWAY_LANDING_PAGE_URL": "https://landing.example.org/"},
    {"GATEWAY_PROPOSAL_PID_URL": "https://proposals.example.org/"},
    {"GATEWAY_OAI_PAGE_SIZE": "0"},
    {"GATEWAY_OAI_PAGE_SIZE": "many"},
    {"GATEWAY_EXPORT_CACHE_CONTROL": "public\r\nSet-Cookie: x=1"},
    {"GATEWAY_SYNC_FULL_EVERY": "-1"},
])
def test_bad_values_are_refused_with_a_clear_error(env):
    with pytest.raises(ConfigError):
        Settings.from_env(env)


def test_full_sync_passes_are_daily_unless_configured():
    assert Settings.from_env({}).sync_full_every == 86400
    assert Settings.from_env({"GATEWAY_SYNC_FULL_EVERY": "0"}).sync_full_every == 0
    assert Settings.from_env({"GATEWAY_SYNC_FULL_EVERY": " 3600 "}).sync_full_every == 3600
