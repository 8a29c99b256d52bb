"""The CSV backend: one file, its index, its side files."""
