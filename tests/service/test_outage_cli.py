"""One-shot runs through a database outage: spooled, WARNING, replayed once it is back."""

from __future__ import annotations

import sqlalchemy as sa

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
        assert first.returncode == 0, first.stdout + first.stderr
        assert "[WARNING] [COLLECTOR-SERVICE] Base de données injoignable : 16 match(s)" in (
            first.stdout
        )
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
