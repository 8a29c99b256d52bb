"""The OracXPred web application: ``create_app`` builds it over the collector's store.

Development: ``oracxpred web --port 5000`` (``--csv-path``/``--database-url`` as the collector).
Production, one line::

    gunicorn --workers 2 --bind 0.0.0.0:8000 'oracxpred.web:create_app()'

Settings come from the environment and ``.env`` exactly as for the collector (``DATABASE_URL``
set → that database, else the CSV file), plus two web-only variables:

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
(``(Settings) -> handle with stop()``).
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response

from oracxpred.config import Settings, load_settings, read_dotenv
from oracxpred.errors import CollectorError, ConfigError
from oracxpred.logs import LOGGER_NAME, get_logger, mask_secrets, setup_logging
from oracxpred.oserrors import os_reason
from oracxpred.store.base import Store
from oracxpred.web.state import EXTENSION, WebState, default_lease_describer, utc_now

__all__ = ["create_app"]

log = get_logger("web")

HEALTH_ENV = "ORACXPRED_HEALTH_MAX_AGE"
COLLECTOR_ENV = "ORACXPRED_INTERNAL_COLLECTOR"
_TRUE = {"1", "true", "yes", "oui", "on"}
_FALSE = {"", "0", "false", "no", "non", "off"}

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


def _env_flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} invalide « {raw} » : 1 (activé) ou 0 (désactivé) attendu.")


def _env_seconds(name: str, raw: str) -> float:
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        raise ConfigError(f"{name} invalide « {raw} » : un nombre de secondes positif attendu.")
    return value


def default_health_max_age_s(settings: Settings) -> float:
    """Three collector intervals plus two minutes: one slow or missed cycle is not an alert."""
    return 3 * settings.interval_min * 60 + 120


def _options(config: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Web options from ``config`` first, then the environment (and ``.env``)."""
    dotenv = read_dotenv(Path(".env"))
    settings = config.get("ORACXPRED_SETTINGS")
    if settings is None:
        settings = load_settings({}, environ, dotenv)

    def raw(name: str) -> str:
        return environ.get(name) or dotenv.get(name) or ""

    max_age = config.get("ORACXPRED_HEALTH_MAX_AGE_S")
    if max_age is None:
        text = raw(HEALTH_ENV)
        max_age = _env_seconds(HEALTH_ENV, text) if text.strip() else None
    internal = config.get("ORACXPRED_INTERNAL_COLLECTOR")
    if internal is None:
        internal = _env_flag(COLLECTOR_ENV, raw(COLLECTOR_ENV))
    return {
        "settings": settings,
        "max_age": float(max_age) if max_age is not None else default_health_max_age_s(settings),
        "internal": bool(internal),
        # Without an explicit threshold, /health takes it from the collector's heartbeats.
        "max_age_explicit": max_age is not None,
    }


def create_app(config: Mapping[str, Any] | None = None, store: Store | None = None) -> Flask:
    """Build the app; ``store`` (the caller's, never closed here) replaces the configured one.

    Raises ``ConfigError`` (French) for a bad environment value: a server must not start on a
    configuration it misreads.
    """
    config = dict(config or {})
    options = _options(config, os.environ)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update(config)
    app.debug = False  # never: a debugger in production executes code for any visitor
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # French reasons stay readable
    describer = config.get("ORACXPRED_LEASE_DESCRIBER", default_lease_describer())
    state = WebState(
        options["settings"],
        store,
        clock=config.get("ORACXPRED_CLOCK") or utc_now,
        lease_describer=describer,
        health_max_age_s=options["max_age"],
    )
    app.extensions[EXTENSION] = state
    app.config["ORACXPRED_INTERNAL_COLLECTOR"] = options["internal"]
    app.config["ORACXPRED_HEALTH_MAX_AGE_EXPLICIT"] = options["max_age_explicit"]

    from oracxpred.web import api, health, matches, stats
    from oracxpred.web.errors import register_error_handlers
    from oracxpred.web.formatting import register_filters
    from oracxpred.web.timezone import install_timezone

    for blueprint in (matches.bp, stats.bp, health.bp, api.bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_filters(app)
    install_timezone(app, options["settings"])

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    if options["internal"]:
        _start_internal_collector(app, state, config.get("ORACXPRED_COLLECTOR_STARTER"))
    return app


def _start_internal_collector(app: Flask, state: WebState, starter: Any) -> None:
    """Start the collector in this process; a failure is reported, never fatal to the app."""
    if starter is None:
        try:
            from oracxpred.collector.daemon import start_background_collector as starter
        except ImportError as exc:
            state.collector_error = (
                "collecteur interne demandé (ORACXPRED_INTERNAL_COLLECTOR=1) mais indisponible "
                f"dans cette installation : oracxpred.collector.daemon.start_background_collector "
                f"introuvable ({exc})"
            )
            log.error("%s", state.collector_error)
            return
        _ensure_logging(state.settings)
    try:
        state.collector = starter(state.settings)
    except CollectorError as exc:
        state.collector_error = f"collecteur interne non démarré : {mask_secrets(str(exc))}"
        log.error("%s", state.collector_error)
        return
    log.info("Collecteur interne démarré dans l'application web")
    atexit.register(state.close)


def _ensure_logging(settings: Settings) -> None:
    """Give the collector its log lines (SERVICE.md §4) when nothing configured logging.

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
        log.error("Fichier de log %s inutilisable : %s", settings.log_file, os_reason(exc))
