"""Initial schema: create it, or adopt the original OracXPred app's ``matches`` table.

Revision ID: 0001
Revises:
Create Date: 2025-06-01

Tables come from ``schema.py`` (the one definition). When a later revision changes them, this
file must first get a frozen copy of today's tables, so that replaying 0001 then 0002 on an empty
database still works.
"""

import sqlalchemy as sa
from alembic import op

from oracxpred.store.sql import schema
from oracxpred.store.sql.migrations.adopt import adopt_legacy

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if sa.inspect(bind).has_table("matches"):
        adopt_legacy(bind)
    schema.metadata.create_all(bind, checkfirst=True)


def downgrade() -> None:
    # Dropping collected matches is never what an operator wants: refuse.
    raise NotImplementedError("Retour en arrière du schéma initial non pris en charge.")
