"""Lenient marshmallow fields for free-form SciCat documents.

SciCat documents are validated loosely (or not at all) by SciCat, so every value may have
the wrong type. These fields never let one bad value sink a record: a bad scalar fails only
its own field (marshmallow then keeps the record's other fields), and a bad element of a
list is dropped and reported through the active problem sink.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Callable

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from .problems import Problems
from .text import MAX_LENGTH, clean_text, contains_email, redact_emails

_sink: ContextVar[Problems | None] = ContextVar("problem_sink", default=None)
problem_sink = _sink  # for loaders that set it themselves (a `with` costs microseconds)


@contextlib.contextmanager
def collecting(problems: Problems):
    """Route problems reported by fields during a load into ``problems``."""
    token = _sink.set(problems)
    try:
        yield problems
    finally:
        _sink.reset(token)


def report(field: str, code: str, message: str) -> None:
    sink = _sink.get()
    if sink is not None:
        sink.add(code, field, message)


def load(schema: Schema, raw: dict, prefix: str = "") -> dict:
    """Load ``raw`` with the fields ``schema`` declares, raising ValidationError with the
    valid part attached, like ``Schema.load``.

    Why not ``Schema.load`` itself: its generic machinery (hooks, partial loading, many
    indirections) costs several microseconds per field, and a record has hundreds of
    fields; the mapping must reach thousands of records per second on one core. Our schemas
    use no hooks or validators, so calling each field's own deserializer gives the same result.
    Each field receives its full path (``prefix`` + key) as ``attr``, for its problem reports.

    Most values are short clean strings read by a ``Text``: for those, the
    field's own first step (see ``Text``) is taken here, without the call and the path;
    likewise for a ``Date`` given as a datetime.
    """
    plan = _plans.get(type(schema))
    if plan is None:
        plan = _plans[type(schema)] = _plan(schema)
    data, errors = {}, None
    for key, attribute, field, kind in plan:
        value = raw.get(key)
        if value is None:
            continue
        if kind is _TEXT and value.__class__ is str and "@" not in value and "  " not in value \
                and len(value) <= MAX_LENGTH and value.isprintable():
            value = value.strip()
            if value:
                data[attribute] = value
            continue
        if kind is _DATE and value.__class__ is datetime:
            data[attribute] = value if value.tzinfo is timezone.utc else to_utc(value)
            continue
        try:
            value = field._deserialize(value, prefix + key, raw)
        except ValidationError as err:
            if errors is None:
                errors = {}
            errors[key] = err.messages
            continue
        if value is not None and value != "" and value != [] and value != {}:
            data[attribute] = value
    if errors:
        raise ValidationError(errors, valid_data=data)
    return data


def _plan(schema: Schema) -> tuple:
    """(data key, attribute, field, kind) for each declared field; the kind tells the
    fields whose first step ``load`` takes itself."""
    return tuple((f.data_key or name, f.attribute or name, f, _kind(f)) for name, f in schema.fields.items())


_TEXT, _DATE = "text", "date"


def _kind(field: fields.Field) -> str | None:
    if isinstance(field, Text):
        return _TEXT
    return _DATE if type(field) is Date else None


_plans: dict[type, tuple] = {}


def flatten_errors(messages: Any, path: str, problems: Problems) -> None:
    """Turn marshmallow's nested error dict into one problem per failing field."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            sub = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else str(key))
            flatten_errors(value, sub, problems)
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        problems.add("invalid-value", path, "; ".join(messages))
    elif isinstance(messages, list):
        for item in messages:
            flatten_errors(item, path, problems)


def scrubbed(text: str | None, field: str) -> str | None:
    """No e-mail address read from SciCat is ever disseminated, whatever field it hides in.

    Every string enters the gateway through these fields, so removing addresses here keeps
    them out of every output at once.
    """
    if text is not None and "@" in text and contains_email(text):
        report(field, "email-removed", "an e-mail address was removed")
        return redact_emails(text)
    return text


class Lenient(fields.Field):
    """SciCat writes ``null`` for absent values: null is never an error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)


class Text(Lenient):
    """A cleaned single-line string; numbers are accepted and written as text.

    ``load`` takes the first step below itself for every Text (subclasses included): a
    subclass must read a plain short string the same way. A printable string has no line
    break and nothing XML refuses, so single- and multi-line cleaning agree on it.
    """

    multiline = False

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is str and "@" not in value and "  " not in value \
                and len(value) <= MAX_LENGTH and value.isprintable():
            return value.strip() or None  # the common case, without the general cleaning
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError(f"expected a string, got {type(value).__name__}")
        return scrubbed(clean_text(value, multiline=self.multiline), attr)


class LongText(Text):
    multiline = True


class Year(Lenient):
    """publicationYear as a four-digit string; SciCat stores an int or a string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("expected a year")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip() if isinstance(value, (int, str)) else ""
        if len(text) == 4 and text.isascii() and text.isdigit():
            return text
        raise ValidationError(f"not a four-digit year: {str(value)[:40]!r}")


def to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def parse_datetime(value: Any) -> datetime | None:
    """A BSON date, an ISO-8601 string or an Extended-JSON ``{"$date": ...}`` as aware UTC."""
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, dict) and set(value) == {"$date"}:
        value = value["$date"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value / 1000, timezone.utc)
    if isinstance(value, str) and 4 <= len(value.strip()) <= 40:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        with contextlib.suppress(ValueError, OverflowError):
            return to_utc(datetime.fromisoformat(text))
    return None


class Date(Lenient):
    def _deserialize(self, value, attr, data, **kwargs):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValidationError(f"not a date: {str(value)[:40]!r}")
        return parsed


class Number(Lenient):
    """A non-negative integer; numeric strings are accepted."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("expected a number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, int) and value >= 0:
            return value
        raise ValidationError(f"not a non-negative integer: {str(value)[:40]!r}")


class Coordinate(Lenient):
    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("expected a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"not a number: {str(value)[:40]!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValidationError("not a finite number")
        return number


class Strings(Lenient):
    """A list of cleaned strings; a lone string counts as a one-element list."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ValidationError(f"expected a list, got {type(value).__name__}")
        out = []
        for index, item in enumerate(value):
            if item.__class__ is str and "@" not in item and "  " not in item \
                    and len(item) <= MAX_LENGTH and item.isprintable():
                item = item.strip()  # what clean_text does with a plain string
                if item:
                    out.append(item)
                continue
            text = scrubbed(clean_text(item), f"{attr}[{index}]") if isinstance(item, str) else None
            if text is not None:
                out.append(text)
            elif not (isinstance(item, str) or item is None):
                report(f"{attr}[{index}]", "invalid-value", f"expected a string, got {type(item).__name__}; dropped")
        return out


class Items(Lenient):
    """A list of sub-documents, each loaded on its own with ``schema``.

    ``from_string`` turns a bare string element into a sub-document (e.g. a creator given
    only by name). Elements that fail entirely are dropped; partly valid ones keep their
    valid fields. Every failure is reported with its path.
    """

    def __init__(self, schema: type[Schema], from_string: Callable[[str], dict] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.schema = schema(unknown=EXCLUDE)
        self.from_string = from_string

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict) or (isinstance(value, str) and self.from_string):
            value = [value]
        if not isinstance(value, list):
            raise ValidationError(f"expected a list, got {type(value).__name__}")
        out = []
        for index, raw in enumerate(value):
            if raw.__class__ is dict:  # the usual case, as _load_one would take it
                prefix = f"{attr}[{index}]."
                try:
                    item = load(self.schema, raw, prefix)
                except ValidationError as err:
                    item = _partial(err, prefix[:-1])
            else:
                item = self._load_one(raw, f"{attr}[{index}]")
            if item:
                out.append(item)
        return out

    def _load_one(self, raw: Any, path: str) -> dict | None:
        if isinstance(raw, str) and self.from_string:
            raw = self.from_string(raw)
        if not isinstance(raw, dict):
            if raw is not None:
                report(path, "invalid-value", f"expected an object, got {type(raw).__name__}; dropped")
            return None
        try:
            return load(self.schema, raw, path + ".")
        except ValidationError as err:
            return _partial(err, path)


def _partial(err: ValidationError, path: str) -> dict:
    """What a sub-document that failed in part still holds; its failures are reported."""
    sink = _sink.get()
    if sink is not None:
        flatten_errors(err.messages, path, sink)
    return _drop_empty(err.valid_data or {})


class Object(Lenient):
    """A single sub-document loaded with ``schema`` (a string may stand for it)."""

    def __init__(self, schema: type[Schema], from_string: Callable[[str], dict] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.items = Items(schema, from_string)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, (dict, str)):
            raise ValidationError(f"expected an object, got {type(value).__name__}")
        if isinstance(value, str) and self.items.from_string is None:
            raise ValidationError("expected an object, got str")
        return self.items._load_one(value, attr)


def _drop_empty(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}
