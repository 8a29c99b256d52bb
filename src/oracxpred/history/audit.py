"""``oracxpred audit``: the store against the results service, per league and UTC day.

One results call per league and day (``[midnight, midnight)``, or the part of it in the range);
the stored rows of the range are read once. ``repair`` inserts what is missing as backfill rows
and never touches a stored row: a mismatch is for a human to look at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from oracxpred.core.audit import DayAudit, audit_league, day_spans
from oracxpred.core.backfill import Checkpoint, Span, backfill_row, windows_between
from oracxpred.core.records import FinishedMatch, ResultItem
from oracxpred.core.results import parse_results
from oracxpred.errors import FeedError
from oracxpred.history.backfill import Pacer, ResultsSource, discover_leagues, storable
from oracxpred.logs import get_logger
from oracxpred.store.base import MatchQuery, SaveReport, Store

log = get_logger("history.audit")


@dataclass(slots=True)
class AuditReport:
    lower: int
    upper: int
    days: list[DayAudit] = field(default_factory=list)
    repaired: int = 0
    failures: list[str] = field(default_factory=list)
    recovered: set[int] = field(default_factory=set)
    """Missing ids the repair wrote, or found stored meanwhile (the live collector)."""

    def left(self, day: DayAudit) -> int:
        """Matches of ``day`` still missing after the repair."""
        return sum(1 for event_id in day.missing if event_id not in self.recovered)

    @property
    def expected(self) -> int:
        return sum(d.expected for d in self.days)

    @property
    def missing(self) -> int:
        return sum(len(d.missing) for d in self.days)

    @property
    def mismatched(self) -> int:
        return sum(len(d.mismatched) for d in self.days)

    @property
    def swapped(self) -> int:
        return sum(len(d.swapped) for d in self.days)

    def exit_code(self) -> int:
        """0 complete, 3 gaps or mismatches left, 1 when the audit itself could not finish."""
        if self.failures:
            return 1
        if self.mismatched or self.swapped or any(self.left(d) for d in self.days):
            return 3
        return 0

    def as_dict(self) -> dict[str, object]:
        return {
            "from": datetime.fromtimestamp(self.lower, tz=UTC).isoformat(),
            "to": datetime.fromtimestamp(self.upper, tz=UTC).isoformat(),
            "expected": self.expected,
            "missing": self.missing,
            "mismatched": self.mismatched,
            "swapped": self.swapped,
            "repaired": self.repaired,
            "failures": self.failures,
            "complete": self.exit_code() == 0,
            "days": [d.as_dict() for d in self.days],
        }


def stored_by_league(store: Store, lower: int, upper: int) -> dict[int, list[FinishedMatch]]:
    """Stored rows whose start (collection time when unknown) is in ``[lower, upper)``."""
    query = MatchQuery(
        date_from=datetime.fromtimestamp(lower, tz=UTC),
        date_to=datetime.fromtimestamp(upper, tz=UTC) - timedelta(microseconds=1),
        limit=None,
    )
    grouped: dict[int, list[FinishedMatch]] = {}
    for match in store.query_matches(query).items:
        if match.league_id is not None:
            grouped.setdefault(match.league_id, []).append(match)
    return grouped


def run_audit(
    store: Store,
    client: ResultsSource,
    lower: int,
    upper: int,
    *,
    leagues: Sequence[int] = (),
    repair: bool = False,
    pacer: Pacer | None = None,
    window_s: int | None = None,
) -> AuditReport:
    """Audit ``[lower, upper)``; ``window_s`` cuts each day into shorter calls (the daemon's
    hourly re-audit), else one call per league and day."""
    pacer = pacer or Pacer(1.0)
    report = AuditReport(lower, upper)
    stored = stored_by_league(store, lower, upper)
    names: dict[int, str] = {li: "" for li in leagues}
    if not leagues:
        try:
            names = discover_leagues(client, Checkpoint(upper), lower, upper, pacer)
        except FeedError as exc:
            report.failures.append(str(exc))
            return report
        for league_id in stored:
            names.setdefault(league_id, "")
    days = day_spans(lower, upper)
    for league_id, name in names.items():
        rows = stored.get(league_id, [])
        items: list[ResultItem] = []
        failed = False
        for a, b in days:
            for window in windows_between(a, b, window_s or (b - a)):
                try:
                    items.extend(_fetch(client, league_id, window, pacer))
                except FeedError as exc:
                    report.failures.append(f"ligue {league_id} : {exc}")
                    failed = True
                    break
            if failed:
                break
        if failed:
            continue
        label = name or (items[0].league if items else rows[0].league if rows else "")
        audits = audit_league(league_id, label, days, items, rows)
        report.days.extend(audits)
        if repair:
            done = _repair(store, league_id, audits, items)
            report.repaired += len(done.saved)
            report.recovered.update(done.saved, done.duplicates)
    return report


def _fetch(client: ResultsSource, league_id: int, window: Span, pacer: Pacer) -> list[ResultItem]:
    pacer.wait()
    return list(parse_results(client.fetch_results(league_id, *window)).items)


def _repair(
    store: Store, league_id: int, audits: list[DayAudit], items: list[ResultItem]
) -> SaveReport:
    missing = {event_id for audit in audits for event_id in audit.missing}
    if not missing:
        return SaveReport()
    collected = datetime.now(UTC)
    rows = [backfill_row(i, league_id, collected) for i in items if i.event_id in missing]
    kept = storable(rows, audits[0].league if audits else str(league_id))
    return store.save_matches(kept) if kept else SaveReport()
