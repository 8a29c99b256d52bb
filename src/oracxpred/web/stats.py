"""Per-league statistics: matches, goals per match, outcomes against the closing odds, and
over/under rates beside the closing main total's implied probability (issue 14)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, g, has_request_context, render_template, url_for

from oracxpred.core.closing import OVER, TOTAL_GROUP, UNDER, closing_line, main_total
from oracxpred.core.finish import usable_price
from oracxpred.core.records import FinishedMatch, OddsRow, Phase, SelectionKey
from oracxpred.store.base import LeagueStats, MatchQuery, Store
from oracxpred.store.querying import selected_matches
from oracxpred.web.charts import calibration_chart, goals_chart, implied_means, observed_shares
from oracxpred.web.state import web_state
from oracxpred.web.timezone import request_filters

bp = Blueprint("stats", __name__)

ALL_LEAGUES = "Toutes les ligues"

TOTAL_LINES = (1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5)
"""Over/under lines shown: FIFA's main totals (``G=17`` with ``CE``) sit at 2.5–3.5 in the
full-length leagues and climb to 5.5–8.5 in the 5x5 Rush and 3x3 ones (5 to 9 goals a match);
the alternative lines of ``AE`` step by one goal around them (docs/feed.md §5)."""


@dataclass(slots=True)
class OverUnder:
    """One league: matches over each line, and the closing main total's implied over.

    ``implied_over`` sums ``p_over = (1/over) / (1/over + 1/under)`` (margin removed) over the
    ``with_total`` matches whose timeline has a closing main total; ``over_main`` counts those
    that went over their own main line, ``line_sum`` sums the lines (mean main line)."""

    league: str
    matches: int = 0
    over: dict[float, int] = field(default_factory=lambda: dict.fromkeys(TOTAL_LINES, 0))
    with_total: int = 0
    implied_over: float = 0.0
    over_main: int = 0
    line_sum: float = 0.0

    def add(self, other: OverUnder) -> None:
        self.matches += other.matches
        self.with_total += other.with_total
        self.implied_over += other.implied_over
        self.over_main += other.over_main
        self.line_sum += other.line_sum
        for line, count in other.over.items():
            self.over[line] += count

    def rates(self) -> dict[str, float | None]:
        return {
            _line_key(x): (n / self.matches if self.matches else None) for x, n in self.over.items()
        }

    def json(self) -> dict[str, Any]:
        mean = (lambda total: total / self.with_total) if self.with_total else (lambda _: None)
        return {
            "matches": self.matches,
            "over": {_line_key(x): n for x, n in self.over.items()},
            "over_rate": self.rates(),
            "with_closing_total": self.with_total,
            "closing_main_line_mean": mean(self.line_sum),
            "implied_over_mean": mean(self.implied_over),
            "observed_over_main_rate": mean(float(self.over_main)),
        }


def _line_key(line: float) -> str:
    return f"{line:g}"


def closing_totals(rows: Iterable[OddsRow]) -> dict[int, tuple[float, float]]:
    """``event_id`` → (main line, implied over) of the closing main total, in one pass.

    Only usable pre-match total rows are kept, and only the last one per selection: the
    closing line is exactly the last of them (``core/closing.py``), so memory stays at a few
    rows per event whatever the length of the timeline."""
    last: dict[int, dict[SelectionKey, OddsRow]] = {}
    for row in rows:
        if row.group != TOTAL_GROUP or row.type not in (OVER, UNDER) or row.removed:
            continue
        if row.phase is not Phase.PREMATCH or usable_price(row.price, row.blocked) is None:
            continue
        kept = last.setdefault(row.event_id, {})
        key = (row.group, row.type, row.param)
        if key not in kept or row.observed_at >= kept[key].observed_at:
            kept[key] = row
    totals: dict[int, tuple[float, float]] = {}
    for event_id, kept in last.items():
        total = main_total(closing_line(kept.values()))
        if total is not None:
            inverse_over, inverse_under = 1 / total.over, 1 / total.under
            totals[event_id] = (total.line, inverse_over / (inverse_over + inverse_under))
    return totals


def over_under(
    matches: Iterable[FinishedMatch], totals: dict[int, tuple[float, float]]
) -> dict[str, OverUnder]:
    """Per league, from final scores, joined with the closing totals of ``closing_totals``."""
    leagues: dict[str, OverUnder] = {}
    for match in matches:
        stats = leagues.get(match.league)
        if stats is None:
            stats = leagues[match.league] = OverUnder(match.league)
        goals = match.score1 + match.score2
        stats.matches += 1
        for line in TOTAL_LINES:
            stats.over[line] += goals > line
        total = totals.get(match.event_id)
        if total is not None:
            stats.with_total += 1
            stats.line_sum += total[0]
            stats.implied_over += total[1]
            stats.over_main += goals > total[0]
    return leagues


TOTALS_TTL_S = 60.0
"""How long the closing totals of a store are reused: one pass over a big timeline costs
seconds (3 to 6 s for 170,000 rows on CSV or SQLite); closing lines change as matches start."""
_totals_cache: dict[tuple[int, str], tuple[float, dict[int, tuple[float, float]]]] = {}
_totals_lock = threading.Lock()


def cached_closing_totals(store: Store) -> dict[int, tuple[float, float]]:
    """``closing_totals`` of the whole timeline, reused for ``TOTALS_TTL_S``."""
    key = (id(store), store.target)
    now = time.monotonic()
    with _totals_lock:
        hit = _totals_cache.get(key)
    if hit is not None and now - hit[0] < TOTALS_TTL_S:
        return hit[1]
    totals = closing_totals(store.iter_odds())
    with _totals_lock:
        if len(_totals_cache) >= 16:  # a few stores per process at most
            _totals_cache.clear()
        _totals_cache[key] = (now, totals)
    return totals


def store_over_under(
    store: Store, query: MatchQuery, *, fresh: bool = False
) -> dict[str, OverUnder]:
    """One pass over the timeline (reused a minute unless ``fresh``), one over the selected
    matches."""
    totals = closing_totals(store.iter_odds()) if fresh else cached_closing_totals(store)
    return over_under(selected_matches(store.iter_matches(), query), totals)


def request_over_under() -> dict[str, OverUnder]:
    """The over/under table of this request's filters, computed once per request (the page
    and ``/api/stats`` both read it)."""
    cached: dict[str, OverUnder] | None = g.get("oracxpred_over_under")
    if cached is None:
        filters = request_filters()
        cached = store_over_under(web_state().store(), filters.query(0, None))
        g.oracxpred_over_under = cached
    return cached


def league_over_under(league: str) -> OverUnder:
    """One league's row, or every league added for ``ALL_LEAGUES``."""
    table = request_over_under()
    if league != ALL_LEAGUES:
        return table.get(league) or OverUnder(league)
    total = OverUnder(ALL_LEAGUES)
    for stats in table.values():
        total.add(stats)
    return total


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
        **({"over_under": league_over_under(stats.league).json()} if has_request_context() else {}),
    }


@bp.get("/statistiques")
def index() -> str:
    """Statistics of the filtered matches, one card and one chart per league."""
    filters = request_filters()
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
        over_under={s.league: league_over_under(s.league) for s in [*leagues, total]},
        total_lines=TOTAL_LINES,
        api_url=url_for("api.stats", **filters.api_args()),
    )
