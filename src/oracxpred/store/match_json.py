"""The JSON form of a stored match: ``/api/matches`` and the webhooks (``push/``) send the
same one. Typed values, raw text (JSON needs no neutralising)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oracxpred.core.cells import format_utc
from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with ``Z``."""
    return format_utc(moment) if moment is not None else None


def odds_json(odds: Odds1X2 | None, at: datetime | None) -> dict[str, Any] | None:
    if odds is None:
        return None
    return {"1": odds.home, "N": odds.draw, "2": odds.away, "at": iso(at)}


def match_json(m: FinishedMatch) -> dict[str, Any]:
    """A stored match for the JSON API: typed values, raw text (JSON needs no neutralising)."""
    return {
        "event_id": m.event_id,
        "collected_at": iso(m.collected_at),
        "start_time": iso(m.start_time),
        "sport_id": m.sport_id,
        "league": m.league,
        "league_id": m.league_id,
        "team1": m.team1,
        "team1_id": m.team1_id,
        "team2": m.team2,
        "team2_id": m.team2_id,
        "score1": m.score1,
        "score2": m.score2,
        "halftime": (
            {"score1": m.halftime.home, "score2": m.halftime.away} if m.halftime else None
        ),
        "status": m.status,
        "outcome": Outcome(m.outcome).value,
        "finish_source": FinishSource(m.finish_source).value,
        "odds": odds_json(m.odds, m.odds_at),
        "opening_odds": odds_json(m.opening_odds, m.opening_odds_at),
    }
