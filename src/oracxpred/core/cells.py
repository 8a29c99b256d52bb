"""FinishedMatch <-> its CSV row (column name → cell text), formula neutralising, lenient
reading. No I/O. Here a "row" is always that dict, for one match.

Owns the one text representation of a stored match: the CSV store, exports and imports all go
through ``match_to_row``/``row_to_match``. Writing is canonical (ISO 8601 UTC with ``Z``,
``repr`` floats, ``1``/``N``/``2``); reading also accepts what the original OracXPred app wrote
(only its 12 columns, ``"2025-12-06 10:30:45"`` timestamps, ``X`` for a draw, empty outcome).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from oracxpred.core.finish import outcome_of
from oracxpred.core.records import (
    MATCH_COLUMNS,
    ORIGINAL_COLUMNS,
    FinishedMatch,
    FinishSource,
    Odds1X2,
    Outcome,
    Score,
)

FORMULA_CHARS = "=+-@\t\r"
"""First characters that make a spreadsheet run a cell as a formula (OWASP CSV injection)."""

TEXT_COLUMNS = frozenset({"league", "team1", "team2", "status"})
"""Free-text columns, the only ones ever neutralised."""

_MISSING = frozenset({"", "none", "null", "nan"})
_INT = re.compile(r"[+-]?\d+(?:\.0*)?")
_OUTCOMES = {"1": Outcome.HOME, "N": Outcome.DRAW, "X": Outcome.DRAW, "2": Outcome.AWAY}


class RowError(ValueError):
    """A row that cannot become a FinishedMatch; ``reason`` is French, for the log line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def neutralize(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate.

    Leading quotes are looked through so that ``unneutralize`` stays an exact inverse: a team
    literally named ``'=x`` is written ``''=x`` and read back as ``'=x``.
    """
    stripped = text.lstrip("'")
    return "'" + text if stripped[:1] and stripped[0] in FORMULA_CHARS else text


def unneutralize(text: str) -> str:
    """Undo ``neutralize``: drop one ``'`` only where our writer added it."""
    if text.startswith("'"):
        stripped = text.lstrip("'")
        if stripped[:1] and stripped[0] in FORMULA_CHARS:
            return text[1:]
    return text


def format_utc(moment: datetime) -> str:
    """``2025-12-06T10:30:45Z`` (microseconds kept when present); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def parse_utc(text: str) -> datetime:
    """Aware UTC datetime from ISO 8601 with ``T`` or a space, with or without ``Z``/offset."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T00:00+01:00 is year 0 in UTC
        raise RowError(f"date invalide : {_show(text)}") from None


def match_to_row(m: FinishedMatch) -> dict[str, str]:
    """Cells of ``m`` keyed by ``MATCH_COLUMNS``; empty string for None."""
    odds, opening, half = m.odds, m.opening_odds, m.halftime
    return {
        "timestamp_utc": format_utc(m.collected_at),
        "event_id": str(m.event_id),
        "league": neutralize(m.league),
        "team1": neutralize(m.team1),
        "team2": neutralize(m.team2),
        "odds_1": _float_cell(odds.home if odds else None),
        "odds_x": _float_cell(odds.draw if odds else None),
        "odds_2": _float_cell(odds.away if odds else None),
        "score1": str(m.score1),
        "score2": str(m.score2),
        "status": neutralize(m.status),
        "outcome": Outcome(m.outcome).value,
        "start_time_utc": format_utc(m.start_time) if m.start_time else "",
        "league_id": _int_cell(m.league_id),
        "sport_id": _int_cell(m.sport_id),
        "team1_id": _int_cell(m.team1_id),
        "team2_id": _int_cell(m.team2_id),
        "odds_at_utc": format_utc(m.odds_at) if m.odds_at else "",
        "opening_odds_1": _float_cell(opening.home if opening else None),
        "opening_odds_x": _float_cell(opening.draw if opening else None),
        "opening_odds_2": _float_cell(opening.away if opening else None),
        "opening_odds_at_utc": format_utc(m.opening_odds_at) if m.opening_odds_at else "",
        "halftime_score1": _int_cell(half.home if half else None),
        "halftime_score2": _int_cell(half.away if half else None),
        "finish_source": FinishSource(m.finish_source).value,
    }


def row_to_match(row: Mapping[str, str | None]) -> FinishedMatch:
    """The match a row describes; raises ``RowError`` (French reason) when it cannot.

    Columns after the original 12 are optional (None when absent or empty).
    """
    missing = [name for name in ORIGINAL_COLUMNS if name not in row]
    if missing:
        raise RowError(f"colonne(s) absente(s) : {', '.join(missing)}")
    cells = {name: row.get(name) or "" for name in MATCH_COLUMNS}
    score1 = _required_int(cells, "score1")
    score2 = _required_int(cells, "score2")
    stamp = cells["timestamp_utc"]
    if not stamp.strip():
        raise RowError("timestamp_utc vide")
    return FinishedMatch(
        event_id=_required_int(cells, "event_id"),
        collected_at=parse_utc(stamp),
        league=unneutralize(cells["league"]),
        team1=unneutralize(cells["team1"]),
        team2=unneutralize(cells["team2"]),
        score1=score1,
        score2=score2,
        status=unneutralize(cells["status"]),
        outcome=_outcome(cells["outcome"], Score(score1, score2)),
        finish_source=_finish_source(cells["finish_source"]),
        sport_id=_optional_int(cells, "sport_id"),
        league_id=_optional_int(cells, "league_id"),
        team1_id=_optional_int(cells, "team1_id"),
        team2_id=_optional_int(cells, "team2_id"),
        start_time=_optional_utc(cells["start_time_utc"]),
        odds=_odds(cells, "odds_1", "odds_x", "odds_2"),
        odds_at=_optional_utc(cells["odds_at_utc"]),
        opening_odds=_odds(cells, "opening_odds_1", "opening_odds_x", "opening_odds_2"),
        opening_odds_at=_optional_utc(cells["opening_odds_at_utc"]),
        halftime=_halftime(cells),
    )


def parse_int(text: str) -> int | None:
    """``"123"`` or ``"123.0"`` (spreadsheet round trips) → 123; None when not an integer."""
    value = text.strip()
    if not _INT.fullmatch(value):
        return None
    return int(value.split(".", 1)[0])


def _show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _float_cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _int_cell(value: int | None) -> str:
    return "" if value is None else str(value)


def _required_int(cells: Mapping[str, str], name: str) -> int:
    value = parse_int(cells[name])
    if value is None:
        raise RowError(f"{name} invalide : {_show(cells[name])}")
    return value


def _optional_int(cells: Mapping[str, str], name: str) -> int | None:
    if cells[name].strip().lower() in _MISSING:
        return None
    return _required_int(cells, name)


def _optional_utc(text: str) -> datetime | None:
    return None if text.strip().lower() in _MISSING else parse_utc(text)


def _odds(cells: Mapping[str, str], *names: str) -> Odds1X2 | None:
    """Three prices or None; a 0 or empty price (original app: no odds) means none, except an
    empty draw beside two prices: a 2-way market (``odds_x`` empty). Read in column order, so
    the first bad cell is the one reported."""
    home_name, draw_name, away_name = names
    home = _price(cells, home_name)
    if home is None:
        return None
    draw_text = cells[draw_name].strip()
    draw = None if draw_text == "" else _price(cells, draw_name)
    if draw is None and draw_text != "":
        return None
    away = _price(cells, away_name)
    if away is None:
        return None
    return Odds1X2(home, draw, away)


def _price(cells: Mapping[str, str], name: str) -> float | None:
    text = cells[name].strip().replace(",", ".")
    if text.lower() in _MISSING:
        return None
    try:
        price = float(text)
    except ValueError:
        raise RowError(f"{name} invalide : {_show(cells[name])}") from None
    if not math.isfinite(price) or price <= 0:
        return None
    return price


def _halftime(cells: Mapping[str, str]) -> Score | None:
    home = _optional_int(cells, "halftime_score1")
    away = _optional_int(cells, "halftime_score2")
    return None if home is None or away is None else Score(home, away)


def _outcome(text: str, score: Score) -> Outcome:
    value = text.strip().upper()
    if not value:
        return outcome_of(score)
    if value not in _OUTCOMES:
        raise RowError(f"outcome invalide : {_show(text)}")
    return _OUTCOMES[value]


def _finish_source(text: str) -> FinishSource:
    value = text.strip().lower()
    if not value:
        return FinishSource.FEED
    try:
        return FinishSource(value)
    except ValueError:
        raise RowError(f"finish_source invalide : {_show(text)}") from None
