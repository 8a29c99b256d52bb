"""What the tests and the benchmarks share: throwaway databases, simulator drivers, truth checks.

``bench/`` imports from here, never the reverse. Nothing here imports pytest, so a benchmark
run as a script does not need it.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
