"""The web app's display time zone (``ORACXPRED_TIMEZONE``, default UTC).

Storage, the JSON API and ``<time datetime>`` stay UTC; only what a person reads is converted,
and every header that shows times names the zone (``tz`` in the templates).
"""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from flask import Flask

from oracxpred.config import Settings, validate_timezone
from oracxpred.web.formatting import fmt_dt


def install_timezone(app: Flask, settings: Settings) -> None:
    """The ``dt`` filter in the display zone, and its name as the ``tz`` global."""
    zone = ZoneInfo(validate_timezone(settings.timezone))  # French ConfigError if unknown
    app.jinja_env.filters["dt"] = partial(fmt_dt, zone=zone)
    app.jinja_env.globals["tz"] = settings.timezone
