"""``oracxpred dataset``: the leakage-safe dataset of finished matches (docs/dataset.md)."""
