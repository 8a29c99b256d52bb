"""Alembic environment: always online, on the connection ``sql_migrate.upgrade`` passes in."""

from alembic import context

from oracxpred.store.sql.schema import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the alembic CLI without our runner
    raise RuntimeError("Lancer les migrations avec « oracxpred db upgrade ».")

context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
