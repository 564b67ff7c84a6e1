"""Text hygiene for values that come from SciCat documents (hostile by default)."""
from __future__ import annotations

import re

# Characters XML 1.0 cannot carry at all (lxml refuses them; harvesters choke on them).
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# No DataCite property needs more; beyond this a value is damage, not metadata.
MAX_LENGTH = 20_000
EMAIL_REDACTED = "[e-mail address removed]"


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def clean_text(value: object, *, multiline: bool = False) -> str | None:
    """A trimmed XML-safe string, or None for non-strings and blank strings.

    Single-line values (names, titles) get their whitespace collapsed; multi-line values
    (descriptions) keep their line breaks.
    """
    if not isinstance(value, str):
        return None
    if not multiline and value.isprintable() and "  " not in value and len(value) <= MAX_LENGTH:
        # the common case: nothing to remove or collapse (isprintable() rejects \t \n and controls)
        return value.strip() or None
    text = xml_safe(value)
    text = text.strip() if multiline else _SPACES.sub(" ", text).strip()
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH].rstrip()
    return text or None


def contains_email(text: str) -> bool:
    return "@" in text and _EMAIL.search(text) is not None


def redact_emails(text: str) -> str:
    if "@" not in text:
        return text
    return _EMAIL.sub(EMAIL_REDACTED, text)
