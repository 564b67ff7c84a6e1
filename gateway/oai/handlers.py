"""Identify, ListMetadataFormats, ListSets and GetRecord (P19-P24, P41, P45, P48).

Each handler takes the validated request and the context and returns the parts of the
verb's element: elements built now, or record bytes rendered at sync time.
"""
from __future__ import annotations

from datetime import datetime, timezone

from lxml import etree

from gateway.oai.context import Context
from gateway.oai.datestamps import SECONDS, format_datestamp
from gateway.oai.errors import (
    BAD_RESUMPTION_TOKEN, CANNOT_DISSEMINATE_FORMAT, ID_DOES_NOT_EXIST, NO_METADATA_FORMATS,
    NO_SET_HIERARCHY, OAIError,
)
from gateway.oai.formats import FORMATS
from gateway.oai.identifiers import DELIMITER, SCHEME, is_domain_name, local_identifier
from gateway.oai.namespaces import NS_OAI_ID, NS_XSI, OAI_ID_XSD, XSI_SCHEMA_LOCATION, oai
from gateway.oai.render import render_deleted_record_bytes
from gateway.oai.responses import Part
from gateway.oai.verbs import OAIRequest

# earliestDatestamp of a repository with no records yet. Any date is a true lower bound
# then; the Unix epoch is the conventional "nothing before this" (P21).
EMPTY_REPOSITORY_EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)

# Compression the app applies on request (P7); identity is implied and never listed.
COMPRESSIONS = ("gzip", "deflate")

SAMPLE_DOI = "10.5072/example-dataset"

ID_UNKNOWN = (ID_DOES_NOT_EXIST, "No item has this identifier in this repository")
CANNOT_DISSEMINATE = (CANNOT_DISSEMINATE_FORMAT, "The metadataPrefix is not supported; "
                      "ListMetadataFormats lists those that are")
NO_SETS = (NO_SET_HIERARCHY, "This repository does not support sets")


def _element(tag: str, text: str) -> etree._Element:
    element = etree.Element(oai(tag))
    element.text = text
    return element


# -- Identify ------------------------------------------------------------------------------

def identify(request: OAIRequest, ctx: Context) -> list[Part]:
    settings = ctx.settings
    earliest = ctx.store.earliest_datestamp() or EMPTY_REPOSITORY_EARLIEST
    parts: list[Part] = [
        _element("repositoryName", settings.repository_name),
        _element("baseURL", ctx.base_url),
        _element("protocolVersion", "2.0"),
        _element("adminEmail", settings.admin_email),
        _element("earliestDatestamp", format_datestamp(earliest)),
        # tombstones are kept forever, so harvesters can always learn of a withdrawal
        _element("deletedRecord", "persistent"),
        _element("granularity", SECONDS),
    ]
    parts += [_element("compression", name) for name in COMPRESSIONS]
    description = _oai_identifier_description(ctx)
    if description is not None:
        parts.append(description)
    return parts


def _oai_identifier_description(ctx: Context) -> etree._Element | None:
    """The oai-identifier description (P23), only when the namespace is a domain name:
    identifiers under an IP address are still URIs (PMH 2.4) but not oai-identifiers."""
    repository = ctx.settings.repository_identifier
    if not is_domain_name(repository):
        return None
    description = etree.Element(oai("description"))
    container = etree.SubElement(description, f"{{{NS_OAI_ID}}}oai-identifier",
                                 nsmap={None: NS_OAI_ID, "xsi": NS_XSI})
    container.set(XSI_SCHEMA_LOCATION, f"{NS_OAI_ID} {OAI_ID_XSD}")
    for tag, text in (("scheme", SCHEME), ("repositoryIdentifier", repository),
                      ("delimiter", DELIMITER),
                      ("sampleIdentifier", ctx.oai_identifier(SAMPLE_DOI))):
        etree.SubElement(container, f"{{{NS_OAI_ID}}}{tag}").text = text
    return description


# -- ListMetadataFormats -------------------------------------------------------------------

def list_metadata_formats(request: OAIRequest, ctx: Context) -> list[Part]:
    formats = list(FORMATS.values())
    if request.identifier is not None:
        record = ctx.store.get(_local_or_raise(request.identifier, ctx))
        if record is None:
            raise OAIError(*ID_UNKNOWN)
        # A deleted item keeps listing every format: GetRecord answers each prefix with
        # the deleted header, so each is "available" as a deleted record (P41, P45).
        if not record.deleted:
            formats = [f for f in formats if f.prefix in record.formats]
        if not formats:
            raise OAIError(NO_METADATA_FORMATS, "No metadata formats are available for this item")
    parts: list[Part] = []
    for fmt in formats:
        element = etree.Element(oai("metadataFormat"))
        for tag, text in (("metadataPrefix", fmt.prefix), ("schema", fmt.schema),
                          ("metadataNamespace", fmt.namespace)):
            etree.SubElement(element, oai(tag)).text = text
        parts.append(element)
    return parts


# -- ListSets ------------------------------------------------------------------------------

def list_sets(request: OAIRequest, ctx: Context) -> list[Part]:
    if request.resumption_token is not None:
        # the set list always comes in one piece, so no token was ever issued for it
        raise OAIError(BAD_RESUMPTION_TOKEN, "ListSets issues no resumptionTokens")
    sets = ctx.store.list_sets()
    if not sets:
        raise OAIError(*NO_SETS)
    parts: list[Part] = []
    for spec, name in sets:
        element = etree.Element(oai("set"))
        etree.SubElement(element, oai("setSpec")).text = spec
        etree.SubElement(element, oai("setName")).text = name
        parts.append(element)
    return parts


# -- GetRecord -----------------------------------------------------------------------------

def get_record(request: OAIRequest, ctx: Context) -> list[Part]:
    prefix = request.metadata_prefix
    errors = []
    if prefix not in FORMATS:
        errors.append(CANNOT_DISSEMINATE)
    local = local_identifier(ctx.settings.repository_identifier, request.identifier)
    record = None if local is None else ctx.store.get(local, prefix if prefix in FORMATS else None)
    if record is None:
        errors.append(ID_UNKNOWN)
    if errors:
        raise OAIError.many(errors)
    if record.deleted:
        return [render_deleted_record_bytes(request.identifier, record.datestamp, record.sets)]
    data = record.formats.get(prefix)
    if data is None:
        raise OAIError(CANNOT_DISSEMINATE_FORMAT,
                       f"The item cannot be disseminated as {prefix}")
    return [data]


# -- helpers -------------------------------------------------------------------------------

def _local_or_raise(identifier: str, ctx: Context) -> str:
    local = local_identifier(ctx.settings.repository_identifier, identifier)
    if local is None:
        raise OAIError(*ID_UNKNOWN)
    return local
