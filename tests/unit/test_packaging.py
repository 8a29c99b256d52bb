"""requirements.txt mirrors pyproject.toml; the entry points exist."""

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile

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


def test_license_uses_the_spdx_form_and_its_file_exists():
    """The ``license = { text = ... }`` table is deprecated (setuptools stops building it
    after 2027-02-18): an SPDX expression and ``license-files`` instead."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert data["project"]["license"] == "MIT"
    assert all((REPO / name).is_file() for name in data["project"]["license-files"])
    # The build backend of [build-system] is the one the test extras install (no download).
    (backend,) = data["build-system"]["requires"]
    assert backend in data["project"]["optional-dependencies"]["test"]


def test_the_package_builds_with_warnings_as_errors(tmp_path):
    """``pip wheel`` from a copy of the sources (the checkout stays clean), offline, with
    every Python warning an error: a deprecated metadata form fails the build."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    env = {**os.environ, "PYTHONWARNINGS": "error", "PIP_NO_INDEX": "1"}
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    command += ["--no-index", "--wheel-dir", str(tmp_path / "dist"), str(source)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "Deprecat" not in output
    (wheel,) = (tmp_path / "dist").glob("oracxpred-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(name).decode()
    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
