"""Repeatable ``--feed-url`` (mirrors) and ``--alert-url``: click tuples → settings values."""

from __future__ import annotations

from typing import Any


def mirror_values(values: dict[str, Any]) -> dict[str, Any]:
    """Replace the repeated flags' tuples by settings values (None when the flag is absent,
    so that the environment still applies)."""
    urls = tuple(values.pop("feed_url", None) or ())
    alert_urls = tuple(values.pop("alert_urls", None) or ())
    values["feed_url"] = urls[0] if urls else None
    values["feed_urls"] = urls or None  # flags given win over ORACXPRED_FEED_URLS
    values["alert_urls"] = alert_urls or None
    webhook_urls = tuple(values.pop("webhook_urls", None) or ())
    values["webhook_urls"] = webhook_urls or None  # flags given win over ORACXPRED_WEBHOOK_URLS
    return values
