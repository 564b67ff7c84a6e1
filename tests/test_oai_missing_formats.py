"""A live record whose stored rendering of a format is missing (a sync that failed half-way)
is left out of that list; a page is never empty and never invalid (P10, P36)."""
from __future__ import annotations

from dataclasses import replace

from test_oai_harness import ALL_DOIS, LIVE, client_for, fill, make_settings

from gateway.store.sqlite import SQLiteStore


def store_without_oai_dc(tmp_path, settings, dois):
    store = SQLiteStore(tmp_path / "store.sqlite3")
    fill(store, settings)
    for doi in dois:
        record = store.get(doi)
        store.upsert(replace(record, formats={k: v for k, v in record.formats.items() if k != "oai_dc"}))
    return store


def test_P36_records_lacking_the_format_are_left_out_of_the_list(tmp_path):
    settings = make_settings(oai_page_size=2)
    store = store_without_oai_dc(tmp_path, settings, ["10.5072/a1"])
    pages = client_for(settings, store).harvest("ListRecords", metadataPrefix="oai_dc")
    harvested = [doi for page in pages for doi in page.dois]
    assert "10.5072/a1" not in harvested
    assert set(harvested) == set(ALL_DOIS) - {"10.5072/a1"}
    assert all(page.dois for page in pages)


def test_P10_a_page_whose_records_all_lack_the_format_reads_on(tmp_path):
    settings = make_settings(oai_page_size=2)
    first_two = [doi for doi, _, _ in sorted(LIVE, key=lambda r: (r[1], r[0]))][:2]
    store = store_without_oai_dc(tmp_path, settings, first_two)
    pages = client_for(settings, store).harvest("ListRecords", metadataPrefix="oai_dc")
    assert pages[0].dois and not set(first_two) & set(pages[0].dois)
    other_prefix = client_for(settings, store).harvest("ListRecords", metadataPrefix="oai_datacite")
    assert set(first_two) <= {doi for page in other_prefix for doi in page.dois}
