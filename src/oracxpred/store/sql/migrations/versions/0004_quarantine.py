"""Quarantine of refused feed events; events and interval in each heartbeat.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

0001 creates the tables from ``schema.py`` as they are today, so on a fresh database they
already hold what this revision adds: each step checks first (idempotent).
"""

import sqlalchemy as sa
from alembic import op

from oracxpred.store.sql import schema

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    columns = {c["name"] for c in inspector.get_columns("heartbeats")}
    if "events" not in columns:
        op.add_column(
            "heartbeats", sa.Column("events", sa.Integer(), nullable=False, server_default="0")
        )
    if "interval_s" not in columns:
        op.add_column("heartbeats", sa.Column("interval_s", sa.Float(), nullable=True))
    if not inspector.has_table("rejected_events"):
        schema.rejected_events.create(bind)


def downgrade() -> None:
    op.drop_table("rejected_events")
    op.drop_column("heartbeats", "interval_s")
    op.drop_column("heartbeats", "events")
