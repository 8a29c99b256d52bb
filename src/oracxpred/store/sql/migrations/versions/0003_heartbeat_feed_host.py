"""Heartbeats name the feed host (mirror) each cycle used.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

0001 creates the tables from ``schema.py`` as it is now, so on a fresh database the column is
already there: it is added only where it is missing (databases created before this revision).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("heartbeats")}
    if "feed_host" not in columns:
        op.add_column(
            "heartbeats",
            sa.Column("feed_host", sa.String(255), nullable=False, server_default=""),
        )


def downgrade() -> None:
    op.drop_column("heartbeats", "feed_host")
