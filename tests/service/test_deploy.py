"""The systemd install steps of docs/operations.md §9, run in a scratch root (issue 12, item 5).

The documented block is executed line by line, as root, with its absolute paths moved under a
scratch folder (``/opt/oracxpred`` → ``ROOT/opt/oracxpred``…), ``useradd --prefix ROOT`` (the
machine's own /etc/passwd is never touched) and the numeric ids in place of the user's name.
Only what cannot run here is left out: apt-get, pip (no network at test time) and systemctl.
Then the service user's rights are checked by running commands as that uid, the collector
included, and the unit file is checked with ``systemd-analyze verify``.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from oracxpred.simulator.server import start_simulator
from tests.helpers import REPO
from tests.service.support import SUCCESS, advance_until_new_finish, clean_env

UNIT = REPO / "deploy" / "oracxpred-collector.service"
SKIPPED = ("sudo apt-get ", "journalctl ", "sudo systemctl ")

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="systemd : Linux"),
    pytest.mark.skipif(os.name == "posix" and os.geteuid() != 0, reason="étapes faites en root"),
    pytest.mark.skipif(shutil.which("useradd") is None, reason="useradd absent"),
    pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv absent"),
]


def documented_steps() -> list[str]:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("## 9. systemd (Linux)", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def in_root(line: str, root: Path, ids: tuple[int, int] | None) -> str:
    """One documented command, moved into the scratch root."""
    for path in ("/opt/oracxpred", "/etc/oracxpred", "/etc/systemd/system"):
        line = re.sub(rf"(?<![\w/]){re.escape(path)}", f"{root}{path}", line)
    line = line.replace("sudo ", "")
    if ids is not None:
        line = line.replace("-o oracxpred", f"-o {ids[0]}").replace("-g oracxpred", f"-g {ids[1]}")
    return line


def as_uid(
    uid: int, gid: int, *command: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def scratch():
    """A scratch root every uid can traverse (pytest's tmp_path is root-only)."""
    root = Path(tempfile.mkdtemp(prefix="oracxpred-root-"))
    root.chmod(0o755)
    (root / "etc").mkdir()
    for name in ("passwd", "group", "shadow", "gshadow"):
        (root / "etc" / name).write_text("", encoding="utf-8")
    if Path("/etc/login.defs").is_file():  # the distribution's defaults: a group per user
        shutil.copy2("/etc/login.defs", root / "etc" / "login.defs")
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    (root / "opt").mkdir()
    yield root
    shutil.rmtree(root, ignore_errors=True)


def install(root: Path) -> tuple[int, int]:
    """Run the documented steps in ``root``; returns the service user's (uid, gid)."""
    ids: tuple[int, int] | None = None
    steps = documented_steps()
    assert steps[0].startswith("sudo apt-get install")
    assert "python3-venv" in steps[0]
    for line in steps:
        if line.startswith(SKIPPED):
            continue
        if "/pip install " in line:  # no network at test time: the venv stays empty
            continue
        if line.startswith("sudo useradd "):  # paths inside the prefix, as on the machine
            command = line.replace("sudo useradd ", f"useradd --prefix {root} ", 1)
        else:
            command = in_root(line, root, ids)
        if command.startswith("git clone ADRESSE_DU_DEPOT "):
            command = command.replace("ADRESSE_DU_DEPOT", f"--quiet {REPO}", 1)
        if " -m venv " in command:
            command = command.replace("python3 -m venv", f"{sys.executable} -m venv --without-pip")
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        if ids is None and "useradd" in command:
            entry = next(
                row.split(":")
                for row in (root / "etc" / "passwd").read_text().splitlines()
                if row.startswith("oracxpred:")
            )
            ids = (int(entry[2]), int(entry[3]))
            assert entry[5:] == ["/opt/oracxpred", "/usr/sbin/nologin"]
    assert ids is not None
    return ids


def test_documented_install_gives_the_service_user_exactly_its_rights(scratch):
    uid, gid = install(scratch)
    checkout = scratch / "opt" / "oracxpred"
    env_file = scratch / "etc" / "oracxpred" / "collector.env"
    assert (checkout.stat().st_uid, checkout.stat().st_gid) == (0, 0)  # the code stays root's
    assert (checkout / ".venv" / "bin" / "python").exists()
    assert (scratch / "etc" / "systemd" / "system" / UNIT.name).read_bytes() == UNIT.read_bytes()
    for name in ("data", "logs"):
        folder = checkout / name
        assert (folder.stat().st_uid, folder.stat().st_gid) == (uid, gid)
        assert as_uid(uid, gid, "touch", str(folder / "essai")).returncode == 0
    assert as_uid(uid, gid, "touch", str(checkout / "essai")).returncode != 0
    info = env_file.stat()
    assert (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid) == (0o640, 0, gid)
    assert env_file.read_text(encoding="utf-8").startswith("DATABASE_URL=postgresql://")
    assert as_uid(uid, gid, "cat", str(env_file)).returncode == 0
    assert as_uid(65534, 65534, "cat", str(env_file)).returncode != 0  # nobody: refused

    # The unit's command, as the service user, from the checkout: one collection into data/.
    # The venv is empty here (pip is offline), so ORACXPRED_PYTHON points at the test's own
    # interpreter, when the service user may run it (a pyenv under /root is out of its reach).
    runnable = f'command -v "{sys.executable}" && "{sys.executable}" -c "import click"'
    if as_uid(uid, gid, "bash", "-c", runnable).returncode != 0:
        print(f"{sys.executable} inaccessible à l'uid {uid} : collecte non essayée")
        return
    with start_simulator() as sim:
        advance_until_new_finish(sim, set())
        env = clean_env({"ORACXPRED_PYTHON": sys.executable, "HOME": "/nonexistent"})
        env["ORACXPRED_FEED_URL"] = sim.feed_url
        done = as_uid(uid, gid, str(checkout / "collector_service.sh"), "--once", env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert SUCCESS in done.stdout
    stored = checkout / "data" / "matches.csv"
    assert stored.stat().st_uid == uid


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_unit_file_passes_systemd_analyze_verify(scratch):
    """``systemd-analyze verify`` on the installed unit, its paths moved into the scratch root
    (it checks that ExecStart is executable): no error and no warning (unknown keys only warn)."""
    install(scratch)
    text = in_root(UNIT.read_text(encoding="utf-8"), scratch, None)
    unit = scratch / "etc" / "systemd" / "system" / UNIT.name
    unit.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr
    exec_start = next(ln for ln in text.splitlines() if ln.startswith("ExecStart="))
    assert exec_start == f"ExecStart={scratch}/opt/oracxpred/collector_service.sh 1"
    assert os.access(REPO / "collector_service.sh", os.X_OK)
    for path in re.findall(r"ReadWritePaths=(.*)", text)[0].split():
        assert Path(path).is_dir(), path  # created by the documented steps
