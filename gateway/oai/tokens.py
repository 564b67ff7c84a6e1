"""Stateless resumptionTokens: the harvest's query and keyset position, HMAC-signed.

Any instance holding the secret can serve the next page, nothing is kept server-side, and
re-issuing the latest or an earlier token gives the same page again because a token names
a position in (datestamp, identifier) order, not an offset (P33, P37, P38).

Wire form: ``base64url(json payload) "." base64url(HMAC-SHA256(payload)[:16])``, all
URL-safe characters so harvesters need not escape it.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from gateway.oai.errors import BAD_RESUMPTION_TOKEN, OAIError

_VERSION = 1
# 128 bits of the MAC: forging still needs 2^128 tries, and the token stays short.
_MAC_BYTES = 16


@dataclass(frozen=True, slots=True)
class HarvestState:
    verb: str
    metadata_prefix: str
    set_spec: str | None
    from_: datetime | None
    until: datetime | None
    after: tuple[datetime, str] | None  # last (datestamp, identifier) delivered
    cursor: int                   # records delivered before the page this token asks for
    complete_list_size: int
    issued: datetime


def _epoch(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def _moment(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, timezone.utc)


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenCodec:
    def __init__(self, secret: str | bytes, ttl: timedelta):
        self._key = secret.encode("utf-8") if isinstance(secret, str) else secret
        self.ttl = ttl

    def expires(self, state: HarvestState) -> datetime:
        return state.issued + self.ttl

    def _mac(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()
        return _b64encode(digest[:_MAC_BYTES])

    def encode(self, state: HarvestState) -> str:
        fields = [
            _VERSION, state.verb, state.metadata_prefix, state.set_spec,
            _epoch(state.from_), _epoch(state.until),
            _epoch(state.after[0]), state.after[1],
            state.cursor, state.complete_list_size, _epoch(state.issued),
        ]
        payload = _b64encode(json.dumps(fields, separators=(",", ":")).encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def decode(self, token: str, verb: str, now: datetime) -> HarvestState:
        """The state behind a token issued for ``verb``; badResumptionToken otherwise."""
        state = self._verified(token)
        if state is None:
            raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken is not valid")
        if state.verb != verb:
            raise OAIError(BAD_RESUMPTION_TOKEN, f"The resumptionToken was issued for {state.verb}")
        if now > self.expires(state):
            raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken has expired")
        return state

    def _verified(self, token: str) -> HarvestState | None:
        payload, dot, mac = token.rpartition(".")
        if not dot or not payload.isascii() or not mac.isascii():
            return None
        # compare_digest: the time taken must not tell how much of a forged MAC was right
        if not hmac.compare_digest(self._mac(payload), mac):
            return None
        try:
            return _state(json.loads(_b64decode(payload)))
        except (binascii.Error, ValueError, TypeError, IndexError, OverflowError, OSError):
            return None


def _is(value, *types) -> bool:
    # bool is an int subclass, but never a valid field here
    return isinstance(value, types) and not isinstance(value, bool)


def _state(fields: list) -> HarvestState | None:
    # Only tokens signed with our key get here, yet a key shared with another release
    # could have signed another layout: check the shape before trusting it.
    if not isinstance(fields, list) or len(fields) != 11 or fields[0] != _VERSION:
        return None
    (_, verb, prefix, set_spec, start, end, after_ts, after_id, cursor, size, issued) = fields
    if not (_is(verb, str) and _is(prefix, str) and _is(after_id, str)
            and all(_is(n, int) for n in (after_ts, cursor, size, issued))
            and (set_spec is None or _is(set_spec, str))
            and all(v is None or _is(v, int) for v in (start, end))):
        return None
    return HarvestState(
        verb=verb, metadata_prefix=prefix, set_spec=set_spec,
        from_=_moment(start), until=_moment(end),
        after=(_moment(after_ts), after_id),
        cursor=cursor, complete_list_size=size, issued=_moment(issued),
    )
