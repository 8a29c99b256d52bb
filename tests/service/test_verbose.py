"""``--verbose`` gives what the troubleshooting table promises: one decision per event."""

from __future__ import annotations

import re

from oracxpred.config import Settings
from oracxpred.simulator.server import start_simulator
from tests.helpers import StaticFeed, debug_log, run_collector
from tests.support.drive import InProcess, RunStats


def test_verbose_logs_one_decision_line_per_event(fixtures_dir, tmp_path):
    """``-v``: in DEBUG, each event gets one short French line saying what was decided."""
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    with StaticFeed(body) as feed:
        first = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path), "-v")
        again = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path), "-v")
    assert first.returncode == again.returncode == 0
    decision = re.compile(r"\[DEBUG\] \[COLLECTOR-SERVICE\] Événement (\d+) \(.+ vs .+\) : (.+)")
    saved = [m for m in decision.findall(first.stdout) if m[1].startswith("terminé et enregistré")]
    seen = [m for m in decision.findall(first.stdout) if m[1].startswith("terminé dans le flux")]
    assert len(saved) == len(seen) == 16
    ignored = [m for m in decision.findall(again.stdout) if "déjà enregistré" in m[1]]
    assert len(ignored) == 16
    quiet = run_collector("--feed-url", "http://127.0.0.1:9/x", "--csv-path", str(csv_path))
    assert "[DEBUG]" not in quiet.stdout


def test_verbose_says_duplicate_when_the_store_already_holds_the_match(fixtures_dir, tmp_path):
    """A store filled elsewhere (here: the same file without the tracker's state beside it):
    every finished event is offered, and each one is said to be a duplicate, not saved."""
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    with StaticFeed(body) as feed:
        first = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
        assert first.returncode == 0, first.stdout
        (tmp_path / "matches.tracking.json").unlink()
        again = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path), "-v")
    assert again.returncode == 0, again.stdout
    decision = re.compile(r"\[DEBUG\] \[COLLECTOR-SERVICE\] Événement (\d+) \(.+ vs .+\) : (.+)")
    found = decision.findall(again.stdout)
    duplicates = {
        e for e, text in found if text == "déjà présent dans le stockage : doublon ignoré"
    }
    assert len(duplicates) == 16
    assert not [e for e, text in found if text.startswith("terminé et enregistré")]
    assert csv_path.read_text(encoding="utf-8").count("\n") == 17  # header + 16, nothing twice


def test_verbose_says_resolved_for_a_match_that_left_the_feed_unseen(tmp_path):
    """A live match that finishes while the collector does not look (a 40-minute gap) is
    resolved through the results service, and ``-v`` says so with its true score."""
    with start_simulator(seed=41) as sim:
        settings = Settings(feed_url=sim.feed_url, csv_path=tmp_path / "matches.csv")
        poller = InProcess(settings)
        try:
            with debug_log() as lines:
                for _ in range(8):
                    poller.poll(RunStats())
                    sim.advance(60)
                sim.advance(40 * 60)
                for _ in range(3):
                    poller.poll(RunStats())
                    sim.advance(300)
        finally:
            poller.close()
        truth = {m["id"]: m for m in sim.truth(include_all=True)}
    resolved = re.findall(
        r"Événement (\d+) \(.+ vs .+\) : résolu par le service de résultats \((\d+)-(\d+)\)",
        lines.getvalue(),
    )
    assert resolved, lines.getvalue()[-3000:]
    for event_id, home, away in resolved:
        true = truth[int(event_id)]
        assert (int(home), int(away)) == (true["score1"], true["score2"])
        saved = f"Événement {event_id} ({true['team1']} vs {true['team2']}) : terminé et enregistré"
        assert f"{saved} ({home}-{away})" in lines.getvalue()
