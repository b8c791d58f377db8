"""checks of three values or more as comparisons joined by OR

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:00:00

For a CHECK of the form ``column IN ('a','b','c')`` SQLite builds an index of the list
(a temporary B-tree) every time a statement that checks it runs: for every row inserted
by an ``executemany``. The four checks with three values or more now compare in place,
``column = 'a' OR column = 'b' OR …`` (``bankbridge.db.schema.one_of``): the same rule
on both databases. On SQLite each table is rebuilt (Alembic's batch mode).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CHECKS = (
    ("gl_accounts", "type", ("asset", "liability", "equity", "revenue", "expense")),
    ("line_decisions", "status", ("open", "proposed", "booked")),
    ("sent_batches", "status", ("sent", "cleared", "rejected")),
    ("sent_batch_items", "status", ("sent", "cleared", "rejected")),
)


def _replace(table: str, column: str, condition: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
        batch.create_check_constraint(column, condition)


def upgrade() -> None:
    for table, column, values in CHECKS:
        _replace(table, column, " OR ".join(f"{column} = '{value}'" for value in values))


def downgrade() -> None:
    for table, column, values in CHECKS:
        _replace(table, column, f"{column} IN ({','.join(repr(value) for value in values)})")
