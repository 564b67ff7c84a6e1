"""The OAI-PMH response envelope (P8-P13).

The envelope is built with lxml around the verb's element; stored record bytes are never
parsed again: each one is represented by a marker comment while the tree is serialized,
and the bytes are joined in at the markers' places. A marker cannot be confused with
content, because a literal ``<!--`` in text or attribute values is always escaped.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Union
from xml.sax.saxutils import escape

from lxml import etree

from gateway.oai.datestamps import format_datestamp
from gateway.oai.errors import OAIError
from gateway.oai.namespaces import (
    NS_OAI, NS_XSI, OAI_XSD, XML_DECLARATION, XSI_SCHEMA_LOCATION, oai,
)

# What a verb handler returns: elements built for this response, or stored fragments.
Part = Union[etree._Element, bytes]

_MARKER = "splice"
_MARKER_BYTES = b"<!--" + _MARKER.encode() + b"-->"


class Envelope:
    """Per-repository constants of every response: base URL and optional stylesheet."""

    def __init__(self, base_url: str, stylesheet: str | None = None):
        self.base_url = base_url
        self._prolog = XML_DECLARATION + _stylesheet_pi(stylesheet)

    def verb(self, when: datetime, arguments: dict[str, str], verb: str,
             parts: Iterable[Part]) -> bytes:
        root = self._root(when, arguments)
        body = etree.SubElement(root, oai(verb))
        spliced = []
        for part in parts:
            if isinstance(part, bytes):
                body.append(etree.Comment(_MARKER))
                spliced.append(part)
            else:
                body.append(part)
        return self._serialize(root, spliced)

    def error(self, when: datetime, arguments: dict[str, str] | None, error: OAIError) -> bytes:
        # badVerb and badArgument answers echo no arguments at all (P12)
        root = self._root(when, arguments if error.echoes_arguments else None)
        for code, message in error.errors:
            element = etree.SubElement(root, oai("error"), code=code)
            element.text = message
        return self._serialize(root, [])

    def _root(self, when: datetime, arguments: dict[str, str] | None) -> etree._Element:
        root = etree.Element(oai("OAI-PMH"), nsmap={None: NS_OAI, "xsi": NS_XSI})
        root.set(XSI_SCHEMA_LOCATION, f"{NS_OAI} {OAI_XSD}")
        etree.SubElement(root, oai("responseDate")).text = format_datestamp(when)
        request = etree.SubElement(root, oai("request"))
        for name, value in (arguments or {}).items():
            request.set(name, value)
        request.text = self.base_url
        return root

    def _serialize(self, root: etree._Element, spliced: list[bytes]) -> bytes:
        document = etree.tostring(root, encoding="UTF-8")
        if not spliced:
            return self._prolog + document
        pieces = document.split(_MARKER_BYTES)
        out = [self._prolog, pieces[0]]
        for fragment, piece in zip(spliced, pieces[1:]):
            out += (fragment, piece)
        return b"".join(out)


def _stylesheet_pi(url: str | None) -> bytes:
    """``<?xml-stylesheet?>`` for browsers, when configured. Its pseudo-attributes are
    escaped like attribute values, which also keeps a ``?>`` in the URL from ending it."""
    if not url:
        return b""
    href = escape(url, {'"': "&quot;"})
    pi = etree.ProcessingInstruction("xml-stylesheet", f'type="text/xsl" href="{href}"')
    return etree.tostring(pi, encoding="UTF-8") + b"\n"
