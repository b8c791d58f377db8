"""bank accounts added by processing remember their line

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:40:00

A bank account processing added to a relation (R-C6) keeps the statement line whose
booking added it, so that undoing that booking (R-G3) removes it again. Accounts added
before are left as they are (no line known).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("relation_bank_accounts") as batch:
        batch.add_column(sa.Column("added_by_line", sa.Integer(), nullable=True))
        batch.create_index("ix_relation_bank_accounts_added_by_line", ["added_by_line"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("relation_bank_accounts") as batch:
        batch.drop_index("ix_relation_bank_accounts_added_by_line")
        batch.drop_column("added_by_line")
