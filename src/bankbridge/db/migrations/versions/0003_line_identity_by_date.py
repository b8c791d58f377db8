"""line identities start with the transaction date

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:45:00

A stored identity was the 64 hex digits of a SHA-256 digest; it becomes the line's
transaction date as ``YYYYMMDD`` (``00000000`` without one) followed by the first 56 of
those digits (``bankbridge.statements.identity``), so that a day's lines sit side by side
in the unique index. The same digest is kept, so files read before stay duplicates.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        day = "to_char(COALESCE(booking_date, value_date), 'YYYYMMDD')"
    else:  # SQLite keeps dates as ISO text
        day = "replace(COALESCE(booking_date, value_date), '-', '')"
    op.execute(f"UPDATE statement_lines SET identity = COALESCE({day}, '00000000') || substr(identity, 1, 56)")  # noqa: S608 - no input


def downgrade() -> None:
    # The digits cut off cannot be restored. The identities stay as they are: the schema
    # is unchanged, but code of revision 0002 computes full digests and so no longer
    # recognises lines stored before as duplicates.
    pass
