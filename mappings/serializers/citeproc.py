"""Canonical record -> CSL-JSON (citeproc JSON), the input of Zotero, Pandoc and citeproc-js.

One CSL item, as DataCite's content negotiation serves it (bolognese ``citeproc``):
- ``id`` is the DOI as a resolver URL, ``DOI`` the bare DOI, ``URL`` the landing page.
- ``author``: persons as ``{family, given}``, organisations and unsplit names as
  ``{literal}``. DataCite's ":etal" marker is dropped: CSL has no way to say "and others";
  styles add "et al." themselves when they shorten a list.
- ``issued``: the Issued date when it falls in publicationYear, else publicationYear, so
  a rendered citation shows the same year as DataCite's.
- ``keyword``: subjects joined by ", " (CSL's ``keyword`` is a single string variable).
"""
from __future__ import annotations

import json

from mappings.serializers import citing

DEFAULT_TYPE = "document"
# resourceTypeGeneral -> CSL 1.0.2 item type (absent -> "document").
CSL_TYPES = {
    "Audiovisual": "motion_picture", "Book": "book", "BookChapter": "chapter",
    "Collection": "collection", "ComputationalNotebook": "software",
    "ConferencePaper": "paper-conference", "DataPaper": "article-journal", "Dataset": "dataset",
    "Dissertation": "thesis", "Event": "event", "Image": "graphic",
    "JournalArticle": "article-journal", "PeerReview": "review", "Preprint": "article",
    "Report": "report", "Software": "software", "Sound": "song", "Standard": "standard",
    "Text": "report",
}


def to_csl(record: dict) -> dict:
    types = record.get("types") if isinstance(record.get("types"), dict) else {}
    doi = record["doi"]
    item = {
        "type": CSL_TYPES.get(types.get("resourceTypeGeneral"), DEFAULT_TYPE),
        "id": citing.doi_url(doi),
        "DOI": doi,
        "URL": citing.text(record.get("url")),
        "title": citing.title(record),
        "author": [_name(c) for c in citing.named_creators(record)],
        "issued": _date(citing.issued_parts(record)),
        "publisher": citing.publisher(record),
        "abstract": citing.abstract(record),
        "version": citing.version(record),
        "keyword": ", ".join(citing.keywords(record)),
        "language": citing.language(record),
    }
    return {key: value for key, value in item.items() if value}


def to_json(record: dict) -> bytes:
    return json.dumps(to_csl(record), ensure_ascii=False, separators=(",", ":")).encode()


def _name(creator: dict) -> dict:
    parts = citing.person_parts(creator)
    if parts is None:
        return {"literal": citing.one_line(creator["name"])}
    family, given = parts
    return {"family": family, "given": given} if given else {"family": family}


def _date(parts: list[int]) -> dict | None:
    return {"date-parts": [parts]} if parts else None
