"""All configuration, read from environment variables in this one place.

The README has the table of these variables; keep the two in step.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from mappings.options import DEFAULT_PUBLIC_STATUSES, MappingOptions

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _positive_int(env: Mapping[str, str], name: str, default: int, least: int = 1) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < least:
        raise ConfigError(f"{name} must be at least {least}")
    return value


def _header_value(env: Mapping[str, str], name: str, default: str) -> str:
    raw = (env.get(name) or "").strip()
    # A line break would split the value into headers of its own (response splitting).
    if any(ord(char) < 32 or ord(char) == 127 for char in raw):
        raise ConfigError(f"{name} must not contain control characters")
    return raw or default


DEFAULT_EXPORT_CACHE_CONTROL = "public, max-age=3600"
DEFAULT_SYNC_FULL_EVERY = 24 * 3600


# An oai-identifier namespace must be a domain name; a base URL on an IP address (the demo
# on 127.0.0.1) gets this reserved loopback name (RFC 6761) instead.
DEMO_REPOSITORY_IDENTIFIER = "scicat-gateway.localhost"


def _namespace_for(host: str | None) -> str:
    if host and "." in host and all(label[:1].isalpha() for label in host.split(".")):
        return host
    return DEMO_REPOSITORY_IDENTIFIER


@dataclass(frozen=True)
class Settings:
    mongodb_uri: str | None = None
    scicat_db: str = "dacat-next"
    store: str = "sqlite:///var/gateway.sqlite3"
    base_url: str = DEFAULT_BASE_URL
    repository_name: str = "SciCat demo repository"
    admin_email: str = "gateway-admin@example.org"
    repository_identifier: str = "scicat-gateway.localhost"
    landing_page_url: str = DEFAULT_BASE_URL + "/records/{doi}"
    proposal_pid_url: str | None = None
    public_statuses: tuple[str, ...] = DEFAULT_PUBLIC_STATUSES
    token_secret: str | None = None
    xsd_dir: Path | None = None
    # OAI-PMH: records per ListRecords page, headers per ListIdentifiers page, lifetime of
    # a resumptionToken in seconds, the oai_datacite datacentreSymbol, an optional XSL URL.
    oai_page_size: int = 100
    oai_header_page_size: int = 500
    oai_token_ttl: int = 24 * 3600
    datacentre_symbol: str = "SCICAT.DEMO"
    oai_stylesheet: str | None = None
    # /export: the Cache-Control of single-record answers, records per store page in bulk.
    export_cache_control: str = DEFAULT_EXPORT_CACHE_CONTROL
    export_page_size: int = 500
    # Sync: seconds between full passes (0: only when needed). Deleted Datasets and
    # Proposals leave nothing an incremental pass can find; a full pass re-maps everything.
    sync_full_every: int = DEFAULT_SYNC_FULL_EVERY

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None,
                 default_base_url: str = DEFAULT_BASE_URL) -> "Settings":
        """``default_base_url`` is where this process serves when GATEWAY_BASE_URL is unset
        (``serve --port`` passes its own address, so baseURL is the URL harvesters use)."""
        env = os.environ if env is None else env
        base_url = env.get("GATEWAY_BASE_URL", default_base_url).rstrip("/")
        host = _namespace_for(urlsplit(base_url).hostname)
        statuses = _split_list(env.get("GATEWAY_PUBLIC_STATUSES", ",".join(DEFAULT_PUBLIC_STATUSES)))
        if "private" in statuses:
            raise ConfigError("GATEWAY_PUBLIC_STATUSES must not contain 'private'")
        landing = env.get("GATEWAY_LANDING_PAGE_URL", base_url + "/records/{doi}")
        if "{doi}" not in landing:
            raise ConfigError("GATEWAY_LANDING_PAGE_URL needs a {doi} placeholder")
        proposal = env.get("GATEWAY_PROPOSAL_PID_URL") or None
        if proposal is not None and "{proposalId}" not in proposal:
            raise ConfigError("GATEWAY_PROPOSAL_PID_URL needs a {proposalId} placeholder")
        xsd_dir = env.get("GATEWAY_XSD_DIR")
        return cls(
            mongodb_uri=env.get("GATEWAY_MONGODB_URI") or None,
            scicat_db=env.get("GATEWAY_SCICAT_DB", "dacat-next"),
            store=env.get("GATEWAY_STORE", "sqlite:///var/gateway.sqlite3"),
            base_url=base_url,
            repository_name=env.get("GATEWAY_REPOSITORY_NAME", "SciCat demo repository"),
            admin_email=env.get("GATEWAY_ADMIN_EMAIL", "gateway-admin@example.org"),
            repository_identifier=env.get("GATEWAY_REPOSITORY_IDENTIFIER", host),
            landing_page_url=landing,
            proposal_pid_url=proposal,
            public_statuses=statuses,
            token_secret=env.get("GATEWAY_TOKEN_SECRET") or None,
            xsd_dir=Path(xsd_dir) if xsd_dir else None,
            oai_page_size=_positive_int(env, "GATEWAY_OAI_PAGE_SIZE", 100),
            oai_header_page_size=_positive_int(env, "GATEWAY_OAI_HEADER_PAGE_SIZE", 500),
            oai_token_ttl=_positive_int(env, "GATEWAY_OAI_TOKEN_TTL", 24 * 3600),
            datacentre_symbol=env.get("GATEWAY_DATACENTRE_SYMBOL", "").strip() or "SCICAT.DEMO",
            oai_stylesheet=env.get("GATEWAY_OAI_STYLESHEET") or None,
            export_cache_control=_header_value(env, "GATEWAY_EXPORT_CACHE_CONTROL",
                                               DEFAULT_EXPORT_CACHE_CONTROL),
            export_page_size=_positive_int(env, "GATEWAY_EXPORT_PAGE_SIZE", 500),
            sync_full_every=_positive_int(env, "GATEWAY_SYNC_FULL_EVERY", DEFAULT_SYNC_FULL_EVERY, least=0),
        )

    @property
    def mapping_options(self) -> MappingOptions:
        return MappingOptions(
            landing_page_url=self.landing_page_url,
            proposal_pid_url=self.proposal_pid_url,
            public_statuses=self.public_statuses,
        )
