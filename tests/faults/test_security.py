"""Hostile values through the real collector: passwords never logged, formula cells
neutralised, no log line forged by a team name, SQL metacharacters stored verbatim.

The simulator plays a league whose every team name is an attack (formula, SQL, fake log
line, terminal escapes); a daemon collects it for half a simulated hour into CSV, and into
PostgreSQL through a URL that carries a password (the local server trusts, so any password
connects). Each test then reads what the run left: output, log file, files, tables.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from oracxpred.simulator.catalog import CONFERENCE_3X3, Team
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.transfer.files import export_csv
from tests.faults.support import (
    assert_lines_well_formed,
    check_csv,
    check_sql,
    cycle_after,
    daemon,
    drain,
    one_shot,
    step,
)
from tests.helpers import free_port, need, port_open, run_collector
from tests.support.databases import pg_database
from tests.support.verify import Check

PASSWORD = "Mot-De-Passe-Tres-Secret-42"
FAKE_LINE = "[2025-12-06 10:30:45] [INFO] [COLLECTOR-SERVICE] OK Match terminé sauvegardé: Faux"
NAMES = (
    '=HYPERLINK("http://exemple.invalid/?v="&A1;"clic")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "Robert'); DROP TABLE matches;--",
    'Équipe "guillemets" \\ 100% _x_ ; -- /* */',
    f"Évry\n{FAKE_LINE} vs Faux (9-9)",
    "Rouge\x1b[31m\rCaché\ttabulé",
)
HOSTILE = dataclasses.replace(
    CONFERENCE_3X3,
    league_id=7_777_001,
    name="=1+1 Ligue '; DELETE FROM matches; --",
    interval_s=300,
    teams=tuple(
        Team(8_000_000 + i, name, name, name, 225, f"{8_000_000 + i}.png")
        for i, name in enumerate(NAMES)
    ),
)


@dataclass
class Run:
    text: str  # the daemon's console output
    log: str  # its --log-file
    csv_path: Path
    check: Check
    code: int
    url: str | None = None


def collect_hostile(tmp: Path, url: str | None = None) -> Run:
    csv_path, log = tmp / "m.csv", tmp / "journaux" / "collecteur.log"
    env = {"DATABASE_URL": url} if url else None
    with start_simulator(seed=71, leagues=[HOSTILE]) as sim:
        proc = daemon(sim, csv_path, "-v", "--log-file", str(log), env=env)
        try:
            cycle_after(proc)
            for _ in range(90):  # until every hostile name has played a finished match
                if {n for t in sim.truth() for n in (t["team1"], t["team2"])} >= set(NAMES):
                    break
                step(sim, proc)
            until = sim.now()
            judge = (
                (lambda u: check_sql(sim, url, u))
                if url
                else (lambda u: check_csv(sim, csv_path, u))
            )
            check = drain(sim, proc, judge, until)
        finally:
            code = proc.stop()
    return Run(proc.text, log.read_text(encoding="utf-8"), csv_path, check, code, url)


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory) -> Run:
    return collect_hostile(tmp_path_factory.mktemp("hostile-csv"))


@pytest.fixture(scope="module")
def pg_run(tmp_path_factory):
    need(port_open("127.0.0.1", 5432), "PostgreSQL absent sur 127.0.0.1:5432")
    with pg_database("oracxpred_hostile") as url:
        secret_url = url.replace("postgres@", f"postgres:{PASSWORD}@")
        yield collect_hostile(tmp_path_factory.mktemp("hostile-pg"), secret_url)


def test_hostile_names_are_stored_verbatim_in_csv(csv_run):
    assert csv_run.code == 0, csv_run.text[-3000:]
    assert csv_run.check.expected >= 4
    assert csv_run.check.perfect, csv_run.check.summary()  # names compared to the truth


@pytest.mark.postgres
def test_sql_metacharacters_are_stored_verbatim_in_postgresql(pg_run):
    assert pg_run.code == 0, pg_run.text[-3000:]
    assert pg_run.check.expected >= 4
    assert pg_run.check.perfect, pg_run.check.summary()


def test_formula_cells_are_neutralised_in_the_file_and_read_back_verbatim(csv_run, tmp_path):
    with csv_run.csv_path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    cells = [row[c] for row in rows for c in ("league", "team1", "team2")]
    risky = [c for c in cells if c.lstrip("'")[:1] in "=+-@"]
    assert risky, "aucun nom à formule n'a été collecté"
    assert all(c.startswith("'") for c in risky), risky
    matches = list(CsvStore(csv_run.csv_path).iter_matches())
    assert {n for m in matches for n in (m.team1, m.team2)} == set(NAMES)  # verbatim
    exported = tmp_path / "export.csv"
    export_csv(CsvStore(csv_run.csv_path), exported)
    with exported.open(encoding="utf-8", newline="") as f:
        again = [r[c] for r in csv.DictReader(f) for c in ("league", "team1", "team2")]
    assert all(c.startswith("'") for c in again if c.lstrip("'")[:1] in "=+-@")


@pytest.mark.parametrize("where", ["console", "fichier"])
def test_team_names_cannot_forge_or_colour_a_log_line(csv_run, where):
    text = csv_run.text if where == "console" else csv_run.log
    assert_lines_well_formed(text)
    assert not any(line.startswith("[2025-12-06 10:30:45]") for line in text.splitlines())
    saved = [line for line in text.splitlines() if "OK Match terminé sauvegardé: " in line]
    assert len(saved) >= 4
    assert any("Évry\\n[2025-12-06" in line for line in saved)  # shown, escaped
    assert any("Rouge\\x1b[31m\\rCaché\\ttabulé" in line for line in saved)


@pytest.mark.postgres
def test_password_is_never_logged_nor_stored(pg_run, tmp_path):
    assert PASSWORD not in pg_run.text
    assert PASSWORD not in pg_run.log
    for path in pg_run.csv_path.parent.iterdir():
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    import psycopg

    plain = pg_run.url.replace(f":{PASSWORD}@", "@")
    with psycopg.connect(plain) as conn:
        beats = conn.execute(
            "SELECT coalesce(string_agg(error, ''), '') FROM heartbeats"
        ).fetchone()
        state = conn.execute(
            "SELECT coalesce(string_agg(state, ''), '') FROM tracking_state"
        ).fetchone()
        assert beats is not None
        assert state is not None
        assert PASSWORD not in beats[0]
        assert PASSWORD not in state[0]
    tested = run_collector("--test-db", "-v", env={"DATABASE_URL": pg_run.url})
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "***" in tested.stdout
    assert PASSWORD not in tested.stdout + tested.stderr


def test_password_of_an_unreachable_or_refusing_database_is_masked(tmp_path):
    closed = f"postgresql://collecteur:{PASSWORD}@127.0.0.1:{free_port()}/oracxpred"
    with start_simulator(seed=72) as sim:
        for url in (closed, closed.replace("postgresql://", "mysql+pymysql://")):
            code, text = one_shot(sim.feed_url, tmp_path / "m.csv", "-v", env={"DATABASE_URL": url})
            assert PASSWORD not in text
            assert code in (0, 1), text
            tested = run_collector("--test-db", "-v", env={"DATABASE_URL": url})
            assert tested.returncode == 1
            assert PASSWORD not in tested.stdout + tested.stderr
            assert "***" in tested.stdout + tested.stderr
    for path in tmp_path.iterdir():
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
