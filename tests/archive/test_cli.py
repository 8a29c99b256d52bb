"""``oracxpred archive …`` commands and what the real client records, on the simulator."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

from oracxpred.archive.reader import Note, merged
from oracxpred.archive.writer import ArchiveWriter
from oracxpred.errors import FeedError
from oracxpred.feed.client import FeedClient, RetryPolicy
from oracxpred.simulator.server import start_simulator
from oracxpred.store.base import Heartbeat
from oracxpred.store.csv.store import CsvStore
from tests.archive.test_writer import T0, exchange
from tests.helpers import REPO

MAIN = "import sys; from oracxpred.cli import main; sys.exit(main(sys.argv[1:]))"


def cli(*args, cwd=REPO):
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_client_records_every_attempt_with_its_outcome(tmp_path):
    writer = ArchiveWriter(tmp_path)
    with start_simulator(seed=91) as sim:
        client = FeedClient(
            sim.feed_url,
            timeout_s=0.5,
            policy=RetryPolicy(retries=2, backoff_s=0.01),
            recorder=writer,
        )
        with client:
            sim.set_faults("503", count=1)
            client.fetch_feed()
            sim.set_faults("406", count=1)
            try:
                client.fetch_feed()
            except FeedError:
                pass
            sim.set_faults("invalid_utf8", count=1)
            client.fetch_feed()
            # The results service wants windows aligned to 300 s (docs/feed.md §7).
            start = int(T0) // 300 * 300
            client.fetch_results(1, start, start + 300)
    records = list(merged([tmp_path], []))
    summary = [(r.kind, r.attempt, r.status, r.error) for r in records]
    assert summary == [
        ("feed", 1, 503, "transient"),
        ("feed", 2, 200, None),
        ("feed", 1, 406, "refused"),
        ("feed", 1, 200, None),
        ("results", 1, 200, None),
    ]
    assert records[0].reason == "HTTP 503"
    assert records[3].b64
    assert records[1].date is not None
    assert records[1].ms > 0
    assert "application/json" in (records[1].ctype or "")


def test_stats_verify_export_and_replay_commands(tmp_path):
    archive = tmp_path / "archive"
    writer = ArchiveWriter(archive, clock=lambda: T0)
    for i in range(5):
        writer(exchange(T0 + i * 60))
    writer(exchange(T0 + 3600))
    done = cli("archive", "stats", str(archive))
    assert done.returncode == 0, done.stderr
    assert "Heures : 2 (dont 1 pas encore compactée(s))" in done.stdout
    assert "Enregistrements : 6 (flux : 6" in done.stdout
    assert "Première réponse : 2026-12-02 14:00:00 UTC" in done.stdout
    done = cli("archive", "stats", "--from", "2026-12-02T15:00", str(archive))
    assert "Enregistrements : 1 " in done.stdout
    # --to: a bare day is included (as for export-odds), a time is excluded
    for to, count in (("2026-12-02", 6), ("2026-12-01", 0), ("2026-12-02T15:00", 5)):
        done = cli("archive", "stats", "--to", to, str(archive))
        assert done.returncode == 0, done.stderr
        assert f"Enregistrements : {count} " in done.stdout, (to, done.stdout)
    done = cli("archive", "stats", "--from", "2026-12-02", "--to", "2026-12-02", str(archive))
    assert "Enregistrements : 6 " in done.stdout
    done = cli("archive", "stats", "--from", "2026-12-03", "--to", "2026-12-02", str(archive))
    assert done.returncode == 2
    assert "Période vide : --from 2026-12-03 doit précéder --to 2026-12-02" in done.stderr
    done = cli("archive", "verify", str(archive))
    assert done.returncode == 0
    assert "Archive lisible : 6 enregistrement(s) dans 2 heure(s)" in done.stdout
    out = tmp_path / "slice.jsonl.zst"
    done = cli(
        "archive", "export", "--archive-dir", str(archive), "--from", "2026-12-02",
        "--to", "2026-12-02T14:30", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(5 enregistrement(s))" in done.stdout
    notes: list[Note] = []
    assert len(list(merged([out], notes))) == 5
    assert notes == []
    done = cli("archive", "replay", "--csv-path", str(tmp_path / "r.csv"), str(out))
    assert done.returncode == 0, done.stderr
    assert "Rejeu terminé : 5 cycle(s) dont 0 en échec" in done.stdout
    done = cli("archive", "replay", "--csv-path", str(tmp_path / "r.csv"), str(out))
    assert done.returncode == 0, done.stderr  # an interrupted replay is simply run again
    url = f"sqlite:///{tmp_path / 'rejeu.db'}"
    done = cli("archive", "replay", "--database-url", url, "--from", "2026-12-02", str(out))
    assert done.returncode == 0, done.stderr
    assert "Rejeu terminé : 5 cycle(s) dont 0 en échec" in done.stdout
    done = cli("archive", "replay", "--database-url", url, "--to", "2026-12-01", str(out))
    assert "Rejeu terminé : 0 cycle(s)" in done.stdout  # nothing before that day
    live = tmp_path / "live" / "matches.csv"
    with CsvStore(live) as store:  # a store a collector wrote: it has heartbeats
        store.record_heartbeat(Heartbeat(datetime.now(UTC), datetime.now(UTC), True, "h", 1))

    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in live.parent.iterdir() if p.is_file()}

    before = files()
    done = cli("archive", "replay", "--csv-path", str(live), str(out))
    assert done.returncode == 2
    assert "a déjà été écrit par un collecteur" in done.stderr
    assert files() == before
    zst = archive / "2026/12/02/14.jsonl.zst"
    zst.write_bytes(zst.read_bytes()[:-8])
    done = cli("archive", "verify", str(archive))
    assert done.returncode == 1
    assert "Archive endommagée : 1 problème(s)" in done.stdout
    assert "14.jsonl.zst" in done.stdout


def test_a_missing_folder_is_said(tmp_path):
    done = cli("archive", "stats", str(tmp_path / "nowhere"))
    assert done.returncode == 0
    assert f"Aucune archive dans {tmp_path / 'nowhere'}" in done.stderr
    done = cli("archive", "replay", "--csv-path", str(tmp_path / "r.csv"), str(tmp_path / "x"))
    assert done.returncode == 1
    assert not (tmp_path / "r.csv").exists()


def test_bad_dates_are_usage_errors(tmp_path):
    done = cli("archive", "stats", "--from", "hier", str(tmp_path))
    assert done.returncode == 2
    assert "Date invalide « hier »" in done.stderr


def test_help_is_french():
    done = cli("archive", "replay", "--help")
    assert done.returncode == 0
    assert "Reconstruit un stockage" in done.stdout
    assert "Utilisation" in done.stdout


def test_no_archive_records_nothing_and_the_default_records_every_poll(tmp_path, fixtures_dir):
    """``--no-archive``: no folder, no file; without it the poll is in ``archive/`` beside the
    CSV, body as received."""
    from tests.helpers import StaticFeed, run_collector

    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    with StaticFeed(body) as feed:
        off = run_collector(
            "--feed-url", feed.feed_url, "--csv-path", str(tmp_path / "a" / "m.csv"), "--no-archive"
        )
        on = run_collector("--feed-url", feed.feed_url, "--csv-path", str(tmp_path / "b" / "m.csv"))
    assert off.returncode == on.returncode == 0, off.stdout + on.stdout
    assert not (tmp_path / "a" / "archive").exists()
    notes: list[Note] = []
    records = list(merged([tmp_path / "b" / "archive"], notes))
    assert [(r.kind, r.attempt) for r in records] == [("feed", 1)]
    assert records[0].body_bytes() == body
