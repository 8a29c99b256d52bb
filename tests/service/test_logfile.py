"""``--log-file``: parent folders created, size-based rotation, spec line format in the file."""

from __future__ import annotations

import io
import logging
import re

import pytest

from oracxpred.logs import get_logger, setup_logging

LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[INFO\] \[COLLECTOR-SERVICE\] ligne \d+$")


@pytest.fixture
def reset_logging():
    logger = logging.getLogger("oracxpred")
    saved = logger.level, logger.propagate
    yield
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(saved[0])
    logger.propagate = saved[1]


def test_log_file_creates_its_folders_and_rotates_by_size(tmp_path, reset_logging):
    path = tmp_path / "deux" / "niveaux" / "collector_service.log"
    setup_logging(False, path, stream=io.StringIO(), max_bytes=2000, backup_count=3)
    log = get_logger("test")
    for number in range(200):
        log.info("ligne %d", number)
    for handler in logging.getLogger("oracxpred").handlers:
        handler.flush()
    files = sorted(path.parent.iterdir())
    assert [f.name for f in files] == [
        "collector_service.log",
        "collector_service.log.1",
        "collector_service.log.2",
        "collector_service.log.3",
    ]
    for file in files:
        assert file.stat().st_size <= 2000
        lines = file.read_text(encoding="utf-8").splitlines()
        assert lines
        assert all(LINE.match(line) for line in lines)
    # The newest lines are in the live file, the previous ones in .1, without gaps.
    assert path.read_text(encoding="utf-8").splitlines()[-1].endswith("ligne 199")
    last_of_1 = int(files[1].read_text(encoding="utf-8").splitlines()[-1].rsplit(" ", 1)[1])
    first_of_live = int(path.read_text(encoding="utf-8").splitlines()[0].rsplit(" ", 1)[1])
    assert first_of_live == last_of_1 + 1
