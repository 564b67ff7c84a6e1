"""The official XML schemas: find them locally, check them, validate documents with them.

Schemas are never fetched. The directory is ``GATEWAY_XSD_DIR`` when set (and must then
be complete), else the project's ``xsd/`` folder if it holds the files, else
``../shared/xsd`` beside the checkout. ``xsd/manifest.json`` lists every file with its
sha256; each schema is checked against it when first loaded, so a changed or
unofficial file is an error rather than a silently different validation.

Validation uses libxml2 (lxml) because tests and sync validate thousands of documents.
OAI-PMH.xsd checks ``<metadata>`` content with strict wildcards, so OAI-PMH responses
are validated with a composite schema: a small driver importing every namespace the
gateway emits, one DataCite kernel among them.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from gateway.config import Settings

REPO = Path(__file__).resolve().parents[1]
PROJECT_XSD = REPO / "xsd"
SHARED_XSD = REPO.parent / "shared" / "xsd"
MANIFEST = PROJECT_XSD / "manifest.json"
DEFAULT_KERNEL = "4.7"

NS_XS = "http://www.w3.org/2001/XMLSchema"
_DRIVER_NS = "urn:x-scicat-gateway:schema-driver"
# The namespaces an OAI-PMH response of this gateway may contain (besides kernel-4).
_COMPOSITE = ("oai-pmh", "oai-identifier", "oai_dc", "simpledc", "oai_datacite")

_PARSER = etree.XMLParser(no_network=True, resolve_entities=False, huge_tree=True)


class SchemaError(RuntimeError):
    """The schemas cannot be used."""


class SchemaNotFound(SchemaError):
    """No directory with the schema files was found."""


class SchemaIntegrityError(SchemaError):
    """A schema file differs from the one recorded in the manifest."""


@dataclass(frozen=True)
class Entry:
    name: str
    namespace: str
    url: str
    path: str
    sha256: str
    requires: tuple[str, ...] = ()
    parts: dict = field(default_factory=dict)

    def files(self) -> dict[str, str]:
        """Relative path -> sha256 of the file itself and everything it includes."""
        return {self.path: self.sha256, **self.parts}


@lru_cache(maxsize=1)
def manifest() -> dict[str, Entry]:
    """The schema manifest, by schema name."""
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return {
        item["name"]: Entry(
            name=item["name"], namespace=item["namespace"], url=item["url"],
            path=item["path"], sha256=item["sha256"],
            requires=tuple(item.get("requires", ())), parts=dict(item.get("parts", {})),
        )
        for item in data["schemas"]
    }


def _all_files() -> dict[str, str]:
    files: dict[str, str] = {}
    for entry in manifest().values():
        files.update(entry.files())
    return files


def _missing(directory: Path) -> list[str]:
    return [rel for rel in _all_files() if not (directory / rel).is_file()]


def schema_dir(configured: Path | str | None = None) -> Path:
    """The directory the schemas are read from (see the module docstring for the order)."""
    if configured is None:
        configured = Settings.from_env().xsd_dir
    return _resolve(None if configured is None else str(configured))


@lru_cache(maxsize=16)
def _resolve(configured: str | None) -> Path:
    """Looking for the files costs a stat each; validation runs for every record of a sync."""
    if configured is not None:
        directory = Path(configured)
        missing = _missing(directory)
        if missing:
            raise SchemaNotFound(
                f"GATEWAY_XSD_DIR={directory} lacks {len(missing)} schema file(s), "
                f"e.g. {missing[0]}; it must be laid out like ../shared/xsd")
        return directory.resolve()
    for candidate in (PROJECT_XSD, SHARED_XSD):
        if not _missing(candidate):
            return candidate.resolve()
    raise SchemaNotFound(
        f"no XML schema directory found: set GATEWAY_XSD_DIR, or put the files listed in "
        f"{MANIFEST.relative_to(REPO)} into {PROJECT_XSD} or {SHARED_XSD}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify(directory: Path, name: str) -> None:
    """Check the files of schema ``name`` (and what it requires) against the manifest."""
    entries = manifest()
    pending, done = [name], set()
    while pending:
        entry = entries[pending.pop()]
        if entry.name in done:
            continue
        done.add(entry.name)
        pending.extend(entry.requires)
        for rel, expected in entry.files().items():
            actual = _sha256(directory / rel)
            if actual != expected:
                raise SchemaIntegrityError(
                    f"{directory / rel}: sha256 {actual} differs from the manifest's "
                    f"{expected}; the file is not the recorded official version")


def _kernel_entry(kernel: str) -> str:
    name = f"datacite-{kernel}"
    if name not in manifest():
        kernels = sorted(n.split("-", 1)[1] for n in manifest() if n.startswith("datacite-"))
        raise ValueError(f"unknown DataCite kernel {kernel!r}; known: {', '.join(kernels)}")
    return name


class Validator:
    """An lxml schema plus a lock: lxml keeps the last error log on the schema object."""

    def __init__(self, schema: etree.XMLSchema):
        self.schema = schema
        self._lock = threading.Lock()

    def errors(self, document) -> list[str]:
        """Error messages for ``document`` (bytes, str or an lxml tree); empty when valid."""
        try:
            tree = _as_tree(document)
        except etree.XMLSyntaxError as exc:
            return [f"not well-formed XML: {exc}"]
        with self._lock:
            try:
                if self.schema.validate(tree):
                    return []
            except etree.XMLSchemaValidateError as exc:
                # libxml2 gives up on unexpanded entity references (we never expand them).
                return [f"cannot be validated: {exc}"]
            return [f"line {e.line}: {e.message}" for e in self.schema.error_log]


def _as_tree(document):
    if isinstance(document, (etree._Element, etree._ElementTree)):
        return document
    if isinstance(document, str):
        document = document.encode("utf-8")
    return etree.fromstring(document, _PARSER)


def _compile(path: Path) -> Validator:
    return Validator(etree.XMLSchema(etree.parse(str(path), _PARSER)))


def _driver(directory: Path, names: tuple[str, ...]) -> etree._Element:
    """An XSD that only imports each namespace from its local file (a file: URI)."""
    entries = manifest()
    root = etree.Element(f"{{{NS_XS}}}schema", {"targetNamespace": _DRIVER_NS},
                         nsmap={"xs": NS_XS})
    for name in names:
        entry = entries[name]
        etree.SubElement(root, f"{{{NS_XS}}}import", {
            "namespace": entry.namespace,
            "schemaLocation": (directory / entry.path).as_uri(),
        })
    return root


@lru_cache(maxsize=None)
def _datacite(directory: Path, kernel: str) -> Validator:
    name = _kernel_entry(kernel)
    verify(directory, name)
    return _compile(directory / manifest()[name].path)


@lru_cache(maxsize=None)
def _oai_dc(directory: Path) -> Validator:
    verify(directory, "oai_dc")
    return _compile(directory / manifest()["oai_dc"].path)


@lru_cache(maxsize=None)
def _oai_pmh(directory: Path, kernel: str) -> Validator:
    names = (*_COMPOSITE, _kernel_entry(kernel))
    for name in names:
        verify(directory, name)
    return Validator(etree.XMLSchema(etree.ElementTree(_driver(directory, names))))


def datacite_schema(kernel: str = DEFAULT_KERNEL) -> Validator:
    """DataCite kernel-4 ``metadata.xsd`` of the given version."""
    return _datacite(schema_dir(), kernel)


def oai_dc_schema() -> Validator:
    return _oai_dc(schema_dir())


def oai_pmh_schema(kernel: str = DEFAULT_KERNEL) -> Validator:
    """OAI-PMH.xsd with oai-identifier, oai_dc, oai_datacite and one DataCite kernel.

    Also validates a standalone ``oai_datacite`` (payload included) or ``oai_dc`` document.
    """
    return _oai_pmh(schema_dir(), kernel)


def validate_datacite(xml, kernel: str = DEFAULT_KERNEL) -> list[str]:
    return datacite_schema(kernel).errors(xml)


def validate_oai_pmh(xml, kernel: str = DEFAULT_KERNEL) -> list[str]:
    return oai_pmh_schema(kernel).errors(xml)


def validate_oai_dc(xml) -> list[str]:
    return oai_dc_schema().errors(xml)


def clear_cache() -> None:
    """Forget loaded schemas (for tests that swap schema directories)."""
    for cached in (manifest, _resolve, _datacite, _oai_dc, _oai_pmh):
        cached.cache_clear()
