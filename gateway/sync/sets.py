"""The OAI sets a record belongs to, and the names ListSets shows for them.

A setSpec is a ``:``-separated list of tokens made of URI-unreserved characters only
(``[A-Za-z0-9-_.!~*'()]``, P47). SciCat ids carry other characters (``ess/loki``,
``20.500.12269/ds-0001``), so each token is escaped: letters, digits, ``-``, ``_`` and
``.`` stay as they are, and every other UTF-8 byte is written ``~XX`` (two upper-case hex
digits). ``~`` is escaped too, which makes the escaping reversible: ``ess/loki`` is
``ess~2Floki`` and turns back into ``ess/loki`` for the set's name.

Every set is hierarchical except ``openaire_data``; a record listed in ``instrument:x`` is
also listed in ``instrument``, so a harvest of the parent finds it.
"""
from __future__ import annotations

import re
from typing import Iterable

from mappings.datacite import MappingResult

OPENAIRE = "openaire_data"
YEAR = "year"
PROPOSAL = "proposal"
INSTRUMENT = "instrument"
TYPE = "type"

_KEEP = re.compile(r"[A-Za-z0-9\-_.]")
_ESCAPED = re.compile(r"~([0-9A-F]{2})")

# A parent's name, and how to name one of its children from the unescaped token.
_NAMES = {
    OPENAIRE: ("OpenAIRE data", None),
    YEAR: ("Publication years", "Publication year {}"),
    PROPOSAL: ("Proposals", "Proposal {}"),
    INSTRUMENT: ("Instruments", "Instrument {}"),
    TYPE: ("Resource types", "Resource type {}"),
}


def escape_token(text: str) -> str:
    return "".join(ch if _KEEP.fullmatch(ch) else _escape_char(ch) for ch in text)


def _escape_char(ch: str) -> str:
    return "".join(f"~{byte:02X}" for byte in ch.encode("utf-8"))


def unescape_token(token: str) -> str:
    raw = bytearray()
    position = 0
    for match in _ESCAPED.finditer(token):
        raw += token[position:match.start()].encode("ascii")
        raw.append(int(match.group(1), 16))
        position = match.end()
    raw += token[position:].encode("ascii")
    return raw.decode("utf-8", "replace")


def record_sets(result: MappingResult) -> tuple[str, ...]:
    """The setSpecs of a mapped, public record, each child with its parent, sorted."""
    record = result.record or {}
    children = {
        YEAR: [record.get("publicationYear")],
        PROPOSAL: list(result.proposal_ids),
        INSTRUMENT: list(result.instrument_ids),
        TYPE: [(record.get("types") or {}).get("resourceTypeGeneral")],
    }
    specs = {OPENAIRE}
    for parent, values in children.items():
        tokens = {escape_token(v) for v in values if isinstance(v, str) and v.strip()}
        specs.update(f"{parent}:{token}" for token in tokens)
        if tokens:
            specs.add(parent)
    return tuple(sorted(specs))


def set_name(spec: str) -> str:
    """A human-readable name; derived from the spec alone, so names need no bookkeeping."""
    parent, _, token = spec.partition(":")
    own, child = _NAMES.get(parent, (parent, "{}"))
    if not token:
        return own
    return (child or "{}").format(unescape_token(token))


def set_names(specs: Iterable[str]) -> dict[str, str]:
    return {spec: set_name(spec) for spec in specs}
