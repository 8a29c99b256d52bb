"""Imports and exports of CSV files, to and from any store."""
