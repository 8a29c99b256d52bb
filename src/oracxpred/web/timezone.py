"""The web app's display time zone (``ORACXPRED_TIMEZONE``, default UTC).

Storage, the JSON API and ``<time datetime>`` stay UTC; only what a person reads is converted,
and every header that shows times names the zone (``tz`` in the templates). The same holds for
what a person types: a day in a page's filter form (and in the CSV export linked from it) is a
day of the display zone, a day in an API query a UTC day.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from functools import partial
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request

from oracxpred.config import Settings, validate_timezone
from oracxpred.web.formatting import fmt_dt
from oracxpred.web.params import Filters, parse_filters

ZONE_KEY = "oracxpred_zone"


def install_timezone(app: Flask, settings: Settings) -> None:
    """The ``dt`` filter in the display zone, and its name as the ``tz`` global."""
    zone = ZoneInfo(validate_timezone(settings.timezone))  # French ConfigError if unknown
    app.jinja_env.filters["dt"] = partial(fmt_dt, zone=zone)
    app.jinja_env.globals["tz"] = settings.timezone
    app.extensions[ZONE_KEY] = zone


def request_filters() -> Filters:
    """This request's filters: dates in the display zone, except under ``/api/`` (UTC)."""
    api = request.path.startswith("/api/")
    zone: tzinfo = UTC if api else current_app.extensions.get(ZONE_KEY, UTC)
    return parse_filters(request.args, zone)
