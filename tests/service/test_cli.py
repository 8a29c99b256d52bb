"""The real ``collector_service.py`` in a subprocess: exit codes, exact log lines, one-shot."""

from __future__ import annotations

import csv
import json
import re

import pytest

from tests.helpers import StaticFeed, run_collector

LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[[A-Z]+\] \[COLLECTOR-SERVICE\] ")


def rows(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--interval", "0"], "Intervalle invalide « 0 »"),
        (["--interval", "abc"], "Intervalle invalide « abc »"),
        (["--interval", "-2"], "Intervalle invalide « -2 »"),
        (["--bogus"], "option inconnue : --bogus"),
        (["--feed-url", "pas-une-url"], "Adresse du flux invalide"),
        (["--database-url", "oracle://u:pw1234@h/db"], "DATABASE_URL invalide"),
        (["--interval"], "mal utilisée"),
        (["surplus"], "argument inattendu"),
    ],
)
def test_usage_errors_exit_2_in_french(args, message, tmp_path):
    result = run_collector("--csv-path", str(tmp_path / "m.csv"), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "pw1234" not in result.stderr + result.stdout
    assert not (tmp_path / "m.csv").exists()


def test_invalid_environment_value_exits_2(tmp_path):
    result = run_collector("--csv-path", str(tmp_path / "m.csv"), env={"ORACXPRED_INTERVAL": "x"})
    assert result.returncode == 2
    assert "Intervalle invalide" in result.stderr


def test_help_is_french_and_lists_every_spec_option():
    result = run_collector("--help")
    assert result.returncode == 0
    for option in (
        "--daemon",
        "--interval",
        "--log-file",
        "--test-db",
        "--verbose",
        "-v",
        "--feed-url",
        "--database-url",
        "--csv-path",
        "--version",
    ):
        assert option in result.stdout
    assert "Utilisation :" in result.stdout
    assert "Afficher cette aide et quitter." in result.stdout


def test_version():
    result = run_collector("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("oracxpred ")


def test_capture_is_stored_exactly_once_with_true_scores(fixtures_dir, tmp_path):
    """Pointed at a static server serving a real capture: exactly its finished events."""
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    events = json.loads(body)["Value"]
    csv_path = tmp_path / "out" / "matches.csv"
    with StaticFeed(body) as feed:
        first = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
        second = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    stored = rows(csv_path)
    assert len(stored) == 16
    assert len({r["event_id"] for r in stored}) == 16
    by_id = {int(r["event_id"]): r for r in stored}
    for event in events:
        fs = event["SC"].get("FS", {})
        row = by_id[event["I"]]
        assert (int(row["score1"]), int(row["score2"])) == (fs.get("S1", 0), fs.get("S2", 0))
        expected = (
            "1"
            if fs.get("S1", 0) > fs.get("S2", 0)
            else ("2" if fs.get("S1", 0) < fs.get("S2", 0) else "N")
        )
        assert row["outcome"] == expected
        assert row["finish_source"] == "feed"
        # Finished events carry no honest pre-match odds: never stored from a finished snapshot.
        assert row["odds_1"] == row["odds_x"] == row["odds_2"] == ""
    out = first.stdout.splitlines()
    assert all(LINE.match(line) for line in out), out
    assert out[0].endswith(
        "] [INFO] [COLLECTOR-SERVICE] Stockage : csv (" + str(csv_path) + ")"
    ) or any(line.endswith("Démarrage de la collecte...") for line in out)
    assert any(
        line.endswith("[INFO] [COLLECTOR-SERVICE] Démarrage de la collecte...") for line in out
    )
    saved = [line for line in out if "OK Match terminé sauvegardé: " in line]
    assert len(saved) == 16
    assert any(
        line.endswith("[INFO] [COLLECTOR-SERVICE] Collecte terminée avec succès") for line in out
    )
    assert "16 sauvegardé(s)" in first.stdout
    assert (
        "0 sauvegardé(s), 16 doublon(s)" in second.stdout
        or "0 sauvegardé(s), 0 doublon(s)" in second.stdout
    )
    assert "OK Match terminé sauvegardé" not in second.stdout


def test_capture_without_finished_events_stores_nothing(fixtures_dir, tmp_path):
    body = (fixtures_dir / "fifa_prematch_inplay_20.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    with StaticFeed(body) as feed:
        result = run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path), "-v")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK Match terminé sauvegardé" not in result.stdout
    assert not csv_path.exists() or rows(csv_path) == []


@pytest.mark.parametrize(
    ("body", "status", "ctype", "message"),
    [
        (b"<html><body>Access denied</body></html>", 200, "text/html", "page HTML reçue"),
        (b'{"Success":false,"Error":"bad","Value":null}', 200, "application/json", "Success"),
        (b'{"Value":[{"I":1', 200, "application/json", "tronqu"),
        (b"{}", 503, "application/json", "injoignable après"),
        (b"{}", 406, "application/json", "406"),
    ],
)
def test_failed_poll_exits_1_and_leaves_the_csv_untouched(
    body, status, ctype, message, fixtures_dir, tmp_path
):
    csv_path = tmp_path / "matches.csv"
    good = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    with StaticFeed(good) as feed:
        assert (
            run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path)).returncode == 0
        )
        before = csv_path.read_bytes()
        feed.body, feed.status, feed.ctype = body, status, ctype
        result = run_collector(
            "--feed-url",
            feed.feed_url,
            "--csv-path",
            str(csv_path),
            env={"ORACXPRED_RETRIES": "1", "ORACXPRED_TIMEOUT": "2"},
        )
    assert result.returncode == 1
    assert "Échec de la collecte" in result.stdout
    assert message.lower() in result.stdout.lower()
    assert csv_path.read_bytes() == before


def test_unreachable_feed_exits_1(tmp_path):
    from tests.helpers import free_port

    url = f"http://127.0.0.1:{free_port()}/service-api/LiveFeed/Get1x2_VZip?sports=85"
    result = run_collector(
        "--feed-url", url, "--csv-path", str(tmp_path / "m.csv"), env={"ORACXPRED_RETRIES": "1"}
    )
    assert result.returncode == 1
    assert "connexion refusée" in result.stdout


def test_test_db_on_csv_reports_path_and_rows(fixtures_dir, tmp_path):
    csv_path = tmp_path / "matches.csv"
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    with StaticFeed(body) as feed:
        run_collector("--feed-url", feed.feed_url, "--csv-path", str(csv_path))
    result = run_collector("--test-db", "--csv-path", str(csv_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Stockage : csv" in result.stdout
    assert str(csv_path) in result.stdout
    assert "Nombre de matchs : 16" in result.stdout
    assert "Accessible en écriture : oui" in result.stdout


def test_test_db_on_unwritable_csv_exits_1(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run_collector("--test-db", "--csv-path", str(blocker / "matches.csv"))
    assert result.returncode == 1
    assert "Test du stockage échoué" in result.stdout or "écriture : non" in result.stdout
