"""``oracxpred doctor`` against real hosts: a simulator, a closed port, an HTML and a 406 host,
and a store that cannot work."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from oracxpred.config import Settings
from oracxpred.feed.mirrors import host_of
from oracxpred.ops.doctor import diagnose
from oracxpred.simulator.server import FEED_QUERY, start_simulator
from tests.helpers import REPO, free_port
from tests.service.support import clean_env

PATH = "/service-api/LiveFeed/Get1x2_VZip?" + FEED_QUERY


@pytest.fixture(scope="module")
def good():
    with start_simulator(seed=11, manual_clock=True) as handle:
        handle.advance(4 * 3600)
        yield handle


@pytest.fixture(scope="module")
def html():
    with start_simulator(seed=12, manual_clock=True) as handle:
        handle.set_faults(mode="html")
        yield handle


@pytest.fixture(scope="module")
def refusing():
    with start_simulator(seed=13, manual_clock=True) as handle:
        handle.set_faults(mode="406")
        yield handle


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}{PATH}"


def verdicts(diagnosis, group_start: str) -> dict[str, str]:
    return {
        line.check: line.verdict for line in diagnosis.lines if line.group.startswith(group_start)
    }


def run_doctor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oracxpred", "doctor", *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_good_host_and_csv_store_can_collect(tmp_path, good):
    diagnosis = diagnose(Settings(feed_url=good.feed_url, csv_path=tmp_path / "m.csv"))
    host = verdicts(diagnosis, "Hôte")
    assert host == {
        "DNS": "ok",
        "TCP": "ok",
        "HTTP": "ok",
        "Latence": "ok",
        "JSON": "ok",
        "Événements": "ok",
        "Ligues": "ok",
        "Terminés": "ok",
    }
    assert verdicts(diagnosis, "Service de résultats") == {"Fenêtre récente": "ok"}
    # The simulator's clock is its own (2025): a warning with a hint, never a failure.
    clock = next(line for line in diagnosis.lines if line.group == "Horloge")
    assert clock.verdict == "warn"
    assert "NTP" in clock.hint
    assert verdicts(diagnosis, "Stockage") == {"Accès": "ok", "Écriture": "ok", "Schéma": "ok"}
    assert diagnosis.can_collect


def test_dead_host_fails_at_tcp_and_skips_the_rest(tmp_path):
    diagnosis = diagnose(Settings(feed_url=dead_url(), csv_path=tmp_path / "m.csv"))
    host = verdicts(diagnosis, "Hôte")
    assert host["DNS"] == "ok"
    assert host["TCP"] == "fail"
    assert {host[name] for name in ("HTTP", "JSON", "Événements")} == {"skip"}
    tcp = next(line for line in diagnosis.lines if line.check == "TCP")
    assert "miroir" in tcp.hint
    assert verdicts(diagnosis, "Service de résultats") == {"Fenêtre récente": "skip"}
    assert not diagnosis.can_collect


def test_html_host_fails_at_json_with_a_hint(tmp_path, html):
    diagnosis = diagnose(Settings(feed_url=html.feed_url, csv_path=tmp_path / "m.csv"))
    host = verdicts(diagnosis, "Hôte")
    assert host["HTTP"] == "ok"
    assert host["JSON"] == "fail"
    line = next(line for line in diagnosis.lines if line.check == "JSON")
    assert "Page HTML" in line.hint
    assert not diagnosis.can_collect


def test_406_host_fails_at_http_with_a_hint(tmp_path, refusing):
    diagnosis = diagnose(Settings(feed_url=refusing.feed_url, csv_path=tmp_path / "m.csv"))
    line = next(line for line in diagnosis.lines if line.check == "HTTP")
    assert line.verdict == "fail"
    assert line.detail == "HTTP 406"
    assert "paramètres refusés" in line.hint
    assert not diagnosis.can_collect


def test_one_good_mirror_among_bad_ones_is_enough(tmp_path, good, html, refusing):
    mirrors = (dead_url(), html.feed_url, refusing.feed_url, good.feed_url)
    diagnosis = diagnose(
        Settings(feed_url=mirrors[0], feed_urls=mirrors, csv_path=tmp_path / "m.csv")
    )
    groups = {line.group for line in diagnosis.lines if line.group.startswith("Hôte")}
    assert groups == {f"Hôte {host_of(url)}" for url in mirrors}
    assert diagnosis.can_collect


def test_unreachable_database_is_a_broken_store(tmp_path, good):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    diagnosis = diagnose(
        Settings(feed_url=good.feed_url, database_url=url, csv_path=tmp_path / "m.csv")
    )
    assert verdicts(diagnosis, "Stockage") == {
        "Accès": "fail",
        "Écriture": "skip",
        "Schéma": "skip",
    }
    line = next(line for line in diagnosis.lines if line.group == "Stockage")
    assert "DATABASE_URL" in line.hint
    assert not diagnosis.can_collect


def test_csv_store_in_an_impossible_place_is_broken(tmp_path, good):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    diagnosis = diagnose(Settings(feed_url=good.feed_url, csv_path=blocker / "m.csv"))
    store = verdicts(diagnosis, "Stockage")
    assert "fail" in store.values()
    assert not diagnosis.can_collect


def test_cli_table_exit_codes_and_json(tmp_path, good):
    ok = run_doctor("--feed-url", good.feed_url, "--csv-path", str(tmp_path / "m.csv"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Verdict : la collecte peut fonctionner." in ok.stdout
    assert "Conseils :" in ok.stdout  # the clock warning's hint
    bad = run_doctor("--feed-url", dead_url(), "--csv-path", str(tmp_path / "m.csv"), "--json")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    data = json.loads(bad.stdout)
    assert data["can_collect"] is False
    tcp = next(c for c in data["checks"] if c["check"] == "TCP")
    assert tcp["verdict"] == "fail"
    assert tcp["hint"]
