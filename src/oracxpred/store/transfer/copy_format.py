"""CSV file lines → PostgreSQL ``COPY … (FORMAT csv)`` lines, for imports. No I/O.

``row_to_match`` costs ~16 µs a row on the reference machine, most of an import's time. A file
written by the CSV store or by the original app is almost entirely canonical: every cell is
already in a form that PostgreSQL's own parsers read to exactly the value ``row_to_match``
would produce. ``LineConverter`` recognises such a line with one regular expression and hands
it to COPY as is (or with a few cells rewritten); any other line (quotes, unusual numbers or
dates, neutralised text, bad cells…) returns None and takes the reference path:
``csv.reader`` → ``row_to_match`` → ``copy_line``.

Why "the same value" holds for a line the expressions accept:

* integers are ASCII digits, at most 9 (``integer``) or 18 (``bigint``) of them: never out of
  range, and ``int()`` and PostgreSQL read them alike (leading zeros, ``-0``);
* prices are plain decimals above 1.001, at most 15 digits on each side of the point: Python
  and PostgreSQL both parse them with a correctly rounded strtod, so to the same double; a
  triple of zeros or holding an empty cell is written empty (``row_to_match``: no odds);
* timestamps are ``YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z]`` with a real calendar date (leap years
  included) and 1-6 fraction digits: ``fromisoformat`` and PostgreSQL (session ``TimeZone`` is
  UTC, as ``row_to_match`` reads a zone-less time) agree on the instant;
* the line is one ``core.validate`` accepts (``match_problem``): positive event id, scores
  ≥ 0, names not blank, dates from 2015 to one day after the import's start, an outcome that
  agrees with the score; anything else takes the reference path, which words the refusal;
* text cells hold no comma, quote, line break, NUL, undecodable byte (surrogate escape) and do
  not start with ``'`` (the neutralising quote ``row_to_match`` may remove): they are the
  stored text verbatim. Empty text is not NULL thanks to ``FORCE_NOT_NULL`` (``COPY_OPTIONS``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from oracxpred.core.finish import outcome_of
from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS, FinishedMatch, Score
from oracxpred.core.validate import latest_date
from oracxpred.store.cursor import CURSOR_COLUMNS

TEXT_COLUMNS = ("league", "team1", "team2", "status")
COPY_OPTIONS = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(TEXT_COLUMNS)})"
"""Options of the COPY the lines are written for (all of ``MATCH_COLUMNS``, in order)."""

INT4_RANGE = (-(2**31), 2**31 - 1)
INT8_RANGE = (-(2**63), 2**63 - 1)
INT4_COLUMNS = ("score1", "score2", "halftime_score1", "halftime_score2")
INT8_COLUMNS = ("event_id", "league_id", "sport_id", "team1_id", "team2_id")

# -- the canonical cells ------------------------------------------------------------------------
# Only values ``core.validate`` accepts match (checked after the match: a date's upper bound and
# the outcome against the score): a line the expressions take is a row the reference path
# stores, never one it refuses.

_YEAR = r"20(?:1[5-9]|[2-9][0-9])"  # 2015-2099
_LEAP = r"20(?:16|[2468][048]|[3579][26])"
_DATE = (
    rf"(?:{_YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    rf"|{_LEAP}-02-29)"
)
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_STAMP = rf"({_DATE}[T ]{_TIME})Z?"  # one group: compared with the latest date allowed
_INT4 = r"[0-9]{1,9}"  # ≥ 0
_INT8 = r"-?[0-9]{1,18}"
_ID = r"([1-9][0-9]{0,17})"  # > 0
# A price above 1.001 (``core/finish.SETTLED_PRICE``), at most 15 digits each side of the point.
_PRICE = (
    r"(?:(?:[2-9]|[1-9][0-9]{1,14})(?:\.[0-9]{1,15})?"
    r"|1\.(?=[0-9]{1,15}(?![0-9]))(?:[1-9]|0[1-9]|00[2-9]|001(?=[0-9]*[1-9]))[0-9]*)"
)
_ZERO = r"0{1,15}(?:\.0{1,15})?"
_TEXT = "(?!')[^,\"\r\n\x00\udc80-\udcff]*"
_NAME = rf"(?=[^,]*?[^\s,]){_TEXT}"  # not blank

# Cell patterns per column: (strict, lenient). A line matching the strict pattern is stored
# verbatim; one matching only the lenient pattern needs ``_fix`` first.
_STRICT_ODDS = rf"(?:{_PRICE},{_PRICE},{_PRICE}|,,)"
_LENIENT_ODDS = (
    rf"(?:(?:{_PRICE})?,(?:{_PRICE})?,(?:{_PRICE})?|(?:{_ZERO})?,(?:{_ZERO})?,(?:{_ZERO})?)"
)
_OPTIONAL_STAMP = f"(?:{_STAMP})?"
_CELLS: dict[str, tuple[str, str]] = {
    "timestamp_utc": (_STAMP, _STAMP),
    "event_id": (_ID, _ID),
    "league": (_NAME, _NAME),
    "team1": (_NAME, _NAME),
    "team2": (_NAME, _NAME),
    "odds_1,odds_x,odds_2": (_STRICT_ODDS, _LENIENT_ODDS),
    "score1": (f"({_INT4})", f"({_INT4})"),
    "score2": (f"({_INT4})", f"({_INT4})"),
    "status": (_TEXT, _TEXT),
    "outcome": ("([12N])", "([12NnXx]?)"),
    "start_time_utc": (_OPTIONAL_STAMP, _OPTIONAL_STAMP),
    "league_id": (f"(?:{_INT8})?", f"(?:{_INT8})?"),
    "sport_id": (f"(?:{_INT8})?", f"(?:{_INT8})?"),
    "team1_id": (f"(?:{_INT8})?", f"(?:{_INT8})?"),
    "team2_id": (f"(?:{_INT8})?", f"(?:{_INT8})?"),
    "odds_at_utc": (_OPTIONAL_STAMP, _OPTIONAL_STAMP),
    "opening_odds_1,opening_odds_x,opening_odds_2": (_STRICT_ODDS, _LENIENT_ODDS),
    "opening_odds_at_utc": (_OPTIONAL_STAMP, _OPTIONAL_STAMP),
    "halftime_score1,halftime_score2": (f"(?:{_INT4},{_INT4}|,)", f"(?:{_INT4})?,(?:{_INT4})?"),
    "finish_source": ("(?:feed|results|backfill)", "(?i:feed|results|backfill)?"),
}
assert ",".join(_CELLS) == ",".join(MATCH_COLUMNS)
_CURSOR_TAIL = re.compile(r",[0-9]*,[0-9T:.Z -]*\Z")
_OUTCOMES = {"1": "1", "2": "2", "N": "N", "n": "N", "X": "N", "x": "N"}

_ORIGINAL_SUFFIX = "," * (len(MATCH_COLUMNS) - len(ORIGINAL_COLUMNS)) + "feed"
"""The 13 columns the original app did not have: all empty, finish source ``feed``."""


def _line_pattern(columns: Sequence[str], which: int) -> re.Pattern[str]:
    cells = []
    for group, patterns in _CELLS.items():
        if group.split(",")[0] not in columns:
            break
        cells.append(patterns[which])
    return re.compile(",".join(cells))


class LineConverter:
    """Built once from a file's header and the import's ``now``; ``convert`` is the per-line
    fast path.

    Only the exact headers of the CSV store (``MATCH_COLUMNS``) and of the original app
    (``ORIGINAL_COLUMNS``) have one; for any other header ``enabled`` is False.
    """

    def __init__(self, header: Sequence[str], now: datetime) -> None:
        columns = tuple(header)
        # The CSV store's file ends with the cursor's two cells: the importing store numbers
        # the rows itself, so they are dropped (``_CURSOR_TAIL``).
        self._cursor = columns == MATCH_COLUMNS + CURSOR_COLUMNS
        if self._cursor:
            columns = MATCH_COLUMNS
        self.enabled = columns in (MATCH_COLUMNS, ORIGINAL_COLUMNS)
        self._original = columns == ORIGINAL_COLUMNS
        self._strict = _line_pattern(columns, 0).fullmatch if self.enabled else None
        self._lenient = _line_pattern(columns, 1).fullmatch if self.enabled else None
        # Dates are compared as "YYYY-MM-DD" text: a date on the last day allowed (or after)
        # is left to the reference path, which compares to the second.
        self._latest = latest_date(now).astimezone(UTC).strftime("%Y-%m-%d")

    def convert(self, line: str) -> tuple[int, str] | None:
        """``(event_id, COPY line without its newline)``, or None: take the reference path.

        ``line`` is one physical line of the file, with or without its line ending.
        """
        if self._strict is None or self._lenient is None:
            return None
        content = line.rstrip("\r\n")
        if self._cursor:
            tail = _CURSOR_TAIL.search(content)
            if tail is None:
                return None
            content = content[: tail.start()]
        found = self._strict(content)
        lenient = found is None
        if found is None:
            found = self._lenient(content)
            if found is None:
                return None
        groups = found.groups()
        # groups: timestamp, event_id, score1, score2, outcome, then the optional stamps
        latest = self._latest
        for stamp in groups[5:]:
            if stamp is not None and stamp[:10] >= latest:
                return None
        if groups[0][:10] >= latest:
            return None
        outcome = _OUTCOMES.get(groups[4])
        if outcome is not None:
            home, away = int(groups[2]), int(groups[3])
            if outcome != ("1" if home > away else "2" if home < away else "N"):
                return None  # contradicts the score: the reference path words the refusal
        if lenient:
            content = _fix(content, self._original)
        if self._original:
            content += _ORIGINAL_SUFFIX
        return int(groups[1]), content


def _fix(content: str, original: bool) -> str:
    """Rewrite what the lenient pattern let through to what ``row_to_match`` would store."""
    cells = content.split(",")
    _fix_odds(cells, 5)
    outcome = cells[11].upper()
    if outcome == "X":
        outcome = "N"
    elif not outcome:
        outcome = outcome_of(Score(int(cells[8]), int(cells[9]))).value
    cells[11] = outcome
    if not original:
        _fix_odds(cells, 18)
        if not cells[22] or not cells[23]:
            cells[22] = cells[23] = ""
        cells[24] = cells[24].lower() or "feed"
    return ",".join(cells)


def _fix_odds(cells: list[str], first: int) -> None:
    """An empty price, or three zeros, mean no odds: the three cells become empty; only an
    empty draw beside two prices stays (a 2-way market)."""
    home, draw, away = cells[first : first + 3]
    if draw == "" and home and away and float(home) > 0 and float(away) > 0:
        return
    if not all(cell and float(cell) > 0 for cell in cells[first : first + 3]):
        cells[first : first + 3] = ["", "", ""]


# -- the reference path's matches -----------------------------------------------------------


def sql_value_error(match: FinishedMatch) -> str | None:
    """Why the SQL schema cannot hold ``match`` exactly (French), or None when it can.

    ``row_to_match`` accepts any integer and any text; ``integer`` and ``bigint`` columns do
    not, and PostgreSQL refuses NUL in text. Without this check such a row would stop a
    whole import, or worse (a binary COPY used to wrap 9999999999 into an ``integer``).
    """
    for name in INT8_COLUMNS + INT4_COLUMNS:
        value = _int_value(match, name)
        low, high = INT4_RANGE if name in INT4_COLUMNS else INT8_RANGE
        if value is not None and not low <= value <= high:
            return f"{name} hors des limites de la base : {value}"
    for name in TEXT_COLUMNS:
        if "\x00" in getattr(match, name):
            return f"{name} contient un caractère NUL, refusé par la base"
    return None


def _int_value(match: FinishedMatch, name: str) -> int | None:
    if name == "halftime_score1":
        return match.halftime.home if match.halftime else None
    if name == "halftime_score2":
        return match.halftime.away if match.halftime else None
    value: int | None = getattr(match, name)
    return value


def copy_line(match: FinishedMatch) -> str:
    """``match`` as a COPY line (``MATCH_COLUMNS`` order, no newline); see ``COPY_OPTIONS``."""
    odds, opening, half = match.odds, match.opening_odds, match.halftime
    none = (None, None, None)
    prices = (odds.home, odds.draw, odds.away) if odds else none
    opening_prices = (opening.home, opening.draw, opening.away) if opening else none
    cells = [
        match.collected_at.isoformat(),
        str(match.event_id),
        _quoted(match.league),
        _quoted(match.team1),
        _quoted(match.team2),
        *_prices(*prices),
        str(match.score1),
        str(match.score2),
        _quoted(match.status),
        match.outcome.value,
        match.start_time.isoformat() if match.start_time else "",
        _optional(match.league_id),
        _optional(match.sport_id),
        _optional(match.team1_id),
        _optional(match.team2_id),
        match.odds_at.isoformat() if match.odds_at else "",
        *_prices(*opening_prices),
        match.opening_odds_at.isoformat() if match.opening_odds_at else "",
        _optional(half.home if half else None),
        _optional(half.away if half else None),
        match.finish_source.value,
    ]
    return ",".join(cells)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _prices(*values: float | None) -> tuple[str, ...]:
    return tuple("" if v is None else repr(float(v)) for v in values)


def _optional(value: int | None) -> str:
    return "" if value is None else str(value)
