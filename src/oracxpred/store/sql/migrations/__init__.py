"""Alembic migrations of the SQL schema (run at open by ``sql_migrate.upgrade``)."""
