"""Impossible rows are refused by ``import-csv`` on every backend (CSV → CSV, SQLite,
PostgreSQL through COPY, MariaDB), each with its line and a French reason, nothing stored
from it; the rule itself is ``core.validate`` (tests/unit/test_validate.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS
from oracxpred.store.base import Store
from oracxpred.store.transfer.files import import_csv
from tests.hostile_rows import canonical_cells, csv_text, write_file

TOMORROW_AND_AN_HOUR = (datetime.now(UTC) + timedelta(days=1, hours=1)).strftime(
    "%Y-%m-%dT%H:%M:%SZ"
)
IMPOSSIBLE = [
    # (column, cell, words the reason must hold)
    ("score1", "-2", "score1 négatif"),
    ("event_id", "-5", "event_id invalide"),
    ("league", "", "league vide"),
    ("team1", "  ", "team1 vide"),
    ("team2", "", "team2 vide"),
    ("timestamp_utc", "3025-12-06T10:30:45Z", "timestamp_utc hors période"),
    ("start_time_utc", "2014-06-01T10:00:00Z", "start_time_utc hors période"),
    ("odds_at_utc", TOMORROW_AND_AN_HOUR, "odds_at_utc hors période"),
    ("outcome", "2", "contredit le score 2-1"),
    ("odds_1", "1.001", "odds_1 invalide"),
    ("odds_x", "1", "odds_x invalide"),
    ("odds_2", "0.95", "odds_2 invalide"),
    ("opening_odds_1", "0", "opening_odds_1 invalide"),
    ("opening_odds_2", "-3.1", "opening_odds_2 invalide"),
    ("halftime_score1", "-1", "mi-temps négatif"),
]


def _file(tmp_path: Path, header: tuple[str, ...]) -> tuple[Path, list[str]]:
    """One good row (id 1), then one impossible row per case (ids 2…)."""
    rows = [canonical_cells(1, len(header))]
    expected = []
    for n, (column, cell, words) in enumerate(IMPOSSIBLE, start=2):
        if column not in header:
            continue
        cells = canonical_cells(n, len(header))
        cells[MATCH_COLUMNS.index(column)] = cell
        rows.append(cells)
        expected.append(words)
    return write_file(tmp_path / "impossibles.csv", csv_text(header, rows, "\n")), expected


@pytest.mark.parametrize("header", [MATCH_COLUMNS, ORIGINAL_COLUMNS], ids=["ours", "original"])
def test_impossible_rows_are_rejected_with_their_line(
    store: Store, tmp_path: Path, header: tuple[str, ...]
) -> None:
    path, expected = _file(tmp_path, header)
    report = import_csv(path, store, progress=False)
    assert (report.saved, report.rejected) == (1, len(expected))
    assert [line for line, _ in report.rejections] == list(range(3, 3 + len(expected)))
    for (_, reason), words in zip(report.rejections, expected, strict=True):
        assert words in reason
    assert [m.event_id for m in store.iter_matches()] == [1]


def test_zero_or_empty_odds_still_mean_none(store: Store, tmp_path: Path) -> None:
    """The original app writes 0 for missing odds: three zeros, or empty cells, stay "none"."""
    zeros = canonical_cells(1, 12)
    zeros[5:8] = ["0", "0", "0"]
    empty = canonical_cells(2, 12)
    empty[5:8] = ["", "", ""]
    path = write_file(tmp_path / "zeros.csv", csv_text(ORIGINAL_COLUMNS, [zeros, empty], "\n"))
    report = import_csv(path, store, progress=False)
    assert (report.saved, report.rejected) == (2, 0)
    assert [m.odds for m in store.iter_matches()] == [None, None]
