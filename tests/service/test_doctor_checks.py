"""``oracxpred doctor``, the steps ``test_doctor.py`` leaves aside: an archive folder not created
yet, a feed that shows no league (the results check never sends ``champId=0``), and TLS against
a real local HTTPS server whose self-signed certificate is made at test time."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oracxpred.config import Settings
from oracxpred.ops.doctor import diagnose
from oracxpred.ops.doctor_line import Line
from oracxpred.ops.doctor_local import check_archive
from oracxpred.simulator.server import start_simulator
from tests.helpers import StaticFeed, need, run_collector

EMPTY_FEED = b'{"Success":true,"Value":[]}'


def line_of(lines: list[Line], group_start: str, check: str) -> Line:
    return next(x for x in lines if x.group.startswith(group_start) and x.check == check)


# -- Archive folder ---------------------------------------------------------------------------


def test_an_archive_folder_not_created_yet_is_ok_and_the_collector_creates_it(tmp_path):
    archive = tmp_path / "data" / "archive"  # neither exists: a fresh install
    settings = Settings(csv_path=tmp_path / "m.csv", archive_dir=archive)
    before = check_archive(settings)
    assert before.verdict == "ok"
    assert "sera créé à la première collecte" in before.detail
    assert not before.hint
    with start_simulator(seed=21, manual_clock=True) as sim:
        sim.advance(3600)
        done = run_collector(
            "--feed-url",
            sim.feed_url,
            "--csv-path",
            str(tmp_path / "m.csv"),
            "--archive-dir",
            str(archive),
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert archive.is_dir()
    after = check_archive(settings)
    assert after.verdict == "ok"
    assert "accessible en écriture" in after.detail


def test_the_default_archive_beside_a_new_csv_file_does_not_fail_the_diagnosis(tmp_path):
    with StaticFeed(EMPTY_FEED) as feed:
        diagnosis = diagnose(Settings(feed_url=feed.feed_url, csv_path=tmp_path / "new" / "m.csv"))
    archive = line_of(diagnosis.lines, "Archive", "Dossier")
    assert archive.verdict == "ok", archive
    assert "sera créé" in archive.detail


def test_an_archive_folder_that_cannot_be_created_fails_with_a_hint(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    below = check_archive(Settings(csv_path=tmp_path / "m.csv", archive_dir=blocker / "archive"))
    assert below.verdict == "fail"
    assert "impossible à créer" in below.hint
    assert str(blocker) in below.hint
    itself = check_archive(Settings(csv_path=tmp_path / "m.csv", archive_dir=blocker))
    assert itself.verdict == "fail"
    assert "n'est pas un dossier" in itself.hint


def test_no_archive_is_skipped(tmp_path):
    line = check_archive(Settings(csv_path=tmp_path / "m.csv", archive=False))
    assert line.verdict == "skip"


# -- Results service when the feed shows no league --------------------------------------------


def test_no_league_in_the_feed_takes_one_from_the_league_list(tmp_path):
    with start_simulator(seed=22, manual_clock=True) as sim:
        sim.advance(4 * 3600)
        # champs= filters the feed: no event, so no league, while results exist
        url = sim.feed_url + "&champs=999999"
        diagnosis = diagnose(Settings(feed_url=url, csv_path=tmp_path / "m.csv"))
        requests = sim.faults()["requests"]
    assert line_of(diagnosis.lines, "Hôte", "Ligues").verdict == "warn"
    results = line_of(diagnosis.lines, "Service de résultats", "Fenêtre récente")
    assert results.verdict == "ok", results
    assert "prise dans la liste des ligues" in results.detail
    assert "ligue 0" not in results.detail
    assert requests["results"] == 2  # v2/champs, then v3/games for the league it listed


def test_no_league_anywhere_skips_the_results_check_and_never_sends_champ_id_0(tmp_path):
    with StaticFeed(EMPTY_FEED) as feed:
        diagnosis = diagnose(Settings(feed_url=feed.feed_url, csv_path=tmp_path / "m.csv"))
        paths = list(feed.requests)
    results = line_of(diagnosis.lines, "Service de résultats", "Fenêtre récente")
    assert results.verdict == "skip"
    assert "aucune ligue" in results.detail
    assert "relancer `oracxpred doctor`" in results.hint
    assert not [p for p in paths if "champId" in p or "/v3/games" in p], paths
    assert [p for p in paths if "/v2/champs" in p]
    assert diagnosis.can_collect  # collection itself can work: the feed answers


# -- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    openssl = shutil.which("openssl")
    need(openssl is not None, "commande openssl absente : test TLS impossible")
    assert openssl is not None
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    done = subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return cert, key


@pytest.fixture(scope="module")
def https_feed(certificate) -> Iterator[str]:
    """A real HTTPS server on 127.0.0.1 answering an empty feed; yields its feed URL."""
    cert, key = certificate

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(EMPTY_FEED)))
            self.end_headers()
            self.wfile.write(EMPTY_FEED)

        def log_message(self, *args: Any) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # The handshake runs in accept(); a client that rejects the certificate makes accept()
    # raise an OSError, which socketserver drops: the server keeps serving.
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    yield f"https://127.0.0.1:{port}/service-api/LiveFeed/Get1x2_VZip?sports=85&gr=285"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_an_untrusted_certificate_fails_at_tls_with_a_french_hint(
    tmp_path, https_feed, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    diagnosis = diagnose(Settings(feed_url=https_feed, csv_path=tmp_path / "m.csv"))
    assert line_of(diagnosis.lines, "Hôte", "TCP").verdict == "ok"
    tls = line_of(diagnosis.lines, "Hôte", "TLS")
    assert tls.verdict == "fail"
    assert tls.detail == "certificat non reconnu (autosigné)"
    assert "Certificat non reconnu" in tls.hint
    assert "Ne jamais désactiver la vérification" in tls.hint
    assert line_of(diagnosis.lines, "Hôte", "HTTP").verdict == "skip"
    assert not diagnosis.can_collect


def test_the_same_certificate_once_trusted_passes_tls_and_http(
    tmp_path, https_feed, certificate, monkeypatch
):
    """SSL_CERT_FILE is how a user trusts a proxy's authority; TLS and HTTP then agree, since
    the TLS step uses the trust store of the collector's own requests."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    diagnosis = diagnose(Settings(feed_url=https_feed, csv_path=tmp_path / "m.csv"))
    tls = line_of(diagnosis.lines, "Hôte", "TLS")
    assert tls.verdict == "ok", tls
    assert tls.detail.startswith("TLSv1.")
    assert line_of(diagnosis.lines, "Hôte", "HTTP").verdict == "ok"
    assert line_of(diagnosis.lines, "Hôte", "JSON").verdict == "ok"
