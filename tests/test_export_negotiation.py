"""Choosing an export format from ?format= and Accept: q-values, wildcards, ties, aliases."""
from __future__ import annotations

import pytest

from gateway.export.formats import BULK_OFFERS, RECORD_OFFERS, content_type
from gateway.export.negotiation import Choice, negotiate, parse_accept, quality, select
from gateway.rendering import EXPORT_FORMATS


def chosen(accept: str | None) -> str | None:
    choice = negotiate(accept, RECORD_OFFERS)
    return None if choice is None else choice.name


def test_every_export_format_is_offered_under_its_media_type():
    assert [offer.name for offer in RECORD_OFFERS] == list(EXPORT_FORMATS)
    for name, (media_type, _) in EXPORT_FORMATS.items():
        choice = negotiate(media_type, RECORD_OFFERS)
        # application/xml is DataCite XML's alias, so oai_dc is only reached by name
        expected = "datacite-xml" if media_type == "application/xml" else name
        assert choice.name == expected, media_type


@pytest.mark.parametrize("media_type, name", [
    ("application/vnd.datacite.datacite+xml", "datacite-xml"),
    ("application/vnd.datacite.datacite+json", "datacite-json"),
    ("application/vnd.api+json", "datacite-rest"),
    ("application/ld+json", "schema.org"),
    ("application/vnd.citationstyles.csl+json", "citeproc"),
    ("application/x-bibtex", "bibtex"),
    ("application/x-research-info-systems", "ris"),
    ("text/x-bibliography", "citation"),
    ("application/xml", "datacite-xml"),
])
def test_datacite_content_negotiation_names(media_type, name):
    assert chosen(media_type) == name


@pytest.mark.parametrize("accept", [None, "", "*/*", "application/*", "garbage", ",,,"])
def test_anything_goes_gives_the_server_preference(accept):
    assert chosen(accept) == "datacite-xml"


def test_higher_q_wins():
    assert chosen("application/vnd.datacite.datacite+xml;q=0.5, application/ld+json") == "schema.org"
    assert chosen("application/x-bibtex;q=0.2, text/x-bibliography;q=0.9") == "citation"


def test_a_tie_goes_to_the_server_preference():
    assert chosen("application/ld+json, application/vnd.datacite.datacite+json") == "datacite-json"
    assert chosen("text/*, application/*") == "datacite-xml"


def test_the_most_specific_range_decides():
    # */* admits everything, but XML (DataCite's and its alias) is refused by name
    assert chosen("*/*, application/vnd.datacite.datacite+xml;q=0, application/xml;q=0") == "datacite-json"
    assert chosen("application/*;q=0, */*;q=0.1") == "citation"
    assert chosen("application/*;q=0.3, application/ld+json;q=0.2, text/*;q=0.25") == "datacite-xml"


def test_q_zero_everywhere_and_unknown_types_choose_nothing():
    assert chosen("application/json") is None
    assert chosen("text/html, image/png;q=0.5") is None
    assert chosen("*/*;q=0") is None


def test_browser_accept_header_gets_datacite_xml_as_application_xml():
    choice = negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RECORD_OFFERS)
    assert choice == Choice("datacite-xml", "application/xml", alias=True)


def test_media_types_are_case_insensitive_and_other_parameters_ignored():
    assert chosen("Application/X-BibTeX") == "bibtex"
    assert chosen("text/x-bibliography; style=apa; locale=en-US") == "citation"
    assert chosen("text/x-bibliography; style=apa; q=0.5, application/x-bibtex; q=0.4") == "citation"


@pytest.mark.parametrize("bad", ["application/ld+json;q=2", "application/ld+json;q=0.0001",
                                 "application/ld+json;q=x", "application", "*/json", "a b/c"])
def test_malformed_ranges_are_skipped(bad):
    assert parse_accept(bad) == []
    assert chosen(bad + ", text/x-bibliography") == "citation"


def test_a_q_value_is_read_without_the_space_around_it():
    # str.strip() takes \x1c-\x1f for space, float() does not: once a ValueError (a 500).
    for space in (" ", "\t", "\xa0", "\x1c", "\x1f"):
        assert parse_accept(f"application/ld+json;q={space}0.5{space}")[0].q == 0.5, repr(space)


def test_quality_of_a_media_type():
    ranges = parse_accept("text/*;q=0.4, text/x-bibliography;q=0.7, */*;q=0.1")
    assert quality(ranges, "text/x-bibliography") == 0.7
    assert quality(ranges, "text/plain") == 0.4
    assert quality(ranges, "application/zip") == 0.1


def test_format_argument_wins_over_accept():
    assert select("ris", "application/ld+json", RECORD_OFFERS) == Choice("ris", "application/x-research-info-systems")
    assert select("oai_dc", None, RECORD_OFFERS) == Choice("oai_dc", "application/xml")
    assert select("datacite", "*/*", RECORD_OFFERS) is None
    assert select("application/ld+json", None, RECORD_OFFERS) is None  # names, not media types


def test_bulk_defaults_to_ndjson():
    assert select(None, None, BULK_OFFERS).name == "ndjson"
    assert select(None, "*/*", BULK_OFFERS).name == "ndjson"
    assert select(None, "application/zip", BULK_OFFERS).name == "zip"
    assert select(None, "application/x-ndjson;q=0.1, application/zip", BULK_OFFERS).name == "zip"
    assert select(None, "application/vnd.datacite.datacite+xml", BULK_OFFERS) is None


def test_text_formats_name_their_charset():
    assert content_type("text/x-bibliography") == "text/x-bibliography; charset=utf-8"
    assert content_type("application/x-bibtex") == "application/x-bibtex; charset=utf-8"
    assert content_type("application/vnd.api+json") == "application/vnd.api+json"  # JSON:API: no parameters
