"""CSV import/export on every backend: original-format files, bad rows with their line,
idempotent re-import, round trips, and the ``import-csv`` / ``export-csv`` commands."""

from __future__ import annotations

import csv
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from oracxpred.core.records import MATCH_COLUMNS, ORIGINAL_COLUMNS, Outcome
from oracxpred.errors import StoreCorrupted
from oracxpred.store.base import Store
from oracxpred.store.csv.store import CsvStore
from oracxpred.store.transfer.files import export_csv, import_csv
from tests.helpers import REPO
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
    assert out.read_bytes() == _without_cursor(csv_store.path)


def _without_cursor(path: Path) -> bytes:
    """The store's file less the cursor's two columns: what export-csv writes."""
    stored = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    trimmed = io.StringIO(newline="")
    csv.writer(trimmed).writerows(row[: len(MATCH_COLUMNS)] for row in stored)
    return trimmed.getvalue().encode()


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


# -- export-csv: standard output, file mode, missing folder, Excel form (issue 12, 10-11) ------


def _umask(mask: int) -> int:
    return os.umask(mask)


def test_export_file_gets_the_csv_store_mode_and_honours_the_umask(tmp_path: Path) -> None:
    previous = _umask(0o027)
    try:
        store = CsvStore(tmp_path / "matches.csv")
        store.save_matches([match(1)])
        out = tmp_path / "export.csv"
        export_csv(store, out)
        store.close()
    finally:
        _umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert stat.S_IMODE(out.stat().st_mode) == stat.S_IMODE(store.path.stat().st_mode)


def test_export_to_a_missing_folder_needs_parents(tmp_path: Path) -> None:
    from oracxpred.cli.db import export_csv as export_command

    csv_path = tmp_path / "matches.csv"
    CsvStore(csv_path).save_matches([match(1)])
    options = ["--csv-path", str(csv_path), "--no-progress"]
    out = tmp_path / "absent" / "x.csv"
    runner = CliRunner()
    refused = runner.invoke(export_command, [str(out), *options], standalone_mode=False)
    assert refused.return_value == 1
    assert f"le dossier {out.parent} n'existe pas (--parents pour le créer)" in refused.stderr
    assert not out.parent.exists()
    done = runner.invoke(export_command, [str(out), "--parents", *options], standalone_mode=False)
    assert done.return_value == 0
    assert out.read_bytes() == _without_cursor(csv_path)


def test_export_dash_writes_to_standard_output(tmp_path: Path) -> None:
    csv_path = tmp_path / "matches.csv"
    CsvStore(csv_path).save_matches([match(1), match(2, team1="Saint-\r\nÉtienne")])
    work = tmp_path / "ailleurs"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORACXPRED_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(REPO / "src")
    done = subprocess.run(
        [sys.executable, "-m", "oracxpred", "export-csv", "-", "--csv-path", str(csv_path)],
        capture_output=True,
        env=env,
        cwd=work,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == _without_cursor(csv_path)
    assert "2 match(s) exporté(s) sur la sortie standard." in done.stderr.decode()
    assert list(work.iterdir()) == []  # no file named "-"


def test_export_excel_has_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    from oracxpred.cli.db import export_csv as export_command

    csv_path = tmp_path / "matches.csv"
    CsvStore(csv_path).save_matches([match(1), match(2, team1="Lyon; B", odds=None)])
    out = tmp_path / "excel.csv"
    done = CliRunner().invoke(
        export_command,
        [str(out), "--excel", "--csv-path", str(csv_path), "--no-progress"],
        standalone_mode=False,
    )
    assert done.return_value == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftimestamp_utc;event_id;league;")
    excel_rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    plain_rows = [
        row[: len(MATCH_COLUMNS)]
        for row in csv.reader(io.StringIO(csv_path.read_text("utf-8"), newline=""))
    ]
    assert len(excel_rows) == len(plain_rows) == 3
    header = plain_rows[0]
    for excel_row, plain_row in zip(excel_rows, plain_rows, strict=True):
        for name, got, want in zip(header, excel_row, plain_row, strict=True):
            decimal = "odds" in name and not name.endswith("_at_utc")
            assert got == (want.replace(".", ",") if decimal else want), name
    first = dict(zip(header, excel_rows[1], strict=True))
    assert first["odds_1"] == "1,85"
    assert first["timestamp_utc"] == dict(zip(header, plain_rows[1], strict=True))["timestamp_utc"]
    assert excel_rows[2][header.index("team1")] == "Lyon; B"
