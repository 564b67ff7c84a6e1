"""Canonical record -> ``oai_datacite`` (DataCite OAI schema 1.1).

The wrapper holds ``schemaVersion``, ``datacentreSymbol`` and the unaltered kernel-4
``<resource>`` in ``payload``. The 1.1 schema leaves ``schemaVersion`` untyped; DataCite's
own provider writes the kernel version there, so this writes the kernel we emit (4.7).
The three children are an ``xs:all``: the order used is the one in DataCite's documents.
"""
from __future__ import annotations

from lxml import etree

from mappings.record import KERNEL
from mappings.serializers import datacite_xml
from mappings.serializers.datacite_xml import NS_XSI, add, serialize

NS_OAI_DATACITE = "http://schema.datacite.org/oai/oai-1.1/"
OAI_DATACITE_XSD_URL = "http://schema.datacite.org/oai/oai-1.1/oai.xsd"
SCHEMA_LOCATION = f"{NS_OAI_DATACITE} {OAI_DATACITE_XSD_URL}"

_NSMAP = {None: NS_OAI_DATACITE, "xsi": NS_XSI}
_XSI_LOCATION = f"{{{NS_XSI}}}schemaLocation"
_ROOT = f"{{{NS_OAI_DATACITE}}}oai_datacite"
_SCHEMA_VERSION = f"{{{NS_OAI_DATACITE}}}schemaVersion"
_DATACENTRE = f"{{{NS_OAI_DATACITE}}}datacentreSymbol"
_PAYLOAD = f"{{{NS_OAI_DATACITE}}}payload"


def to_element(record: dict, datacentre_symbol: str) -> etree._Element:
    """The ``<oai_datacite>`` element wrapping the record's DataCite ``<resource>``."""
    root = etree.Element(_ROOT, {_XSI_LOCATION: SCHEMA_LOCATION}, nsmap=_NSMAP)
    add(root, _SCHEMA_VERSION, KERNEL)
    add(root, _DATACENTRE, datacentre_symbol or "")
    add(root, _PAYLOAD).append(datacite_xml.to_element(record))
    return root


def to_xml(record: dict, datacentre_symbol: str, pretty: bool = True) -> bytes:
    """UTF-8 oai_datacite XML with an XML declaration."""
    return serialize(to_element(record, datacentre_symbol), pretty)
