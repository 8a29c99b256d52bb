"""Which matches may be stored: the one rule shared by imports and the collector. No I/O.

``row_to_match`` reads leniently (it also reads the store's own file, whatever is in it);
everything that *enters* a store goes through ``match_problem`` first: ``import-csv`` on every
backend (``valid_row_to_match``, and the PostgreSQL COPY fast path, which only takes lines these
rules accept) and the collector's own rows (``collector/cycle.py``). A match is refused when:

* its event id is not positive, a score or a half-time score is negative;
* its league or a team name is empty (or only spaces);
* a date (collection, start, odds) is before 2015 or more than one day after ``now``;
* its outcome contradicts its score (``2`` for 2-1);
* a price is not usable (``core/finish.usable_price``: not above 1.001, the feed's
  "decided" price; 1.0, 0.5, 0 and negative prices are refused too). In a file, an empty
  cell still means "no odds", and so does a triple of zeros (the original app's way to
  write it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from oracxpred.core.cells import RowError, row_to_match
from oracxpred.core.finish import SETTLED_PRICE, outcome_of, usable_price
from oracxpred.core.records import FinishedMatch, Odds1X2, Score

EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)
"""No virtual-football match of the feed is older."""

FUTURE_MARGIN = timedelta(days=1)
"""A date may be this far after ``now`` (clock skew, time zones of a hand-made file)."""

ODDS_CELLS = (
    ("odds_1", "odds_x", "odds_2"),
    ("opening_odds_1", "opening_odds_x", "opening_odds_2"),
)
_MISSING = frozenset({"", "none", "null", "nan"})
_DATES = (
    ("timestamp_utc", "collected_at"),
    ("start_time_utc", "start_time"),
    ("odds_at_utc", "odds_at"),
    ("opening_odds_at_utc", "opening_odds_at"),
)


def latest_date(now: datetime) -> datetime:
    """The last acceptable date for a match checked at ``now``."""
    return now + FUTURE_MARGIN


def match_problem(match: FinishedMatch, now: datetime) -> str | None:
    """Why ``match`` must not be stored (French), or None when it may."""
    if match.event_id <= 0:
        return f"event_id invalide : {match.event_id} (entier positif attendu)"
    for name, value in (("score1", match.score1), ("score2", match.score2)):
        if value < 0:
            return f"{name} négatif : {value}"
    if match.halftime is not None and min(match.halftime.home, match.halftime.away) < 0:
        return f"score à la mi-temps négatif : {match.halftime}"
    for name in ("league", "team1", "team2"):
        if not str(getattr(match, name)).strip():
            return f"{name} vide"
    latest = latest_date(now)
    for column, attribute in _DATES:
        moment: datetime | None = getattr(match, attribute)
        if moment is not None and not EARLIEST <= moment <= latest:
            return (
                f"{column} hors période : {moment:%Y-%m-%d %H:%M:%S} "
                f"(attendu entre 2015 et {latest:%Y-%m-%d})"
            )
    expected = outcome_of(Score(match.score1, match.score2))
    if match.outcome is not expected:
        return (
            f"outcome {match.outcome.value} contredit le score {match.score1}-{match.score2} "
            f"(attendu {expected.value})"
        )
    for label, odds in (("odds", match.odds), ("opening_odds", match.opening_odds)):
        problem = _odds_problem(label, odds)
        if problem:
            return problem
    return None


def valid_row_to_match(row: Mapping[str, str | None], now: datetime) -> FinishedMatch:
    """The match a row to import describes; ``RowError`` (French reason) when it cannot be
    read or must not be stored."""
    for names in ODDS_CELLS:
        _check_price_cells(row, names)
    match = row_to_match(row)
    problem = match_problem(match, now)
    if problem:
        raise RowError(problem)
    return match


def _odds_problem(label: str, odds: Odds1X2 | None) -> str | None:
    if odds is None:
        return None
    for side, price in zip(("1", "x", "2"), (odds.home, odds.draw, odds.away), strict=True):
        if price is None:
            continue  # a 2-way market
        if usable_price(price, blocked=False) is None:
            return (
                f"{label}_{side} invalide : {price!r} (cote supérieure à {SETTLED_PRICE} attendue)"
            )
    return None


def _check_price_cells(row: Mapping[str, str | None], names: tuple[str, ...]) -> None:
    """Empty cells mean no odds, three zeros too; any other price must be above 1.001."""
    texts = [(row.get(name) or "").strip().replace(",", ".") for name in names]
    present = [(n, t) for n, t in zip(names, texts, strict=True) if t.lower() not in _MISSING]
    values: list[tuple[str, str, float | None]] = []
    for name, text in present:
        try:
            values.append((name, text, float(text)))
        except ValueError:
            values.append((name, text, None))  # row_to_match words this one
    if all(value == 0 for _, _, value in values):
        return
    for name, text, value in values:
        if value is not None and usable_price(value, blocked=False) is None:
            raise RowError(
                f"{name} invalide : {text[:40]!r} (vide, ou cote supérieure à {SETTLED_PRICE})"
            )
