"""ListIdentifiers and ListRecords: keyset paging with resumptionTokens (P32-P38, P49, P50).

A page is read as ``limit + 1`` rows: the extra row only says whether more follow, so a
list whose size is a multiple of the page size ends without an empty extra page.
"""
from __future__ import annotations

import logging

from lxml import etree

from gateway.oai.context import Context
from gateway.oai.datestamps import format_datestamp
from gateway.oai.errors import BAD_RESUMPTION_TOKEN, NO_RECORDS_MATCH, OAIError
from gateway.oai.formats import FORMATS, HEADER
from gateway.oai.handlers import CANNOT_DISSEMINATE, NO_SETS
from gateway.oai.namespaces import oai
from gateway.oai.render import render_deleted_record_bytes, render_header_bytes
from gateway.oai.responses import Part
from gateway.oai.tokens import HarvestState
from gateway.oai.verbs import OAIRequest
from gateway.store.base import PageQuery, StoredRecord

log = logging.getLogger(__name__)


# How many pages of records lacking the asked format a request reads on before giving up.
_MAX_SKIPPED_PAGES = 50


def list_identifiers(request: OAIRequest, ctx: Context) -> list[Part]:
    return _harvest(request, ctx, with_metadata=False)


def list_records(request: OAIRequest, ctx: Context) -> list[Part]:
    return _harvest(request, ctx, with_metadata=True)


def _harvest(request: OAIRequest, ctx: Context, with_metadata: bool) -> list[Part]:
    state = _resumed(request, ctx) if request.resumption_token else _started(request, ctx)
    limit = ctx.settings.oai_page_size if with_metadata else ctx.settings.oai_header_page_size
    after = state.after
    for _ in range(_MAX_SKIPPED_PAGES):
        query = PageQuery(set_spec=state.set_spec, from_=state.from_, until=state.until,
                          after=after, limit=limit + 1)
        rows = ctx.store.page(query, state.metadata_prefix if with_metadata else HEADER)
        if not rows:
            # On a resumed harvest this means the rest of the list left the window (records
            # changed since); the spec has no "empty last page", and noRecordsMatch is true.
            raise OAIError(NO_RECORDS_MATCH, "No records match the request")
        more, page = len(rows) > limit, rows[:limit]
        entries = [e for e in (_entry(row, state.metadata_prefix, with_metadata, ctx) for row in page) if e]
        if entries or not more:
            break
        # every record of this page lacks the format: a list may not be empty, read on
        after = (page[-1].datestamp, page[-1].identifier)
    if not entries:
        raise OAIError(NO_RECORDS_MATCH, "No records match the request")
    parts: list[Part] = [b"".join(entries)]
    token = _token_element(request, ctx, state, page, more)
    if token is not None:
        parts.append(token)
    return parts


def _started(request: OAIRequest, ctx: Context) -> HarvestState:
    prefix = request.metadata_prefix
    errors = []
    if prefix not in FORMATS:
        errors.append(CANNOT_DISSEMINATE)
    if request.set_spec is not None and not ctx.store.list_sets():
        errors.append(NO_SETS)
    if errors:
        raise OAIError.many(errors)
    return HarvestState(
        verb=request.verb, metadata_prefix=prefix, set_spec=request.set_spec,
        from_=request.from_, until=request.until, after=None, cursor=0,
        complete_list_size=0, issued=ctx.now,
    )


def _resumed(request: OAIRequest, ctx: Context) -> HarvestState:
    state = ctx.tokens.decode(request.resumption_token, request.verb, ctx.now)
    if state.metadata_prefix not in FORMATS:
        # a format withdrawn since the token was issued; the harvest must start over
        raise OAIError(BAD_RESUMPTION_TOKEN, "The token's metadataPrefix is no longer supported")
    return state


def _entry(row: StoredRecord, prefix: str, with_metadata: bool, ctx: Context) -> bytes:
    """One record's bytes as stored. Headers need only the store's own fields, so a
    deleted record's header (the same for every prefix; tombstones keep no formats, P41)
    and a live header missing from the store are rendered here."""
    if row.deleted or not with_metadata:
        stored = None if row.deleted else row.formats.get(HEADER)
        if stored:
            return stored
        identifier = ctx.oai_identifier(row.identifier)
        if with_metadata:
            return render_deleted_record_bytes(identifier, row.datestamp, row.sets)
        return render_header_bytes(identifier, row.datestamp, row.sets, deleted=row.deleted)
    data = row.formats.get(prefix)
    if data is None:
        # a sync that failed to render this format: the record is left out of this list
        # (GetRecord says cannotDisseminateFormat for it) and the rest is served
        log.warning("record %s has no stored %s rendering", row.identifier, prefix)
        return b""
    return data


def _token_element(request: OAIRequest, ctx: Context, state: HarvestState,
                   page: list[StoredRecord], more: bool) -> etree._Element | None:
    delivered = state.cursor + len(page)
    if not more:
        if not request.resumption_token:
            return None  # a complete list in one response carries no token (P34)
        # the last page: an empty token, sizes now known exactly
        return _element("", size=delivered, cursor=state.cursor)
    size = state.complete_list_size
    if not request.resumption_token:
        size = ctx.store.count(PageQuery(state.set_spec, state.from_, state.until))
    # A size counted at the start may be overtaken by records changed since (they show
    # up again further on); it may be an estimate, but never less than what is certain.
    size = max(size, delivered + 1)
    last = page[-1]
    following = HarvestState(
        verb=state.verb, metadata_prefix=state.metadata_prefix, set_spec=state.set_spec,
        from_=state.from_, until=state.until, after=(last.datestamp, last.identifier),
        cursor=delivered, complete_list_size=size, issued=ctx.now,
    )
    return _element(ctx.tokens.encode(following), size=size, cursor=state.cursor,
                    expires=format_datestamp(ctx.tokens.expires(following)))


def _element(token: str, size: int, cursor: int, expires: str | None = None) -> etree._Element:
    element = etree.Element(oai("resumptionToken"))
    if expires is not None:
        element.set("expirationDate", expires)
    element.set("completeListSize", str(size))
    element.set("cursor", str(cursor))
    element.text = token or None
    return element
