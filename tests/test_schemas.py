"""Schema manifest, schema directory resolution, integrity checks and validation helpers."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gateway import schemas
from gateway.schemas import SchemaIntegrityError, SchemaNotFound

REPO = Path(__file__).resolve().parents[1]
SHARED_XSD = Path(os.environ.get("GATEWAY_SHARED_DIR") or REPO.parent / "shared") / "xsd"
EXAMPLES = SHARED_XSD / "examples"


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    monkeypatch.delenv("GATEWAY_XSD_DIR", raising=False)
    schemas.clear_cache()
    yield
    schemas.clear_cache()


@pytest.fixture
def xsd_copy(tmp_path) -> Path:
    """A private copy of the schema directory that a test may damage."""
    target = tmp_path / "xsd"
    shutil.copytree(schemas.schema_dir(), target, ignore=shutil.ignore_patterns("examples"))
    return target


def _manifest_files() -> dict[str, str]:
    files = {}
    for entry in json.loads((REPO / "xsd" / "manifest.json").read_text())["schemas"]:
        files[entry["path"]] = entry["sha256"]
        files.update(entry.get("parts", {}))
    return files


# -- the manifest ----------------------------------------------------------------------------

def test_manifest_entries_are_complete():
    data = json.loads((REPO / "xsd" / "manifest.json").read_text())
    names = {e["name"] for e in data["schemas"]}
    assert {"oai-pmh", "oai-identifier", "oai_dc", "simpledc", "xml", "oai_datacite",
            "datacite-4.5", "datacite-4.6", "datacite-4.7"} <= names
    for entry in data["schemas"]:
        assert entry["namespace"] and entry["url"].startswith("http") and entry["path"]
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        assert set(entry["requires"]) <= names


def test_manifest_matches_the_shared_files_and_their_readme():
    files = _manifest_files()
    on_disk = {p.relative_to(SHARED_XSD).as_posix() for p in SHARED_XSD.rglob("*.xsd")}
    assert set(files) == on_disk
    for rel, sha in files.items():
        assert hashlib.sha256((SHARED_XSD / rel).read_bytes()).hexdigest() == sha, rel
    readme = dict((path[2:], sha) for sha, path in re.findall(
        r"^([0-9a-f]{64})  (\./\S+)$", (SHARED_XSD / "README.md").read_text(), re.M))
    assert readme == files


# -- finding the schema directory ------------------------------------------------------------

def test_default_directory_is_found_and_complete():
    directory = schemas.schema_dir()
    assert directory in (schemas.PROJECT_XSD.resolve(), schemas.SHARED_XSD.resolve())
    assert all((directory / rel).is_file() for rel in _manifest_files())


def test_gateway_xsd_dir_is_honoured(xsd_copy, monkeypatch):
    monkeypatch.setenv("GATEWAY_XSD_DIR", str(xsd_copy))
    assert schemas.schema_dir() == xsd_copy.resolve()
    assert schemas.datacite_schema() is not None
    # Damage the copy: only a loader that really reads GATEWAY_XSD_DIR notices.
    (xsd_copy / "oai_dc/oai_dc.xsd").write_bytes(b"<!-- changed -->")
    schemas.clear_cache()
    with pytest.raises(SchemaIntegrityError):
        schemas.oai_dc_schema()


def test_missing_gateway_xsd_dir_raises(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEWAY_XSD_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SchemaNotFound, match="GATEWAY_XSD_DIR"):
        schemas.validate_datacite(b"<resource/>")


def test_incomplete_gateway_xsd_dir_raises(xsd_copy, monkeypatch):
    (xsd_copy / "datacite/kernel-4.7/include/datacite-dateType-v4.xsd").unlink()
    monkeypatch.setenv("GATEWAY_XSD_DIR", str(xsd_copy))
    with pytest.raises(SchemaNotFound, match="datacite-dateType"):
        schemas.datacite_schema()


def test_nothing_found_raises(tmp_path, monkeypatch):
    monkeypatch.setattr(schemas, "PROJECT_XSD", tmp_path / "project")
    monkeypatch.setattr(schemas, "SHARED_XSD", tmp_path / "shared")
    for call in (schemas.datacite_schema, schemas.oai_pmh_schema, schemas.oai_dc_schema):
        with pytest.raises(SchemaNotFound):
            call()


# -- integrity -------------------------------------------------------------------------------

@pytest.mark.parametrize("damaged, loader", [
    ("datacite/kernel-4.7/metadata.xsd", schemas.datacite_schema),
    ("datacite/kernel-4.7/include/datacite-resourceType-v4.xsd", schemas.datacite_schema),
    ("oai_dc/simpledc20021212.xsd", schemas.oai_dc_schema),
    ("oai-pmh/OAI-PMH.xsd", schemas.oai_pmh_schema),
    ("datacite/oai-1.1/oai.xsd", schemas.oai_pmh_schema),
])
def test_sha256_mismatch_is_detected(xsd_copy, monkeypatch, damaged, loader):
    path = xsd_copy / damaged
    # A change that keeps the schema working: only the checksum can tell.
    path.write_bytes(path.read_bytes() + b"\n<!-- local change -->\n")
    monkeypatch.setenv("GATEWAY_XSD_DIR", str(xsd_copy))
    with pytest.raises(SchemaIntegrityError, match=re.escape(damaged.rsplit("/", 1)[1])):
        loader()


def test_unknown_kernel_is_refused():
    with pytest.raises(ValueError, match="4.5, 4.6, 4.7"):
        schemas.datacite_schema("3.1")


# -- validation ------------------------------------------------------------------------------

def _valid_examples() -> list[Path]:
    return sorted(p for sub in ("datacite", "oai_dc", "oai_datacite", "oai-pmh", "quirks")
                  for p in (EXAMPLES / sub).glob("*.xml"))


def _validate(path: Path) -> list[str]:
    data = path.read_bytes()
    if b"http://www.openarchives.org/OAI/2.0/oai_dc/" in data.split(b">", 3)[-2]:
        return schemas.validate_oai_dc(data)
    if path.parent.name == "datacite" or path.name.startswith("datacite-"):
        return schemas.validate_datacite(data)
    return schemas.validate_oai_pmh(data)


def test_example_sets_are_there():
    assert len(_valid_examples()) >= 14 and len(list((EXAMPLES / "invalid").glob("*.xml"))) >= 11


@pytest.mark.parametrize("path", _valid_examples(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_valid_examples_pass(path: Path):
    assert _validate(path) == []


@pytest.mark.parametrize("path", sorted((EXAMPLES / "invalid").glob("*.xml")), ids=lambda p: p.stem)
def test_invalid_examples_are_rejected(path: Path):
    errors = _validate(path)
    assert errors and all(isinstance(e, str) and e.startswith("line ") for e in errors)


@pytest.mark.parametrize("kernel", ["4.5", "4.6", "4.7"])
def test_each_kernel_loads(kernel):
    assert schemas.validate_datacite((EXAMPLES / "datacite-official/kernel-4.5/datacite-example-full-v4.xml").read_bytes(), kernel) == []


def test_kernel_versions_differ():
    project = (EXAMPLES / "datacite-official/kernel-4.6/datacite-example-project-v4.xml").read_bytes()
    assert schemas.validate_datacite(project, "4.6") == []
    assert schemas.validate_datacite(project, "4.5") != []  # resourceTypeGeneral="Project"


def test_not_well_formed_is_an_error_not_an_exception():
    errors = schemas.validate_oai_pmh(b"<OAI-PMH><unclosed></OAI-PMH>")
    assert len(errors) == 1 and errors[0].startswith("not well-formed XML")


def test_no_entity_expansion_or_network():
    doc = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "http://example.invalid/x">]>'
           b'<dc xmlns="http://www.openarchives.org/OAI/2.0/oai_dc/">&e;</dc>')
    assert schemas.validate_oai_dc(doc) != []  # rejected quickly, nothing fetched


def test_composite_imports_local_files_only():
    driver = schemas._driver(schemas.schema_dir(), ("oai-pmh", "datacite-4.7"))
    locations = [e.get("schemaLocation") for e in driver]
    assert locations and all(loc.startswith("file:") for loc in locations)


def test_validation_is_thread_safe():
    good = (EXAMPLES / "oai-pmh/getrecord-oai_datacite.xml").read_bytes()
    bad = (EXAMPLES / "invalid/oai-pmh-oai_datacite-bad-payload.xml").read_bytes()
    docs = [good, bad] * 100
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(schemas.validate_oai_pmh, docs))
    assert [bool(r) for r in results] == [False, True] * 100
