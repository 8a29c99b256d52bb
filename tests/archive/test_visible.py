"""The archive seen from ``--test-db`` and the Santé page; ``/health`` ignores it."""

from __future__ import annotations

import subprocess
import sys

from oracxpred.archive.files import compact
from oracxpred.archive.summary import summarize
from oracxpred.archive.writer import ArchiveWriter
from oracxpred.config import Settings
from oracxpred.store.csv.store import CsvStore
from tests.archive.test_writer import T0, exchange
from tests.helpers import REPO
from tests.web.conftest import build_app, fill


def _archive_with_outage(root):
    """Two hours recorded, the second after an outage (a file where a folder must go)."""
    clock = [T0]
    writer = ArchiveWriter(root, clock=lambda: clock[0])
    for i in range(30):
        writer(exchange(T0 + i * 60, b'{"Value":[' + b'{"I":1,"O1":"Arsenal"},' * 200 + b"{}]}"))
    blocker = root / "2026/12/02/15.jsonl"
    blocker.mkdir(parents=True)  # a folder where the hour's file must go: EISDIR
    writer(exchange(T0 + 3600))
    writer(exchange(T0 + 3660))
    blocker.rmdir()
    clock[0] = T0 + 3720
    writer(exchange(T0 + 3720))
    compact(root, "2026/12/02/14")
    return writer


def test_summary_reads_headers_only_and_keeps_the_last_outage(tmp_path):
    root = tmp_path / "archive"
    writer = _archive_with_outage(root)
    assert writer.errors >= 2
    summary = summarize(Settings(csv_path=tmp_path / "m.csv"))
    assert summary.folder == root
    assert (summary.hours, summary.first_hour, summary.last_hour) == (
        2,
        "2026/12/02/14",
        "2026/12/02/15",
    )
    assert summary.ratio > 10
    assert summary.last_error is not None
    assert "le chemin désigne un dossier" in summary.last_error
    assert "2 réponse(s) non archivée(s)" in summary.last_error


def test_sante_page_shows_the_archive_and_health_ignores_it(tmp_path):
    settings = Settings(csv_path=tmp_path / "matches.csv")
    fill(settings.csv_path).close()
    with CsvStore(settings.csv_path) as store:
        client = build_app(store, settings).test_client()
        before = client.get("/health")
        _archive_with_outage(tmp_path / "archive")
        html = client.get("/sante").get_data(as_text=True)
        after = client.get("/health")
    assert 'id="archive"' in html
    assert str(tmp_path / "archive") in html
    assert "2 heure(s), de 2026-12-02 14 h à 2026-12-02 15 h" in html
    assert "le chemin désigne un dossier" in html
    assert before.status_code == after.status_code
    assert before.get_json().keys() == after.get_json().keys()
    assert "archive" not in str(after.get_json())


def test_test_db_lists_the_archive(tmp_path):
    _archive_with_outage(tmp_path / "archive")
    code = "import sys; from oracxpred.cli import collector_main; sys.exit(collector_main())"
    done = subprocess.run(
        [sys.executable, "-c", code, "--test-db", "--csv-path", str(tmp_path / "m.csv")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Archive — Dossier : {tmp_path / 'archive'}" in done.stdout
    assert "Archive — Compression : " in done.stdout
    assert "Archive — Dernière erreur : le chemin désigne un dossier" in done.stdout
    done = subprocess.run(
        [sys.executable, "-c", code, "--test-db", "--no-archive", "--csv-path", "x/m.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert "Archive — État : désactivée" in done.stdout
