"""Lossless recording of every HTTP exchange of the collector, and rebuilding stores from it.

``record`` is the line format, ``files`` the locked appends, compaction and retention,
``writer`` the feed client's recorder, ``reader`` iterates and checks, ``replay`` drives the
real cycle over a recording, ``summary`` feeds ``--test-db`` and the Santé page. See
docs/archive.md.
"""
