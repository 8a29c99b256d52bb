"""Audit arithmetic: stored rows against the results service, per league and UTC day. No I/O.

The results service is the reference: an id it lists that the store lacks is *missing*; a stored
row whose final (or half-time) score differs is *mismatched*, or *swapped* when it is the
service's match with home and away exchanged; a stored row of that league and day that the
service does not list is *unknown* (an unpublished match, or a wrong league id).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from oracxpred.core.backfill import DAY_S, Span
from oracxpred.core.records import FinishedMatch, ResultItem, Score


@dataclass(frozen=True, slots=True)
class Mismatch:
    event_id: int
    stored: str  # "h-a" (half-time "h-a" when only that differs: "2-1 (mi-temps 1-0)")
    service: str


@dataclass(slots=True)
class DayAudit:
    league_id: int
    league: str
    day: str  # "YYYY-MM-DD" (UTC)
    expected: int = 0
    stored: int = 0
    missing: list[int] = field(default_factory=list)
    mismatched: list[Mismatch] = field(default_factory=list)
    swapped: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.mismatched or self.swapped)

    @property
    def ratio(self) -> float:
        """Share of the expected matches that are stored (1.0 when none is expected)."""
        if not self.expected:
            return 1.0
        return (self.expected - len(self.missing)) / self.expected

    def as_dict(self) -> dict[str, Any]:
        return {
            "league_id": self.league_id,
            "league": self.league,
            "day": self.day,
            "expected": self.expected,
            "stored": self.stored,
            "missing": self.missing,
            "mismatched": [
                {"event_id": m.event_id, "stored": m.stored, "service": m.service}
                for m in self.mismatched
            ],
            "swapped": self.swapped,
            "unknown": self.unknown,
            "complete": self.complete,
        }


def day_spans(lower: int, upper: int) -> list[Span]:
    """``[lower, upper)`` cut on UTC midnights (first and last day may be partial)."""
    cuts = [lower, *range((lower // DAY_S + 1) * DAY_S, upper, DAY_S), upper]
    return list(pairwise(cuts))


def day_label(t: int) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%d")


def audit_league(
    league_id: int,
    name: str,
    days: Iterable[Span],
    items: Iterable[ResultItem],
    stored: Iterable[FinishedMatch],
) -> list[DayAudit]:
    """One ``DayAudit`` per span of ``days``; items and rows outside every span are ignored."""
    spans = list(days)
    audits = [DayAudit(league_id, name, day_label(a)) for a, _ in spans]
    by_id: dict[int, tuple[int, ResultItem]] = {}
    for item in items:
        index = _day_of(spans, item.start_time)
        if index is not None and item.event_id not in by_id:  # adjacent calls share a bound
            by_id[item.event_id] = (index, item)
            audits[index].expected += 1
    seen: set[int] = set()
    for match in stored:
        start = match.start_time or match.collected_at
        index = _day_of(spans, int(start.timestamp()))
        if index is None:
            continue
        audits[index].stored += 1
        found = by_id.get(match.event_id)
        if found is None:
            audits[index].unknown.append(match.event_id)
            continue
        seen.add(match.event_id)
        _compare(audits[found[0]], match, found[1])
    for event_id, (index, _) in by_id.items():
        if event_id not in seen:
            audits[index].missing.append(event_id)
    for audit in audits:
        audit.missing.sort()
        audit.unknown.sort()
    return audits


def _day_of(spans: list[Span], t: int | None) -> int | None:
    if t is None:
        return None
    for index, (a, b) in enumerate(spans):
        if a <= t < b:
            return index
    return None


def _compare(audit: DayAudit, match: FinishedMatch, item: ResultItem) -> None:
    stored = Score(match.score1, match.score2)
    if stored == item.score and (
        match.halftime is None or item.halftime is None or match.halftime == item.halftime
    ):
        return
    by_ids = match.team1_id is not None and match.team2_id is not None
    reversed_teams = (match.team1, match.team2) == (item.team2, item.team1) or (
        by_ids and (match.team1_id, match.team2_id) == (item.team2_id, item.team1_id)
    )
    if reversed_teams and stored == Score(item.score.away, item.score.home):
        audit.swapped.append(match.event_id)
        return
    audit.mismatched.append(
        Mismatch(match.event_id, _show(stored, match.halftime), _show(item.score, item.halftime))
    )


def _show(score: Score, halftime: Score | None) -> str:
    shown = f"{score.home}-{score.away}"
    if halftime is None:
        return shown
    return f"{shown} (mi-temps {halftime.home}-{halftime.away})"


def summary_ratio(audits: Iterable[DayAudit]) -> float:
    """Stored share of every expected match of these audits (1.0 when none is expected)."""
    expected = missing = 0
    for audit in audits:
        expected += audit.expected
        missing += len(audit.missing)
    return 1.0 if not expected else (expected - missing) / expected
