"""The metadataPrefix registry: prefix -> schema, namespace and element builder (P42-P44).

Builders run at sync time only; serving reads the bytes they produced. The serializer
modules are therefore imported when a builder first runs, so web workers never load them.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Callable, Mapping

from lxml import etree

from mappings.record import DATACITE_XSD_URL, NS_DATACITE

if TYPE_CHECKING:
    from gateway.config import Settings

Builder = Callable[[Mapping, "Settings"], etree._Element]


@dataclass(frozen=True, slots=True)
class MetadataFormat:
    prefix: str
    schema: str       # must equal the xsi:schemaLocation URL on the built root (P44)
    namespace: str
    build: Builder


def _serializer(name: str):
    return import_module(f"mappings.serializers.{name}")


def _build_oai_dc(record: Mapping, settings: "Settings") -> etree._Element:
    return _serializer("oai_dc").to_element(record)


def _build_oai_datacite(record: Mapping, settings: "Settings") -> etree._Element:
    return _serializer("oai_datacite").to_element(record, settings.datacentre_symbol)


def _build_datacite(record: Mapping, settings: "Settings") -> etree._Element:
    return _serializer("datacite_xml").to_element(record)


# Order is the order of ListMetadataFormats; oai_dc is mandatory (P42).
FORMATS: dict[str, MetadataFormat] = {
    f.prefix: f
    for f in (
        MetadataFormat(
            "oai_dc",
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            "http://www.openarchives.org/OAI/2.0/oai_dc/",
            _build_oai_dc,
        ),
        MetadataFormat(
            "oai_datacite",
            "http://schema.datacite.org/oai/oai-1.1/oai.xsd",
            "http://schema.datacite.org/oai/oai-1.1/",
            _build_oai_datacite,
        ),
        # The raw kernel-4 resource. DataCite's own provider advertises a "nonexistant"
        # schema here because it mixes kernel versions; this gateway only emits kernel-4,
        # so it names the real namespace and XSD (see ../shared/notes/standards.md 3.3).
        MetadataFormat("datacite", DATACITE_XSD_URL, NS_DATACITE, _build_datacite),
    )
}

# The prefix under which the store keeps each record's <header> (ListIdentifiers, and the
# deleted form of a tombstone for every prefix). Not a metadataPrefix.
HEADER = "header"
