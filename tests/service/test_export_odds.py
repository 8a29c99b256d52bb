"""``oracxpred export-odds``: the timeline as CSV on the CSV, SQLite and PostgreSQL stores,
filtered by observation time, league and event, with ``export-csv``'s conventions."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from oracxpred.cli.export_odds import export_odds
from oracxpred.core.odds import ODDS_COLUMNS, diff
from oracxpred.core.records import (
    FinishedMatch,
    FinishSource,
    OddsRow,
    Outcome,
    Phase,
    Price,
)
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.sql.store import SqlStore
from tests.helpers import REPO
from tests.service.support import clean_env, postgres_database

T0 = 1_782_879_000  # 2026-07-01T04:10:00Z
HOME = Price(1, 1, None, 2.1, False, False)
DRAW = Price(1, 2, None, 3.4, False, False)
OVER = Price(17, 9, 2.5, 1.85, False, True)
HANDICAP = Price(2, 7, -1.5, 2.4, False, False)


def match(event_id: int, league: str) -> FinishedMatch:
    start = datetime.fromtimestamp(T0 + 600, tz=UTC)
    return FinishedMatch(
        event_id=event_id,
        collected_at=start + timedelta(minutes=12),
        league=league,
        team1="Lyon",
        team2="Nice",
        score1=2,
        score2=1,
        status="Match terminé",
        outcome=Outcome.HOME,
        finish_source=FinishSource.FEED,
        start_time=start,
    )


def timeline(event_id: int) -> tuple[OddsRow, ...]:
    first = [HOME, DRAW, OVER, HANDICAP]
    second = [Price(1, 1, None, 2.0, False, False), DRAW, OVER]
    rows = diff(event_id, [], first, observed_at=T0, server_time=T0 - 1, phase=Phase.PREMATCH)
    later = T0 + 86_400  # the next day
    return rows + diff(
        event_id, first, second, observed_at=later, server_time=None, phase=Phase.LIVE
    )


def fill(store: CsvStore | SqlStore) -> None:
    store.save_matches([match(5, "Ligue A"), match(6, "Ligue B")])
    store.save_odds(timeline(5) + timeline(6) + timeline(7))  # 7: not stored as a match yet


@pytest.fixture(params=["csv", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def options(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    if request.param == "csv":
        path = tmp_path / "matches.csv"
        with CsvStore(path) as store:
            fill(store)
        yield ["--csv-path", str(path)]
    elif request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'base.db'}"
        with SqlStore(url) as store:
            fill(store)
        yield ["--database-url", url]
    else:
        with postgres_database() as url:
            with SqlStore(url) as store:
                fill(store)
            yield ["--database-url", url]


def run(args: list[str]) -> tuple[int, str, str]:
    done = CliRunner().invoke(export_odds, args, standalone_mode=False)
    return done.return_value, done.stdout, done.stderr


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == ODDS_COLUMNS
    return [dict(zip(ODDS_COLUMNS, r, strict=True)) for r in rows[1:]]


def test_every_row_of_every_event_is_exported(options: list[str], tmp_path: Path) -> None:
    out = tmp_path / "cotes.csv"
    code, stdout, _ = run([str(out), *options])
    assert code == 0
    rows = read(out)
    per_event = len(timeline(5))
    assert len(rows) == 3 * per_event
    assert f"{3 * per_event} ligne(s) de cotes exportée(s) dans {out}." in stdout
    assert {r["event_id"] for r in rows} == {"5", "6", "7"}
    first = next(r for r in rows if r["event_id"] == "5" and r["group"] == "17")
    assert first == {
        "event_id": "5",
        "observed_at_utc": "2026-07-01T04:10:00Z",
        "server_time_utc": "2026-07-01T04:09:59Z",
        "phase": "prematch",
        "group": "17",
        "type": "9",
        "param": "2.5",
        "price": "1.85",
        "blocked": "0",
        "central": "1",
        "removed": "0",
    }
    removed = [r for r in rows if r["removed"] == "1"]
    assert [(r["event_id"], r["group"], r["param"]) for r in removed] == [
        (e, "2", "-1.5") for e in ("5", "6", "7")
    ]


def test_filters_on_time_league_and_event(options: list[str], tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    per_day = len(diff(5, [], [HOME, DRAW, OVER, HANDICAP], observed_at=T0, server_time=None,
                        phase=Phase.PREMATCH))  # fmt: skip
    assert run([str(out), "--to", "2026-07-01", *options])[0] == 0  # the whole first day
    assert len(read(out)) == 3 * per_day
    assert run([str(out), "--force", "--from", "2026-07-02", *options])[0] == 0
    assert {r["phase"] for r in read(out)} == {"live"}
    assert run([str(out), "--force", "--league", "Ligue A", *options])[0] == 0
    assert {r["event_id"] for r in read(out)} == {"5"}
    assert run([str(out), "--force", "--league", "Inconnue", *options])[0] == 0
    assert read(out) == []
    assert run([str(out), "--force", "--event", "7", *options])[0] == 0
    assert {r["event_id"] for r in read(out)} == {"7"}  # not a stored match: still exported
    window = ["--from", "2026-07-01T04:10", "--to", "2026-07-01T04:11", "--event", "6"]
    assert run([str(out), "--force", *window, *options])[0] == 0
    assert {(r["event_id"], r["phase"]) for r in read(out)} == {("6", "prematch")}


def test_excel_form(options: list[str], tmp_path: Path) -> None:
    out = tmp_path / "excel.csv"
    assert run([str(out), "--excel", "--event", "5", *options])[0] == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("\ufeffevent_id;observed_at_utc;")
    assert "5;2026-07-01T04:10:00Z;2026-07-01T04:09:59Z;prematch;17;9;2,5;1,85;0;1;0" in text


def test_usage_errors_and_refusals_are_french(tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    with CsvStore(path) as store:
        fill(store)
    options = ["--csv-path", str(path)]
    runner = CliRunner()
    bad = runner.invoke(export_odds, ["-", "--from", "2026-02-30", *options])
    assert bad.exit_code == 2
    assert "n'existe pas" in bad.output
    order = runner.invoke(
        export_odds, ["-", "--from", "2026-07-02", "--to", "2026-07-01", *options]
    )
    assert order.exit_code == 2
    assert "--from doit précéder --to" in order.output
    event = runner.invoke(export_odds, ["-", "--event", "abc", *options])
    assert event.exit_code == 2
    assert "--event" in event.output
    for own in (path, tmp_path / "odds.csv"):
        code, _, err = run([str(own), "--force", *options])
        assert code == 2
        assert "fichier du stockage lui-même" in err
    out = tmp_path / "x.csv"
    out.write_text("déjà là", encoding="utf-8")
    code, _, err = run([str(out), *options])
    assert code == 1
    assert "--force" in err
    assert out.read_text(encoding="utf-8") == "déjà là"
    missing = tmp_path / "absent" / "y.csv"
    code, _, err = run([str(missing), *options])
    assert code == 1
    assert "--parents" in err
    assert run([str(missing), "--parents", *options])[0] == 0
    assert len(read(missing)) == 3 * len(timeline(5))
    assert [p.name for p in missing.parent.iterdir()] == ["y.csv"]  # no temporary file left


def test_dash_writes_to_standard_output_through_the_console_script(tmp_path: Path) -> None:
    path = tmp_path / "matches.csv"
    with CsvStore(path) as store:
        fill(store)
    env = clean_env({"PYTHONPATH": str(REPO / "src")})
    work = tmp_path / "ailleurs"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "oracxpred", "export-odds", "-", "--csv-path", str(path),
         "--event", "6"],
        capture_output=True,
        env=env,
        cwd=work,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == ODDS_COLUMNS
    assert len(rows) == 1 + len(timeline(6))
    assert b"\r\n" in done.stdout  # csv's own line ends, not translated
    assert "ligne(s) de cotes exportée(s) sur la sortie standard." in done.stderr.decode()
    assert list(work.iterdir()) == []


def test_an_odds_row_edited_by_hand_is_a_french_error_not_a_traceback(tmp_path: Path) -> None:
    """An SQL ``odds`` row with an unknown phase (edited by hand): ``export-odds`` and
    ``dataset`` stop with exit 1 and a French message naming the row; the output file that
    existed is kept."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'base.db'}"
    with SqlStore(url) as store:
        fill(store)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        bad = conn.execute(sa.text("SELECT min(id) FROM odds")).scalar_one()
        conn.execute(sa.text("UPDATE odds SET phase = 'inconnue' WHERE id = :i"), {"i": bad})
    engine.dispose()
    out = tmp_path / "cotes.csv"
    out.write_text("ancien\n", encoding="utf-8")
    for args in (
        ["export-odds", str(out), "--force", "--database-url", url],
        ["dataset", str(out), "--format", "csv", "--force", "--database-url", url],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "oracxpred", *args],
            capture_output=True,
            text=True,
            env=clean_env(),
            cwd=REPO,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert f"Ligne de cotes n° {bad} illisible dans la base" in done.stderr
        assert out.read_text(encoding="utf-8") == "ancien\n"
