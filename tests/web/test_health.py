"""``/health`` (200/503 with a French reason) and the ``/sante`` page, on real CSV stores."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from oracxpred.collector.lease import lease_for
from oracxpred.config import Settings
from oracxpred.store.csv.store import CsvStore
from oracxpred.web.health import judge
from tests.web.conftest import HEARTBEATS, build_app, fill
from tests.web.data import HOSTILE_ERROR, NOW, make_heartbeats
from tests.web.support import page, tags, text_of


def health(client: FlaskClient) -> tuple[int, dict[str, Any]]:
    response = client.get("/health")
    assert response.is_json
    return response.status_code, response.get_json()


class TestHealthEndpoint:
    def test_recent_success_is_200(self, client: FlaskClient) -> None:
        status, body = health(client)
        assert (status, body["status"]) == (200, "ok")
        assert body["reason"] == "Dernière collecte réussie il y a 40 s."
        assert body["last_success_age_s"] == pytest.approx(40)
        assert body["max_age_s"] == 300  # 3 × 1 min + 2 min
        assert body["recent_failures"] == 2
        assert body["store"]["backend"] == "csv"
        assert body["store"]["row_count"] > 0

    def test_stale_success_is_503_with_french_reason(
        self, store: CsvStore, settings: Settings
    ) -> None:
        app = build_app(store, settings, ORACXPRED_CLOCK=lambda: NOW + timedelta(minutes=10))
        status, body = health(app.test_client())
        assert (status, body["status"]) == (503, "erreur")
        assert body["reason"] == (
            "Dernière collecte réussie il y a 10 min 40 s (seuil : 5 min 00 s) : "
            "le collecteur semble arrêté."
        )

    def test_threshold_follows_the_interval(self, store: CsvStore, settings: Settings) -> None:
        app = build_app(store, settings.with_(interval_min=0.25))
        assert health(app.test_client())[1]["max_age_s"] == 165

    def test_threshold_from_config_and_environment(
        self, store: CsvStore, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        app = build_app(store, settings, ORACXPRED_HEALTH_MAX_AGE_S=30)
        assert health(app.test_client())[0] == 503
        monkeypatch.setenv("ORACXPRED_HEALTH_MAX_AGE", "39,5")
        status, body = health(build_app(store, settings).test_client())
        assert (status, body["max_age_s"]) == (503, 39.5)
        monkeypatch.setenv("ORACXPRED_HEALTH_MAX_AGE", "45")
        assert health(build_app(store, settings).test_client())[0] == 200

    def test_no_heartbeat_is_503(self, tmp_path: Path) -> None:
        path = tmp_path / "matches.csv"
        app = build_app(fill(path, beats=[]), Settings(csv_path=path))
        status, body = health(app.test_client())
        assert (status, body["reason"]) == (503, "Aucune collecte enregistrée dans le stockage.")

    def test_only_failures_is_503_with_last_error(self, tmp_path: Path) -> None:
        path = tmp_path / "matches.csv"
        failing = [b for b in make_heartbeats() if not b.ok]
        app = build_app(fill(path, beats=failing), Settings(csv_path=path))
        status, body = health(app.test_client())
        assert status == 503
        assert body["reason"] == (
            "Aucune collecte réussie parmi les 2 dernières (dernière erreur : Délai dépassé)."
        )

    def test_store_that_does_not_answer_is_503(self, tmp_path: Path) -> None:
        """The configured CSV path is a folder: the store is opened lazily and fails for real."""
        folder = tmp_path / "pas-un-fichier.csv"
        folder.mkdir()
        app = build_app(None, Settings(csv_path=folder))
        status, body = health(app.test_client())
        assert status == 503
        assert body["reason"].startswith("Stockage inaccessible : ")
        assert "désigne un dossier" in body["reason"]
        assert body["store"] is None
        pages = app.test_client().get("/")
        assert pages.status_code == 503
        assert "Stockage indisponible" in text_of(pages.get_data(as_text=True))

    def test_unexpected_store_error_is_503_not_500(self, tmp_path: Path) -> None:
        class Broken(CsvStore):
            def recent_heartbeats(self, limit: int = 20) -> list[Any]:
                raise RuntimeError("bogue")

        path = tmp_path / "m.csv"
        app = build_app(Broken(path), Settings(csv_path=path))
        status, body = health(app.test_client())
        assert status == 503
        assert body["reason"] == "Erreur inattendue du stockage (RuntimeError) : voir le journal."

    def test_judge_ignores_a_future_heartbeat_clock_skew(self) -> None:
        verdict = judge(list(reversed(HEARTBEATS)), NOW - timedelta(minutes=5), 60)
        assert (verdict.ok, verdict.age_s) == (True, 0.0)


class TestHealthPage:
    def test_verdict_store_and_cycles(self, client: FlaskClient) -> None:
        html = page(client.get("/sante"))
        text = text_of(html)
        assert "Collecteur en bonne santé" in text
        assert "Dernière collecte réussie il y a 40 s." in text
        assert "24 affichés · 2 en échec" in text
        assert len(tags(html, "rect", "cycle-ok")) == 22
        assert len(tags(html, "rect", "cycle-failed")) == 2
        assert len(tags(html, "tr", "failed")) == 2
        assert "Matchs enregistrés" in text

    def test_failure_text_is_escaped(self, client: FlaskClient) -> None:
        html = page(client.get("/sante"))
        assert "<img src=x onerror=alert(3)>" not in html
        assert "&lt;img src=x onerror=alert(3)&gt;" in html
        assert HOSTILE_ERROR in text_of(html)

    def test_unhealthy_page_still_renders(self, store: CsvStore, settings: Settings) -> None:
        app = build_app(store, settings, ORACXPRED_CLOCK=lambda: NOW + timedelta(hours=3))
        text = text_of(page(app.test_client().get("/sante")))
        assert "Problème détecté" in text
        assert "le collecteur semble arrêté" in text

    def test_lease_holder_from_the_real_file_lease(self, tmp_path: Path) -> None:
        path = tmp_path / "matches.csv"
        settings = Settings(csv_path=path)
        app = build_app(fill(path), settings)
        client = app.test_client()
        assert "Aucun collecteur ne détient le verrou" in text_of(page(client.get("/sante")))
        with lease_for(settings) as lease:
            assert lease.ensure()
            text = text_of(page(client.get("/sante")))
        assert "Hôte" in text
        assert "Mécanisme fichier" in text
        # Issue 12, item 14: dates as elsewhere on the page, never raw ISO 8601.
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text), text
        assert re.search(r"Depuis \d\d/\d\d/\d{4} \d\d:\d\d:\d\d", text), text

    def test_lease_describer_is_pluggable(self, store: CsvStore, settings: Settings) -> None:
        seen: list[Settings] = []

        def describer(given: Settings) -> dict[str, Any]:
            seen.append(given)
            return {"host": "serveur-b", "pid": 99, "valid_until": None, "extra": "<b>x</b>"}

        app = build_app(store, settings, ORACXPRED_LEASE_DESCRIBER=describer)
        html = page(app.test_client().get("/sante"))
        assert seen == [settings]
        assert "Hôte serveur-b PID 99 Valide jusqu'à — extra <b>x</b>" in text_of(html)
        assert "&lt;b&gt;x&lt;/b&gt;" in html

    @pytest.mark.parametrize(
        ("describer", "expected"),
        [
            (None, "Information indisponible : non disponible dans cette installation"),
            (lambda s: 1 / 0, "Information indisponible : division by zero"),
        ],
    )
    def test_missing_or_failing_describer(
        self, store: CsvStore, settings: Settings, describer: Any, expected: str
    ) -> None:
        app = build_app(store, settings, ORACXPRED_LEASE_DESCRIBER=describer)
        assert expected in text_of(page(app.test_client().get("/sante")))
