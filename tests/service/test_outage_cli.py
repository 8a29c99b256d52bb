"""One-shot runs through a database outage: spooled, WARNING, replayed once it is back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from oracxpred.config import Settings
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.spool.reached import ReachedMarker
from oracxpred.web import create_app
from tests.helpers import StaticFeed, free_port, run_collector
from tests.store.conftest import pg_admin, postgresql_url  # noqa: F401 - fixtures


def test_outage_at_start_spools_then_replays_exactly_once(
    fixtures_dir,
    tmp_path,
    postgresql_url,  # noqa: F811 - the imported fixture
):
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    down = f"postgresql://postgres:motdepasse-secret@127.0.0.1:{free_port()}/oracx"
    with StaticFeed(body) as feed:
        first = run_collector(
            "--feed-url", feed.feed_url, "--csv-path", str(csv_path), env={"DATABASE_URL": down}
        )
        # never reached with this URL: a configuration error (exit 1), the matches spooled
        assert first.returncode == 1, first.stdout + first.stderr
        assert "[WARNING] [COLLECTOR-SERVICE] Base de données injoignable : 16 match(s)" in (
            first.stdout
        )
        assert "[ERROR] [COLLECTOR-SERVICE] Base de données jamais atteinte" in first.stdout
        assert "motdepasse-secret" not in first.stdout + first.stderr
        assert (tmp_path / "matches.spool.csv").is_file()
        assert not csv_path.exists()

        second = run_collector(
            "--feed-url",
            feed.feed_url,
            "--csv-path",
            str(csv_path),
            env={"DATABASE_URL": postgresql_url},
        )
        assert second.returncode == 0, second.stdout + second.stderr
        assert "16 match(s) rejoué(s)" in second.stdout
        assert "Base de données injoignable" not in second.stdout

        third = run_collector(
            "--feed-url",
            feed.feed_url,
            "--csv-path",
            str(csv_path),
            env={"DATABASE_URL": postgresql_url},
        )
        assert third.returncode == 0
        assert "rejoué" not in third.stdout
    engine = sa.create_engine(postgresql_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            ids = conn.execute(sa.text("SELECT event_id FROM matches")).scalars().all()
    finally:
        engine.dispose()
    assert len(ids) == 16
    assert len(set(ids)) == 16


def _down_run(feed, csv_path, down):
    return run_collector(
        "--feed-url", feed.feed_url, "--csv-path", str(csv_path), env={"DATABASE_URL": down}
    )


def test_a_database_never_reached_is_a_configuration_error(fixtures_dir, tmp_path):
    """A typo in the port is not an outage: French message naming host and port, exit 1,
    every match of the run kept in the spool; every run says it again."""
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    port = free_port()
    down = f"postgresql://postgres:motdepasse-secret@127.0.0.1:{port}/oracx"
    with StaticFeed(body) as feed:
        for _ in range(2):
            run = _down_run(feed, csv_path, down)
            assert run.returncode == 1, run.stdout + run.stderr
            assert f"(hôte 127.0.0.1, port {port})" in run.stdout
            assert "erreur de configuration probable" in run.stdout
            assert "motdepasse-secret" not in run.stdout + run.stderr
    assert CsvStore(tmp_path / "matches.spool.csv").count_matches() == 16


def test_once_reached_a_failure_is_an_outage_and_a_long_one_is_an_error(fixtures_dir, tmp_path):
    body = (fixtures_dir / "fifa_finished_16.json").read_bytes()
    csv_path = tmp_path / "matches.csv"
    down = f"postgresql://postgres:x@127.0.0.1:{free_port()}/oracx"
    marker = ReachedMarker(tmp_path / "matches.spool.csv", down)
    marker.mark_reached()  # as open_store does once the database answered
    with StaticFeed(body) as feed:
        run = _down_run(feed, csv_path, down)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "jamais atteinte" not in run.stdout
        assert "[ERROR]" not in run.stdout
        since = marker.recorded_outage()
        assert since is not None
        # the outage began 31 minutes ago: ERROR on every cycle from now on
        marker._write(
            {
                "reached_at": since.isoformat(),
                "outage_since": (since - timedelta(minutes=31)).isoformat(),
            }
        )
        run = _down_run(feed, csv_path, down)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "[ERROR] [COLLECTOR-SERVICE] Base de données injoignable depuis" in run.stdout
        assert "panne de plus de 30 min" in run.stdout


def test_health_shows_an_outage_over_30_minutes(tmp_path):
    """The web app reads the same marker: ``/health`` names the outage and its start."""
    down = f"postgresql://postgres:x@127.0.0.1:{free_port()}/oracx"
    settings = Settings(csv_path=tmp_path / "matches.csv", database_url=down)
    marker = ReachedMarker(settings.spool_path, down)
    marker.mark_reached()
    started = datetime.now(UTC) - timedelta(minutes=45)
    marker.outage_since(started)
    app = create_app({"TESTING": True, "ORACXPRED_SETTINGS": settings})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    reason = response.get_json()["reason"]
    assert reason.startswith("Base de données injoignable depuis 45 min")
    assert f"{started:%Y-%m-%d %H:%M:%S} UTC" in reason
