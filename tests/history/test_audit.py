"""``oracxpred audit`` finds deleted rows, altered scores and swapped sides; ``--repair`` adds
only the missing ones. Also the checkpoint methods of every store."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from oracxpred.cli import main
from oracxpred.collector.schedule import GuardedStore
from oracxpred.core.records import FinishSource
from oracxpred.errors import StoreCorrupted, StoreNotWritable
from oracxpred.feed.client import FeedClient, RetryPolicy
from oracxpred.history.backfill import Pacer, run_backfill
from oracxpred.store.base import Store
from oracxpred.store.sql.engine import make_engine, normalize_url
from tests.helpers import free_port
from tests.history.conftest import cli_args, open_target


def _iso(t: int) -> str:
    return datetime.fromtimestamp(t, tz=UTC).strftime("%Y-%m-%dT%H:%M")


def _tamper_csv(path: Any, deleted: int, altered: int, swapped: int) -> None:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = list(reader.fieldnames or ()), list(reader)
    out = []
    for r in rows:
        event_id = int(r["event_id"])
        if event_id == deleted:
            continue
        if event_id == altered:
            r["score1"] = str(int(r["score1"]) + 1)
            r["outcome"] = ""
        if event_id == swapped:
            for a, b in (("team1", "team2"), ("score1", "score2"), ("team1_id", "team2_id")):
                r[a], r[b] = r[b], r[a]
            r["halftime_score1"] = r["halftime_score2"] = ""
            r["outcome"] = ""
        out.append(r)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(out)


def _tamper_sql(url: str, deleted: int, altered: int, swapped: int) -> None:
    engine = make_engine(normalize_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM matches WHERE event_id = :e"), {"e": deleted})
            conn.execute(
                sa.text("UPDATE matches SET score1 = score1 + 1 WHERE event_id = :e"),
                {"e": altered},
            )
            conn.execute(
                sa.text(
                    "UPDATE matches SET team1 = team2, team2 = team1, score1 = score2, "
                    "score2 = score1, team1_id = team2_id, team2_id = team1_id, "
                    "halftime_score1 = NULL, halftime_score2 = NULL WHERE event_id = :e"
                ),
                {"e": swapped},
            )
    finally:
        engine.dispose()


def test_audit_finds_deleted_altered_and_swapped_rows_and_repairs_only_the_missing(
    sim, target, capsys
):
    client = FeedClient(sim.feed_url, policy=RetryPolicy(retries=2, backoff_s=0.01))
    with open_target(target) as store, client:
        report = run_backfill(store, client, days=2, pacer=Pacer(0))
        rows = sorted(store.iter_matches(), key=lambda m: m.event_id)
    # A swap that changes something: not a draw.
    deleted, altered = rows[3].event_id, rows[10].event_id
    swapped = next(m.event_id for m in rows[20:] if m.score1 != m.score2)
    if target["database_url"]:
        _tamper_sql(target["database_url"], deleted, altered, swapped)
    else:
        _tamper_csv(target["csv_path"], deleted, altered, swapped)
    span = ["--from", _iso(report.lower), "--to", _iso(report.upper)]
    args = [*span, *cli_args(target, sim)]

    assert main(["audit", "--json", *args]) == 3
    found = json.loads(capsys.readouterr().out)
    assert (found["missing"], found["mismatched"], found["swapped"]) == (1, 1, 1)
    days = found["days"]
    assert [i for d in days for i in d["missing"]] == [deleted]
    assert [m["event_id"] for d in days for m in d["mismatched"]] == [altered]
    assert [i for d in days for i in d["swapped"]] == [swapped]
    assert not [i for d in days for i in d["unknown"]]
    assert found["expected"] == len(rows)

    assert main(["audit", "--repair", *args]) == 3  # the mismatches stay for a human
    text = capsys.readouterr().out
    assert "Scores différents" in text
    assert "1 match(s) manquant(s) ajouté(s)" in text
    assert f"match {altered} stocké" in text
    assert f"match {swapped} stocké" in text
    with open_target(target) as store:
        stored = {m.event_id: m for m in store.iter_matches()}
        assert stored[deleted].finish_source is FinishSource.BACKFILL
        assert stored[altered].score1 == rows[10].score1 + 1  # not overwritten
        assert len(stored) == len(rows)

    assert main(["audit", "--json", *args]) == 3
    again = json.loads(capsys.readouterr().out)
    assert (again["missing"], again["mismatched"], again["swapped"]) == (0, 1, 1)


def test_a_complete_store_audits_clean_and_a_dead_service_is_a_failure(sim, tmp_path, capsys):
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    client = FeedClient(sim.feed_url, policy=RetryPolicy(retries=1, backoff_s=0.01))
    with open_target(target) as store, client:
        report = run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2986291])
    args = ["--from", _iso(report.lower), "--to", _iso(report.upper), "--league", "2986291"]
    args += cli_args(target, sim)
    assert main(["audit", *args]) == 0
    assert "Audit : complet" in capsys.readouterr().out
    sim.set_faults("503", rate=1.0, target="results")
    assert main(["audit", *args]) == 1
    assert "Audit incomplet" in capsys.readouterr().err


def test_repeated_feed_urls_are_mirrors_and_beat_the_environment(
    sim, tmp_path, capsys, monkeypatch
):
    """``audit --feed-url DEAD --feed-url SIM``: the dead host's results service fails over to
    the simulator's; flags given win over ``ORACXPRED_FEED_URLS`` (it named a dead host)."""
    target = {"csv_path": tmp_path / "m.csv", "database_url": None}
    client = FeedClient(sim.feed_url, policy=RetryPolicy(retries=1, backoff_s=0.01))
    with open_target(target) as store, client:
        report = run_backfill(store, client, days=1, pacer=Pacer(0), leagues=[2986291])
    dead = f"http://127.0.0.1:{free_port()}/service-api/LiveFeed/Get1x2_VZip?sports=85"
    monkeypatch.setenv("ORACXPRED_FEED_URLS", f"{dead},{dead.replace('127.0.0.1', 'localhost')}")
    monkeypatch.setenv("ORACXPRED_RETRIES", "0")
    span = ["--from", _iso(report.lower), "--to", _iso(report.upper), "--league", "2986291"]
    args = [*span, "--csv-path", str(target["csv_path"])]
    assert main(["audit", *args, "--feed-url", dead, "--feed-url", sim.feed_url]) == 0
    assert "Audit : complet" in capsys.readouterr().out
    assert main(["audit", *args]) == 1  # the environment's hosts alone: both dead
    assert "Audit incomplet" in capsys.readouterr().err


def test_checkpoints_on_every_backend(any_target):
    with open_target(any_target) as store:
        assert store.load_checkpoint("backfill") is None
        store.save_checkpoint("backfill", {"upper": 1, "x": ["é"]})
        store.save_checkpoint("backfill", {"upper": 2})
        store.save_checkpoint("other", {"a": 1})
        assert store.load_checkpoint("backfill") == {"upper": 2}
        guarded = GuardedStore(store)
        guarded.save_checkpoint("other", {"a": 2})
        assert guarded.load_checkpoint("other") == {"a": 2}
    if any_target["database_url"]:
        engine = make_engine(normalize_url(any_target["database_url"]))
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE checkpoints SET data = 'nope' WHERE name = 'other'"))
        engine.dispose()
    else:
        (any_target["csv_path"].parent / "matches.other.json").write_text("[1]")
    with open_target(any_target) as store, pytest.raises(StoreCorrupted):
        store.load_checkpoint("other")


def test_a_store_without_checkpoints_refuses_to_save_one():
    class Bare(Store):
        backend = "bare"
        save_matches = stored_ids = iter_matches = count_matches = None  # type: ignore[assignment]
        load_tracking = save_tracking = record_heartbeat = None  # type: ignore[assignment]
        recent_heartbeats = describe = None  # type: ignore[assignment]

    bare = Bare()
    assert bare.load_checkpoint("x") is None
    with pytest.raises(StoreNotWritable, match="point de reprise"):
        bare.save_checkpoint("x", {})


def test_the_outage_wrapper_keeps_checkpoints_in_the_database(sqlite_url, tmp_path):
    from oracxpred.config import Settings
    from oracxpred.store.factory import open_store

    settings = Settings(csv_path=tmp_path / "m.csv", database_url=sqlite_url)
    with open_store(settings) as store:
        store.save_checkpoint("backfill", {"upper": 3})
    with open_target({"database_url": sqlite_url}) as store:
        assert store.load_checkpoint("backfill") == {"upper": 3}
    with open_store(settings) as store:
        assert store.load_checkpoint("backfill") == {"upper": 3}
