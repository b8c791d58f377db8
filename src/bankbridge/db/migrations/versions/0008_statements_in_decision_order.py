"""statements indexed in the order processing decides their lines

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:00:00

Processing decides pending lines by their daily statement's date, administration and
journal, then by position. Without an index in that order SQLite read every pending line
and sorted them all (a million lines: about 0.7 s of the 2 s the query took, before any
worker could start). With it, SQLite reads the statements in order and each one's lines
by ``(statement_id, position)``, already in order. The index is unique, as the statements'
own ``(administration, journal, statement_date)`` is: that tells SQLite no two statements
share a place in the order, so their lines need no sorting either.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_statements_decision_order", "statements", ["statement_date", "administration", "journal"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_statements_decision_order", table_name="statements")
