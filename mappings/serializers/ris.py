"""Canonical record -> one RIS reference (EndNote, Zotero, Mendeley, citation managers).

Lines are ``TAG  - value`` ended by CRLF, as the RIS specification and DataCite's own RIS
export (bolognese) write them; the record ends with ``ER  - ``. A value never contains a
line break (RIS has no continuation lines), so whitespace runs are collapsed.
- ``AU``: one per creator, "Family, Given" for persons, the name for others; DataCite's
  ":etal" marker has no RIS form and is left out.
- ``DA``: the Issued date as RIS writes dates ("YYYY/MM/DD"), only when it falls in
  publicationYear (``PY``).
- ``ET`` (edition) carries the version, as Zotero reads it for datasets.
"""
from __future__ import annotations

from mappings.serializers import citing

EOL = "\r\n"
DEFAULT_TYPE = "GEN"
# resourceTypeGeneral -> RIS type (bolognese's table, absent -> GEN).
RIS_TYPES = {
    "Audiovisual": "MPCT", "Book": "BOOK", "BookChapter": "CHAP", "ComputationalNotebook": "COMP",
    "ConferencePaper": "CPAPER", "ConferenceProceeding": "CONF", "Dataset": "DATA",
    "Dissertation": "THES", "Image": "FIGURE", "JournalArticle": "JOUR", "Report": "RPRT",
    "Software": "COMP", "Sound": "SOUND", "Text": "RPRT",
}


def to_ris(record: dict) -> str:
    lines = [_line(tag, value) for tag, value in _fields(record) if citing.one_line(value)]
    return EOL.join(lines + ["ER  - "]) + EOL


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {citing.one_line(value)}"


def _fields(record: dict) -> list[tuple[str, str | None]]:
    types = record.get("types") if isinstance(record.get("types"), dict) else {}
    fields = [("TY", RIS_TYPES.get(types.get("resourceTypeGeneral"), DEFAULT_TYPE))]
    fields += [("AU", _author(c)) for c in citing.named_creators(record)]
    fields += [
        ("TI", citing.title(record)),
        ("PY", citing.year(record)),
        ("DA", _date(citing.issued_parts(record))),
        ("PB", citing.publisher(record)),
        ("ET", citing.version(record)),
        ("DO", record["doi"]),
        ("UR", citing.text(record.get("url"))),
        ("AB", citing.abstract(record)),
    ]
    fields += [("KW", keyword) for keyword in citing.keywords(record)]
    fields.append(("LA", citing.language(record)))
    return fields


def _author(creator: dict) -> str:
    parts = citing.person_parts(creator)
    if parts is None:
        return creator["name"]
    family, given = parts
    return f"{family}, {given}" if given else family


def _date(parts: list[int]) -> str | None:
    """RIS "YYYY/MM/DD", only for a full date: PY already holds the year."""
    return "/".join(f"{p:02d}" for p in parts) if len(parts) == 3 else None
