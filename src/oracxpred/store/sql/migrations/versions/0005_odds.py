"""The change-only odds timeline: table ``odds``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

0001 creates the tables from ``schema.py`` as they are today, so on a fresh database the table
already exists: it is created only when missing (idempotent).
"""

import sqlalchemy as sa
from alembic import op

from oracxpred.store.sql import schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table("odds"):
        schema.odds.create(bind)


def downgrade() -> None:
    op.drop_table("odds")
