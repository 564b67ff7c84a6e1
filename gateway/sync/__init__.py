"""Sync: keeps the record store in step with SciCat (see gateway/sync/syncer.py)."""
from gateway.sync.syncer import SyncReport, Syncer

__all__ = ["SyncReport", "Syncer"]
