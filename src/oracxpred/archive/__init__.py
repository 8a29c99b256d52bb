"""Lossless recording of every HTTP exchange of the collector, and rebuilding stores from it.

``record`` is the line format, ``writer`` appends/compacts/prunes, ``reader`` iterates and
checks, ``replay`` drives the real cycle over a recording. See docs/archive.md.
"""
