"""Landing-page and citation serializers: schema.org JSON-LD, CSL-JSON, BibTeX, RIS, text.

Every fixture record (scicatlive seed, v4, the project's demo) is serialized and read back
with a real parser of each format: pyld (JSON-LD expansion, offline), citeproc-py (CSL),
bibtexparser + pylatexenc (BibTeX), rispy (RIS). A hostile record checks that LaTeX, HTML,
JSON and RIS specials survive.
"""
from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pyld import jsonld

from gateway.source import SciCatSource
from mappings.datacite import map_publication
from mappings.options import MappingOptions
from mappings.serializers import bibtex, citation, citeproc, ris, schema_org

OPTIONS = MappingOptions(proposal_pid_url="https://proposals.example.org/{proposalId}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
SO = "http://schema.org/"
HOSTILE = 'Fe₃O₄ & <b>"Ni"</b> {50%} $x_1^2$ #7 ~ \\ \'q\' — Ünïcødé 中文 </script>'


@pytest.fixture(scope="module")
def records(scicatlive_db, v4_db, demo_db):
    found = []
    for db in (scicatlive_db, v4_db, demo_db):
        for bundle in SciCatSource(db).bundles():
            result = map_publication(bundle.published, bundle.datasets, bundle.proposals, OPTIONS)
            if result.record is not None:
                found.append(result.record)
    assert len(found) >= 20, "all three fixture sets were read"
    return found


def _hostile_record() -> dict:
    return {
        "doi": "10.5072/x_{1}%#",
        "url": "https://example.org/records/a%20b?x=1&y={2}",
        "creators": [
            {"name": f"{HOSTILE}, Ana", "nameType": "Personal", "givenName": "Ana", "familyName": HOSTILE},
            {"name": f"Smith and {HOSTILE}", "nameType": "Organizational"},
            {"name": ":etal"},
        ],
        "titles": [{"title": HOSTILE}],
        "publisher": {"name": HOSTILE},
        "publicationYear": "2024",
        "types": {"resourceTypeGeneral": "Dataset"},
        "subjects": [{"subject": HOSTILE}, {"subject": "plain"}],
        "version": "2.0 {beta}",
        "descriptions": [{"description": f"{HOSTILE}\nsecond line\r\nthird", "descriptionType": "Abstract"}],
    }


# --- parsers ----------------------------------------------------------------------------------


def expand(document: dict) -> dict:
    """JSON-LD expansion without network: the schema.org context is supplied locally."""
    asked = []

    def loader(url, options=None):
        asked.append(url)
        assert url.rstrip("/") in ("http://schema.org", "https://schema.org"), url
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SO}}}

    expanded = jsonld.expand(document, {"documentLoader": loader})
    assert asked and len(expanded) == 1
    return expanded[0]


def values(node: dict, term: str) -> list:
    return [v.get("@value", v.get("@id")) for v in node.get(SO + term, [])]


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    assert not library.failed_blocks and len(library.entries) == 1
    return library.entries[0]


def _latex_decoder() -> LatexNodes2Text:
    # pylatexenc lacks these standard text-mode commands (LaTeX's OMS/OML/T1 symbols).
    db = get_default_latex_context_db()
    db.add_context_category("latex-text-symbols", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textless", "<"), MacroTextSpec("textgreater", ">"),
        MacroTextSpec("textasciicircum", "^"),
    ])
    return LatexNodes2Text(latex_context=db, math_mode="verbatim")


LATEX = _latex_decoder()


def braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def render_csl(item: dict) -> str:
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


# --- schema.org JSON-LD -----------------------------------------------------------------------


def test_jsonld_of_every_record_expands_to_schema_org(records):
    for record in records:
        raw = schema_org.to_json(record)
        document = json.loads(raw)
        assert document == schema_org.to_jsonld(record)
        node = expand(document)
        assert node["@id"] == f"https://doi.org/{record['doi']}", record["doi"]
        assert node["@type"] == [SO + "Dataset"]
        for term in ("author", "name", "datePublished", "publisher", "identifier", "url", "description"):
            assert values(node, term), (record["doi"], term)
        assert values(node, "schemaVersion") == ["http://datacite.org/schema/kernel-4"]


def test_jsonld_authors_carry_orcid_and_ror_and_never_etal(records):
    orcids = rors = 0
    for record in records:
        authors = expand(schema_org.to_jsonld(record))[SO + "author"]
        named = [c for c in record["creators"] if c["name"] != ":etal"]
        assert len(authors) == len(named), record["doi"]
        assert ":etal" not in json.dumps(authors)
        for creator, author in zip(named, authors):
            orcid = [i["nameIdentifier"] for i in creator.get("nameIdentifiers", [])
                     if i["nameIdentifierScheme"] == "ORCID"]
            if orcid:
                orcids += 1
                assert author["@id"] == orcid[0]
            for affiliation, org in zip(creator.get("affiliation", []), author.get(SO + "affiliation", [])):
                if affiliation.get("affiliationIdentifierScheme") == "ROR":
                    rors += 1
                    assert org["@id"] == affiliation["affiliationIdentifier"].rstrip("/")
                    assert org["@type"] == [SO + "Organization"]
    assert orcids and rors, "the fixtures exercise ORCID and ROR"


def test_jsonld_places_the_proposal_project_in_is_part_of(records):
    linked = titled = 0
    for record in records:
        projects = [r for r in record.get("relatedIdentifiers", [])
                    if r["relationType"] == "IsPartOf" and r.get("resourceTypeGeneral") == "Project"]
        parts = expand(schema_org.to_jsonld(record)).get(SO + "isPartOf", [])
        for project in projects:
            linked += 1
            node = next(p for p in parts if p.get("@id") == project["relatedIdentifier"])
            assert node["@type"] == [SO + "ResearchProject"]
            items = [i for i in record.get("relatedItems", [])
                     if i.get("relatedItemIdentifier", {}).get("relatedItemIdentifier") == project["relatedIdentifier"]]
            if items:
                titled += 1
                assert values(node, "name") == [items[0]["titles"][0]["title"]]
    assert linked and titled, "the fixtures link proposals, some with a public title"


def test_jsonld_datasets_and_publications_are_related_objects(records):
    record = next(r for r in records if r["doi"] == "10.5072/ess.4f2a9c1e7b")
    node = expand(schema_org.to_jsonld(record))
    assert {p["@id"] for p in node[SO + "hasPart"]} == {
        "https://hdl.handle.net/20.500.12269/ds-0001", "https://hdl.handle.net/20.500.12269/ds-0002"}
    assert all(p["@type"] == [SO + "Dataset"] for p in node[SO + "hasPart"])
    # IsSupplementTo: the article is based on this dataset
    assert node["@reverse"][SO + "isBasedOn"][0]["@id"] == "https://doi.org/10.1107/S1600576725000001"
    assert values(node, "license") == ["https://creativecommons.org/licenses/by/4.0/legalcode"]
    assert values(node, "temporalCoverage") == ["2025-03-11T08:00:00Z/2025-03-14T18:00:00Z"]
    assert node[SO + "funder"][0]["@id"] == "https://ror.org/00k4n6c32"


def test_jsonld_relation_table_and_types():
    record = {
        "doi": "10.5072/t", "creators": [{"name": "A"}], "titles": [{"title": "T"}],
        "publicationYear": "2024", "types": {"resourceTypeGeneral": "Software"},
        "relatedIdentifiers": [
            {"relatedIdentifier": "10.5072/same", "relatedIdentifierType": "DOI", "relationType": "IsIdenticalTo"},
            {"relatedIdentifier": "10.5072/ref", "relatedIdentifierType": "DOI", "relationType": "References",
             "resourceTypeGeneral": "JournalArticle"},
            {"relatedIdentifier": "https://x.org/doc", "relatedIdentifierType": "URL", "relationType": "IsDocumentedBy"},
            {"relatedIdentifier": "978-3-16-148410-0", "relatedIdentifierType": "ISBN", "relationType": "Cites"},
            {"relatedIdentifier": "1234-5678", "relatedIdentifierType": "ISSN", "relationType": "IsPartOf"},
        ],
        "geoLocations": [{"geoLocationPlace": "Villigen", "geoLocationPoint": {"pointLongitude": 8.2, "pointLatitude": 47.5}}],
    }
    document = schema_org.to_jsonld(record)
    assert document["@type"] == "SoftwareSourceCode"
    assert document["sameAs"] == {"@id": "https://doi.org/10.5072/same", "@type": "CreativeWork"}
    assert document["citation"][0] == {"@id": "https://doi.org/10.5072/ref", "@type": "ScholarlyArticle"}
    assert document["citation"][1]["identifier"] == {"@type": "PropertyValue", "propertyID": "ISBN",
                                                     "value": "978-3-16-148410-0"}
    assert document["@reverse"]["citation"]["@id"] == "https://x.org/doc"
    assert document["isPartOf"] == {"@type": "Periodical", "issn": "1234-5678"}
    assert document["spatialCoverage"]["geo"] == {"@type": "GeoCoordinates", "latitude": 47.5, "longitude": 8.2}
    assert document["datePublished"] == "2024"
    assert schema_org.schema_type("Other") == "CreativeWork" == schema_org.schema_type("Instrument")
    assert expand(document)


def test_jsonld_catalog_is_optional():
    record = {"doi": "10.5072/t", "titles": [{"title": "T"}], "types": {"resourceTypeGeneral": "Dataset"}}
    assert "includedInDataCatalog" not in schema_org.to_jsonld(record)
    catalog = schema_org.to_jsonld(record, catalog={"name": "C", "url": "https://c.org/"})["includedInDataCatalog"]
    assert catalog == {"@type": "DataCatalog", "name": "C", "url": "https://c.org/"}


# --- CSL-JSON -------------------------------------------------------------------------------


def test_csl_of_every_record_renders_with_citeproc(records):
    for record in records:
        item = json.loads(citeproc.to_json(record))
        assert item == citeproc.to_csl(record)
        assert item["type"] == "dataset" and item["DOI"] == record["doi"]
        assert item["id"] == f"https://doi.org/{record['doi']}"
        assert item["issued"]["date-parts"][0][0] == int(record["publicationYear"])
        assert all(set(a) in ({"family", "given"}, {"family"}, {"literal"}) for a in item["author"])
        assert ":etal" not in json.dumps(item["author"])
        rendered = render_csl(item)
        assert item["title"] in rendered and record["publicationYear"] in rendered, rendered


def test_csl_names_and_dates():
    record = {
        "doi": "10.5072/t", "publicationYear": "2024", "titles": [{"title": "T"}],
        "types": {"resourceTypeGeneral": "Dataset"}, "version": "1.2",
        "creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe"},
                     {"name": "ESS", "nameType": "Organizational"}, {"name": ":etal"}],
        "dates": [{"date": "2023-12-30", "dateType": "Issued"}],
    }
    item = citeproc.to_csl(record)
    assert item["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "ESS"}]
    assert item["issued"] == {"date-parts": [[2024]]}  # an Issued date outside publicationYear is not used
    assert item["version"] == "1.2"
    record["dates"] = [{"date": "2024-03-05", "dateType": "Issued"}]
    assert citeproc.to_csl(record)["issued"] == {"date-parts": [[2024, 3, 5]]}


# --- BibTeX ---------------------------------------------------------------------------------


def test_bibtex_of_every_record_parses(records):
    for record in records:
        text = bibtex.to_bibtex(record)
        assert braces_balanced(text), record["doi"]
        entry = parse_bibtex(text)
        assert entry.entry_type == "misc" and re.fullmatch(r"[A-Za-z0-9._-]+", entry.key)
        fields = entry.fields_dict
        assert fields["doi"].value == record["doi"]
        assert fields["year"].value == record["publicationYear"]
        assert LATEX.latex_to_text(fields["title"].value) == record["titles"][0]["title"]
        named = [c for c in record["creators"] if c["name"] != ":etal"]
        etal = len(named) < len(record["creators"])
        assert len(fields["author"].value) == len(named) + etal, record["doi"]
        assert (fields["author"].value[-1].last == ["others"]) == etal


def test_bibtex_keys_are_safe_and_distinct():
    assert bibtex.cite_key("10.5072/ess.4f2a9c1e7b") == "10.5072_ess.4f2a9c1e7b"
    assert bibtex.cite_key("10.5072/a b{c},%") == "10.5072_a_b_c"


# --- RIS ------------------------------------------------------------------------------------


def test_ris_of_every_record_parses(records):
    for record in records:
        text = ris.to_ris(record)
        assert text.endswith("ER  - \r\n") and "\n" not in text.replace("\r\n", "")
        assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.split("\r\n")[:-1])
        [entry] = rispy.loads(text)
        assert entry["type_of_reference"] == "DATA" and entry["doi"] == record["doi"]
        assert entry["title"] == record["titles"][0]["title"] and entry["year"] == record["publicationYear"]
        assert entry["authors"] == [c["name"] for c in record["creators"] if c["name"] != ":etal"]
        assert entry["urls"] == [record["url"]]


# --- plain-text citation -------------------------------------------------------------------------


def test_text_citation_of_every_record(records):
    for record in records:
        text = citation.to_text(record)
        assert "\n" not in text and ":etal" not in text
        assert text.endswith(f"https://doi.org/{record['doi']}")
        assert f"({record['publicationYear']}). {record['titles'][0]['title']}" in text


def test_text_citation_form():
    record = {
        "doi": "10.5072/t", "publicationYear": "2024", "titles": [{"title": "Why?"}],
        "version": "3", "publisher": {"name": "PSI"},
        "creators": [{"name": "Doe, Jane", "nameType": "Personal", "givenName": "Jane", "familyName": "Doe"},
                     {"name": "ESS", "nameType": "Organizational"}, {"name": ":etal"}],
    }
    assert citation.to_text(record) == "Doe, Jane; ESS; et al. (2024). Why? Version 3. PSI. https://doi.org/10.5072/t"
    record["creators"] = [{"name": f"P{i}", "nameType": "Organizational"} for i in range(21)]
    assert citation.creators(record) == "; ".join(f"P{i}" for i in range(19)) + "; et al."
    record["creators"] = record["creators"][:20]
    assert citation.creators(record).endswith("P19")


# --- hostile text, privacy ------------------------------------------------------------------


def test_hostile_text_survives_every_format():
    record = _hostile_record()
    raw = schema_org.to_json(record)
    assert b"<" not in raw and b">" not in raw  # safe inside <script>
    document = json.loads(raw)
    assert document["name"] == HOSTILE and document["author"][0]["familyName"] == HOSTILE
    assert document["description"] == record["descriptions"][0]["description"]
    assert expand(document)

    item = json.loads(citeproc.to_json(record))
    assert item["title"] == HOSTILE and item["author"][0] == {"family": HOSTILE, "given": "Ana"}
    assert "Fe₃O₄ &" in render_csl(item)

    text = bibtex.to_bibtex(record)
    assert braces_balanced(text)
    entry = parse_bibtex(text)
    fields = entry.fields_dict
    assert LATEX.latex_to_text(fields["title"].value) == HOSTILE
    assert LATEX.latex_to_text(fields["publisher"].value) == HOSTILE
    assert LATEX.latex_to_text(fields["abstract"].value) == f"{HOSTILE} second line third"
    first, organisation, others = fields["author"].value
    # BibTeX may read lower-case words of a family name as its "von" part; printed, both join
    assert LATEX.latex_to_text(" ".join(first.von + first.last)) == HOSTILE and first.first == ["Ana"]
    assert LATEX.latex_to_text(" ".join(organisation.last)) == f"Smith and {HOSTILE}"
    assert others.last == ["others"]

    [entry] = rispy.loads(ris.to_ris(record))
    assert entry["title"] == HOSTILE and entry["publisher"] == HOSTILE
    assert entry["abstract"] == f"{HOSTILE} second line third"
    assert entry["authors"] == [f"{HOSTILE}, Ana", f"Smith and {HOSTILE}"]
    assert entry["edition"] == "2.0 {beta}"

    assert HOSTILE in citation.to_text(record)


def test_outputs_are_email_free(records):
    for record in records:
        outputs = (schema_org.to_json(record).decode(), citeproc.to_json(record).decode(),
                   bibtex.to_bibtex(record), ris.to_ris(record), citation.to_text(record))
        for output in outputs:
            assert not EMAIL.search(output), record["doi"]
