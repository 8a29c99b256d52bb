"""Collecteur externe OracXPred : `python collector_service.py --help`."""

import sys
from pathlib import Path

# Runs from a plain checkout after `pip install -r requirements.txt` (package not installed).
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from oracxpred.cli import collector_main

if __name__ == "__main__":
    sys.exit(collector_main())
