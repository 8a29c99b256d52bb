"""History from the results service: ``backfill`` (fill a range once) and ``audit`` (compare)."""
