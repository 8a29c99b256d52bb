"""History from the results service: ranges, windows, checkpoint arithmetic, rows. No I/O.

A backfill covers ``[lower, upper)`` per league, in windows aligned to 300 s and at most one day
long (docs/feed.md §7). Windows are half-open: a match starting exactly on a boundary belongs to
the later window, so adjacent windows neither overlap nor leave a gap. The checkpoint keeps, per
league, the merged spans already done; what is left is the range minus those spans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from oracxpred.core.finish import outcome_of
from oracxpred.core.records import FinishedMatch, FinishSource, ResultItem
from oracxpred.core.results import WINDOW_STEP_S
from oracxpred.errors import FeedFormatError

DAY_S = 86400
BACKFILL_WINDOW_S = DAY_S
"""One results call per league and day: the service accepts 2, one client trusts only 1."""

LISTING_WINDOW_S = 2 * DAY_S
"""``v2/champs`` is asked over the longest window the service accepts."""

SETTLE_S = 1800
"""The upper bound stays this far behind "now": a match that started later may not be
finished, or not published yet, and a window once done is never asked again."""

BACKFILL_STATUS = "Terminé (historique)"

CHECKPOINT_VERSION = 1

_MOMENT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(?:Z|UTC|\+00:?00)?",
    re.IGNORECASE,
)

Span = tuple[int, int]


def floor_step(t: int) -> int:
    return t - t % WINDOW_STEP_S


def ceil_step(t: int) -> int:
    return -(-t // WINDOW_STEP_S) * WINDOW_STEP_S


def parse_moment(text: str, *, end: bool) -> int:
    """Unix seconds of a UTC date or date-time; a bare date used as an end means its midnight
    after (``--to 2026-06-03`` includes that whole day). ``ValueError`` in French."""
    found = _MOMENT.fullmatch(text.strip())
    if found is None:
        raise ValueError(
            f"date invalide « {text} » : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM[:SS] (UTC) attendu"
        )
    year, month, day, hour, minute, second = found.groups()
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
            tzinfo=UTC,
        )  # fmt: skip
    except ValueError:
        raise ValueError(
            f"date invalide « {text} » : ce jour ou cette heure n'existe pas"
        ) from None
    stamp = int(moment.timestamp())
    return stamp + DAY_S if end and hour is None else stamp


def resolve_range(
    days: int | None, date_from: int | None, date_to: int | None, upper_fixed: int
) -> Span:
    """``[lower, upper)`` aligned to 300 s, never beyond ``upper_fixed``; ``ValueError``."""
    if days is not None:
        if days <= 0:
            raise ValueError(f"nombre de jours invalide ({days}) : il doit être positif")
        return upper_fixed - days * DAY_S, upper_fixed
    if date_from is None or date_to is None:
        raise ValueError("--days N, ou bien --from et --to ensemble, est attendu")
    if date_from >= date_to:
        raise ValueError("--from doit précéder --to")
    lower, upper = floor_step(date_from), min(ceil_step(date_to), upper_fixed)
    if lower >= upper:
        raise ValueError("la période demandée est entièrement après la borne fixée (trop récente)")
    return lower, upper


def windows_between(lower: int, upper: int, size: int) -> list[Span]:
    """``[lower, upper)`` cut into consecutive windows of ``size`` from ``lower`` (last shorter)."""
    return [(start, min(start + size, upper)) for start in range(lower, upper, size)]


def missing_spans(lower: int, upper: int, done: Iterable[Span]) -> list[Span]:
    """``[lower, upper)`` minus the (merged or not) spans in ``done``."""
    left: list[Span] = []
    cursor = lower
    for a, b in merge_spans(done):
        if b <= cursor or a >= upper:
            continue
        if a > cursor:
            left.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < upper:
        left.append((cursor, upper))
    return left


def plan_windows(lower: int, upper: int, done: Iterable[Span]) -> list[Span]:
    """Windows still to ask, on the day grid of ``lower`` so that a fresh run makes one call
    per day, and never more than ``BACKFILL_WINDOW_S`` long."""
    planned: list[Span] = []
    for a, b in missing_spans(lower, upper, done):
        cuts = [a, *range(lower + (a - lower) // DAY_S * DAY_S + DAY_S, b, DAY_S), b]
        planned.extend(pairwise(cuts))
    return planned


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def owns(window: Span, start: int | None) -> bool:
    """Whether an item belongs to this window (unknown starts: the window that returned it)."""
    return start is None or window[0] <= start < window[1]


@dataclass(slots=True)
class LeagueProgress:
    name: str = ""
    done: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Checkpoint:
    """Fixed upper bound of the first run and, per league id, the spans done."""

    upper: int
    leagues: dict[int, LeagueProgress] = field(default_factory=dict)
    listing: dict[int, str] | None = None  # leagues v2/champs gave, for ``listed`` below
    listed: Span | None = None

    def progress(self, league_id: int) -> LeagueProgress:
        return self.leagues.setdefault(league_id, LeagueProgress())

    def mark_done(self, league_id: int, window: Span) -> None:
        entry = self.progress(league_id)
        entry.done = merge_spans([*entry.done, window])

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": CHECKPOINT_VERSION,
            "upper": self.upper,
            "leagues": {
                str(k): {"name": v.name, "done": [list(s) for s in v.done]}
                for k, v in sorted(self.leagues.items())
            },
            "listing": None
            if self.listing is None
            else {str(k): v for k, v in self.listing.items()},
            "listed": None if self.listed is None else list(self.listed),
        }


def checkpoint_from_dict(raw: Any) -> Checkpoint:
    """The stored checkpoint; ``ValueError`` (French) when it is not one we wrote."""
    try:
        if raw.get("version") != CHECKPOINT_VERSION:
            raise ValueError("version inconnue")
        point = Checkpoint(_int(raw["upper"]))
        for key, entry in raw["leagues"].items():
            spans = [(_int(a), _int(b)) for a, b in entry["done"]]
            point.leagues[int(key)] = LeagueProgress(str(entry["name"]), merge_spans(spans))
        if raw.get("listing") is not None and raw.get("listed") is not None:
            point.listing = {int(k): str(v) for k, v in raw["listing"].items()}
            point.listed = (_int(raw["listed"][0]), _int(raw["listed"][1]))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"point de reprise illisible ({exc})") from None
    return point


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"entier attendu, pas {value!r:.20}")
    return value


def backfill_row(item: ResultItem, league_id: int, collected_at: datetime) -> FinishedMatch:
    """The stored row of one results item: scores, teams and start from the service, no odds."""
    start = None if item.start_time is None else datetime.fromtimestamp(item.start_time, tz=UTC)
    return FinishedMatch(
        event_id=item.event_id,
        collected_at=collected_at,
        league=item.league,
        team1=item.team1,
        team2=item.team2,
        score1=item.score.home,
        score2=item.score.away,
        status=BACKFILL_STATUS,
        outcome=outcome_of(item.score),
        finish_source=FinishSource.BACKFILL,
        sport_id=item.sport_id,
        league_id=item.league_id if item.league_id is not None else league_id,
        team1_id=item.team1_id,
        team2_id=item.team2_id,
        start_time=start,
        halftime=item.halftime,
    )


def parse_champs(payload: bytes) -> dict[int, str]:
    """League id → name of a ``v2/champs`` answer; ``FeedFormatError`` when it is not one."""
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):
        raise FeedFormatError("Liste des ligues : contenu qui n'est pas du JSON") from None
    items = data.get("items") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and "items" not in data:
        items = []  # like v3/games, an empty answer may omit "items"
    if not isinstance(items, list):
        raise FeedFormatError("Liste des ligues : « items » n'est pas une liste")
    leagues: dict[int, str] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        league_id = item.get("id", item.get("champId"))
        name = item.get("name", item.get("champName"))
        if isinstance(league_id, int) and not isinstance(league_id, bool) and league_id > 0:
            leagues[league_id] = name if isinstance(name, str) else ""
    return leagues


def listing_windows(lower: int, upper: int) -> list[Span]:
    return windows_between(lower, upper, LISTING_WINDOW_S)


def leagues_to_do(point: Checkpoint, wanted: Sequence[int], lower: int, upper: int) -> list[int]:
    """Leagues with something left in ``[lower, upper)``."""
    return [li for li in wanted if missing_spans(lower, upper, point.progress(li).done)]
