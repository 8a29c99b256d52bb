"""The incremental cursor: ``matches.seq`` and ``matches.ingested_at_utc``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

0001 builds today's ``matches`` (these columns included), so on a fresh database only the
numbering runs, and finds nothing to number. On an older one the columns are added, existing
rows numbered in a deterministic order (collection time, then event id) with their collection
time as ingestion time, then the unique index is built.
"""

import sqlalchemy as sa
from alembic import op

from oracxpred.store.sql import schema
from oracxpred.store.sql.sequence import number_unsequenced

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    present = {c["name"] for c in inspector.get_columns("matches")}
    for column in schema.cursor_columns():
        if column.name not in present:
            op.add_column("matches", column)
    indexes = {i["name"] for i in inspector.get_indexes("matches")}
    if schema.SEQ_INDEX not in indexes:
        op.create_index(schema.SEQ_INDEX, "matches", ["seq"], unique=True)
    number_unsequenced(bind, "timestamp_utc, event_id", None)


def downgrade() -> None:
    op.drop_index(schema.SEQ_INDEX, "matches")
    op.drop_column("matches", "ingested_at_utc")
    op.drop_column("matches", "seq")
