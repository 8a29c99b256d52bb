"""From stored matches and odds to dataset rows, written as Parquet or CSV.

The stored matches become a compact ``MatchFacts`` each (strings interned), sorted by kick-off,
their ``available_at`` resolved from the past only (``AvailabilityClock``). The odds timeline
then streams by once: only the events still before kick-off (plus ``PREMATCH_GRACE_S``) keep
their first and last total-goals rows per selection, reduced to the opening and closing main
total as the stream passes them. The rows are built in kick-off order by
``core.features.FeatureBuilder`` and written in row groups, so memory holds the facts, the
events in flight and the bounded history windows, never the timeline nor the rows.
"""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from oracxpred.core.closing import OVER, TOTAL_GROUP, UNDER, main_total
from oracxpred.core.features import COLUMNS, AvailabilityClock, FeatureBuilder, MatchFacts, Row
from oracxpred.core.finish import usable_price
from oracxpred.core.records import FinishedMatch, OddsRow, Phase, SelectionKey

FORMATS = ("parquet", "csv")
ROW_GROUP = 16_384
"""Rows per Parquet row group (and per CSV write)."""
PREMATCH_GRACE_S = 3 * 3600
"""How far the timeline (its latest poll) must be past a kick-off before that event's pre-match
rows are taken as complete and reduced. Only a speed-memory trade: a row that still comes
later (an archive replayed into a fuller store) sends its event to a second pass."""
LATE_BATCH = 50_000
"""Events per extra pass over the timeline for rows that came after their event was reduced."""

_ARROW = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "bool": pa.bool_(),
    "time": pa.timestamp("s", tz="UTC"),
}
SCHEMA = pa.schema([pa.field(name, _ARROW[kind]) for name, kind in COLUMNS])


@dataclass(frozen=True, slots=True)
class Selection:
    """What to write: kick-offs in ``[lower, upper)`` (unix seconds), leagues by name."""

    lower: int | None = None
    upper: int | None = None
    leagues: frozenset[str] = frozenset()

    def keeps(self, kickoff: int) -> bool:
        return (self.lower is None or kickoff >= self.lower) and (
            self.upper is None or kickoff < self.upper
        )


@dataclass(frozen=True, slots=True)
class DatasetReport:
    rows: int
    skipped_no_start: int


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def collect_facts(
    matches: Iterable[FinishedMatch], leagues: frozenset[str] = frozenset()
) -> tuple[list[MatchFacts], int]:
    """Facts sorted by kick-off then event id, and how many matches had no start time."""
    facts: list[MatchFacts] = []
    skipped = 0
    intern = sys.intern
    for m in matches:
        if leagues and m.league not in leagues:
            continue
        if m.start_time is None:
            skipped += 1
            continue
        ht = m.halftime
        facts.append(
            MatchFacts(
                event_id=m.event_id,
                league=intern(m.league),
                team1=intern(m.team1),
                team2=intern(m.team2),
                kickoff=_seconds(m.start_time),
                available_at=_seconds(m.collected_at),  # the stored time, resolved below
                score1=m.score1,
                score2=m.score2,
                halftime1=None if ht is None else ht.home,
                halftime2=None if ht is None else ht.away,
                outcome=m.outcome.value,
                finish_source=m.finish_source.value,
                open_1x2=m.opening_odds,
                close_1x2=m.odds,
            )
        )
    facts.sort(key=lambda f: (f.kickoff, f.event_id))
    _resolve_availability(facts)
    return facts, skipped


def _resolve_availability(facts: list[MatchFacts]) -> None:
    """Stored time → ``available_at``, in kick-off order; in place, so the list is never held
    twice (only the facts that change are copied)."""
    clock = AvailabilityClock()
    for i, f in enumerate(facts):
        moment = clock.available_at(f.league, f.finish_source, f.kickoff, f.available_at)
        if moment != f.available_at:
            facts[i] = replace(f, available_at=moment)


Kept = dict[SelectionKey, tuple[OddsRow, OddsRow]]
"""One event's first and last usable pre-match row of each total-goals selection."""


def _counts(row: OddsRow) -> bool:
    """A row ``core.closing`` would use for a main total: a usable pre-match over/under."""
    return (
        row.group == TOTAL_GROUP
        and row.phase is Phase.PREMATCH
        and not row.removed
        and row.type in (OVER, UNDER)
        and row.param is not None
        and usable_price(row.price, row.blocked) is not None
    )


def _keep(kept: Kept, row: OddsRow) -> None:
    """``opening_line``'s and ``closing_line``'s rules, one row at a time (ties: the first
    stored opens, the last stored closes)."""
    key = (row.group, row.type, row.param)
    found = kept.get(key)
    if found is None:
        kept[key] = (row, row)
        return
    first, last = found
    kept[key] = (
        row if row.observed_at < first.observed_at else first,
        row if row.observed_at >= last.observed_at else last,
    )


def _set_totals(facts: list[MatchFacts], i: int, kept: Kept) -> None:
    opening = main_total({key: pair[0] for key, pair in kept.items()})
    closing = main_total({key: pair[1] for key, pair in kept.items()})
    facts[i] = replace(facts[i], open_total=opening, close_total=closing)


def attach_totals(
    facts: list[MatchFacts],
    odds: Callable[[], Iterable[OddsRow]],
    *,
    grace: int = PREMATCH_GRACE_S,
    late_batch: int = LATE_BATCH,
) -> None:
    """The opening and closing main total of every fact, in place, from ``odds()`` (the
    timeline in storage order), equal to ``core.closing`` over each event's rows."""
    where = {f.event_id: i for i, f in enumerate(facts)}
    late = _stream_totals(facts, where, odds(), grace)
    while late:
        batch = set(sorted(late)[:late_batch])
        late -= batch
        _late_totals(facts, batch, where, odds())


def _stream_totals(
    facts: list[MatchFacts], where: dict[int, int], rows: Iterable[OddsRow], grace: int
) -> set[int]:
    """One pass; an event is reduced once the latest poll is ``grace`` past its kick-off.
    Returns the events that got a counting row after that (their totals are redone)."""
    in_flight: dict[int, Kept] = {}
    reduced = bytearray(len(facts))
    late: set[int] = set()
    latest = -(1 << 62)
    done = 0
    for row in rows:
        if row.observed_at > latest:
            latest = row.observed_at
            while done < len(facts) and facts[done].kickoff + grace < latest:
                kept = in_flight.pop(done, None)
                if kept:
                    _set_totals(facts, done, kept)
                reduced[done] = 1
                done += 1
        if row.group != TOTAL_GROUP:
            continue  # most of the timeline: skipped before any lookup
        i = where.get(row.event_id)
        if i is None or not _counts(row):
            continue
        if reduced[i]:
            late.add(i)
        else:
            _keep(in_flight.setdefault(i, {}), row)
    for i, kept in in_flight.items():
        _set_totals(facts, i, kept)
    return late


def _late_totals(
    facts: list[MatchFacts], batch: set[int], where: dict[int, int], rows: Iterable[OddsRow]
) -> None:
    """Another pass for the events of ``batch`` only, keeping all their counting rows."""
    kept: dict[int, Kept] = {}
    for row in rows:
        i = where.get(row.event_id)
        if i is not None and i in batch and _counts(row):
            _keep(kept.setdefault(i, {}), row)
    for i, found in kept.items():
        _set_totals(facts, i, found)


def rows_of(facts: Iterable[MatchFacts], selection: Selection) -> Iterator[Row]:
    """Rows of the selected kick-offs; every match still feeds the history."""
    builder = FeatureBuilder()
    for f in facts:
        row = builder.row(f)
        if selection.keeps(f.kickoff):
            yield row


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ROW_GROUP:
            yield batch
            batch = []
    if batch:
        yield batch


def write_parquet(rows: Iterable[Row], out: Path) -> int:
    """Row groups of ``ROW_GROUP`` rows and no creation time. The footer does name the writer
    (``created_by``: parquet-cpp-arrow and its version), so the same bytes need the same
    pyarrow: it is pinned (pyproject.toml, requirements.txt)."""
    count = 0
    with pq.ParquetWriter(
        out, SCHEMA, compression="zstd", write_statistics=True, store_schema=False
    ) as writer:
        for batch in _batches(rows):
            columns = list(zip(*batch, strict=True))
            arrays = [
                pa.array(column, type=field.type)
                for column, field in zip(columns, SCHEMA, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=SCHEMA))
            count += len(batch)
        if count == 0:
            writer.write_table(SCHEMA.empty_table())
    return count


def csv_cell(value: object, kind: str) -> str:
    """One CSV cell: empty for missing, ``true``/``false``, ISO UTC times, ``repr`` floats."""
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "time":
        assert isinstance(value, int)
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "float":
        assert isinstance(value, float)
        return repr(value) if math.isfinite(value) else ""
    return str(value)


def write_csv(rows: Iterable[Row], stream: IO[str]) -> int:
    kinds = [kind for _, kind in COLUMNS]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS])
    count = 0
    for batch in _batches(rows):
        writer.writerows([csv_cell(v, k) for v, k in zip(row, kinds, strict=True)] for row in batch)
        count += len(batch)
    return count


def write_dataset(
    matches: Iterable[FinishedMatch],
    odds: Callable[[], Iterable[OddsRow]],
    out: Path,
    fmt: str,
    selection: Selection = Selection(),
) -> DatasetReport:
    """The whole command once the store is open: facts, totals, rows, file. ``odds`` gives
    the timeline anew for each pass (``store.iter_odds``); one pass unless rows came late."""
    facts, skipped = collect_facts(matches, selection.leagues)
    attach_totals(facts, odds)
    rows = rows_of(facts, selection)
    if fmt == "parquet":
        count = write_parquet(rows, out)
    else:
        with out.open("w", encoding="utf-8", newline="") as stream:
            count = write_csv(rows, stream)
    return DatasetReport(count, skipped)
