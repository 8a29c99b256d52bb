"""The ``oracxpred`` console script groups every tool, in French."""

import subprocess
import sys

import pytest

from oracxpred.cli import main


def oracxpred(*args):
    return subprocess.run(
        [sys.executable, "-m", "oracxpred", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_group_help_lists_every_command():
    result = oracxpred("--help")
    assert result.returncode == 0
    assert "Commandes" in result.stdout
    for name in ("collect", "feed-sim", "web", "db", "import-csv", "export-csv"):
        assert name in result.stdout


@pytest.mark.parametrize(
    "command", ["collect", "feed-sim", "web", "db", "import-csv", "export-csv"]
)
def test_every_command_has_french_help(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Utilisation :" in out
    assert "Afficher cette aide et quitter." in out
    for english in ("[default:", "required]", "INTEGER", "FLOAT", " TEXT ", "Usage:", "Options:"):
        assert english not in out, (command, english)


def test_sub_commands_help_has_no_click_english(capsys):
    for args in (["db", "upgrade", "--help"], ["db", "status", "--help"], ["--help"]):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "[default:" not in out, args
        assert "INTEGER" not in out, args


def test_unknown_command_is_a_french_usage_error():
    result = oracxpred("moissonner")
    assert result.returncode == 2
    assert "commande inconnue" in result.stderr


def test_collect_subcommand_validates_like_the_root_script():
    result = oracxpred("collect", "--interval", "0")
    assert result.returncode == 2
    assert "Intervalle invalide" in result.stderr


def test_group_headings_and_usage_are_french(capsys):
    """click writes ``Options:`` and ``COMMAND [ARGS]...``; French has ``Options :``."""
    for args in ([], ["db"]):
        assert main([*args, "--help"]) == 0
        out = capsys.readouterr().out
        assert "\nOptions :\n" in out
        assert "\nCommandes :\n" in out
        assert "COMMANDE [ARGUMENTS]..." in out
        for english in ("Options:", "Commandes:", "COMMAND ", "[ARGS]"):
            assert english not in out, (args, english)
