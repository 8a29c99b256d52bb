"""CSV import/export on every backend: original-format files, bad rows with their line,
idempotent re-import, round trips, and the ``import-csv`` / ``export-csv`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from oracxpred.core.records import ORIGINAL_COLUMNS, Outcome
from oracxpred.errors import StoreCorrupted
from oracxpred.store.base import Store
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.transfer.files import export_csv, import_csv
from tests.store.conftest import match

ORIGINAL_FILE = (
    ",".join(ORIGINAL_COLUMNS) + "\r\n"
    "2025-12-06 10:30:45,501,FIFA,Lyon,Nice,1.9,3.4,4.1,2,1,Fin,1\r\n"  # line 2
    '2025-12-06 10:31:00,502,FIFA,"Saint-\r\nÉtienne",Metz,,,,1,1,Fin,X\r\n'  # lines 3-4
    "2025-12-06 10:32:00,503,FIFA,Brest,Lens,0,0,0,zéro,3,Fin,2\r\n"  # line 5: bad score
    "2025-12-06 10:33:00,504,FIFA,Brest,Lens\r\n"  # line 6: 5 cells
    "\r\n"  # line 7: blank, skipped
    "2025-12-06 10:34:00,501,FIFA,Lyon,Nice,1.9,3.4,4.1,2,1,Fin,1\r\n"  # line 8: repeat
    "2025-12-06 10:35:00,505,FIFA,=cmd(),Nice,2.0,3.0,3.5,0,2,Fin,\r\n"  # line 9
)


def write_original(tmp_path: Path) -> Path:
    path = tmp_path / "origine.csv"
    path.write_bytes(ORIGINAL_FILE.encode("utf-8"))
    return path


def test_original_file_is_imported_with_bad_rows_reported(store: Store, tmp_path: Path) -> None:
    report = import_csv(write_original(tmp_path), store, progress=False)
    assert (report.read, report.saved, report.duplicates, report.rejected) == (6, 3, 1, 2)
    assert [line for line, _ in report.rejections] == [5, 6]
    assert "score1" in report.rejections[0][1]
    assert "5 cellule(s) au lieu de 12" in report.rejections[1][1]
    stored = list(store.iter_matches())
    assert [m.event_id for m in stored] == [501, 502, 505]
    assert stored[1].team1 == "Saint-\r\nÉtienne"
    assert stored[1].outcome is Outcome.DRAW
    assert stored[2].team1 == "=cmd()"
    assert stored[2].outcome is Outcome.AWAY
    again = import_csv(write_original(tmp_path), store, progress=False)
    assert (again.saved, again.duplicates, again.rejected) == (0, 4, 2)


def test_export_then_import_round_trips(store: Store, tmp_path: Path) -> None:
    matches = [match(1), match(2, team1="+33 FC", odds=None), match(3, halftime=None)]
    store.save_matches(matches)
    out = tmp_path / "export" / "matches.csv"
    assert export_csv(store, out) == 3
    copy = CsvStore(tmp_path / "copie.csv")
    report = import_csv(out, copy, progress=False)
    assert report.saved == 3
    assert list(copy.iter_matches()) == matches
    assert not list(out.parent.glob(".*.tmp"))


def test_export_matches_the_csv_store_byte_for_byte(csv_store: CsvStore, tmp_path: Path) -> None:
    csv_store.save_matches([match(1), match(2, team2="@risque", status="-")])
    out = tmp_path / "export.csv"
    export_csv(csv_store, out)
    assert out.read_bytes() == csv_store.path.read_bytes()


def test_invalid_utf8_row_is_rejected_alone(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    good = b"2025-12-06 10:30:45,601,FIFA,Lyon,Nice,1.9,3.4,4.1,2,1,Fin,1\r\n"
    bad = "2025-12-06 10:31:45,602,FIFA,Béziers,Nice,1.9,3.4,4.1,2,1,Fin,1\r\n".encode("latin-1")
    path.write_bytes((",".join(ORIGINAL_COLUMNS) + "\r\n").encode() + bad + good)
    report = import_csv(path, sqlite_store, progress=False)
    assert report.rejections == [(2, "encodage invalide (UTF-8 attendu)")]
    assert sqlite_store.stored_ids([601, 602]) == {601}


def test_a_file_that_is_not_a_matches_file_is_refused(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "autre.csv"
    path.write_text("nom,prix\npomme,2\n", encoding="utf-8")
    with pytest.raises(StoreCorrupted, match="timestamp_utc"):
        import_csv(path, sqlite_store, progress=False)


def test_progress_goes_to_stderr(
    sqlite_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_csv(write_original(tmp_path), sqlite_store, progress=True)
    captured = capsys.readouterr()
    assert "Import" in captured.err
    assert captured.out == ""


def test_import_and_export_commands(tmp_path: Path) -> None:
    from oracxpred.cli.db import export_csv as export_command
    from oracxpred.cli.db import import_csv as import_command

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'base.db'}"
    options = ["--database-url", url, "--no-progress"]
    done = runner.invoke(
        import_command, [str(write_original(tmp_path)), *options], standalone_mode=False
    )
    assert done.return_value == 0
    assert "6 ligne(s) lue(s), 3 enregistrée(s), 1 déjà présente(s), 2 rejetée(s)" in done.stdout
    assert "Ligne 5 ignorée : score1 invalide" in done.stderr

    out = tmp_path / "sortie.csv"
    out.write_text("déjà là", encoding="utf-8")
    refused = runner.invoke(export_command, [str(out), *options], standalone_mode=False)
    assert refused.return_value == 1
    assert "--force" in refused.stderr
    forced = runner.invoke(export_command, [str(out), "--force", *options], standalone_mode=False)
    assert forced.return_value == 0
    assert "3 match(s) exporté(s)" in forced.stdout
    assert out.read_text(encoding="utf-8").count("\n") == 5  # header, 3 rows, one on 2 lines

    own = tmp_path / "data.csv"
    mine = runner.invoke(
        export_command, [str(own), "--csv-path", str(own), "--no-progress"], standalone_mode=False
    )
    assert mine.return_value == 2
