"""The simulator's control routes, fault modes and league ids are documented (issue 12, item 14):
in ``oracxpred feed-sim --help`` and in the README, from the simulator's own tables."""

from __future__ import annotations

from oracxpred.cli import main
from oracxpred.simulator.catalog import CATALOG
from oracxpred.simulator.faults import DEFAULT_PARAMS, MODES, TARGETS
from tests.helpers import REPO

ROUTES = ("/__truth__", "/__clock__", "/__faults__", "/__health__")


def test_feed_sim_help_documents_the_fault_api_and_the_leagues(capsys):
    assert main(["feed-sim", "--help"]) == 0
    out = capsys.readouterr().out
    for route in ROUTES:
        assert route in out
    for mode in MODES:
        assert f"\n    {mode} " in out, mode
    for name, value in DEFAULT_PARAMS.items():
        assert f"{name}={value:g}" in out
    for target in TARGETS:
        assert target in out
    for li, spec in CATALOG.items():
        assert f"{li}  {spec.name}" in out


def test_readme_documents_the_same():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Essayer hors ligne avec le simulateur", 1)[1].split("\n## ")[0]
    section = " ".join(section.split())  # README lines wrap anywhere
    for route in ROUTES:
        assert f"`GET {route}" in section
    for mode in MODES:
        assert f"`{mode}`" in section, mode
    for name in DEFAULT_PARAMS:
        assert f"`{name}`" in section
    for li, spec in CATALOG.items():
        assert f"`{li}` {spec.name}" in section


def test_readme_demo_polls_faster_than_a_finished_match_stays_in_the_feed():
    """speed × 60 × interval simulated seconds between polls: under the 15 s a finished match
    is sure to stay (simulator/league.py FINISHED_VISIBLE), or the demo misses the main path."""
    from oracxpred.simulator.league import FINISHED_VISIBLE

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Essayer hors ligne avec le simulateur", 1)[1].split("\n## ")[0]
    speed = float(section.split("feed-sim --port 8585 --speed ", 1)[1].split()[0])
    interval = float(section.split("--daemon --interval ", 1)[1].split()[0])
    assert speed * 60 * interval < FINISHED_VISIBLE[0]
    assert "oracxpred web --csv-path /tmp/essai/matches.csv" in section
