"""XML namespaces of the OAI-PMH layer and the one way it serializes fragments."""
from __future__ import annotations

from lxml import etree

NS_OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_XSD = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
NS_OAI_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_XSD = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"

XSI_SCHEMA_LOCATION = f"{{{NS_XSI}}}schemaLocation"

# Written by hand so the first line is exactly the form the spec shows (P8); lxml would
# use single quotes.
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def oai(tag: str) -> str:
    """Clark notation for an element in the OAI-PMH namespace."""
    return f"{{{NS_OAI}}}{tag}"


def to_bytes(element: etree._Element) -> bytes:
    """UTF-8 bytes without an XML declaration: a fragment ready to be spliced."""
    return etree.tostring(element, encoding="UTF-8")
