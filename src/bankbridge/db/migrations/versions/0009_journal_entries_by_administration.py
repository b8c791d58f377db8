"""journal entries indexed by administration, not by voucher number

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 05:00:00

No query reads journal entries by voucher number: they are read by their statement line
(``ix_journal_entries_line``: export, undo), and a voucher's entries are those of its
statement's lines (a batch's: its ``entry_id``). The one query the index served reads an
administration's newest entry (``BookingRepository.books_mark``, which ``batches add``
asks between files), and it only used the index's first column, ranging over every entry
of the administration. An index of the administration alone gives that entry at once
(SQLite: the last key of the range, the row id being the index's last column) and costs
less to keep up: processing inserts an entry for every line it books, and the voucher
index took 4,517 instructions a processed line, this one 1,456 (``bench.instructions``,
one administration's 16,224 lines; 397,135 a line in all before).
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_journal_entries_voucher", table_name="journal_entries")
    op.create_index("ix_journal_entries_administration", "journal_entries", ["administration"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_journal_entries_administration", table_name="journal_entries")
    op.create_index(
        "ix_journal_entries_voucher", "journal_entries", ["administration", "journal", "voucher_number"], unique=False
    )
