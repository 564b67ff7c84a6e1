"""Resumption token codec: signing, tampering, foreign secrets, expiry (P37, P38)."""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from gateway.oai.errors import OAIError
from gateway.oai.tokens import HarvestState, TokenCodec

UTC = timezone.utc
NOW = datetime(2024, 6, 1, 8, 0, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


def state(**changes) -> HarvestState:
    values = dict(verb="ListRecords", metadata_prefix="oai_dc", set_spec="year:2024",
                  from_=datetime(2024, 1, 1, tzinfo=UTC), until=datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC),
                  after=(datetime(2024, 3, 1, 12, 0, 0, tzinfo=UTC), "10.5072/ab:c<d>é"),
                  cursor=200, complete_list_size=1234, issued=NOW)
    values.update(changes)
    return HarvestState(**values)


def rejected(codec: TokenCodec, token: str, verb: str = "ListRecords", now=NOW) -> str:
    with pytest.raises(OAIError) as caught:
        codec.decode(token, verb, now)
    assert caught.value.codes == {"badResumptionToken"}
    return caught.value.errors[0][1]


def test_round_trip_keeps_every_field():
    codec = TokenCodec("secret", DAY)
    for original in (state(), state(set_spec=None, from_=None, until=None)):
        assert codec.decode(codec.encode(original), "ListRecords", NOW) == original


def test_token_is_compact_and_url_safe():
    token = TokenCodec("secret", DAY).encode(state())
    assert re.fullmatch(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]{22}", token)
    assert len(token) < 200


def test_same_state_same_token():
    codec = TokenCodec("secret", DAY)
    assert codec.encode(state()) == codec.encode(state())


def test_bytes_and_str_secrets_agree():
    assert TokenCodec("secret", DAY).encode(state()) == TokenCodec(b"secret", DAY).encode(state())


def test_foreign_secret_is_rejected():
    token = TokenCodec("one", DAY).encode(state())
    rejected(TokenCodec("two", DAY), token)


def test_payload_changed_and_re_encoded_without_the_key_is_rejected():
    codec = TokenCodec("secret", DAY)
    payload, mac = codec.encode(state()).split(".")
    fields = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    fields[8] = 0  # rewind the cursor
    forged = base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()
    rejected(codec, f"{forged}.{mac}")


@pytest.mark.parametrize("token", [
    "", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???", "é.é", "\x00.\x00",
    "W10.AAAAAAAAAAAAAAAAAAAAAA",
])
def test_malformed_tokens_are_rejected(token):
    rejected(TokenCodec("secret", DAY), token)


def test_validly_signed_but_foreign_layout_is_rejected():
    codec = TokenCodec("secret", DAY)
    stamp = int(NOW.timestamp())
    good = [1, "ListRecords", "oai_dc", None, None, None, stamp, "10.1/x", 0, 5, stamp]
    payload = base64.urlsafe_b64encode(json.dumps(good).encode()).rstrip(b"=").decode()
    codec.decode(f"{payload}.{codec._mac(payload)}", "ListRecords", NOW)  # the control
    wrong_types = [good[:1] + [1] + good[2:], good[:3] + [7] + good[4:], good[:8] + ["0"] + good[9:],
                   good[:10] + [True]]
    for fields in ([2, "ListRecords"], {"v": 1}, [1] * 11, "x", [2] + good[1:], *wrong_types):
        payload = base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()
        rejected(codec, f"{payload}.{codec._mac(payload)}")


def test_expiry_boundary():
    codec = TokenCodec("secret", DAY)
    token = codec.encode(state())
    assert codec.expires(state()) == NOW + DAY
    codec.decode(token, "ListRecords", NOW + DAY)
    assert "expired" in rejected(codec, token, now=NOW + DAY + timedelta(seconds=1))


def test_lifetime_is_the_verifier_s():
    token = TokenCodec("secret", DAY).encode(state())
    rejected(TokenCodec("secret", timedelta(minutes=10)), token, now=NOW + timedelta(minutes=11))


def test_verb_is_bound():
    codec = TokenCodec("secret", DAY)
    token = codec.encode(state(verb="ListIdentifiers"))
    assert "ListIdentifiers" in rejected(codec, token, verb="ListRecords")
    codec.decode(token, "ListIdentifiers", NOW)
