"""Pure logic of the collector: parsing, finish rules, tracking.

No I/O here (the flask ``sansio`` rule): no network, files, database, environment, clock or
log handlers. Time is always an argument. ``tests/unit/test_purity.py`` enforces it.
"""
