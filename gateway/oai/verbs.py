"""Request arguments: one strict marshmallow schema per verb (P14-P16, P25-P30, P43, P47).

The raw multi-dict is checked first for what a schema cannot see (a missing, repeated or
unknown verb; any repeated argument); each verb's schema then checks names, syntax and
combinations. Every problem found is reported, each as its own error (P13).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Protocol

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

from gateway.oai.datestamps import DAY, end_of_day, parse_datestamp
from gateway.oai.errors import BAD_ARGUMENT, BAD_VERB, OAIError
from gateway.oai.identifiers import looks_like_uri
from gateway.oai.render import SET_SPEC

METADATA_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")  # URI unreserved (P43)

# Characters XML 1.0 cannot carry at all: such a value could never be echoed (P8, P12).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class MultiDict(Protocol):
    def lists(self) -> Iterable[tuple[str, list[str]]]: ...


@dataclass(frozen=True)
class OAIRequest:
    verb: str
    arguments: dict[str, str] = field(default_factory=dict)  # as received, for <request>
    identifier: str | None = None
    metadata_prefix: str | None = None
    from_: datetime | None = None        # inclusive lower bound
    until: datetime | None = None        # inclusive upper bound, a day widened to its end
    set_spec: str | None = None
    resumption_token: str | None = None


def shown(value: object, limit: int = 80) -> str:
    """A request value quoted for an error message: repr() escapes what XML cannot carry,
    and a long value is cut so the answer to a junk request stays small."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "...'"


# -- fields ------------------------------------------------------------------------------

class _Pattern(fields.String):
    """A string that must match ``pattern`` in full; ``what`` names it in the message."""

    def __init__(self, pattern: re.Pattern, what: str, **kwargs):
        super().__init__(**kwargs)
        self.pattern, self.what = pattern, what

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not self.pattern.fullmatch(text):
            raise ValidationError(f"{shown(text)} is not a valid {self.what}")
        return text


class _Identifier(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not looks_like_uri(text):
            raise ValidationError(f"{shown(text)} is not a URI")
        return text


class _Token(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            raise ValidationError("is empty")
        return text


class _Datestamp(fields.Field):
    """``(moment, granularity)``; the two spec forms only, calendar checked."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_datestamp(value)
        except (TypeError, ValueError):
            raise ValidationError(
                f"{shown(value)} is not a date of the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ"
            ) from None


def _prefix(**kwargs) -> fields.String:
    return _Pattern(METADATA_PREFIX, "metadataPrefix", data_key="metadataPrefix", **kwargs)


# -- one schema per verb ------------------------------------------------------------------

class _Verb(Schema):
    class Meta:
        unknown = RAISE


class IdentifySchema(_Verb):
    pass


class ListMetadataFormatsSchema(_Verb):
    identifier = _Identifier()


class ListSetsSchema(_Verb):
    resumption_token = _Token(data_key="resumptionToken")


class GetRecordSchema(_Verb):
    identifier = _Identifier(required=True)
    metadata_prefix = _prefix(required=True)


class ListIdentifiersSchema(_Verb):
    metadata_prefix = _prefix()
    from_ = _Datestamp(data_key="from")
    until = _Datestamp(data_key="until")
    set_spec = _Pattern(SET_SPEC, "setSpec", data_key="set")
    resumption_token = _Token(data_key="resumptionToken")

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _exclusive_token(self, data, original, **kwargs):
        # The raw names count, not the loaded ones: a malformed companion of the token
        # still makes the combination illegal (P16).
        names = set(original)
        if "resumptionToken" in names:
            others = sorted(names - {"resumptionToken"})
            if others:
                raise ValidationError(
                    f"resumptionToken is exclusive; not allowed with {', '.join(others)}")
        elif "metadataPrefix" not in names:
            raise ValidationError("Missing data for required field.", "metadataPrefix")

    @validates_schema
    def _window(self, data, **kwargs):
        start, end = data.get("from_"), data.get("until")
        if start and end and start[1] != end[1]:
            raise ValidationError("from and until must have the same granularity")  # P27
        if start and end and start[0] > end[0]:
            raise ValidationError("from is later than until")  # P29


class ListRecordsSchema(ListIdentifiersSchema):
    pass


# One instance each: loading keeps no state on the schema, and building one costs more
# than validating a request.
SCHEMAS: dict[str, _Verb] = {
    "Identify": IdentifySchema(),
    "ListMetadataFormats": ListMetadataFormatsSchema(),
    "ListSets": ListSetsSchema(),
    "GetRecord": GetRecordSchema(),
    "ListIdentifiers": ListIdentifiersSchema(),
    "ListRecords": ListRecordsSchema(),
}
VERBS = tuple(SCHEMAS)


# -- parsing -------------------------------------------------------------------------------

def _verb(raw: dict[str, list[str]]) -> str:
    given = raw.get("verb", [])
    if not given:
        raise OAIError(BAD_VERB, "The verb argument is missing")
    if len(given) > 1:
        raise OAIError(BAD_VERB, "The verb argument is repeated")
    if given[0] not in SCHEMAS:
        raise OAIError(BAD_VERB, "Illegal OAI verb")
    return given[0]


def _raw_problems(raw: dict[str, list[str]]) -> list[str]:
    problems = []
    for name, values in raw.items():
        if len(values) > 1:
            problems.append(f"The argument {shown(name)} is repeated")
        elif _NOT_XML.search(values[0]):
            problems.append(f"The value of {shown(name)} holds characters XML cannot carry")
    return problems


def _messages(error: ValidationError) -> list[str]:
    out = []
    for name, messages in error.normalized_messages().items():
        for message in messages if isinstance(messages, list) else [messages]:
            if message == "Unknown field.":
                out.append(f"Illegal argument {shown(name)}")
            elif message == "Missing data for required field.":
                out.append(f"The required argument {name!r} is missing")
            elif name == "_schema":
                out.append(message)
            else:
                out.append(f"{name}: {message}")
    return out


def _request(verb: str, raw: dict[str, list[str]], loaded: dict) -> OAIRequest:
    start, end = loaded.get("from_"), loaded.get("until")
    until = None
    if end is not None:
        until = end_of_day(end[0]) if end[1] == DAY else end[0]
    return OAIRequest(
        verb=verb,
        arguments={name: values[0] for name, values in raw.items()},
        identifier=loaded.get("identifier"),
        metadata_prefix=loaded.get("metadata_prefix"),
        from_=start[0] if start else None,
        until=until,
        set_spec=loaded.get("set_spec"),
        resumption_token=loaded.get("resumption_token"),
    )


def parse_request(values: MultiDict) -> OAIRequest:
    """The validated request, or OAIError with badVerb or badArgument."""
    raw = {name: list(items) for name, items in values.lists()}
    verb = _verb(raw)
    problems = _raw_problems(raw)
    arguments = {name: items[-1] for name, items in raw.items() if name != "verb"}
    try:
        loaded = SCHEMAS[verb].load(arguments)
    except ValidationError as error:
        problems += _messages(error)
        loaded = {}
    if problems:
        raise OAIError.many([(BAD_ARGUMENT, message) for message in problems])
    # verb first in the echo, then the arguments in the order received
    ordered = {"verb": raw["verb"]} | {k: v for k, v in raw.items() if k != "verb"}
    return _request(verb, ordered, loaded)
