"""The outage spool: a wrapper that keeps collecting while the database is down."""
