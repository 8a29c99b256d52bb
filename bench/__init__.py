"""Benchmarks of the collector (run as scripts: ``python bench/cycle.py [--quick]``).

Each script prints a table and ends with one ``RESULT key=value ...`` line. The modules without
a script role (``common``, ``feedgen``, ``naive``) serve the benchmarks only; what benchmarks
and tests share (throwaway databases, simulator drivers, truth checks) is in ``tests.support``,
which never imports ``bench``.
"""
