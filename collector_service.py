"""Collecteur externe OracXPred : `python collector_service.py --help`."""

import sys
from pathlib import Path

# Runs from a plain checkout after `pip install -r requirements.txt` (package not installed).
ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from oracxpred.launcher import require_dependencies  # noqa: E402

# A Python without the dependencies gets a French message and exit code 1.
require_dependencies(str(ROOT / "requirements.txt"))

from oracxpred.cli import collector_main  # noqa: E402

if __name__ == "__main__":
    sys.exit(collector_main())
