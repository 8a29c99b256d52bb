"""``oracxpred.core`` does no I/O: an AST scan of every module, and of the scanner itself.

Imports are checked against an allowlist (a module that is not on it might do I/O, so a new
need is a conscious edit here), then calls that reach the outside world or the clock are
refused even when spelled through an alias. Core code returns reasons instead of logging.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import oracxpred.core

CORE = Path(oracxpred.core.__file__).resolve().parent

ALLOWED_STDLIB = frozenset(
    {
        "__future__",
        "abc",
        "bisect",
        "collections",
        "collections.abc",
        "copy",
        "dataclasses",
        "datetime",  # types and arithmetic only: the clock calls are refused below
        "decimal",
        "enum",
        "functools",
        "heapq",
        "itertools",
        "json",
        "math",
        "numbers",
        "operator",
        "re",
        "string",
        "types",
        "typing",
        "unicodedata",
    }
)
ALLOWED_THIRD_PARTY = frozenset({"msgspec"})  # JSON decoding, fast records (core/records.py)
ALLOWED_PROJECT = ("oracxpred.core", "oracxpred.errors", "oracxpred.defaults")
FORBIDDEN_BUILTINS = frozenset(
    {"open", "print", "input", "exec", "eval", "compile", "__import__", "breakpoint"}
)
CLOCK_METHODS = frozenset({"now", "utcnow", "today"})
TIME_FUNCTIONS = frozenset({"time", "time_ns", "monotonic", "perf_counter", "sleep"})


def _allowed(module: str) -> bool:
    if module in ALLOWED_STDLIB or module in ALLOWED_THIRD_PARTY:
        return True
    return any(module == p or module.startswith(p + ".") for p in ALLOWED_PROJECT)


def violations(source: str, filename: str = "<string>") -> list[str]:
    """Every I/O-looking import or call in ``source``, as ``file:line: what``."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    clock_classes: set[str] = set()  # names bound to datetime.datetime / datetime.date
    datetime_modules: set[str] = set()  # names bound to the datetime module

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{filename}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _allowed(alias.name):
                    flag(node, f"import {alias.name}")
                if alias.name == "datetime":
                    datetime_modules.add(alias.asname or "datetime")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and not _allowed(module):
                flag(node, f"from {module} import …")
            if node.level == 0 and module == "datetime":
                for alias in node.names:
                    if alias.name in ("datetime", "date"):
                        clock_classes.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
            flag(node, f"call {func.id}()")
        if not isinstance(func, ast.Attribute):
            continue
        receiver = func.value
        if func.attr in CLOCK_METHODS and (
            (isinstance(receiver, ast.Name) and receiver.id in clock_classes)
            or (
                isinstance(receiver, ast.Attribute)
                and receiver.attr in ("datetime", "date")
                and isinstance(receiver.value, ast.Name)
                and receiver.value.id in datetime_modules
            )
        ):
            flag(node, f"clock call {ast.unparse(func)}()")
        if func.attr in TIME_FUNCTIONS and isinstance(receiver, ast.Name) and receiver.id == "time":
            flag(node, f"clock call time.{func.attr}()")
    return found


CORE_MODULES = sorted(CORE.glob("*.py"))


def test_core_modules_are_found():
    names = {p.name for p in CORE_MODULES}
    assert {"__init__.py", "parse.py", "finish.py", "records.py"} <= names


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: p.name)
def test_core_module_does_no_io(path):
    assert violations(path.read_text(encoding="utf-8"), path.name) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os", "x.py:1: import os"),
        ("import os.path", "x.py:1: import os.path"),
        ("import io", "x.py:1: import io"),
        ("import socket", "x.py:1: import socket"),
        ("from pathlib import Path", "x.py:1: from pathlib import …"),
        ("import httpx", "x.py:1: import httpx"),
        ("from sqlalchemy import text", "x.py:1: from sqlalchemy import …"),
        ("import flask", "x.py:1: import flask"),
        ("import logging", "x.py:1: import logging"),
        ("from logging.handlers import RotatingFileHandler", "x.py:1: from logging.handlers"),
        ("import time", "x.py:1: import time"),
        ("import random", "x.py:1: import random"),
        ("import subprocess", "x.py:1: import subprocess"),
        ("import sys", "x.py:1: import sys"),
        ("import importlib", "x.py:1: import importlib"),
        ("from oracxpred.logs import get_logger", "x.py:1: from oracxpred.logs import …"),
        ("from oracxpred.store.base import Store", "x.py:1: from oracxpred.store.base"),
        ("from oracxpred import config", "x.py:1: from oracxpred import …"),
        ("\n\nx = open('f')", "x.py:3: call open()"),
        ("def f():\n    print('x')", "x.py:2: call print()"),
        ("input()", "x.py:1: call input()"),
        ("__import__('os')", "x.py:1: call __import__()"),
        ("eval('1')", "x.py:1: call eval()"),
        ("from datetime import datetime\nt = datetime.now()", "x.py:2: clock call datetime.now()"),
        ("from datetime import datetime\nt = datetime.utcnow()", "clock call datetime.utcnow()"),
        ("from datetime import datetime as dt\nt = dt.now(UTC)", "x.py:2: clock call dt.now()"),
        ("from datetime import date\nd = date.today()", "clock call date.today()"),
        ("import datetime\nt = datetime.datetime.now()", "clock call datetime.datetime.now()"),
        ("import datetime as d\nt = d.date.today()", "clock call d.date.today()"),
        ("t = time.time()", "x.py:1: clock call time.time()"),
        ("t = time.monotonic()", "x.py:1: clock call time.monotonic()"),
    ],
)
def test_checker_flags_io(source, expected):
    found = violations(source, "x.py")
    assert any(expected in v for v in found), found


def test_checker_accepts_pure_code():
    source = '''
"""A pure module."""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from oracxpred.core.records import Score
from oracxpred.errors import FeedFormatError
from . import records


def at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC) + timedelta(seconds=1)


def load(text: str) -> object:
    now = {"now": 1}
    return json.loads(text), now["now"], math.isfinite(1.0), re.compile("x")
'''
    assert violations(source, "pure.py") == []


def test_checker_ignores_lookalikes():
    """A method named ``now`` on something that is not the datetime class is not the clock."""
    source = "from datetime import datetime\nclock = Clock()\nt = clock.now()\nx = obj.time()"
    assert violations(source) == []
