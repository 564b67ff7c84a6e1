"""The OAI-PMH repository: validated request in, complete response document out."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable

from gateway.oai import handlers, harvest
from gateway.oai.context import Context
from gateway.oai.errors import OAIError
from gateway.oai.responses import Envelope, Part
from gateway.oai.tokens import TokenCodec
from gateway.oai.verbs import MultiDict, OAIRequest, parse_request

if TYPE_CHECKING:
    from gateway.config import Settings
    from gateway.store.base import RecordStore

Handler = Callable[[OAIRequest, Context], list[Part]]

HANDLERS: dict[str, Handler] = {
    "Identify": handlers.identify,
    "ListMetadataFormats": handlers.list_metadata_formats,
    "ListSets": handlers.list_sets,
    "GetRecord": handlers.get_record,
    "ListIdentifiers": harvest.list_identifiers,
    "ListRecords": harvest.list_records,
}


def oai_base_url(settings: "Settings") -> str:
    return settings.base_url.rstrip("/") + "/oai"


class OAIRepository:
    def __init__(self, settings: "Settings", store: "RecordStore", token_secret: str | bytes):
        self.settings = settings
        self.store = store
        self.base_url = oai_base_url(settings)
        self.tokens = TokenCodec(token_secret, timedelta(seconds=settings.oai_token_ttl))
        self.envelope = Envelope(self.base_url, settings.oai_stylesheet)

    def respond(self, values: MultiDict, now: datetime) -> bytes:
        """The response document for one request; ``now`` is its start (responseDate)."""
        try:
            request = parse_request(values)
        except OAIError as error:
            return self.envelope.error(now, None, error)
        ctx = Context(self.settings, self.store, self.tokens, self.base_url, now)
        try:
            parts = HANDLERS[request.verb](request, ctx)
        except OAIError as error:
            return self.envelope.error(now, request.arguments, error)
        return self.envelope.verb(now, request.arguments, request.verb, parts)
