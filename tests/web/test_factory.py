"""``create_app``: configuration sources, production safety, the internal collector hook."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from oracxpred.config import Settings
from oracxpred.errors import ConfigError, StoreNotWritable
from oracxpred.store.csv.store import CsvStore
from oracxpred.web import SECURITY_HEADERS, create_app
from oracxpred.web.state import web_state
from tests.web.conftest import build_app, fill
from tests.web.support import page, text_of

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "oracxpred" / "web" / "templates"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No ORACXPRED_*/DATABASE_URL from the developer's shell; an empty current folder."""
    for name in list(os.environ):
        if name.startswith("ORACXPRED_") or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


class TestConfiguration:
    def test_store_and_settings_come_from_the_environment(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = clean_env / "ailleurs" / "matches.csv"
        fill(path)
        monkeypatch.setenv("ORACXPRED_CSV_PATH", str(path))
        monkeypatch.setenv("ORACXPRED_INTERVAL", "2")
        app = create_app({"TESTING": True})
        state = web_state(app)
        assert state.settings.csv_path == path
        assert state.health_max_age_s == 3 * 120 + 120
        body = app.test_client().get("/health").get_json()
        assert body["store"]["target"] == str(path)
        state.close()

    def test_dotenv_file_is_read(self, clean_env: Path) -> None:
        path = clean_env / "depuis-dotenv.csv"
        (clean_env / ".env").write_text(
            f"ORACXPRED_CSV_PATH={path}\nORACXPRED_HEALTH_MAX_AGE=77\n", encoding="utf-8"
        )
        state = web_state(create_app())
        assert (state.settings.csv_path, state.health_max_age_s) == (path, 77)

    @pytest.mark.parametrize(
        ("name", "value", "words"),
        [
            ("ORACXPRED_INTERNAL_COLLECTOR", "peut-être", "1 (activé) ou 0 (désactivé)"),
            ("ORACXPRED_HEALTH_MAX_AGE", "-3", "nombre de secondes positif"),
            ("ORACXPRED_HEALTH_MAX_AGE", "inf", "nombre de secondes positif"),
            ("DATABASE_URL", "ftp://u:secret@h/x", "DATABASE_URL invalide"),
        ],
    )
    def test_bad_environment_value_is_a_french_config_error(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, words: str
    ) -> None:
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigError, match=re.escape(words)) as caught:
            create_app()
        assert "secret" not in str(caught.value)

    def test_never_in_debug_mode(self, store: CsvStore, settings: Settings) -> None:
        app = build_app(store, settings, DEBUG=True, TESTING=False)
        assert app.debug is False
        response = app.test_client().get("/?limit=x")
        assert "Traceback" not in response.get_data(as_text=True)

    def test_unexpected_error_is_a_french_500_without_details(
        self, store: CsvStore, settings: Settings, tmp_path: Path
    ) -> None:
        class BrokenStore(CsvStore):
            def league_stats(self, query: Any = None) -> Any:
                raise RuntimeError("secret interne")

        app = build_app(BrokenStore(tmp_path / "m.csv"), settings, TESTING=False)
        response = app.test_client().get("/statistiques")
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Une erreur inattendue s'est produite" in text_of(body)
        assert "secret interne" not in body
        api = app.test_client().get("/api/stats")
        assert (api.status_code, api.is_json) == (500, True)

    def test_given_store_is_never_closed(self, tmp_path: Path) -> None:
        closed: list[bool] = []

        class Tracked(CsvStore):
            def close(self) -> None:
                closed.append(True)

        path = tmp_path / "m.csv"
        app = build_app(Tracked(path), Settings(csv_path=path))
        web_state(app).close()
        assert closed == []


class TestSafety:
    @pytest.mark.parametrize(
        "path", ["/", "/statistiques", "/sante", "/health", "/api/matches", "/export.csv", "/x"]
    )
    def test_security_headers_everywhere(self, client: Any, path: str) -> None:
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        response.close()

    def test_templates_never_mark_values_safe(self) -> None:
        """Autoescape stays on for every feed value: no ``|safe``, no autoescape false."""
        sources = {p.name: p.read_text(encoding="utf-8") for p in TEMPLATES.glob("*.html")}
        assert len(sources) >= 5
        for name, source in sources.items():
            assert not re.search(r"\|\s*safe\b", source), name
            assert "autoescape" not in source, name
            # The CSP forbids inline scripts anyway; a script is a packaged static file.
            packaged = (
                r"<script src=\"\{\{ url_for\('static', filename='[a-z_]+\.js'\) \}\}\" "
                r"defer></script>"
            )
            assert "<script" not in re.sub(packaged, "", source), name

    def test_autoescape_is_on_for_every_template(self, app: Any) -> None:
        names = [p.name for p in TEMPLATES.glob("*.html")]
        assert all(app.select_jinja_autoescape(name) for name in names)


class TestInternalCollector:
    class Handle:
        def __init__(self) -> None:
            self.stopped = 0

        def status(self) -> dict[str, Any]:
            return {"collecting": True, "consecutive_failures": 0, "last_error": "", "cycles": 3}

        def stop(self) -> None:
            self.stopped += 1

    def test_off_by_default(self, clean_env: Path) -> None:
        calls: list[Settings] = []
        app = create_app({"ORACXPRED_COLLECTOR_STARTER": calls.append})
        assert (calls, web_state(app).collector) == ([], None)

    def test_variable_starts_it_lazily_with_the_settings(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = clean_env / "matches.csv"
        fill(path)
        monkeypatch.setenv("ORACXPRED_INTERNAL_COLLECTOR", "1")
        monkeypatch.setenv("ORACXPRED_CSV_PATH", str(path))
        calls: list[Settings] = []
        handle = self.Handle()

        def starter(settings: Settings) -> Any:
            calls.append(settings)
            return handle

        app = create_app({"ORACXPRED_COLLECTOR_STARTER": starter})
        state = web_state(app)
        assert [s.csv_path for s in calls] == [path]
        text = text_of(page(app.test_client().get("/sante")))
        assert "Activé dans ce processus" in text
        assert "Détient le verrou (collecte ici) oui Échecs consécutifs 0" in text
        assert "Dernière erreur — cycles 3" in text
        state.close()
        state.close()
        assert handle.stopped == 1

    def test_failing_status_is_shown_not_fatal(self, clean_env: Path) -> None:
        class Broken(TestInternalCollector.Handle):
            def status(self) -> dict[str, Any]:
                raise RuntimeError("postgresql://u:secret@h/db ne répond plus")

        handle = Broken()
        app = create_app(
            {"ORACXPRED_INTERNAL_COLLECTOR": True, "ORACXPRED_COLLECTOR_STARTER": lambda s: handle}
        )
        text = text_of(page(app.test_client().get("/sante")))
        assert "État indisponible : postgresql://u:***@h/db ne répond plus" in text
        web_state(app).close()
        assert handle.stopped == 1

    def test_missing_daemon_is_a_clear_error_not_a_crash(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "oracxpred.collector.daemon", None)  # import now fails
        monkeypatch.setenv("ORACXPRED_INTERNAL_COLLECTOR", "oui")
        app = create_app()
        error = web_state(app).collector_error or ""
        assert "collecteur interne demandé (ORACXPRED_INTERNAL_COLLECTOR=1)" in error
        assert "start_background_collector introuvable" in error
        assert error in text_of(page(app.test_client().get("/sante")))

    def test_starter_failure_is_reported(self, clean_env: Path) -> None:
        def starter(settings: Settings) -> Any:
            raise StoreNotWritable("Impossible d'écrire dans /x : permission refusée")

        app = create_app(
            {"ORACXPRED_INTERNAL_COLLECTOR": True, "ORACXPRED_COLLECTOR_STARTER": starter}
        )
        assert web_state(app).collector_error == (
            "collecteur interne non démarré : Impossible d'écrire dans /x : permission refusée"
        )
        assert app.test_client().get("/health").status_code == 503
