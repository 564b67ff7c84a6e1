"""Canonical record -> one BibTeX ``@misc`` entry (read by BibTeX, biber/BibLaTeX, Zotero).

- Key: the DOI with every run of characters other than letters, digits, "." and "-"
  replaced by "_" ("10.5072/ess.4f" -> "10.5072_ess.4f"): stable, unique per DOI, and free
  of characters that \\cite or the .bib syntax treat specially.
- ``author``: "Family, Given" for persons; organisations and unsplit names wrapped in braces
  so BibTeX takes them as one name and never reads an "and" inside them as a separator;
  DataCite's ":etal" becomes BibTeX's own "and others".
- ``title`` gets an extra pair of braces so styles keep its capitalisation ("SANS", "DNA").
- Text fields are LaTeX-escaped. Braces are written as \\textbraceleft{} and
  \\textbraceright{}: BibTeX counts braces even after a backslash, so ``\\{`` would leave a
  field unbalanced. ``doi`` and ``url`` are verbatim fields in BibLaTeX and are written
  raw, except that braces, backslashes and whitespace are percent-encoded.
- Line breaks inside values are collapsed to spaces.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from mappings.serializers import citing

_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9.\-]+")
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    # "<" and ">" print as "¡" and "¿" in LaTeX's default OT1 font encoding
    "<": r"\textless{}", ">": r"\textgreater{}",
}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX)) + "]")
_VERBATIM_UNSAFE = re.compile(r"[{}\\\s]")
_NAME_SEPARATOR = re.compile(r"\band\b|,", re.IGNORECASE)


def to_bibtex(record: dict) -> str:
    fields = [
        ("author", _authors(record)),
        ("title", _braced(latex(citing.title(record)))),
        ("year", latex(citing.year(record))),
        ("publisher", latex(citing.publisher(record))),
        ("version", latex(citing.version(record))),
        ("doi", verbatim(record["doi"])),
        ("url", verbatim(citing.text(record.get("url")))),
        ("abstract", latex(citing.abstract(record))),
        ("keywords", latex(", ".join(citing.keywords(record)))),
        ("language", latex(citing.language(record))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{cite_key(record['doi'])},\n{body}\n}}\n"


def cite_key(doi: str) -> str:
    return _KEY_UNSAFE.sub("_", doi).strip("_") or "dataset"


def latex(value: str | None) -> str | None:
    """Plain text as LaTeX source on one line; unicode stays (biber and LaTeX read UTF-8)."""
    line = citing.one_line(value)
    return _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group(0)], line) if line else None


def verbatim(value: str | None) -> str | None:
    return _VERBATIM_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), value) if value else None


def _braced(value: str | None) -> str | None:
    return f"{{{value}}}" if value else None


def _author(creator: dict) -> str:
    parts = citing.person_parts(creator)
    if parts is None:
        return _braced(latex(creator["name"]))
    family, given = (_protected(latex(p)) for p in parts)
    return f"{family}, {given}" if given else family


def _protected(part: str | None) -> str | None:
    """A name part that holds a comma or the word "and", braced so BibTeX keeps it whole."""
    return _braced(part) if part and _NAME_SEPARATOR.search(part) else part


def _authors(record: dict) -> str | None:
    names = [_author(c) for c in citing.named_creators(record)]
    if citing.has_etal(record) and names:
        names.append("others")
    return " and ".join(names) or None

