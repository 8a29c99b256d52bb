"""Checkpoints table (backfill progress).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

0001 builds today's tables from ``schema.py``, this one included, so the table may already be
there on a database created since: created only when absent.
"""

import sqlalchemy as sa
from alembic import op

from oracxpred.store.sql import schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table("checkpoints"):
        schema.checkpoints.create(bind)


def downgrade() -> None:
    op.drop_table("checkpoints")
