"""a line's decision in a narrow table of its own

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 01:00:00

What processing decides for a statement line (status, rule, evidence, score, candidates)
moves from five columns of the wide ``statement_lines`` row to ``line_decisions``, one
row per decided line. Processing rewrote the whole line row for every line it decided;
now it inserts a narrow row. Lines still open and undecided (status ``open``, nothing
recorded) get no row: that is what no row means.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DECIDED = "status <> 'open' OR rule IS NOT NULL OR evidence IS NOT NULL OR score IS NOT NULL OR candidates <> '[]'"


def upgrade() -> None:
    op.create_table(
        "line_decisions",
        sa.Column("line_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('open','proposed','booked')", name=op.f("ck_line_decisions_status")),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["statement_lines.id"],
            name=op.f("fk_line_decisions_line_id_statement_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_line_decisions")),
    )
    op.execute(
        "INSERT INTO line_decisions (line_id, status, rule, evidence, score, candidates)"  # noqa: S608 - constant
        f" SELECT id, status, rule, evidence, score, candidates FROM statement_lines WHERE {_DECIDED}"
    )
    with op.batch_alter_table("statement_lines") as batch:
        batch.drop_constraint(op.f("ck_statement_lines_status"), type_="check")
        for name in ("status", "rule", "evidence", "score", "candidates"):
            batch.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("statement_lines") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("rule", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("evidence", sa.Text(), nullable=True))
        batch.add_column(sa.Column("score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("candidates", sa.Text(), nullable=False, server_default="[]"))
        batch.create_check_constraint("status", "status IN ('open','proposed','booked')")
    for name in ("status", "rule", "evidence", "score", "candidates"):
        op.execute(
            f"UPDATE statement_lines SET {name} = (SELECT d.{name} FROM line_decisions d"  # noqa: S608 - constant names
            " WHERE d.line_id = statement_lines.id)"
            " WHERE EXISTS (SELECT 1 FROM line_decisions d WHERE d.line_id = statement_lines.id)"
        )
    op.drop_table("line_decisions")
