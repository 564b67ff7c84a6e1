"""End to end: SciCat documents in SecantusDB -> ``scicat-gateway sync`` -> gunicorn -> harvesters.

Both fixture sets (the scicatlive seed in the LoopBack v3 shape and the v4 documents) go
into one fresh database of the session's embedded server. The real ``sync`` command fills
a SQLite record store, gunicorn serves it on loopback with two workers and small pages,
and two independent OAI-PMH client libraries, Sickle and oaipmh-scythe, harvest it over
GET and POST. Every raw page the clients receive is validated against the composite
OAI-PMH schema (payload schemas included).

Test names cite the checklist items of the shared standards notes (P1-P50) they prove.
"""
from __future__ import annotations

import gzip
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest
from lxml import etree
from oaipmh_scythe import Scythe
from oaipmh_scythe import exceptions as scythe_errors
from oaipmh_scythe.config import HTTPConfig
from sickle import Sickle
from sickle import oaiexceptions as sickle_errors

from gateway.embedded import free_port, load_seed_file, seed
from gateway.schemas import validate_oai_pmh

REPO_DIR = Path(__file__).resolve().parent.parent
FIXTURE_SETS = ("scicatlive-seed", "v4")
PREFIXES = ("oai_dc", "oai_datacite", "datacite")
# Statuses a harvester may see; `private` must never leave the gateway.
PUBLIC_STATUSES = {"registered", "public", "amended"}
REPOSITORY_ID = "gateway.example.org"
ID_PREFIX = f"oai:{REPOSITORY_ID}:"
PAGE_SIZE = 3         # ListRecords
HEADER_PAGE_SIZE = 4  # ListIdentifiers
HTTP_TIMEOUT = 30     # seconds, for every request a client makes
START_TIMEOUT = 45    # seconds for gunicorn to answer
STOP_TIMEOUT = 20     # seconds for gunicorn to stop after SIGTERM

OAI = "{http://www.openarchives.org/OAI/2.0/}"
PAYLOAD_NAMESPACES = {
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "oai_datacite": "http://schema.datacite.org/oai/oai-1.1/",
    "datacite": "http://datacite.org/schema/kernel-4",
}
SUMMARY = re.compile(r"read (\d+), changed (\d+), deleted (\d+), problems (\d+) \(\d+\.\d s\)")


# -- clients that keep every raw page --------------------------------------------


class RecordingSickle(Sickle):
    """Sickle that keeps (method, arguments, body) of every response it parses."""

    def __init__(self, endpoint: str, **kwargs) -> None:
        super().__init__(endpoint, timeout=HTTP_TIMEOUT, **kwargs)
        self.pages: list[tuple[str, dict, bytes]] = []

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        self.pages.append((response.http_response.request.method, dict(kwargs),
                           response.http_response.content))
        return response


class RecordingScythe(Scythe):
    """oaipmh-scythe that keeps (method, arguments, body) of every response it parses."""

    def __init__(self, endpoint: str, method: str = "GET") -> None:
        super().__init__(endpoint, http_config=HTTPConfig(http_method=method, timeout=HTTP_TIMEOUT))
        self.pages: list[tuple[str, dict, bytes]] = []

    def _request_with_retry(self, query):
        # The one place every response passes, before the client raises for an OAI error.
        response = super()._request_with_retry(query)
        self.pages.append((response.request.method, dict(query), response.content))
        return response


def assert_pages_valid(pages) -> None:
    assert pages, "the client made no request"
    for method, args, body in pages:
        problems = validate_oai_pmh(body)
        assert not problems, f"{method} {args}: {problems[:5]}"


def doi_of(identifier: str) -> str:
    assert identifier.startswith(ID_PREFIX), identifier
    return unquote(identifier[len(ID_PREFIX):])


def c14n(element) -> bytes:
    return etree.tostring(element, method="c14n")


def parse_datestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def format_datestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the running system ------------------------------------------------------------


def _clean_env(**settings: str) -> dict[str, str]:
    """The process environment without any GATEWAY_* of the caller, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update(settings)
    return env


@pytest.fixture(scope="module", autouse=True)
def no_proxy_for_loopback():
    """Clients honour *_proxy variables; requests to 127.0.0.1 must not go through one."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, ",".join(filter(None, [os.environ.get(name), "127.0.0.1", "localhost"])))
        yield


@pytest.fixture(scope="module")
def public_dois(fixtures_dir) -> set[str]:
    """The DOIs a harvester must see: every fixture record with a public status."""
    dois = set()
    for folder in FIXTURE_SETS:
        for doc in load_seed_file(fixtures_dir / folder / "PublishedData.json"):
            if doc.get("status") in PUBLIC_STATUSES:
                dois.add(doc.get("doi") or doc["_id"])
    return dois


@pytest.fixture(scope="module")
def scicat_db(mongo_client, fixtures_dir):
    """A fresh database holding both fixture sets (their ids do not clash)."""
    name = "e2e_" + uuid.uuid4().hex[:12]
    db = mongo_client[name]
    for folder in FIXTURE_SETS:
        seed(db, fixtures_dir / folder)
    yield db
    mongo_client.drop_database(name)


@pytest.fixture(scope="module")
def synced(mongo, scicat_db, tmp_path_factory):
    """Runs the real `scicat-gateway sync` command once; its store and its output."""
    store = tmp_path_factory.mktemp("e2e") / "store.sqlite3"
    env = _clean_env(
        GATEWAY_MONGODB_URI=mongo.uri + "/?directConnection=true",
        GATEWAY_SCICAT_DB=scicat_db.name,
        GATEWAY_STORE=f"sqlite:///{store}",
        GATEWAY_REPOSITORY_IDENTIFIER=REPOSITORY_ID,
    )
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "sync"], cwd=REPO_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return store, done.stdout


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, http.client.HTTPException):
        return False


def _start_gunicorn(store: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free loopback port; retried on another port if that one was taken."""
    for _attempt in range(3):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = _clean_env(
            GATEWAY_STORE=f"sqlite:///{store}",
            GATEWAY_BASE_URL=base,
            GATEWAY_TOKEN_SECRET="e2e-" + uuid.uuid4().hex,
            GATEWAY_OAI_PAGE_SIZE=str(PAGE_SIZE),
            GATEWAY_OAI_HEADER_PAGE_SIZE=str(HEADER_PAGE_SIZE),
            GATEWAY_REPOSITORY_IDENTIFIER=REPOSITORY_ID,
        )
        with open(log_path, "ab") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                 "--timeout", "60", "--graceful-timeout", "10", "wsgi:app"],
                cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)  # its own process group, so its workers can be reached
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and server.poll() is None:
            if _answers(base + "/oai?verb=Identify"):
                return server, base
            time.sleep(0.2)
        running = server.poll() is None
        _stop(server)
        if running:
            break  # alive but silent: another port would not help
    raise RuntimeError("gunicorn did not answer:\n" + log_path.read_text(errors="replace")[-3000:])


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
    try:
        server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def base_url(synced, tmp_path_factory):
    """The served base URL (without /oai); gunicorn stops when the module is done."""
    store, _ = synced
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    server, base = _start_gunicorn(store, log_path)
    try:
        yield base
    finally:
        _stop(server)


@pytest.fixture(scope="module")
def oai_url(base_url) -> str:
    return base_url + "/oai"


@pytest.fixture(scope="module")
def sickle_records(oai_url) -> dict[str, tuple[list, list]]:
    """Sickle's complete GET ListRecords harvest of each format: (records, raw pages)."""
    harvested = {}
    for prefix in PREFIXES:
        client = RecordingSickle(oai_url)
        harvested[prefix] = (list(client.ListRecords(metadataPrefix=prefix)), client.pages)
    return harvested


@pytest.fixture(scope="module")
def datestamps(sickle_records) -> list[datetime]:
    records, _ = sickle_records["oai_dc"]
    return sorted(parse_datestamp(r.header.datestamp) for r in records)


# -- sync ------------------------------------------------------------------------------


def test_sync_command_prints_one_summary_line(synced, public_dois):
    _, out = synced
    lines = out.splitlines()
    assert len(lines) == 1, lines
    match = SUMMARY.fullmatch(lines[0])
    assert match, lines[0]
    read, changed, deleted, problems = (int(n) for n in match.groups())
    # Every PublishedData is read; the private one is not stored.
    assert read == len(public_dois) + 1
    assert (changed, deleted, problems) == (len(public_dois), 0, 0)


# -- complete harvests ---------------------------------------------------------------


def _token_element(body: bytes):
    return etree.fromstring(body).find(f".//{OAI}resumptionToken")


def _assert_flow_control(pages, page_size: int, total: int) -> None:
    """Tokens followed to the end: cursor counts what came before, last token empty (P33-P35)."""
    expected_pages = -(-total // page_size)
    assert len(pages) == expected_pages >= 2, "small pages must give several responses"
    for number, (_, args, body) in enumerate(pages):
        token = _token_element(body)
        assert token is not None, f"page {number} has no resumptionToken"
        assert token.get("cursor") == str(number * page_size)
        assert token.get("completeListSize") == str(total)
        last = number == len(pages) - 1
        assert bool(token.text) != last, f"page {number}: token {token.text!r}"
        if number:
            assert set(args) == {"verb", "resumptionToken"}  # exclusive argument (P33)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_P33_P34_sickle_get_harvests_every_format_completely(sickle_records, public_dois, prefix):
    records, pages = sickle_records[prefix]
    identifiers = [r.header.identifier for r in records]
    assert len(identifiers) == len(set(identifiers)), Counter(identifiers).most_common(3)
    assert {doi_of(i) for i in identifiers} == public_dois
    assert "10.5072/ess.private01" not in {doi_of(i) for i in identifiers}
    assert all(method == "GET" for method, _, _ in pages)
    assert_pages_valid(pages)
    _assert_flow_control(pages, PAGE_SIZE, len(public_dois))
    for record in records:
        assert not record.deleted
        payload = record.xml.find(f"{OAI}metadata")[0]
        assert etree.QName(payload).namespace == PAYLOAD_NAMESPACES[prefix]


def test_P1_P2_sickle_post_harvests_records_and_identifiers(oai_url, sickle_records, public_dois):
    client = RecordingSickle(oai_url, http_method="POST")
    records = list(client.ListRecords(metadataPrefix="oai_datacite"))
    record_pages = list(client.pages)
    headers = list(client.ListIdentifiers(metadataPrefix="oai_dc"))
    header_pages = client.pages[len(record_pages):]

    assert all(method == "POST" for method, _, _ in client.pages)
    assert_pages_valid(client.pages)
    get_records, _ = sickle_records["oai_datacite"]
    assert {r.header.identifier: c14n(r.xml) for r in records} == \
        {r.header.identifier: c14n(r.xml) for r in get_records}
    assert len(headers) == len({h.identifier for h in headers})
    assert {doi_of(h.identifier) for h in headers} == public_dois
    _assert_flow_control(record_pages, PAGE_SIZE, len(public_dois))
    _assert_flow_control(header_pages, HEADER_PAGE_SIZE, len(public_dois))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_P1_scythe_list_records_matches_sickle(oai_url, sickle_records, method):
    for prefix in PREFIXES:
        client = RecordingScythe(oai_url, method)
        with client:
            records = list(client.list_records(metadata_prefix=prefix))
        assert all(m == method for m, _, _ in client.pages)
        assert_pages_valid(client.pages)
        theirs, _ = sickle_records[prefix]
        ours = {r.header.identifier: c14n(r.xml) for r in records}
        assert len(ours) == len(records), f"{prefix}: duplicate identifiers"
        assert ours == {r.header.identifier: c14n(r.xml) for r in theirs}, prefix


def test_scythe_list_identifiers_matches_sickle_headers(oai_url, sickle_records):
    with RecordingScythe(oai_url) as client:
        headers = list(client.list_identifiers(metadata_prefix="datacite"))
    assert_pages_valid(client.pages)
    records, _ = sickle_records["datacite"]
    # ListIdentifiers gives the same headers as ListRecords for that format.
    assert {h.identifier: c14n(h.xml) for h in headers} == \
        {r.header.identifier: c14n(r.header.xml) for r in records}
    _assert_flow_control(client.pages, HEADER_PAGE_SIZE, len(records))


def test_P48_P49_list_sets_through_both_clients_cover_every_header_set(oai_url, sickle_records):
    with RecordingScythe(oai_url) as client:
        scythe_sets = {s.setSpec: s.setName for s in client.list_sets()}
    assert_pages_valid(client.pages)
    sickle_sets = {s.setSpec: s.setName for s in Sickle(oai_url, timeout=HTTP_TIMEOUT).ListSets()}
    assert scythe_sets == sickle_sets
    assert all(scythe_sets.values()), "every set needs a name"
    for prefix in PREFIXES:
        records, _ = sickle_records[prefix]
        for record in records:
            specs = set(record.header.setSpecs)
            assert specs <= set(scythe_sets), (record.header.identifier, specs - set(scythe_sets))
            # A child implies its parent (P49).
            assert {s.rpartition(":")[0] for s in specs if ":" in s} <= specs


def test_P42_P45_list_metadata_formats_through_both_clients(oai_url, sickle_records):
    with RecordingScythe(oai_url) as client:
        scythe_formats = {f.metadataPrefix: (f.schema, f.metadataNamespace)
                          for f in client.list_metadata_formats()}
        identifier = sickle_records["oai_dc"][0][0].header.identifier
        item_formats = {f.metadataPrefix for f in client.list_metadata_formats(identifier=identifier)}
    assert_pages_valid(client.pages)
    sickle_formats = {f.metadataPrefix: (f.schema, f.metadataNamespace)
                      for f in Sickle(oai_url, timeout=HTTP_TIMEOUT).ListMetadataFormats()}
    assert scythe_formats == sickle_formats
    assert set(scythe_formats) == set(PREFIXES) == item_formats
    assert {p: ns for p, (_, ns) in scythe_formats.items()} == PAYLOAD_NAMESPACES


# -- Identify and GetRecord ---------------------------------------------------------


def test_P20_P21_identify_base_url_is_the_served_url(base_url, oai_url, datestamps):
    with RecordingScythe(oai_url) as client:
        identify = client.identify()
    assert_pages_valid(client.pages)
    assert identify.baseURL == base_url + "/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert parse_datestamp(identify.earliestDatestamp) <= datestamps[0]
    assert Sickle(oai_url, timeout=HTTP_TIMEOUT).Identify().baseURL == base_url + "/oai"
    post = RecordingSickle(oai_url, http_method="POST")
    assert post.Identify().baseURL == base_url + "/oai"
    assert_pages_valid(post.pages)


def test_P24_get_record_for_every_doi_with_a_slash_through_both_clients(oai_url, sickle_records):
    listed = {r.header.identifier: c14n(r.xml) for r in sickle_records["oai_datacite"][0]}
    assert all("/" in doi_of(identifier) for identifier in listed)
    sickle_get = RecordingSickle(oai_url)
    sickle_post = RecordingSickle(oai_url, http_method="POST")
    with RecordingScythe(oai_url) as scythe:
        for identifier, expected in listed.items():
            for record in (sickle_get.GetRecord(identifier=identifier, metadataPrefix="oai_datacite"),
                           sickle_post.GetRecord(identifier=identifier, metadataPrefix="oai_datacite"),
                           scythe.get_record(identifier=identifier, metadata_prefix="oai_datacite")):
                assert record.header.identifier == identifier
                # The same record as in the list (P31: one datestamp per record and format).
                assert c14n(record.xml) == expected
    for client in (sickle_get, sickle_post, scythe):
        assert_pages_valid(client.pages)


def test_P41_get_record_of_the_private_doi_is_unknown_to_both_clients(oai_url):
    identifier = ID_PREFIX + "10.5072/ess.private01"
    with pytest.raises(sickle_errors.IdDoesNotExist):
        Sickle(oai_url, timeout=HTTP_TIMEOUT).GetRecord(identifier=identifier, metadataPrefix="oai_dc")
    with RecordingScythe(oai_url) as client, pytest.raises(scythe_errors.IdDoesNotExist):
        client.get_record(identifier=identifier, metadata_prefix="oai_dc")
    assert_pages_valid(client.pages)


# -- selective harvesting ---------------------------------------------------------


def test_P30_from_until_seconds_through_sickle(oai_url, datestamps, public_dois):
    first, last = datestamps[0], datestamps[-1]
    client = RecordingSickle(oai_url)
    inclusive = list(client.ListIdentifiers(**{"metadataPrefix": "oai_dc",
                                               "from": format_datestamp(first),
                                               "until": format_datestamp(last)}))
    assert {doi_of(h.identifier) for h in inclusive} == public_dois
    with pytest.raises(sickle_errors.NoRecordsMatch):
        list(client.ListIdentifiers(**{"metadataPrefix": "oai_dc",
                                       "until": format_datestamp(first - timedelta(seconds=1))}))
    with pytest.raises(sickle_errors.NoRecordsMatch):
        list(client.ListRecords(**{"metadataPrefix": "oai_dc",
                                   "from": format_datestamp(last + timedelta(seconds=1))}))
    assert_pages_valid(client.pages)


def test_P26_P30_from_until_days_through_scythe(oai_url, datestamps, public_dois):
    first, last = datestamps[0], datestamps[-1]
    with RecordingScythe(oai_url, "POST") as client:
        # A day-granular until covers that whole UTC day.
        days = list(client.list_records(metadata_prefix="oai_dc", from_=first.strftime("%Y-%m-%d"),
                                        until=last.strftime("%Y-%m-%d")))
        with pytest.raises(scythe_errors.NoRecordsMatch):
            list(client.list_identifiers(metadata_prefix="oai_dc",
                                         until=(first - timedelta(days=1)).strftime("%Y-%m-%d")))
    assert {doi_of(r.header.identifier) for r in days} == public_dois
    assert_pages_valid(client.pages)


def _members(records, spec: str) -> set[str]:
    return {r.header.identifier for r in records if spec in r.header.setSpecs}


def test_P50_year_set_harvest_through_scythe(oai_url, sickle_records, datestamps):
    records, _ = sickle_records["oai_datacite"]
    years = Counter(s for r in records for s in r.header.setSpecs if s.startswith("year:"))
    spec = years.most_common(1)[0][0]  # the year with most records, so tokens are followed
    assert years[spec] > PAGE_SIZE
    with RecordingScythe(oai_url) as client:
        in_set = list(client.list_records(metadata_prefix="oai_datacite", set_=spec))
        in_set_and_range = list(client.list_identifiers(
            metadata_prefix="oai_datacite", set_=spec,
            from_=format_datestamp(datestamps[0]), until=format_datestamp(datestamps[-1])))
        parent = list(client.list_identifiers(metadata_prefix="oai_datacite", set_="year"))
        with pytest.raises(scythe_errors.NoRecordsMatch):
            list(client.list_identifiers(metadata_prefix="oai_datacite", set_="year:1900"))
    assert_pages_valid(client.pages)
    assert {r.header.identifier for r in in_set} == _members(records, spec)
    assert {h.identifier for h in in_set_and_range} == _members(records, spec)
    # Harvesting a set includes its descendants: every record with a year is in `year`.
    assert {h.identifier for h in parent} == {
        r.header.identifier for r in records if any(s.startswith("year:") for s in r.header.setSpecs)}
    assert all(spec in r.header.setSpecs for r in in_set)


def test_P50_set_harvest_through_sickle_post(oai_url, sickle_records):
    records, _ = sickle_records["oai_dc"]
    client = RecordingSickle(oai_url, http_method="POST")
    for spec in sorted({s for r in records for s in r.header.setSpecs if s.startswith("instrument:")}):
        headers = list(client.ListIdentifiers(metadataPrefix="oai_dc", set=spec))
        assert {h.identifier for h in headers} == _members(records, spec), spec
    assert_pages_valid(client.pages)


# -- HTTP details -----------------------------------------------------------------


def _raw_request(base_url: str, method: str, args: dict, headers: dict) -> http.client.HTTPResponse:
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=HTTP_TIMEOUT)
    body = urlencode(args)
    if method == "GET":
        conn.request("GET", "/oai?" + body, headers=headers)
    else:
        conn.request("POST", "/oai", body=body,
                     headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.body = response.read()  # read before the connection goes
    conn.close()
    return response


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_P7_gzip_on_request(base_url, method):
    args = {"verb": "ListRecords", "metadataPrefix": "datacite"}
    response = _raw_request(base_url, method, args, {"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Type").startswith("text/xml")
    body = gzip.decompress(response.body)
    assert validate_oai_pmh(body) == []
    assert etree.fromstring(body).find(f"{OAI}ListRecords") is not None
    plain = _raw_request(base_url, method, args, {})
    assert plain.getheader("Content-Encoding") in (None, "identity")
    assert validate_oai_pmh(plain.body) == []


def _page_and_token(body: bytes) -> tuple[bytes, str]:
    """The page without what a later re-issue may change: the new token's issue and expiry time.

    The records, the cursor and completeListSize must stay the same (P37); the token's text carries
    its issue time, so a re-issue one second later gives another text for the same position.
    """
    assert validate_oai_pmh(body) == []
    root = etree.fromstring(body)
    assert root.find(f"{OAI}error") is None, body[:500]
    listing = root.find(f"{OAI}ListRecords")
    token = listing.find(f"{OAI}resumptionToken")
    text = token.text
    token.text = None
    token.attrib.pop("expirationDate")
    return c14n(listing), text


def _records_of(base_url: str, token: str) -> bytes:
    response = _raw_request(base_url, "GET", {"verb": "ListRecords", "resumptionToken": token}, {})
    root = etree.fromstring(response.body)
    return b"".join(c14n(record) for record in root.iter(f"{OAI}record"))


def test_P37_a_reissued_token_gives_the_same_page_from_either_worker(base_url):
    first = _raw_request(base_url, "GET", {"verb": "ListRecords", "metadataPrefix": "oai_dc"}, {})
    token = _token_element(first.body).text
    assert token
    pages, next_tokens = set(), set()
    for attempt in range(6):  # two workers: several requests reach both
        response = _raw_request(base_url, "GET" if attempt % 2 else "POST",
                                {"verb": "ListRecords", "resumptionToken": token}, {})
        page, next_token = _page_and_token(response.body)
        pages.add(page)
        next_tokens.add(next_token)
    assert len(pages) == 1
    following = {_records_of(base_url, each) for each in next_tokens}
    assert len(following) == 1 and following != {b""}
