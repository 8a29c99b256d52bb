"""French display of numbers, odds, instants and labels (Jinja filters and JSON helpers).

Filters return plain strings: Jinja's autoescape still applies to everything they produce.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from flask import Flask

from oracxpred.core.cells import format_utc
from oracxpred.core.records import FinishSource, Outcome
from oracxpred.logs import mask_secrets
from oracxpred.store.match_json import match_json, odds_json

__all__ = ["match_json", "odds_json"]  # moved to store/ (the webhooks send the same JSON)

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before "%"

FINISH_LABELS = {
    FinishSource.FEED.value: "vu dans le flux",
    FinishSource.RESULTS.value: "résolu via le service de résultats",
    FinishSource.BACKFILL.value: "historique du service de résultats",
}
OUTCOME_LABELS = {
    Outcome.HOME.value: "victoire de l'équipe à domicile",
    Outcome.DRAW.value: "match nul",
    Outcome.AWAY.value: "victoire de l'équipe à l'extérieur",
}


def fmt_dt(moment: datetime | None, seconds: bool = False, zone: tzinfo = UTC) -> str:
    """``06/12/2025 10:30`` in ``zone`` (naive means UTC); an em dash when unknown."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with ``Z`` (JSON and ``<time datetime>``)."""
    return format_utc(moment) if moment is not None else None


def fmt_number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


def fmt_odds(price: float | None) -> str:
    """``1,85``: up to three decimals, trailing zeros dropped."""
    if price is None:
        return "—"
    text = f"{price:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fmt_pct(share: float | None, decimals: int = 1) -> str:
    if share is None:
        return "—"
    return f"{fmt_number(share * 100, decimals)}{NNBSP}%"


def fmt_age(seconds: float | None) -> str:
    """``3 min 20 s``, ``2 h 05 min``, ``4 j 3 h``."""
    if seconds is None:
        return "—"
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} j {hours} h"


def finish_label(source: str) -> str:
    return FINISH_LABELS.get(str(source), str(source))


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(str(outcome), str(outcome))


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(
        dt=fmt_dt,
        iso=iso,
        num=fmt_number,
        odds=fmt_odds,
        pct=fmt_pct,
        age=fmt_age,
        finish_label=finish_label,
        outcome_label=outcome_label,
        masked=mask_secrets,
    )
