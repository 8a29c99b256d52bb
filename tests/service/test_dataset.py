"""``oracxpred dataset`` on real stores (CSV, SQLite, PostgreSQL, MariaDB) in a real
subprocess; the streamed main totals and the past-only availability of ``dataset/build.py``."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracxpred.core.closing import closing_line, main_total, opening_line
from oracxpred.core.features import COLUMNS
from oracxpred.core.records import (
    FinishedMatch,
    FinishSource,
    Odds1X2,
    OddsRow,
    Outcome,
    Phase,
    Score,
)
from oracxpred.dataset.build import attach_totals, collect_facts, csv_cell, write_dataset
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.factory import open_sql
from tests.helpers import REPO
from tests.service.support import clean_env, mariadb_database, postgres_database

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
TEAMS = ["Alpha", "Bravo", "Charlie", "Delta"]


def _matches() -> list[FinishedMatch]:
    found = []
    for i in range(24):
        start = T0 + timedelta(minutes=10 * i)
        s1, s2 = (i * 7) % 4, (i * 5) % 3
        source = [FinishSource.FEED, FinishSource.RESULTS, FinishSource.BACKFILL][i % 3]
        found.append(
            FinishedMatch(
                event_id=1000 + i,
                collected_at=start + timedelta(minutes=8 + i % 3),
                league="FIFA. Ligue" if i % 4 else "FIFA. Penalty",
                team1=TEAMS[i % 4],
                team2=TEAMS[(i + 1 + i // 4) % 4]
                if TEAMS[(i + 1 + i // 4) % 4] != TEAMS[i % 4]
                else "Echo",
                score1=s1,
                score2=s2,
                status="Match terminé",
                outcome=Outcome.HOME if s1 > s2 else Outcome.DRAW if s1 == s2 else Outcome.AWAY,
                finish_source=source,
                start_time=start,
                odds=Odds1X2(1.9, None if i % 4 == 0 else 3.4, 3.9),
                opening_odds=Odds1X2(2.0, None if i % 4 == 0 else 3.3, 3.6),
                halftime=Score(min(s1, 1), 0) if i % 2 else None,
            )
        )
    found.append(replace(found[0], event_id=999, start_time=None))
    return found


PREMATCH_POLLS = 50
"""Polls a minute apart before each kick-off: 20 events x 272 rows pass the 5000-row page of
``SqlStore.iter_odds``, so the command reads the timeline over several pages."""


def _row(event, at, phase, group, kind, param, price, **flags) -> OddsRow:
    return OddsRow(
        event,
        at,
        None,
        phase,
        group,
        kind,
        param,
        price,
        flags.get("blocked", False),
        flags.get("central", False),
        flags.get("removed", False),
    )


def _polls(i: int) -> list[list[OddsRow]]:
    """Event ``1000 + i``: 50 pre-match polls (the central line moves from 2.5 to 3.5), a
    removed and a blocked line, then 10 live polls; events with ``i % 6 == 5`` have none."""
    if i % 6 == 5:
        return []
    event, start = 1000 + i, int((T0 + timedelta(minutes=10 * i)).timestamp())
    polls = []
    for p in range(PREMATCH_POLLS):
        at, pre, moved = start - 60 * (PREMATCH_POLLS - p), Phase.PREMATCH, p >= 25
        polls.append(
            [
                _row(event, at, pre, 1, 1, None, 2.0),
                _row(event, at, pre, 17, 9, 2.5, round(1.70 + p / 100, 3), central=not moved),
                _row(event, at, pre, 17, 10, 2.5, round(2.10 - p / 100, 3), central=not moved),
                _row(event, at, pre, 17, 9, 3.5, round(2.40 - p / 100, 3), central=moved),
                _row(event, at, pre, 17, 10, 3.5, round(1.55 + p / 100, 3), central=moved),
            ]
        )
    polls[-1] += [
        _row(event, start - 30, Phase.PREMATCH, 17, 9, 4.5, None, removed=True),
        _row(event, start - 30, Phase.PREMATCH, 17, 10, 4.5, 1.4, blocked=True),
    ]
    for minute in range(1, 11):
        at = start + 60 * minute
        polls.append(
            [
                _row(event, at, Phase.LIVE, 17, 9, 2.5, 1.2, central=True),
                _row(event, at, Phase.LIVE, 17, 10, 2.5, 4.0, central=True),
            ]
        )
    return polls


def _odds() -> list[OddsRow]:
    """Every event's polls in poll order, as the collector appends them."""
    polls = [poll for i in range(24) for poll in _polls(i)]
    polls.sort(key=lambda poll: poll[0].observed_at)
    return [row for poll in polls for row in poll]


def _fill(store) -> None:
    with store:
        store.save_matches(_matches())
        store.save_odds(_odds())


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oracxpred", "dataset", *args],
        capture_output=True,
        text=True,
        env=clean_env({"PYTHONPATH": str(REPO / "src")}),
        cwd=cwd,
        timeout=120,
    )


def _store_args(kind: str, tmp_path: Path):
    if kind == "csv":
        path = tmp_path / "matches.csv"
        _fill(CsvStore(path))
        yield ["--csv-path", str(path)]
    elif kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        _fill(open_sql(url))
        yield ["--database-url", url]
    else:
        database = postgres_database if kind == "postgresql" else mariadb_database
        with database() as url:
            _fill(open_sql(url))
            yield ["--database-url", url]


BACKENDS = [
    "csv",
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


def _parse(cell: str, kind: str):
    if cell == "":
        return None
    if kind == "int":
        return int(cell)
    if kind == "float":
        return float(cell)
    if kind == "bool":
        return {"true": True, "false": False}[cell]
    if kind == "time":
        return datetime.strptime(cell, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return cell


@pytest.mark.parametrize("kind", BACKENDS)
def test_parquet_equals_csv_and_is_deterministic(kind, tmp_path):
    for store_args in _store_args(kind, tmp_path):
        out = tmp_path / "out"
        out.mkdir()
        done = run(str(out / "a.parquet"), *store_args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "24 lignes écrites" in done.stdout
        assert "1 matchs sans heure de début ignorés" in done.stdout
        again = run(str(out / "b.parquet"), *store_args, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert (out / "a.parquet").read_bytes() == (out / "b.parquet").read_bytes()
        as_csv = run(str(out / "a.csv"), "--format", "csv", *store_args, cwd=tmp_path)
        assert as_csv.returncode == 0, as_csv.stderr
        as_csv2 = run(str(out / "b.csv"), "--format", "CSV", *store_args, cwd=tmp_path)
        assert (out / "a.csv").read_bytes() == (out / "b.csv").read_bytes(), as_csv2.stderr

        table = pq.read_table(out / "a.parquet")
        assert table.column_names == [name for name, _ in COLUMNS]
        parquet_rows = table.to_pylist()
        with (out / "a.csv").open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            csv_rows = [
                {n: _parse(c, k) for (n, k), c in zip(COLUMNS, line, strict=True)}
                for line in reader
            ]
        assert header == table.column_names
        assert parquet_rows == csv_rows
        ids = [r["event_id"] for r in parquet_rows]
        assert ids == list(range(1000, 1024))
        first = parquet_rows[0]  # 2-way market: the draw stays empty
        assert first["odds_open_x"] is None
        assert first["prob_open_x"] is None
        assert first["prob_open_1"] is not None
        assert _totals(parquet_rows) == _expected_totals()
        # Opening: the first poll, 2.5 central; closing: the last one, 3.5 central.
        assert _totals(parquet_rows[1:2]) == [(1001, 2.5, 1.7, 2.1, 3.5, 1.91, 2.04)]
        assert _totals(parquet_rows[5:6]) == [(1005, None, None, None, None, None, None)]
        spans = [r["available_at_utc"] - r["kickoff_utc"] for r in parquet_rows]
        assert parquet_rows[2]["finish_source"] == parquet_rows[5]["finish_source"] == "backfill"
        # No Ligue match seen finishing before 1002's kick-off: 3 h, cut to its stored time.
        assert spans[2] == timedelta(minutes=10)
        # Before 1005's kick-off, Ligue's only feed-observed finish (1003) took 8 minutes.
        assert spans[5] == timedelta(minutes=8)
        for row in parquet_rows:
            assert row["available_at_utc"] >= row["kickoff_utc"]


TOTAL_COLUMNS = [
    f"total_{when}_{k}" for when in ("open", "close") for k in ("line", "over", "under")
]


def _totals(rows: list[dict]) -> list[tuple]:
    return [(r["event_id"], *(r[c] for c in TOTAL_COLUMNS)) for r in rows]


def _expected_totals() -> list[tuple]:
    """``core.closing`` over each event's whole timeline at once: what streaming must give."""
    found = []
    for i in range(24):
        rows = [r for r in _odds() if r.event_id == 1000 + i]
        cells: list[float | None] = []
        for line in (main_total(opening_line(rows)), main_total(closing_line(rows))):
            cells += (None, None, None) if line is None else (line.line, line.over, line.under)
        found.append((1000 + i, *cells))
    return found


def test_filters_keep_history(tmp_path):
    for store_args in _store_args("csv", tmp_path):
        out = tmp_path / "x.csv"
        done = run(
            str(out), "--format", "csv", "--from", "2026-03-01T12:00", "--to", "2026-03-01T13:00",
            "--league", "FIFA. Ligue", *store_args, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert {r["league"] for r in rows} == {"FIFA. Ligue"}
        assert all("T12:" in r["kickoff_utc"] for r in rows)
        assert rows
        assert int(rows[0]["team1_last10_n"]) + int(rows[0]["team2_last10_n"]) > 0


def test_cli_errors_are_french_and_keep_old_files(tmp_path):
    for store_args in _store_args("csv", tmp_path):
        bad = run(str(tmp_path / "o.x"), "--format", "xlsx", *store_args, cwd=tmp_path)
        assert bad.returncode == 2
        assert "format inconnu « xlsx »" in bad.stderr
        date = run(str(tmp_path / "o.csv"), "--from", "2026-13-01", *store_args, cwd=tmp_path)
        assert date.returncode == 2
        assert "date invalide" in date.stderr
        order = run(
            str(tmp_path / "o.csv"), "--from", "2026-03-02", "--to", "2026-03-01", *store_args,
            cwd=tmp_path,
        )  # fmt: skip
        assert order.returncode == 2
        assert "--from doit précéder --to" in order.stderr
        missing = run(str(tmp_path / "absent" / "o.csv"), *store_args, cwd=tmp_path)
        assert missing.returncode == 1
        assert "n'existe pas" in missing.stderr
        kept = tmp_path / "old.parquet"
        kept.write_bytes(b"old")
        exists = run(str(kept), *store_args, cwd=tmp_path)
        assert exists.returncode == 1
        assert "existe déjà" in exists.stderr
        assert kept.read_bytes() == b"old"
        # Unwritable even for root: /proc takes no new file.
        denied = run("/proc/oracxpred-dataset.parquet", *store_args, cwd=tmp_path)
        assert denied.returncode == 1, denied.stderr
        assert "Erreur : écriture de /proc/oracxpred-dataset.parquet impossible" in denied.stderr
        assert "Traceback" not in denied.stderr


def test_csv_cells():
    assert csv_cell(None, "int") == ""
    assert csv_cell(True, "bool") == "true"
    assert csv_cell(0.1, "float") == "0.1"
    assert csv_cell(float("nan"), "float") == ""
    assert csv_cell(0, "time") == "1970-01-01T00:00:00Z"


def test_force_replaces_and_a_store_failure_exits_1_in_french(tmp_path):
    for store_args in _store_args("csv", tmp_path):
        out = tmp_path / "d.parquet"
        out.write_bytes(b"old")
        refused = run(str(out), *store_args, cwd=tmp_path)
        assert refused.returncode == 1
        assert f"Erreur : {out} existe déjà (--force pour le remplacer)" in refused.stderr
        assert out.read_bytes() == b"old"
        forced = run(str(out), "--force", *store_args, cwd=tmp_path)
        assert forced.returncode == 0, forced.stderr
        assert pq.read_table(out).num_rows == 24
    # A server that is not there: exit 1, a French line, the password masked, the old file
    # kept even with --force, no partial file left behind.
    down = "postgresql://postgres:s3cret@127.0.0.1:1/absent"
    failed = run(str(out), "--force", "--database-url", down, cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.startswith("Erreur : ")
    assert "connexion refusée" in failed.stderr
    assert "s3cret" not in failed.stderr
    assert "Traceback" not in failed.stderr
    assert pq.read_table(out).num_rows == 24
    assert sorted(p.name for p in tmp_path.iterdir() if "partiel" in p.name) == []


def _dataset_rows(matches: list[FinishedMatch], out: Path) -> dict[int, dict[str, str]]:
    write_dataset(matches, list, out, "csv")
    with out.open(encoding="utf-8", newline="") as f:
        return {int(r["event_id"]): r for r in csv.DictReader(f)}


def test_a_later_long_match_does_not_move_an_earlier_backfill(tmp_path):
    first = _matches()[3]  # feed, FIFA. Ligue, 10:30, stored 8 minutes later
    kickoff = T0 + timedelta(hours=1)
    backfill = replace(
        first,
        event_id=5000,
        start_time=kickoff,
        collected_at=kickoff + timedelta(days=2),
        finish_source=FinishSource.BACKFILL,
    )
    long_one = replace(  # feed, 11:05, stored at 13:00: 1 h 55
        first,
        event_id=5001,
        start_time=kickoff + timedelta(minutes=5),
        collected_at=kickoff + timedelta(hours=2),
    )
    alone = _dataset_rows([first, backfill], tmp_path / "a.csv")
    with_later = _dataset_rows([first, backfill, long_one], tmp_path / "b.csv")
    assert alone[5000]["available_at_utc"] == with_later[5000]["available_at_utc"]
    assert alone[5000]["available_at_utc"] == "2026-03-01T11:08:00Z"  # 11:00 + 8 min
    # Once the long match's result was stored, a backfill after it does use its 1 h 55.
    after = replace(backfill, event_id=5002, start_time=kickoff + timedelta(hours=3))
    rows = _dataset_rows([first, backfill, long_one, after], tmp_path / "c.csv")
    assert rows[5002]["available_at_utc"] == "2026-03-01T15:55:00Z"


ODDS_ROW = st.builds(
    OddsRow,
    event_id=st.integers(1, 4),
    observed_at=st.integers(0, 20).map(lambda k: int(T0.timestamp()) + 60 * k),
    server_time=st.none(),
    phase=st.sampled_from([Phase.PREMATCH, Phase.PREMATCH, Phase.LIVE]),
    group=st.sampled_from([17, 17, 1]),
    type=st.sampled_from([9, 10, 1]),
    param=st.sampled_from([2.5, 3.5, None]),
    price=st.sampled_from([None, 1.0, 1.5, 1.9, 2.1]),
    blocked=st.booleans(),
    central=st.booleans(),
    removed=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(ODDS_ROW, max_size=60),
    st.sampled_from([0, 120, 10**6]),
    st.sampled_from([1, 2, 50_000]),
)
def test_streamed_totals_equal_closing_over_each_whole_timeline(rows, grace, batch):
    # Events 1-3 kick off at 5, 10 and 15 min; 4 is not a stored match. A grace of 0 reduces
    # events while their rows still come (late rows, extra passes of ``batch`` events).
    matches = [
        replace(_matches()[0], event_id=e, start_time=T0 + timedelta(minutes=5 * e))
        for e in (1, 2, 3)
    ]
    facts, _ = collect_facts(matches)
    attach_totals(facts, lambda: rows, grace=grace, late_batch=batch)
    for f in facts:
        own = [r for r in rows if r.event_id == f.event_id]
        assert f.open_total == main_total(opening_line(own))
        assert f.close_total == main_total(closing_line(own))
