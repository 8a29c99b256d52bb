"""The OracXPred web application: ``create_app`` builds it over the collector's store.

Development: ``oracxpred web --port 5000`` (``--csv-path``/``--database-url`` as the collector).
Production, one line::

    gunicorn --workers 2 --bind 0.0.0.0:8000 'oracxpred.web:create_app()'

Settings come from the environment and ``.env`` exactly as for the collector (``DATABASE_URL``
set → that database, else the CSV file), plus two web-only variables read by
``config.load_web_settings``:

* ``ORACXPRED_HEALTH_MAX_AGE``: seconds after which ``/health`` calls the last successful
  collection stale (default 3 × the collector interval + 2 min);
* ``ORACXPRED_INTERNAL_COLLECTOR=1``: also run the collector inside the app (off by default);
  the collectors' single-active lease keeps several workers, or an external daemon, from
  collecting twice. Its log lines go to standard output (and ``ORACXPRED_LOG_FILE``) unless
  the embedding application already configured the ``oracxpred`` logger.

``config`` keys (tests, embedding): any Flask setting, plus ``ORACXPRED_SETTINGS``
(``Settings``), ``ORACXPRED_CLOCK`` (``() -> aware datetime``), ``ORACXPRED_LEASE_DESCRIBER``
(``(Settings) -> dict | None``; None disables it), ``ORACXPRED_HEALTH_MAX_AGE_S``,
``ORACXPRED_INTERNAL_COLLECTOR`` (bool) and ``ORACXPRED_COLLECTOR_STARTER``
(``(Settings) -> CollectorHandle``, see ``web.state``).
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

from oracxpred.config import (
    Settings,
    WebSettings,
    default_health_max_age_s,
    load_settings,
    load_web_settings,
    read_dotenv,
)
from oracxpred.errors import CollectorError
from oracxpred.logs import LOGGER_NAME, get_logger, mask_secrets, setup_logging
from oracxpred.oserrors import os_reason
from oracxpred.store.base import Store
from oracxpred.web import messages as msg
from oracxpred.web.state import (
    EXTENSION,
    CollectorStarter,
    WebState,
    default_lease_describer,
    utc_now,
)

__all__ = ["create_app"]

log = get_logger("web")

SECURITY_HEADERS = {
    # Every script, style and image ships with the package: nothing else may load or run.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _options(config: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[Settings, WebSettings]:
    """Settings from ``config`` first, then the environment (and ``.env``)."""
    dotenv = read_dotenv(Path(".env"))
    settings = config.get("ORACXPRED_SETTINGS")
    if settings is None:
        settings = load_settings({}, environ, dotenv)
    given = {
        "health_max_age_s": config.get("ORACXPRED_HEALTH_MAX_AGE_S"),
        "internal_collector": config.get("ORACXPRED_INTERNAL_COLLECTOR"),
    }
    return settings, load_web_settings(given, environ, dotenv)


def create_app(config: Mapping[str, Any] | None = None, store: Store | None = None) -> Flask:
    """Build the app; ``store`` (the caller's, never closed here) replaces the configured one.

    Raises ``ConfigError`` (French) for a bad environment value: a server must not start on a
    configuration it misreads.
    """
    config = dict(config or {})
    settings, web = _options(config, os.environ)
    max_age = web.health_max_age_s
    if max_age is None:
        max_age = default_health_max_age_s(settings)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update(config)
    app.debug = False  # never: a debugger in production executes code for any visitor
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # French reasons stay readable
    describer = config.get("ORACXPRED_LEASE_DESCRIBER", default_lease_describer())
    state = WebState(
        settings,
        store,
        clock=config.get("ORACXPRED_CLOCK") or utc_now,
        lease_describer=describer,
        health_max_age_s=max_age,
    )
    app.extensions[EXTENSION] = state
    app.config["ORACXPRED_INTERNAL_COLLECTOR"] = web.internal_collector
    # Without an explicit threshold, /health takes it from the collector's heartbeats.
    app.config["ORACXPRED_HEALTH_MAX_AGE_EXPLICIT"] = web.health_max_age_s is not None

    from oracxpred.web import api, health, match, matches, stats, upcoming
    from oracxpred.web.errors import register_error_handlers
    from oracxpred.web.formatting import register_filters
    from oracxpred.web.timezone import install_timezone

    for blueprint in (matches.bp, stats.bp, health.bp, api.bp, match.bp, upcoming.bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_filters(app)
    install_timezone(app, settings)

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    if web.internal_collector:
        _start_internal_collector(app, state, config.get("ORACXPRED_COLLECTOR_STARTER"))
    return app


def _start_internal_collector(
    app: Flask, state: WebState, starter: CollectorStarter | None
) -> None:
    """Start the collector in this process; a failure is reported, never fatal to the app."""
    if starter is None:
        try:
            from oracxpred.collector.daemon import start_background_collector
        except ImportError as exc:
            state.collector_error = msg.COLLECTOR_UNAVAILABLE.format(error=exc)
            log.error("%s", state.collector_error)
            return
        starter = start_background_collector
        _ensure_logging(state.settings)
    try:
        state.collector = starter(state.settings)
    except CollectorError as exc:
        state.collector_error = msg.COLLECTOR_NOT_STARTED.format(reason=mask_secrets(str(exc)))
        log.error("%s", state.collector_error)
        return
    log.info(msg.COLLECTOR_STARTED)
    atexit.register(state.close)


def _ensure_logging(settings: Settings) -> None:
    """Give the collector its log lines (docs/operations.md §7) when nothing configured logging.

    Under gunicorn nobody calls ``setup_logging``: the internal collector's INFO lines (each
    saved match, each cycle) would be dropped and its warnings printed without the format. An
    embedding application that configured the ``oracxpred`` logger keeps its own handlers.
    """
    if logging.getLogger(LOGGER_NAME).handlers:
        return
    try:
        setup_logging(settings.verbose, settings.log_file)
    except OSError as exc:
        setup_logging(settings.verbose)
        log.error(msg.LOG_FILE_UNUSABLE, settings.log_file, os_reason(exc))
