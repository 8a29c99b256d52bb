"""From stored matches and odds to dataset rows, written as Parquet or CSV.

Two passes over the stored matches: the first keeps a compact ``MatchFacts`` per match (strings
interned) and the longest feed-observed duration per league; the rows are then built in
kick-off order by ``core.features.FeatureBuilder`` and written in row groups, so memory holds
the facts and the bounded history windows, never the rows.
"""

from __future__ import annotations

import csv
import math
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from oracxpred.core.closing import TOTAL_GROUP, TotalLine, closing_line, main_total, opening_line
from oracxpred.core.features import (
    COLUMNS,
    FeatureBuilder,
    MatchFacts,
    Row,
    available_at,
    longest_durations,
)
from oracxpred.core.records import FinishedMatch, OddsRow

FORMATS = ("parquet", "csv")
ROW_GROUP = 16_384
"""Rows per Parquet row group (and per CSV write)."""

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


def main_totals(rows: Iterable[OddsRow]) -> dict[int, tuple[TotalLine | None, TotalLine | None]]:
    """Opening and closing main total per event, from the total-goals rows of the timeline."""
    by_event: dict[int, list[OddsRow]] = {}
    for row in rows:
        if row.group == TOTAL_GROUP:
            by_event.setdefault(row.event_id, []).append(row)
    return {
        event: (main_total(opening_line(found)), main_total(closing_line(found)))
        for event, found in by_event.items()
    }


def collect_facts(
    matches: Iterable[FinishedMatch],
    totals: dict[int, tuple[TotalLine | None, TotalLine | None]],
    leagues: frozenset[str] = frozenset(),
) -> tuple[list[MatchFacts], int]:
    """Facts sorted by kick-off then event id, and how many matches had no start time."""
    raw: list[tuple[MatchFacts, int]] = []
    skipped = 0
    intern = sys.intern
    for m in matches:
        if leagues and m.league not in leagues:
            continue
        if m.start_time is None:
            skipped += 1
            continue
        kickoff = _seconds(m.start_time)
        ht = m.halftime
        opening, closing = totals.get(m.event_id, (None, None))
        facts = MatchFacts(
            event_id=m.event_id,
            league=intern(m.league),
            team1=intern(m.team1),
            team2=intern(m.team2),
            kickoff=kickoff,
            available_at=0,
            score1=m.score1,
            score2=m.score2,
            halftime1=None if ht is None else ht.home,
            halftime2=None if ht is None else ht.away,
            outcome=m.outcome.value,
            finish_source=m.finish_source.value,
            open_1x2=m.opening_odds,
            close_1x2=m.odds,
            open_total=opening,
            close_total=closing,
        )
        raw.append((facts, _seconds(m.collected_at)))
    longest = longest_durations(
        (f.league, f.finish_source, f.kickoff, collected) for f, collected in raw
    )
    facts_list = [
        replace(
            f,
            available_at=available_at(f.finish_source, f.kickoff, collected, longest.get(f.league)),
        )
        for f, collected in raw
    ]
    del raw
    facts_list.sort(key=lambda f: (f.kickoff, f.event_id))
    return facts_list, skipped


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
    """Row groups of ``ROW_GROUP`` rows; no creation time, no writer version in the file."""
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
    odds: Iterable[OddsRow],
    out: Path,
    fmt: str,
    selection: Selection = Selection(),
) -> DatasetReport:
    """The whole command once the store is open: facts, rows, file."""
    totals = main_totals(odds)
    facts, skipped = collect_facts(matches, totals, selection.leagues)
    del totals
    rows = rows_of(facts, selection)
    if fmt == "parquet":
        count = write_parquet(rows, out)
    else:
        with out.open("w", encoding="utf-8", newline="") as stream:
            count = write_csv(rows, stream)
    return DatasetReport(count, skipped)
