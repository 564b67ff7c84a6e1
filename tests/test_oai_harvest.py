"""OAI-PMH checklist 1.6/1.7, selective harvesting and flow control: P30-P39.

The repository holds 7 records (5 live, 2 deleted); pages hold 2 records or headers.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time

from gateway.store.base import StoredRecord
from test_oai_harness import (  # noqa: F401  (fixtures)
    ALL_DOIS, app, client_for, empty_store, make_settings, oai, oai_id, settings, stored,
    store,
)

LIST_VERBS = ["ListRecords", "ListIdentifiers"]


def dois(replies) -> list[str]:
    return [doi for reply in replies for doi in reply.dois]


def window(oai, verb="ListIdentifiers", **arguments) -> list[str]:
    return dois(oai.harvest(verb, metadataPrefix="oai_dc", **arguments))


# -- P30: inclusive bounds, day-granular until covers the day ------------------------------

def test_P30_no_bounds_is_everything(oai):
    assert window(oai) == ALL_DOIS


def test_P30_bounds_are_inclusive_in_seconds(oai):
    assert window(oai, **{"from": "2024-03-15T12:30:00Z", "until": "2024-04-01T08:00:00Z"}) == [
        "10.5072/b2", "10.5072/odd<1>#é"]
    assert window(oai, **{"from": "2024-03-15T12:30:01Z", "until": "2024-04-01T07:59:59Z"}) == []


def test_P30_day_granular_until_covers_the_whole_day(oai):
    assert window(oai, **{"from": "2024-02-01", "until": "2024-03-15"}) == [
        "10.5072/b1", "10.5072/b2"]  # b2 is at 12:30 on the 15th
    assert window(oai, until="2024-05-02") == ALL_DOIS  # gone2 is at 23:59:59
    assert window(oai, until="2024-05-01") == ALL_DOIS[:-1]


def test_P30_day_granular_from_starts_at_midnight(oai):
    assert window(oai, **{"from": "2024-01-10"})[:2] == ["10.5072/a1", "10.5072/a2"]
    assert window(oai, **{"from": "2024-01-11"})[0] == "10.5072/b1"


def test_P30_empty_window_is_noRecordsMatch(oai):
    for verb in LIST_VERBS:
        reply = oai.get({"verb": verb, "metadataPrefix": "oai_dc", "from": "2024-05-03"})
        assert reply.errors == ["noRecordsMatch"]


# -- P31: datestamps in the repository's granularity ----------------------------------------

def test_P31_header_datestamps_have_the_identify_granularity(oai):
    granularity = oai.get("verb=Identify").xpath("//o:granularity")[0].text
    assert granularity == "YYYY-MM-DDThh:mm:ssZ"
    for verb in LIST_VERBS:
        for reply in oai.harvest(verb, metadataPrefix="oai_dc"):
            stamps = [e.text for e in reply.xpath("//o:header/o:datestamp")]
            assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps)
    reply = oai.get({"verb": "GetRecord", "metadataPrefix": "oai_dc",
                     "identifier": oai_id("10.5072/b2")})
    assert reply.xpath("//o:datestamp")[0].text == "2024-03-15T12:30:00Z"


# -- P32: created, modified and deleted records in range ------------------------------------

def test_P32_deleted_records_are_part_of_a_selective_harvest(oai):
    replies = oai.harvest("ListRecords", metadataPrefix="oai_dc", **{"from": "2024-05-01"})
    assert dois(replies) == ["10.5072/gone1", "10.5072/gone2"]
    headers = [h for r in replies for h in r.xpath("//o:header")]
    assert [h.get("status") for h in headers] == ["deleted", "deleted"]


# -- P33: tokens walk the whole list ---------------------------------------------------------

@pytest.mark.parametrize("verb", LIST_VERBS)
@pytest.mark.parametrize("prefix", ["oai_dc", "oai_datacite", "datacite"])
def test_P33_following_tokens_delivers_every_record_once_in_order(oai, verb, prefix):
    replies = oai.harvest(verb, metadataPrefix=prefix)
    assert len(replies) == 4
    assert dois(replies) == ALL_DOIS
    for reply in replies[1:]:
        assert set(reply.request_attributes) == {"verb", "resumptionToken"}


def test_P33_tokens_are_url_safe(oai):
    for reply in oai.harvest("ListIdentifiers", metadataPrefix="oai_dc")[:-1]:
        assert re.fullmatch(r"[A-Za-z0-9_\-.]+", reply.token.text)


def test_P33_tokens_keep_set_and_window(oai):
    replies = oai.harvest("ListIdentifiers", metadataPrefix="oai_dc", set="year",
                          **{"from": "2024-01-10T10:00:00Z", "until": "2024-05-01T00:00:00Z"})
    assert dois(replies) == ["10.5072/a1", "10.5072/a2", "10.5072/b1", "10.5072/b2",
                             "10.5072/gone1"]


def test_P33_tokens_keep_the_metadata_prefix(oai):
    replies = oai.harvest("ListRecords", metadataPrefix="oai_datacite")
    live = [r for reply in replies for r in reply.xpath("//o:record[o:metadata]")]
    assert len(live) == 5
    assert all(r.xpath("o:metadata/oaid:oai_datacite", namespaces={
        "o": "http://www.openarchives.org/OAI/2.0/",
        "oaid": "http://schema.datacite.org/oai/oai-1.1/"}) for r in live)


# -- P34: no token on a complete list, an empty one at the end -------------------------------

def test_P34_a_single_page_list_has_no_token(oai):
    for verb in LIST_VERBS:
        reply = oai.get({"verb": verb, "metadataPrefix": "oai_dc", "set": "proposal:P2"})
        assert reply.dois == ["10.5072/b1"]
        assert reply.token is None


def test_P34_a_full_single_page_has_no_token(oai):
    # exactly one page worth of records: the look-ahead row tells there is no more
    reply = oai.get({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "proposal:P1"})
    assert reply.dois == ["10.5072/a1", "10.5072/b2"]
    assert reply.token is None


def test_P34_the_last_page_carries_an_empty_token(oai):
    last = oai.harvest("ListRecords", metadataPrefix="oai_dc")[-1]
    assert last.token is not None
    assert last.token.text is None
    assert last.token.get("completeListSize") == "7"
    assert last.token.get("cursor") == "6"
    assert last.token.get("expirationDate") is None


@pytest.mark.parametrize("until, pages, sizes", [
    ("2024-03-15", 2, [2, 2]),          # 4 records: a multiple of the page size
    ("2024-05-01", 3, [2, 2, 2]),       # 6 records
    ("2024-04-01", 3, [2, 2, 1]),       # 5 records
])
def test_P34_no_extra_empty_page_when_the_total_is_a_multiple_of_the_page_size(
        oai, until, pages, sizes):
    replies = oai.harvest("ListIdentifiers", metadataPrefix="oai_dc", until=until)
    assert [len(r.dois) for r in replies] == sizes
    assert len(replies) == pages
    assert replies[-1].token.text is None


# -- P35: token attributes -------------------------------------------------------------------

@freeze_time("2024-06-01T08:00:00Z")
def test_P35_cursor_complete_list_size_and_expiration(oai):
    replies = oai.harvest("ListRecords", metadataPrefix="oai_dc")
    assert [r.token.get("cursor") for r in replies] == ["0", "2", "4", "6"]
    assert {r.token.get("completeListSize") for r in replies} == {"7"}
    assert [r.token.get("expirationDate") for r in replies[:-1]] == ["2024-06-02T08:00:00Z"] * 3


def test_P35_complete_list_size_follows_the_selection(oai):
    reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "year"})
    assert reply.token.get("completeListSize") == "5"


def test_P35_token_lifetime_is_configurable(store):
    client = client_for(make_settings(oai_token_ttl=600), store)
    with freeze_time("2024-06-01T08:00:00Z"):
        reply = client.get("verb=ListRecords&metadataPrefix=oai_dc")
    assert reply.token.get("expirationDate") == "2024-06-01T08:10:00Z"


# -- P36: whole records only -----------------------------------------------------------------

def test_P36_pages_hold_whole_records(oai):
    for reply in oai.harvest("ListRecords", metadataPrefix="oai_dc"):
        for record in reply.xpath("//o:ListRecords/o:record"):
            header = record.xpath("o:header", namespaces={"o": record.nsmap[None]})
            assert len(header) == 1
            if header[0].get("status") != "deleted":
                assert record.xpath("o:metadata/*", namespaces={"o": record.nsmap[None]})


# -- P37: idempotent tokens, changes during a harvest -----------------------------------------

@freeze_time("2024-06-01T08:00:00Z")
@pytest.mark.parametrize("verb", LIST_VERBS)
def test_P37_replaying_the_latest_token_gives_the_same_page(oai, verb):
    replies = oai.harvest(verb, metadataPrefix="oai_dc")
    for reply in replies[1:]:
        token = reply.request_attributes["resumptionToken"]
        assert oai.get({"verb": verb, "resumptionToken": token}).body == reply.body


def test_P37_a_previous_token_is_still_accepted(oai):
    first = oai.get("verb=ListRecords&metadataPrefix=oai_dc")
    second = oai.get({"verb": "ListRecords", "resumptionToken": first.token.text})
    oai.get({"verb": "ListRecords", "resumptionToken": second.token.text})  # moved on
    again = oai.get({"verb": "ListRecords", "resumptionToken": first.token.text})
    assert again.dois == second.dois


def test_P37_records_inserted_during_a_harvest_are_neither_skipped_nor_repeated(oai, store, settings):
    first = oai.get("verb=ListIdentifiers&metadataPrefix=oai_dc")
    # sync adds two records (datestamps "now", after everything harvested so far)
    store.upsert_many([stored("10.5072/new1", "2024-06-01T00:00:00Z", ("year",), settings),
                       stored("10.5072/new0", "2024-06-01T00:00:00Z", (), settings)])
    replies = [first]
    while replies[-1].token.text:
        replies.append(oai.get({"verb": "ListIdentifiers",
                                "resumptionToken": replies[-1].token.text}))
    seen = dois(replies)
    assert seen == ALL_DOIS + ["10.5072/new0", "10.5072/new1"]
    assert len(seen) == len(set(seen))


def test_P37_a_record_changed_during_a_harvest_appears_again_with_its_new_datestamp(
        oai, store, settings):
    first = oai.get("verb=ListIdentifiers&metadataPrefix=oai_dc")
    assert first.dois == ["10.5072/a1", "10.5072/a2"]
    store.upsert(stored("10.5072/a1", "2024-06-01T00:00:00Z", (), settings, title="Changed"))
    replies = [first]
    while replies[-1].token.text:
        replies.append(oai.get({"verb": "ListIdentifiers",
                                "resumptionToken": replies[-1].token.text}))
    seen = dois(replies)
    # every unchanged record exactly once; the changed one again at its new place
    assert seen == ALL_DOIS + ["10.5072/a1"]
    assert int(replies[-1].token.get("completeListSize")) == len(seen)


def test_P37_records_deleted_during_a_harvest_are_reported_as_deleted(oai, store, settings):
    first = oai.get("verb=ListRecords&metadataPrefix=oai_dc")
    store.upsert(stored("10.5072/b2", "2024-06-01T00:00:00Z", (), settings, deleted=True))
    replies = [first]
    while replies[-1].token.text:
        replies.append(oai.get({"verb": "ListRecords", "resumptionToken": replies[-1].token.text}))
    last = replies[-1].xpath("//o:record")[-1]
    assert replies[-1].dois[-1] == "10.5072/b2"
    assert last.xpath("o:header/@status", namespaces={"o": last.nsmap[None]}) == ["deleted"]


def test_P37_when_the_rest_of_a_list_leaves_the_window_the_answer_is_noRecordsMatch(
        oai, store, settings):
    reply = oai.get({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                     "until": "2024-03-15"})
    assert reply.dois == ["10.5072/a1", "10.5072/a2"]
    for doi in ("10.5072/b1", "10.5072/b2"):  # both move past the harvest's until
        store.upsert(stored(doi, "2024-06-01T00:00:00Z", (), settings))
    follow = oai.get({"verb": "ListIdentifiers", "resumptionToken": reply.token.text})
    assert follow.errors == ["noRecordsMatch"]


# -- P38: invalid, tampered, foreign and expired tokens --------------------------------------

def _token(oai, verb="ListRecords") -> str:
    return oai.get({"verb": verb, "metadataPrefix": "oai_dc"}).token.text


def _flip(text: str, index: int) -> str:
    char = "A" if text[index] != "A" else "B"
    return text[:index] + char + text[index + 1:]


@pytest.mark.parametrize("bad", ["junk", "", "a.b", ".", "x" * 500, "%", "eyJ9.AAAA"])
def test_P38_garbage_tokens_are_badResumptionToken(oai, bad):
    for verb in LIST_VERBS:
        reply = oai.get({"verb": verb, "resumptionToken": bad})
        assert reply.errors == (["badArgument"] if bad == "" else ["badResumptionToken"])


def test_P38_tampered_tokens_are_badResumptionToken(oai):
    token = _token(oai)
    payload, mac = token.split(".")
    for tampered in (_flip(token, 3), _flip(token, len(payload) - 2), _flip(token, len(token) - 3),
                     payload + "." + mac[::-1], payload[:-4] + "." + mac, payload,
                     token + "A", "." + mac):
        assert oai.get({"verb": "ListRecords", "resumptionToken": tampered}).errors == [
            "badResumptionToken"]


def test_P38_a_token_signed_with_another_secret_is_badResumptionToken(oai, store):
    foreign = client_for(make_settings(token_secret="another-secret"), store)
    token = foreign.get("verb=ListRecords&metadataPrefix=oai_dc").token.text
    assert foreign.get({"verb": "ListRecords", "resumptionToken": token}).errors == []
    assert oai.get({"verb": "ListRecords", "resumptionToken": token}).errors == [
        "badResumptionToken"]


def test_P38_a_token_of_another_instance_with_the_same_secret_is_accepted(oai, store):
    other = client_for(make_settings(), store)
    token = other.get("verb=ListRecords&metadataPrefix=oai_dc").token.text
    assert oai.get({"verb": "ListRecords", "resumptionToken": token}).dois == [
        "10.5072/b1", "10.5072/b2"]


def test_P38_a_token_expires_after_its_lifetime(oai):
    with freeze_time("2024-06-01T08:00:00Z") as frozen:
        token = _token(oai)
        frozen.tick(timedelta(hours=24))
        assert oai.get({"verb": "ListRecords", "resumptionToken": token}).errors == []
        frozen.tick(timedelta(seconds=1))
        reply = oai.get({"verb": "ListRecords", "resumptionToken": token})
    assert reply.errors == ["badResumptionToken"]
    assert "expired" in reply.xpath("//o:error")[0].text


def test_P38_a_token_is_only_good_for_its_own_verb(oai):
    token = _token(oai, "ListIdentifiers")
    assert oai.get({"verb": "ListRecords", "resumptionToken": token}).errors == [
        "badResumptionToken"]
    assert oai.get({"verb": "ListSets", "resumptionToken": token}).errors == [
        "badResumptionToken"]


def test_P38_secrets_are_per_process_in_demo_mode(store):
    first = client_for(make_settings(token_secret=None), store)
    second = client_for(make_settings(token_secret=None), store)
    token = first.get("verb=ListRecords&metadataPrefix=oai_dc").token.text
    assert first.get({"verb": "ListRecords", "resumptionToken": token}).errors == []
    assert second.get({"verb": "ListRecords", "resumptionToken": token}).errors == [
        "badResumptionToken"]


# -- P39: small repositories may answer in one piece -----------------------------------------

def test_P39_with_default_page_sizes_this_repository_answers_in_one_response(store):
    client = client_for(make_settings(oai_page_size=100, oai_header_page_size=500), store)
    for verb in LIST_VERBS:
        reply = client.get({"verb": verb, "metadataPrefix": "oai_dc"})
        assert reply.dois == ALL_DOIS
        assert reply.token is None


def test_P39_header_and_record_pages_have_their_own_sizes(store):
    client = client_for(make_settings(oai_page_size=3, oai_header_page_size=5), store)
    assert len(client.get("verb=ListRecords&metadataPrefix=oai_dc").dois) == 3
    assert len(client.get("verb=ListIdentifiers&metadataPrefix=oai_dc").dois) == 5


def test_P39_default_settings_and_their_environment_variables():
    from gateway.config import ConfigError, Settings
    defaults = Settings.from_env({})
    assert (defaults.oai_page_size, defaults.oai_header_page_size) == (100, 500)
    assert defaults.oai_token_ttl == 24 * 3600
    configured = Settings.from_env({"GATEWAY_OAI_PAGE_SIZE": "50",
                                    "GATEWAY_OAI_HEADER_PAGE_SIZE": "250",
                                    "GATEWAY_OAI_TOKEN_TTL": "3600"})
    assert (configured.oai_page_size, configured.oai_header_page_size,
            configured.oai_token_ttl) == (50, 250, 3600)
    for bad in ("0", "-1", "ten", "1.5"):
        with pytest.raises(ConfigError):
            Settings.from_env({"GATEWAY_OAI_PAGE_SIZE": bad})


# -- records whose stored renderings are incomplete ------------------------------------------

def test_a_live_header_missing_from_the_store_is_rendered_when_listed(empty_store, settings):
    full = stored("10.5072/h", "2024-01-01T00:00:00Z", ("year",), settings)
    partial = StoredRecord(full.identifier, full.datestamp, sets=full.sets,
                           formats={"oai_dc": full.formats["oai_dc"]})
    empty_store.upsert_many([partial, stored("10.5072/z", "2024-01-02T00:00:00Z", (), settings)])
    client = client_for(settings, empty_store)
    reply = client.get("verb=ListIdentifiers&metadataPrefix=oai_dc")
    assert reply.dois == ["10.5072/h", "10.5072/z"]
    assert [e.text for e in reply.xpath("//o:header[1]/o:setSpec")] == ["year"]
    # a format that was never rendered for it is left out rather than failing the page
    assert client.get("verb=ListRecords&metadataPrefix=datacite").dois == ["10.5072/z"]
