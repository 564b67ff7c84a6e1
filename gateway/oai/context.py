"""What a verb handler may use while answering one request."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from gateway.oai.identifiers import oai_identifier
from gateway.oai.tokens import TokenCodec

if TYPE_CHECKING:
    from gateway.config import Settings
    from gateway.store.base import RecordStore


@dataclass(frozen=True, slots=True)
class Context:
    settings: "Settings"
    store: "RecordStore"
    tokens: TokenCodec
    base_url: str       # the OAI baseURL: GATEWAY_BASE_URL + "/oai"
    now: datetime       # the request's start, whole seconds UTC (responseDate, P11)

    def oai_identifier(self, local: str) -> str:
        return oai_identifier(self.settings.repository_identifier, local)
