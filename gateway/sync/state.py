"""Sync bookkeeping kept in the record store: watermarks and what the records were rendered with.

Watermarks are the newest ``updatedAt`` (History: ``timestamp``) sync has seen per SciCat
collection, in SciCat's own clock, never the gateway's. A later pass asks for documents
updated at or after the watermark minus ``OVERLAP``: writes that commit out of
``updatedAt`` order are then still found, and reading a document twice costs nothing but
a hash comparison.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gateway.config import Settings
from gateway.rendering import STORED_RENDERINGS
from gateway.source import DATASETS, PROPOSALS, PUBLISHED
from gateway.store.base import RecordStore
from gateway.sync.changes import HISTORY, utc
from mappings import datacite

OVERLAP = timedelta(seconds=60)

WATERMARKED = (PUBLISHED, DATASETS, PROPOSALS, HISTORY)
_WATERMARK = "sync.watermark."
_MAPPING_VERSION = "sync.mapping_version"
_RENDER_SETTINGS = "sync.render_settings"
_LAST_RUN = "sync.last_run"
_LAST_FULL = "sync.last_full"


def render_settings(settings: Settings) -> str:
    """A fingerprint of the settings that end up inside rendered records, and of which
    renderings are stored.

    When one of them changes (or a new rendering is added), every record must be
    re-rendered, just as after a new mapping version; datestamps still advance only where
    the bytes changed.
    """
    used = {
        "renderings": sorted(STORED_RENDERINGS),
        "base_url": settings.base_url,  # landing documents link the thumbnails they serve
        "repository_identifier": settings.repository_identifier,
        "landing_page_url": settings.landing_page_url,
        "proposal_pid_url": settings.proposal_pid_url,
        "public_statuses": list(settings.public_statuses),
        "datacentre_symbol": settings.datacentre_symbol,
    }
    return hashlib.sha256(json.dumps(used, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class SyncState:
    watermarks: dict[str, datetime | None] = field(default_factory=dict)
    mapping_version: str | None = None
    render_settings: str | None = None
    last_full: datetime | None = None  # when the last full pass started

    @classmethod
    def load(cls, store: RecordStore) -> "SyncState":
        return cls(
            watermarks={name: _parse(store.get_state(_WATERMARK + name)) for name in WATERMARKED},
            mapping_version=store.get_state(_MAPPING_VERSION),
            render_settings=store.get_state(_RENDER_SETTINGS),
            last_full=_parse(store.get_state(_LAST_FULL)),
        )

    def needs_full(self, settings: Settings, now: datetime) -> str | None:
        """Why every record must be re-mapped, or None when an incremental pass will do."""
        if self.mapping_version is None:
            return "first sync"
        if self.mapping_version != datacite.MAPPING_VERSION:
            return f"mapping version {self.mapping_version} -> {datacite.MAPPING_VERSION}"
        if self.render_settings != render_settings(settings):
            return "settings that shape the records changed"
        every = settings.sync_full_every
        if every and (self.last_full is None or now - self.last_full >= timedelta(seconds=every)):
            # What a deleted Dataset or Proposal changed is only found by re-mapping.
            return f"no full pass for {every} s"
        return None

    def full_pass_started(self, now: datetime) -> None:
        self.last_full = now

    def since(self, name: str) -> datetime | None:
        """Where the next query on a collection starts; None reads all of it."""
        mark = self.watermarks.get(name)
        return None if mark is None else mark - OVERLAP

    def advance(self, seen: dict[str, datetime]) -> None:
        """Watermarks only move forward (a stale replica must not pull them back)."""
        for name, stamp in seen.items():
            mark = self.watermarks.get(name)
            self.watermarks[name] = stamp if mark is None else max(mark, stamp)

    def save(self, store: RecordStore, settings: Settings, finished: datetime) -> None:
        for name, mark in self.watermarks.items():
            if mark is not None:
                store.set_state(_WATERMARK + name, mark.isoformat())
        store.set_state(_MAPPING_VERSION, datacite.MAPPING_VERSION)
        store.set_state(_RENDER_SETTINGS, render_settings(settings))
        store.set_state(_LAST_RUN, finished.isoformat())
        if self.last_full is not None:
            store.set_state(_LAST_FULL, self.last_full.isoformat())


def _parse(value: str | None) -> datetime | None:
    return None if not value else utc(datetime.fromisoformat(value))
