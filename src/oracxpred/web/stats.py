"""Per-league statistics: matches, goals per match, and outcomes against the closing odds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, render_template, request, url_for

from oracxpred.store.base import LeagueStats
from oracxpred.web.charts import calibration_chart, goals_chart, implied_means, observed_shares
from oracxpred.web.params import parse_filters
from oracxpred.web.state import web_state

bp = Blueprint("stats", __name__)

ALL_LEAGUES = "Toutes les ligues"


def combined(leagues: Sequence[LeagueStats]) -> LeagueStats:
    """Every league added together (the summary line and chart)."""
    total = LeagueStats(league=ALL_LEAGUES)
    for stats in leagues:
        total.matches += stats.matches
        total.goals += stats.goals
        total.with_odds += stats.with_odds
        for key in total.outcomes:
            total.outcomes[key] += stats.outcomes.get(key, 0)
            total.implied[key] += stats.implied.get(key, 0.0)
    return total


def stats_json(stats: LeagueStats) -> dict[str, Any]:
    """One league for ``/api/stats``: raw counts plus the derived shares."""
    return {
        "league": stats.league,
        "matches": stats.matches,
        "goals": stats.goals,
        "goals_per_match": stats.goals / stats.matches if stats.matches else None,
        "outcomes": dict(stats.outcomes),
        "observed": observed_shares(stats),
        "with_odds": stats.with_odds,
        "implied": implied_means(stats),
    }


@bp.get("/statistiques")
def index() -> str:
    """Statistics of the filtered matches, one card and one chart per league."""
    filters = parse_filters(request.args)
    state = web_state()
    leagues = state.store().league_stats(filters.query())
    total = combined(leagues)
    return render_template(
        "stats.html",
        filters=filters,
        leagues=leagues,
        total=total,
        charts=[calibration_chart(s) for s in leagues],
        total_chart=calibration_chart(total, 400.0, 210.0) if leagues else None,
        goals=goals_chart(leagues) if leagues else None,
        league_names=state.league_names(),
        api_url=url_for("api.stats", **filters.args()),
    )
