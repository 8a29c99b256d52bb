"""Log line format, secret masking, feed-value escaping."""

import io
import logging
import re

import pytest

from oracxpred.logs import escape, get_logger, mask_secrets, mask_url, setup_logging

LINE = re.compile(
    r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] \[(INFO|WARNING|ERROR|DEBUG)\] "
    r"\[COLLECTOR-SERVICE\] .+$"
)


@pytest.fixture
def captured():
    stream = io.StringIO()
    setup_logging(verbose=True, stream=stream)
    yield stream
    logger = logging.getLogger("oracxpred")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def test_line_format_matches_the_spec(captured):
    get_logger("x").info("Démarrage de la collecte...")
    line = captured.getvalue().rstrip("\n")
    assert LINE.match(line), line
    assert line.endswith("[INFO] [COLLECTOR-SERVICE] Démarrage de la collecte...")


def test_password_in_a_message_is_masked(captured):
    get_logger().error("échec postgresql://bob:hunter2@db:5432/x password=hunter2")
    text = captured.getvalue()
    assert "hunter2" not in text
    assert "bob:***@db" in text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:s3cr%40t@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
        ("mysql+pymysql://root:@127.0.0.1/db", "mysql+pymysql://root:***@127.0.0.1/db"),
        ("postgresql://h/db?password=abc&x=1", "postgresql://h/db?password=***&x=1"),
    ],
)
def test_mask_url(url, expected):
    assert mask_url(url) == expected


def test_mask_secrets_in_free_text():
    assert mask_secrets("x postgres://a:b@c/d y") == "x postgres://a:***@c/d y"


def test_escape_prevents_forged_log_lines(captured):
    forged = "Real FC\n[2025-12-06 10:30:45] [INFO] [COLLECTOR-SERVICE] OK faux"
    get_logger().info("OK %s", escape(forged))
    lines = captured.getvalue().splitlines()
    assert len(lines) == 1
    assert "\\n[2025" in lines[0]


def test_escape_keeps_accents_and_cuts_long_names():
    assert escape("Atlético Madrid") == "Atlético Madrid"
    long = escape("A" * 10_000)
    assert len(long) == 200
    assert long.endswith("…")
    assert escape("a\x1b[31mb\r") == "a\\x1b[31mb\\r"
