"""Session fixtures shared by every test folder."""

from pathlib import Path

import pytest

from tests.helpers import fixtures_path, need


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """Folder of the real 1xBet captures (read in place, never copied here)."""
    path = fixtures_path()
    need(path.is_dir(), f"captures 1xBet absentes: {path} (définir ORACXPRED_FIXTURES)")
    return path
