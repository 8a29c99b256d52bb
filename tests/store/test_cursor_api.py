"""The cursor through ``/api/matches?after_seq=`` and ``export-csv --after-seq``."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from oracxpred.config import Settings
from oracxpred.core.records import MATCH_COLUMNS, FinishSource
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.cursor import CURSOR_COLUMNS
from tests.store.conftest import BASE_TIME, match
from tests.web.conftest import build_app


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "matches.csv"
    with CsvStore(path) as store:
        store.save_matches([match(i) for i in range(1, 6)])
        late = BASE_TIME - timedelta(hours=3)
        store.save_matches(
            [replace(match(77), finish_source=FinishSource.RESULTS, start_time=late)]
        )
    return path


def test_api_after_seq_pages_in_ingestion_order(csv_file: Path) -> None:
    store = CsvStore(csv_file)
    client = build_app(store, Settings(csv_path=csv_file)).test_client()
    seen: list[int] = []
    after = 0
    while True:
        body = client.get(f"/api/matches?after_seq={after}&limit=4").get_json()
        assert (body["after_seq"], body["limit"]) == (after, 4)
        if not body["items"]:
            assert body["next_seq"] == after
            break
        assert body["next_seq"] == body["items"][-1]["seq"]
        seen.extend(i["event_id"] for i in body["items"])
        after = body["next_seq"]
    assert seen == [1, 2, 3, 4, 5, 77]
    item = client.get("/api/matches?after_seq=5&limit=1").get_json()["items"][0]
    assert (item["event_id"], item["seq"], item["finish_source"]) == (77, 6, "results")
    assert item["ingested_at_utc"].endswith("Z")
    # without after_seq: the usual page, newest first, untouched
    usual = client.get("/api/matches?limit=2").get_json()
    assert set(usual) == {"total", "page", "limit", "pages", "filters", "items"}
    assert "seq" not in usual["items"][0]


@pytest.mark.parametrize(
    "query", ["after_seq=-1", "after_seq=abc", "after_seq=1&limit=0", "after_seq=1&limit=501"]
)
def test_api_bad_cursor_values_are_refused_in_french(csv_file: Path, query: str) -> None:
    client = build_app(CsvStore(csv_file), Settings(csv_path=csv_file)).test_client()
    answer = client.get(f"/api/matches?{query}")
    assert answer.status_code == 400
    assert "invalide" in answer.get_data(as_text=True)


def test_export_csv_after_seq_adds_the_cursor_columns(csv_file: Path, tmp_path: Path) -> None:
    from oracxpred.cli.db import export_csv as export_command

    out = tmp_path / "after.csv"
    args = [str(out), "--csv-path", str(csv_file), "--no-progress", "--after-seq", "3"]
    done = CliRunner().invoke(export_command, args, standalone_mode=False)
    assert done.return_value == 0, done.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode(), newline="")))
    assert tuple(rows[0]) == MATCH_COLUMNS + CURSOR_COLUMNS
    assert [(r[1], r[-2]) for r in rows[1:]] == [("4", "4"), ("5", "5"), ("77", "6")]
    plain = tmp_path / "plain.csv"
    done = CliRunner().invoke(
        export_command, [str(plain), "--csv-path", str(csv_file), "--no-progress"]
    )
    assert done.exit_code == 0
    assert plain.read_text("utf-8").splitlines()[0] == ",".join(MATCH_COLUMNS)
    bad = CliRunner().invoke(
        export_command, [str(tmp_path / "x.csv"), "--csv-path", str(csv_file), "--after-seq", "-2"]
    )
    assert bad.exit_code == 2
    assert "--after-seq" in bad.output
