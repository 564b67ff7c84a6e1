"""The Flask app factory."""
from __future__ import annotations

import logging
import secrets

from flask import Flask

from gateway import health, web
from gateway.config import Settings
from gateway.export import views as export_views
from gateway.landing import views as landing_views
from gateway.oai import views as oai_views
from gateway.oai.service import OAIRepository
from gateway.store import open_store
from gateway.store.base import RecordStore

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, store: RecordStore | None = None) -> Flask:
    """The gateway app; settings default to the environment, the store to settings.store."""
    settings = settings if settings is not None else Settings.from_env()
    store = store if store is not None else open_store(settings.store)
    app = Flask(__name__)
    app.extensions[web.SETTINGS_EXTENSION] = settings
    app.extensions[web.STORE_EXTENSION] = store
    app.extensions[oai_views.EXTENSION] = OAIRepository(settings, store, _token_secret(settings))
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    """Every blueprint of the gateway is registered here, and only here."""
    app.url_map.converters["anything"] = web.AnyText  # before the rules that use it
    app.register_blueprint(oai_views.blueprint, url_prefix="/oai")
    app.register_blueprint(health.blueprint)
    app.register_blueprint(landing_views.blueprint)
    app.register_blueprint(export_views.blueprint)


def _token_secret(settings: Settings) -> str:
    if settings.token_secret:
        return settings.token_secret
    # Demo mode: a secret of this process only. Tokens then die with the process and are
    # refused by other workers or instances, so production must set GATEWAY_TOKEN_SECRET.
    log.warning("GATEWAY_TOKEN_SECRET is not set: resumptionTokens are signed with a random "
                "per-process key and only this process accepts them")
    return secrets.token_hex(32)
