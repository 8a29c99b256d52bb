"""Conversions between records and SQL rows (``schema.matches``, ``schema.heartbeats``).

Reading is tolerant of rows the original app wrote: NULL or NaN odds (pandas writes NaN), no
finish source (those matches were seen finished in the feed), an outcome written differently.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

from oracxpred.core.finish import outcome_of
from oracxpred.core.records import FinishedMatch, FinishSource, Odds1X2, Outcome, Score
from oracxpred.store.base import Heartbeat
from oracxpred.store.sql.schema import INSERT_COLUMNS


def match_row(match: FinishedMatch) -> dict[str, Any]:
    """The insert parameters of one match."""
    odds, opening, half = match.odds, match.opening_odds, match.halftime
    return {
        "timestamp_utc": match.collected_at,
        "event_id": match.event_id,
        "league": match.league,
        "team1": match.team1,
        "team2": match.team2,
        "odds_1": odds.home if odds else None,
        "odds_x": odds.draw if odds else None,
        "odds_2": odds.away if odds else None,
        "score1": match.score1,
        "score2": match.score2,
        "status": match.status,
        "outcome": match.outcome.value,
        "start_time_utc": match.start_time,
        "league_id": match.league_id,
        "sport_id": match.sport_id,
        "team1_id": match.team1_id,
        "team2_id": match.team2_id,
        "odds_at_utc": match.odds_at,
        "opening_odds_1": opening.home if opening else None,
        "opening_odds_x": opening.draw if opening else None,
        "opening_odds_2": opening.away if opening else None,
        "opening_odds_at_utc": match.opening_odds_at,
        "halftime_score1": half.home if half else None,
        "halftime_score2": half.away if half else None,
        "finish_source": match.finish_source.value,
    }


def match_tuple(match: FinishedMatch) -> tuple[Any, ...]:
    """The same values in ``INSERT_COLUMNS`` order (COPY rows)."""
    row = match_row(match)
    return tuple(row[name] for name in INSERT_COLUMNS)


def _number(value: Any) -> float | None:
    """A usable price: NULL, NaN (pandas) and 0 (the original app's "no odds") are none."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) and number > 0 else None


def _odds(home: Any, draw: Any, away: Any) -> Odds1X2 | None:
    """Three prices, or home and away with a NULL draw (2-way market); None otherwise."""
    one, two = _number(home), _number(away)
    if one is None or two is None or (_number(draw) is None and draw is not None):
        return None
    return Odds1X2(one, _number(draw), two)


def _outcome(raw: Any, score1: int, score2: int) -> Outcome:
    text = str(raw or "").strip().upper()
    if text == "X":  # the original app's draw (normalised on adoption; kept for safety)
        text = "N"
    try:
        return Outcome(text)
    except ValueError:
        return outcome_of(Score(score1, score2))


def _source(raw: Any) -> FinishSource:
    try:
        return FinishSource(raw) if raw else FinishSource.FEED
    except ValueError:
        return FinishSource.FEED


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def row_match(row: Mapping[Any, Any]) -> FinishedMatch:
    """A stored row as the record every layer uses."""
    score1, score2 = int(row["score1"]), int(row["score2"])
    h1, h2 = row["halftime_score1"], row["halftime_score2"]
    return FinishedMatch(
        event_id=int(row["event_id"]),
        collected_at=row["timestamp_utc"],
        league=row["league"] or "",
        team1=row["team1"] or "",
        team2=row["team2"] or "",
        score1=score1,
        score2=score2,
        status=row["status"] or "",
        outcome=_outcome(row["outcome"], score1, score2),
        finish_source=_source(row["finish_source"]),
        sport_id=_int(row["sport_id"]),
        league_id=_int(row["league_id"]),
        team1_id=_int(row["team1_id"]),
        team2_id=_int(row["team2_id"]),
        start_time=row["start_time_utc"],
        odds=_odds(row["odds_1"], row["odds_x"], row["odds_2"]),
        odds_at=row["odds_at_utc"],
        opening_odds=_odds(row["opening_odds_1"], row["opening_odds_x"], row["opening_odds_2"]),
        opening_odds_at=row["opening_odds_at_utc"],
        halftime=Score(int(h1), int(h2)) if h1 is not None and h2 is not None else None,
    )


def heartbeat_row(beat: Heartbeat) -> dict[str, Any]:
    # The table's columns are the dataclass's fields, by name.
    return dataclasses.asdict(beat)


def row_heartbeat(row: Mapping[Any, Any]) -> Heartbeat:
    return Heartbeat(
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        ok=bool(row["ok"]),
        host=row["host"],
        pid=int(row["pid"]),
        saved=int(row["saved"]),
        pending=int(row["pending"]),
        duplicates=int(row["duplicates"]),
        rejected=int(row["rejected"]),
        error=row["error"],
        feed_host=row["feed_host"] or "",
        events=int(row.get("events") or 0),
        interval_s=float(row["interval_s"]) if row.get("interval_s") is not None else None,
    )
