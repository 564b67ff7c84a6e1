"""The DataCite REST payload with another ``event``, made from the stored bytes.

Sync stores ``datacite_json.to_json(record, "publish")``: compact JSON whose attributes
object opens with the event. Another event is spliced in there, so a request never parses
or re-serializes the payload, let alone re-runs the mapping. The first occurrence of the
marker is the attributes key: inside a JSON string (the DOI in ``id``) every quote is
escaped, so the marker's bare quotes cannot occur before it.
"""
from __future__ import annotations

from mappings.serializers.datacite_json import EVENTS

DEFAULT_EVENT = "publish"
_STORED = b'"attributes":{"event":"' + DEFAULT_EVENT.encode() + b'"'


def with_event(payload: bytes, event: str) -> bytes:
    if event not in EVENTS:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}")
    if event == DEFAULT_EVENT:
        return payload
    at = payload.find(_STORED)
    if at < 0:
        raise ValueError("not a stored DataCite REST payload")
    swapped = b'"attributes":{"event":"' + event.encode() + b'"'
    return payload[:at] + swapped + payload[at + len(_STORED):]
