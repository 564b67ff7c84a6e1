"""DataCite REST API JSON: the payload a registration pipeline POSTs/PUTs to /dois as-is."""
from __future__ import annotations

import json

from ..record import ATTRIBUTE_ORDER, SCHEMA_VERSION

EVENTS = ("publish", "register", "hide")


def attributes(record: dict) -> dict:
    """The record's attributes in DataCite's order, with ``schemaVersion``."""
    out = {key: record[key] for key in ATTRIBUTE_ORDER if key in record}
    out["schemaVersion"] = SCHEMA_VERSION
    return out


def payload(record: dict, event: str | None = "publish") -> dict:
    """``{"data": {"type": "dois", "attributes": ...}}``; ``event=None`` makes a draft."""
    attrs = attributes(record)
    if event is not None:
        if event not in EVENTS:
            raise ValueError(f"event must be one of {', '.join(EVENTS)}")
        attrs = {"event": event, **attrs}
    return {"data": {"id": record["doi"], "type": "dois", "attributes": attrs}}


def to_json(record: dict, event: str | None = "publish") -> bytes:
    return json.dumps(payload(record, event), ensure_ascii=False, separators=(",", ":")).encode()
