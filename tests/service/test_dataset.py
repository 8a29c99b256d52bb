"""``oracxpred dataset`` on real stores (CSV, SQLite, PostgreSQL) in a real subprocess."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

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
from oracxpred.dataset.build import csv_cell
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.factory import open_sql
from tests.helpers import REPO
from tests.service.support import clean_env, postgres_database

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


def _odds() -> list[OddsRow]:
    rows = []
    for event in (1001, 1002):
        at = int((T0 - timedelta(minutes=5)).timestamp())
        for step, (over, under) in enumerate(((1.8, 2.0), (1.9, 1.9))):
            for kind, price in ((9, over), (10, under)):
                rows.append(
                    OddsRow(
                        event,
                        at + 60 * step,
                        None,
                        Phase.PREMATCH,
                        17,
                        kind,
                        2.5,
                        price,
                        False,
                        False,
                        False,
                    )
                )
    return rows


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
        with postgres_database() as url:
            _fill(open_sql(url))
            yield ["--database-url", url]


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


@pytest.mark.parametrize("kind", ["csv", "sqlite", "postgresql"])
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
        assert parquet_rows[1]["total_open_line"] == 2.5
        assert parquet_rows[1]["total_open_over"] == 1.8
        assert parquet_rows[1]["total_close_over"] == 1.9
        backfill = parquet_rows[2]
        assert backfill["finish_source"] == "backfill"
        # Penalty has no feed match before; Ligue's longest feed-observed span is 10 min.
        span = backfill["available_at_utc"] - backfill["kickoff_utc"]
        assert span <= timedelta(minutes=10)
        for row in parquet_rows:
            assert row["available_at_utc"] >= row["kickoff_utc"]


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
