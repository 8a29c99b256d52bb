"""requirements.txt mirrors pyproject.toml; the entry points exist."""

import tomllib

from tests.helpers import REPO


def test_requirements_txt_is_in_sync_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pinned = sorted(project["dependencies"], key=str.lower)
    lines = (REPO / "requirements.txt").read_text().splitlines()
    listed = sorted(
        (ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")), key=str.lower
    )
    assert listed == pinned


def test_every_dependency_is_pinned():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["test"]
    assert all("==" in dep for dep in deps), deps


def test_console_script_and_root_entry_point():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["oracxpred"] == "oracxpred.cli:main"
    assert (REPO / "collector_service.py").is_file()
    assert (REPO / "src" / "oracxpred" / "py.typed").is_file()
