"""Leakage-safe features of finished matches, one row per match. No I/O (docs/dataset.md).

Rows are produced in kick-off order. A match enters the history (team form, head-to-head,
league rates, Elo) only once its ``available_at`` is strictly before the kick-off of the row
being built: a heap ordered by ``available_at`` releases it, so the history of a row never sees
a result that was not known at its kick-off, and Elo is updated in the order results became
known.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass

from oracxpred.core.closing import TotalLine
from oracxpred.core.records import FinishSource, Odds1X2

ELO_START = 1500.0
"""Rating of a team before its first available match in the league."""
ELO_K = 20.0
"""Step of an Elo update (no home advantage: virtual teams have no ground)."""
OVER_LINES = (0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5)
"""Over/under labels: FIFA virtual scores reach 7 and more goals."""
RATE_LINE = 2.5
"""The line of the league's rolling ``over`` rate."""
FORM_WINDOWS = (5, 10)
H2H_WINDOW = 5
DAY_S = 86_400
RATE_WINDOWS = (("24h", DAY_S), ("7d", 7 * DAY_S))
BACKFILL_FALLBACK_S = 3 * 3600
"""Backfill duration when the league has no feed-observed match (far above a virtual match)."""


@dataclass(frozen=True, slots=True)
class MatchFacts:
    """What a row needs from one stored match; times are unix seconds UTC."""

    event_id: int
    league: str
    team1: str
    team2: str
    kickoff: int
    available_at: int
    score1: int
    score2: int
    halftime1: int | None
    halftime2: int | None
    outcome: str
    finish_source: str
    open_1x2: Odds1X2 | None = None
    close_1x2: Odds1X2 | None = None
    open_total: TotalLine | None = None
    close_total: TotalLine | None = None


def available_at(source: str, kickoff: int, collected_at: int, longest: int | None) -> int:
    """When the result became known, never before kick-off (docs/dataset.md).

    Feed and results: the time it was stored. Backfill (stored long after): kick-off plus
    ``longest``, the league's longest feed-observed duration known at its kick-off
    (``BACKFILL_FALLBACK_S`` without one), but never later than the time it was stored."""
    if source == FinishSource.BACKFILL:
        span = BACKFILL_FALLBACK_S if longest is None else longest
        moment = min(kickoff + span, collected_at)
    else:
        moment = collected_at
    return max(moment, kickoff)


class AvailabilityClock:
    """``available_at`` of matches fed in kick-off order, from the past only.

    A backfilled match's duration is guessed from the league's feed-observed matches (kick-off
    → stored) whose result was stored strictly before its kick-off: a later match, however
    long, never moves an earlier row. A heap keyed by the stored time releases them (it holds
    only the results not stored yet at the latest kick-off); a negative span never counts."""

    def __init__(self) -> None:
        self._pending: list[tuple[int, str, int]] = []  # (collected_at, league, span)
        self._longest: dict[str, int] = {}
        self._last_kickoff: int | None = None

    def available_at(self, league: str, source: str, kickoff: int, collected_at: int) -> int:
        """``available_at`` of one match; ``ValueError`` when fed out of kick-off order."""
        if self._last_kickoff is not None and kickoff < self._last_kickoff:
            raise ValueError("matchs hors de l'ordre des coups d'envoi")
        self._last_kickoff = kickoff
        while self._pending and self._pending[0][0] < kickoff:
            _, done, span = heapq.heappop(self._pending)
            self._longest[done] = max(span, self._longest.get(done, span))
        moment = available_at(source, kickoff, collected_at, self._longest.get(league))
        span = collected_at - kickoff
        if source == FinishSource.FEED and span >= 0:
            heapq.heappush(self._pending, (collected_at, league, span))
        return moment


def _over_name(line: float) -> str:
    return "over_" + str(line).replace(".", "_")


COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "int"),
    ("league", "str"),
    ("team1", "str"),
    ("team2", "str"),
    ("kickoff_utc", "time"),
    ("available_at_utc", "time"),
    ("finish_source", "str"),
    # labels
    ("outcome", "str"),
    ("score1", "int"),
    ("score2", "int"),
    ("total_goals", "int"),
    ("halftime_score1", "int"),
    ("halftime_score2", "int"),
    ("both_scored", "bool"),
    *((_over_name(line), "bool") for line in OVER_LINES),
    ("over_main_total", "bool"),
    # market
    *((f"odds_{when}_{s}", "float") for when in ("open", "close") for s in ("1", "x", "2")),
    *((f"prob_{when}_{s}", "float") for when in ("open", "close") for s in ("1", "x", "2")),
    ("margin_open", "float"),
    ("margin_close", "float"),
    *((f"prob_move_{s}", "float") for s in ("1", "x", "2")),
    *(
        (f"total_{when}_{k}", "float")
        for when in ("open", "close")
        for k in ("line", "over", "under")
    ),
    ("prob_open_over", "float"),
    ("prob_close_over", "float"),
    ("prob_move_over", "float"),
    ("total_line_move", "float"),
    # history
    *(
        (f"{side}_last{n}_{k}", "int")
        for side in ("team1", "team2")
        for n in FORM_WINDOWS
        for k in ("n", "points", "goals_for", "goals_against")
    ),
    *(
        (f"h2h_{k}", "int")
        for k in ("n", "team1_wins", "draws", "team2_wins", "team1_goals", "team2_goals")
    ),
    *(
        col
        for name, _ in RATE_WINDOWS
        for col in (
            (f"league_{name}_n", "int"),
            (f"league_{name}_goals_per_match", "float"),
            (f"league_{name}_draw_rate", "float"),
            (f"league_{name}_over_rate", "float"),
            (f"league_{name}_both_scored_rate", "float"),
        )
    ),
    ("elo_team1", "float"),
    ("elo_team2", "float"),
    ("elo_expected_team1", "float"),
)
"""Every column of the dataset, in file order, with its kind (int, float, str, bool, time)."""

COLUMN_NAMES: tuple[str, ...] = tuple(name for name, _ in COLUMNS)

Cell = int | float | str | bool | None
Row = tuple[Cell, ...]


def implied(odds: Odds1X2 | None) -> tuple[float | None, float | None, float | None, float | None]:
    """Probabilities with the margin removed (home, draw, away) and the margin; the draw stays
    None for a 2-way market."""
    if odds is None:
        return None, None, None, None
    inverse = [1 / odds.home, 1 / odds.away] + ([] if odds.draw is None else [1 / odds.draw])
    total = sum(inverse)
    draw = None if odds.draw is None else (1 / odds.draw) / total
    return (1 / odds.home) / total, draw, (1 / odds.away) / total, total - 1


def _move(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _prob_over(total: TotalLine | None) -> float | None:
    if total is None:
        return None
    over, under = 1 / total.over, 1 / total.under
    return over / (over + under)


def _labels(m: MatchFacts) -> Row:
    goals = m.score1 + m.score2
    main = m.close_total or m.open_total
    return (
        m.outcome,
        m.score1,
        m.score2,
        goals,
        m.halftime1,
        m.halftime2,
        m.score1 > 0 and m.score2 > 0,
        *(goals > line for line in OVER_LINES),
        None if main is None else goals > main.line,
    )


def _market(m: MatchFacts) -> Row:
    o1, ox, o2, margin_open = implied(m.open_1x2)
    c1, cx, c2, margin_close = implied(m.close_1x2)

    def prices(odds: Odds1X2 | None) -> Row:
        return (None, None, None) if odds is None else (odds.home, odds.draw, odds.away)

    def line(total: TotalLine | None) -> Row:
        return (None, None, None) if total is None else (total.line, total.over, total.under)

    p_open, p_close = _prob_over(m.open_total), _prob_over(m.close_total)
    open_line = None if m.open_total is None else m.open_total.line
    close_line = None if m.close_total is None else m.close_total.line
    return (
        *prices(m.open_1x2),
        *prices(m.close_1x2),
        o1,
        ox,
        o2,
        c1,
        cx,
        c2,
        margin_open,
        margin_close,
        _move(o1, c1),
        _move(ox, cx),
        _move(o2, c2),
        *line(m.open_total),
        *line(m.close_total),
        p_open,
        p_close,
        _move(p_open, p_close),
        _move(open_line, close_line),
    )


class _Rates:
    """A league's matches available within a sliding window, with running sums."""

    __slots__ = ("both", "draws", "goals", "items", "n", "overs", "span")

    def __init__(self, span: int) -> None:
        self.span = span
        self.items: deque[tuple[int, int, bool, bool, bool]] = deque()
        self.n = self.goals = self.draws = self.overs = self.both = 0

    def add(self, moment: int, m: MatchFacts) -> None:
        item = (
            moment,
            m.score1 + m.score2,
            m.score1 == m.score2,
            m.score1 + m.score2 > RATE_LINE,
            m.score1 > 0 and m.score2 > 0,
        )
        self.items.append(item)
        self._count(item, 1)

    def _count(self, item: tuple[int, int, bool, bool, bool], sign: int) -> None:
        self.n += sign
        self.goals += sign * item[1]
        self.draws += sign * item[2]
        self.overs += sign * item[3]
        self.both += sign * item[4]

    def at(self, kickoff: int) -> Row:
        while self.items and self.items[0][0] <= kickoff - self.span:
            self._count(self.items.popleft(), -1)
        if not self.n:
            return (0, None, None, None, None)
        n = self.n
        return (n, self.goals / n, self.draws / n, self.overs / n, self.both / n)


class FeatureBuilder:
    """Rows of matches fed in kick-off order; history only from matches available before."""

    def __init__(self) -> None:
        self._pending: list[tuple[int, int, MatchFacts]] = []
        self._serial = 0
        self._last_kickoff: int | None = None
        self._form: dict[tuple[str, str], deque[tuple[int, int, int]]] = {}
        self._h2h: dict[tuple[str, str, str], deque[tuple[str, int, int]]] = {}
        self._elo: dict[tuple[str, str], float] = {}
        self._rates: dict[str, tuple[_Rates, ...]] = {}

    def row(self, m: MatchFacts) -> Row:
        """The row of ``m``; ``ValueError`` when fed out of kick-off order."""
        if self._last_kickoff is not None and m.kickoff < self._last_kickoff:
            raise ValueError("matchs hors de l'ordre des coups d'envoi")
        self._last_kickoff = m.kickoff
        self._release(m.kickoff)
        row = (
            m.event_id,
            m.league,
            m.team1,
            m.team2,
            m.kickoff,
            m.available_at,
            m.finish_source,
            *_labels(m),
            *_market(m),
            *self._history(m),
        )
        heapq.heappush(self._pending, (m.available_at, self._serial, m))
        self._serial += 1
        return row

    def _release(self, kickoff: int) -> None:
        while self._pending and self._pending[0][0] < kickoff:
            moment, _, done = heapq.heappop(self._pending)
            self._learn(moment, done)

    def _learn(self, moment: int, m: MatchFacts) -> None:
        for team, gf, ga in ((m.team1, m.score1, m.score2), (m.team2, m.score2, m.score1)):
            points = 3 if gf > ga else 1 if gf == ga else 0
            key = (m.league, team)
            self._form.setdefault(key, deque(maxlen=max(FORM_WINDOWS))).append((points, gf, ga))
        self._h2h.setdefault(_pair(m), deque(maxlen=H2H_WINDOW)).append(
            (m.team1, m.score1, m.score2)
        )
        r1, r2 = self._rating(m.league, m.team1), self._rating(m.league, m.team2)
        result = 1.0 if m.score1 > m.score2 else 0.5 if m.score1 == m.score2 else 0.0
        step = ELO_K * (result - _expected(r1, r2))
        self._elo[(m.league, m.team1)] = r1 + step
        self._elo[(m.league, m.team2)] = r2 - step
        for rates in self._league_rates(m.league):
            rates.add(moment, m)

    def _rating(self, league: str, team: str) -> float:
        return self._elo.get((league, team), ELO_START)

    def _league_rates(self, league: str) -> tuple[_Rates, ...]:
        if league not in self._rates:
            self._rates[league] = tuple(_Rates(span) for _, span in RATE_WINDOWS)
        return self._rates[league]

    def _history(self, m: MatchFacts) -> Row:
        cells: list[Cell] = []
        for team in (m.team1, m.team2):
            past = list(self._form.get((m.league, team), ()))
            for n in FORM_WINDOWS:
                window = past[-n:]
                cells += (
                    len(window),
                    sum(p for p, _, _ in window),
                    sum(gf for _, gf, _ in window),
                    sum(ga for _, _, ga in window),
                )
        meetings = self._h2h.get(_pair(m), ())
        wins1 = draws = wins2 = goals1 = goals2 = 0
        for home, s1, s2 in meetings:
            mine, theirs = (s1, s2) if home == m.team1 else (s2, s1)
            wins1 += mine > theirs
            draws += mine == theirs
            wins2 += mine < theirs
            goals1 += mine
            goals2 += theirs
        cells += (len(meetings), wins1, draws, wins2, goals1, goals2)
        for rates in self._league_rates(m.league):
            cells += rates.at(m.kickoff)
        r1, r2 = self._rating(m.league, m.team1), self._rating(m.league, m.team2)
        cells += (r1, r2, _expected(r1, r2))
        return tuple(cells)


def _pair(m: MatchFacts) -> tuple[str, str, str]:
    first, second = sorted((m.team1, m.team2))
    return (m.league, first, second)


def _expected(r1: float, r2: float) -> float:
    return 1 / (1 + 10 ** ((r2 - r1) / 400))
