"""The store failing under the real collector: PostgreSQL killed, disk full, read-only CSV,
a CSV edited by hand. Each time a clear French message, the right exit code or a daemon still
alive, and nothing lost, altered or duplicated once the store is back (docs/storage.md,
« Panne de la base »).

The machine's PostgreSQL is never touched: the kill happens on a private cluster (initdb in a
temp folder, another port). Mounts (tmpfs, read-only bind) need root; ``need`` skips otherwise.
"""

from __future__ import annotations

import csv
import json
import os

import pytest

from oracxpred.config import Settings
from oracxpred.simulator.server import start_simulator
from oracxpred.store.csv.store import CsvStore
from tests.faults.support import (
    FAILED,
    assert_lines_well_formed,
    check_csv,
    check_sql,
    cycle_after,
    daemon,
    drain,
    one_shot,
    private_cluster,
    read_only_view,
    small_tmpfs,
    step,
)
from tests.helpers import wait_until
from tests.support.drive import InProcess, RunStats
from tests.support.verify import compare, csv_matches


def poll_in_process(sim, csv_path, *, minutes: int, until=None) -> None:
    """Healthy polls one simulated minute apart, in this process (the lead-in of a case)."""
    # The archive records beside the CSV by default; these cases are about the store, so it
    # goes one folder up (a small disk would otherwise fill with responses first).
    poller = InProcess(
        Settings(feed_url=sim.feed_url, csv_path=csv_path, archive_dir=archive_of(csv_path))
    )
    stats = RunStats()
    try:
        for _ in range(minutes):
            poller.poll(stats)
            if until is not None and until():
                break
            sim.advance(60)
    finally:
        poller.close()
    assert stats.failed == 0, stats.errors


def archive_of(csv_path):
    return csv_path.parent.parent / "archive"


def one_shots(sim, csv_path, *, minutes: int) -> list[tuple[int, str]]:
    results = []
    for _ in range(minutes):
        results.append(one_shot(sim.feed_url, csv_path, "--archive-dir", str(archive_of(csv_path))))
        sim.advance(60)
    return results


def about_to_finish(sim, within: int = 120) -> bool:
    now = sim.now()
    return any(now < t["finished_at"] <= now + within for t in sim.truth(include_all=True))


def drain_one_shots(sim, csv_path, until: int, limit: int = 30):
    check = check_csv(sim, csv_path, until)
    for _ in range(limit):
        if check.stored_ok >= check.expected:
            break
        sim.advance(300)
        code, text = one_shot(sim.feed_url, csv_path, "--archive-dir", str(archive_of(csv_path)))
        assert code == 0, text
        check = check_csv(sim, csv_path, until)
    return check


def in_play(sim, finishing_within: int = 10_000) -> bool:
    now = sim.now()
    return any(
        t["kickoff_at"] <= now < t["finished_at"] <= now + finishing_within
        for t in sim.truth(include_all=True)
    )


@pytest.fixture(scope="module")
def pg_outage(tmp_path_factory):
    """A daemon on a private cluster; the postmaster is SIGKILLed while a match is in play
    (seen before its kick-off, so its odds are known), matches finish during the outage, the
    server restarts. Yields what the tests judge."""
    spool = tmp_path_factory.mktemp("pg-outage") / "m.csv"
    with private_cluster() as pg, start_simulator(seed=51) as sim:
        proc = daemon(sim, spool, env={"DATABASE_URL": pg.url})
        try:
            cycle_after(proc)
            for _ in range(60):
                if check_sql(sim, pg.url, sim.now()).stored_ok and in_play(sim):
                    break
                step(sim, proc)
            before = check_sql(sim, pg.url, sim.now()).stored_ok
            pg.kill()
            step(sim, proc, 60, times=12)  # matches finish while the database is down
            alive_during = proc.alive
            spooled = check_csv(sim, spool.with_name("m.spool.csv"), sim.now()).stored_rows
            pg.start()
            wait_until(
                lambda: check_sql(sim, pg.url, sim.now()).stored_ok > before,
                timeout=90,
                what="le rejeu de l'attente locale dans PostgreSQL",
            )
            until = sim.now()
            check = drain(sim, proc, lambda u: check_sql(sim, pg.url, u), until)
        finally:
            code = proc.stop()
        yield {
            "before": before,
            "alive_during": alive_during,
            "spooled": spooled,
            "check": check,
            "code": code,
            "text": proc.text,
        }


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_killed_and_restarted_mid_daemon(pg_outage):
    """Kept alive, spooled, replayed: every match stored once, with its true score (its odds:
    see the next test, the outage may reset the tracker depending on where the kill lands)."""
    assert pg_outage["before"] >= 1
    assert pg_outage["alive_during"]
    text = pg_outage["text"]
    assert "[WARNING] [COLLECTOR-SERVICE] Base de données injoignable : " in text  # each cycle
    assert "Base de données de retour : " in text  # the replay is told
    assert pg_outage["spooled"] >= 1  # kept in the local spool meanwhile
    check = pg_outage["check"]
    assert check.expected > pg_outage["before"]
    assert check.stored_ok == check.scores_ok == check.names_ok == check.expected, check.summary()
    assert check.duplicates == check.phantoms == 0
    assert pg_outage["code"] == 0, pg_outage["text"][-3000:]
    assert "Traceback" not in pg_outage["text"]
    assert_lines_well_formed(pg_outage["text"])


@pytest.mark.postgres
def test_postgresql_outage_keeps_the_odds_of_matches_in_play(tmp_path):
    """One-shot runs (deterministic, unlike a free-running daemon): the database dies while
    a match seen before its kick-off is in play; it must still be stored with its odds."""
    csv_path = tmp_path / "m.csv"
    with private_cluster() as pg, start_simulator(seed=56) as sim:
        settings = Settings(feed_url=sim.feed_url, csv_path=csv_path, database_url=pg.url)
        poller = InProcess(settings)
        try:
            for _ in range(60):
                poller.poll(RunStats())
                if in_play(sim, finishing_within=150):
                    break
                sim.advance(60)
        finally:
            poller.close()
        pg.kill()
        for _ in range(4):
            sim.advance(60)
            code, text = one_shot(sim.feed_url, csv_path, env={"DATABASE_URL": pg.url})
            assert code == 0, text  # spooled: the data is safe
        until = sim.now()
        pg.start()
        check = check_sql(sim, pg.url, until)
        for _ in range(12):
            if check.stored_ok == check.expected:
                break
            sim.advance(300)
            code, text = one_shot(sim.feed_url, csv_path, env={"DATABASE_URL": pg.url})
            assert code == 0, text
            check = check_sql(sim, pg.url, until)
    assert check.expected >= 1
    assert check.stored_ok == check.expected, check.summary()
    assert check.closing_ok == check.expected, check.summary()


def test_disk_full_fails_cleanly_then_nothing_is_lost(tmp_path):
    folder = tmp_path / "petit"
    with small_tmpfs(folder, "256k"), start_simulator(seed=52) as sim:
        csv_path = folder / "m.csv"
        poll_in_process(sim, csv_path, minutes=40, until=lambda: about_to_finish(sim))
        filler = folder / "remplissage"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"x" * 1024):
                pass
        except OSError:
            pass  # ENOSPC: the disk is full now
        finally:
            os.close(fd)
        full = one_shots(sim, csv_path, minutes=4)
        until = sim.now() - 60
        for code, text in full:
            assert code == 1, text
            assert f"{FAILED} : " in text, text
            assert "disque plein" in text, text
            assert "Traceback" not in text
        filler.unlink()
        check = drain_one_shots(sim, csv_path, until)
        assert check.expected >= 1
        assert check.perfect, check.summary()  # every row parseable, none twice


def test_read_only_csv_fails_cleanly_then_nothing_is_lost(tmp_path):
    data = tmp_path / "donnees"
    data.mkdir()
    with start_simulator(seed=53) as sim:
        poll_in_process(sim, data / "m.csv", minutes=40, until=lambda: about_to_finish(sim))
        before = (data / "m.csv").read_bytes() if (data / "m.csv").exists() else b""
        with read_only_view(data, tmp_path / "lecture-seule") as view:
            results = one_shots(sim, view / "m.csv", minutes=4)
        until = sim.now() - 60
        for code, text in results:
            assert code == 1, text
            assert f"{FAILED} : " in text, text
            assert "lecture-seule/m." in text, text
            assert "Traceback" not in text
        after = (data / "m.csv").read_bytes() if (data / "m.csv").exists() else b""
        assert after == before
        check = drain_one_shots(sim, data / "m.csv", until)
        assert check.expected >= 1
        assert check.perfect, check.summary()


def test_csv_edited_by_hand_with_extra_cells_and_a_torn_line(tmp_path):
    """A spreadsheet user added a cell to one row and left the last line cut: the torn line
    is set aside (kept in a side file, a French WARNING says where), the other rows stay,
    nothing is written twice and collection goes on."""
    csv_path = tmp_path / "m.csv"
    with start_simulator(seed=54) as sim:
        poll_in_process(sim, csv_path, minutes=90, until=lambda: len(csv_matches(csv_path)[0]) >= 3)
        lines = csv_path.read_bytes().splitlines(keepends=True)
        torn_id = next(csv.reader([lines[-1].decode()]))[1]
        end = lines[1][len(lines[1].rstrip(b"\r\n")) :]
        lines[1] = lines[1].rstrip(b"\r\n") + ",note ajoutée à la main".encode() + end
        lines[-1] = lines[-1][: len(lines[-1]) // 2]
        csv_path.write_bytes(b"".join(lines))
        code, text = one_shot(sim.feed_url, csv_path)
        assert code == 0, text
        assert "Ligne incomplète détectée à la fin de" in text, text
        assert "réparée (copie dans" in text, text
        torn = [p for p in tmp_path.iterdir() if ".torn-" in p.name]
        assert len(torn) == 1
        assert torn[0].read_bytes() == lines[-1]
        until = sim.now()
        sim.advance(60)
        one_shots(sim, csv_path, minutes=20)
        rows, bad = csv_matches(csv_path, extra_cells=True)
        assert bad == 0
        check = compare(sim.truth(include_all=True), rows, until=until, now=sim.now())
        assert check.duplicates == 0
        assert check.phantoms == 0
        missing = [p for p in check.problems if "absent" in p]
        assert all(torn_id in p for p in missing), missing  # only the torn one, kept aside
        assert all(m.event_id != int(torn_id) for m in rows)
        read_back = {m.event_id for m in CsvStore(csv_path).iter_matches()}
        assert read_back == {m.event_id for m in rows}
        assert os.path.getsize(csv_path) > 0
        json.loads((tmp_path / "m.tracking.json").read_text())


def test_read_only_folder_reason_is_french(tmp_path):
    data = tmp_path / "donnees"
    data.mkdir()
    with start_simulator(seed=55) as sim, read_only_view(data, tmp_path / "lecture-seule") as view:
        code, text = one_shot(sim.feed_url, view / "m.csv")
    assert code == 1
    assert "lecture seule" in text, text
