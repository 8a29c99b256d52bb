"""Benchmarks of the collector (run as scripts: ``python bench/cycle.py [--quick]``).

Each script prints a table and ends with one ``RESULT key=value ...`` line. The modules without
a script role (``common``, ``feedgen``, ``naive``, ``verify``, ``drive``) are shared with the
fault suite (``tests/faults``), which imports them as ``bench.<module>``.
"""
