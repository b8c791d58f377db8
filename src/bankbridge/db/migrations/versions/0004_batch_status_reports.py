"""bank status reports of sent batches (pain.002): rejected items

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 08:20:00

A sent batch gets the last status the bank reported (``bank_status``) and the status
``rejected``; an item keeps its own legs and settlements of the batch's journal entry
(``booking``, JSON), why the bank rejected it and the entry that reversed it. Items
registered before are given their booking where the batch's entry tells it unambiguously
(their relation's legs, when no other item of the batch has that relation); the others
keep none, and a rejection of such an item is refused with a clear message.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sent_batches") as batch:
        batch.add_column(sa.Column("bank_status", sa.String(length=4), nullable=True))
        batch.drop_constraint(op.f("ck_sent_batches_status"), type_="check")
        batch.create_check_constraint(op.f("ck_sent_batches_status"), "status IN ('sent','cleared','rejected')")
        batch.create_index("ix_sent_batches_message", ["message_id"], unique=False)
    with op.batch_alter_table("sent_batch_items") as batch:
        batch.add_column(sa.Column("booking", sa.Text(), nullable=True))
        batch.add_column(sa.Column("reject_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("rejected_entry_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_sent_batch_items_rejected_entry_id_journal_entries"),
            "journal_entries",
            ["rejected_entry_id"],
            ["id"],
        )
        batch.drop_constraint(op.f("ck_sent_batch_items_status"), type_="check")
        batch.create_check_constraint(op.f("ck_sent_batch_items_status"), "status IN ('sent','cleared','rejected')")
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Each item's legs and settlements where its relation is its own in the batch."""
    batches = conn.execute(sa.text("SELECT id, entry_id FROM sent_batches WHERE entry_id IS NOT NULL")).all()
    for batch_key, entry_id in batches:
        items = conn.execute(
            sa.text("SELECT id, relation FROM sent_batch_items WHERE sent_batch_id = :b"), {"b": batch_key}
        ).all()
        owners = Counter(relation for _, relation in items)
        legs: dict[str, list[list[Any]]] = defaultdict(list)
        query = "SELECT gl_account, relation, amount_minor, allocations FROM postings WHERE entry_id = :e ORDER BY id"
        for gl, relation, minor, allocations in conn.execute(sa.text(query), {"e": entry_id}):
            if relation is not None:
                legs[relation].append([gl, relation, minor, allocations or ""])
        settled: dict[str, list[list[Any]]] = defaultdict(list)
        query = "SELECT invoice_number, relation, amount_minor FROM settlements WHERE entry_id = :e ORDER BY id"
        for invoice, relation, minor in conn.execute(sa.text(query), {"e": entry_id}):
            settled[relation].append([invoice, relation, minor])
        for item_key, relation in items:
            if relation is None or owners[relation] != 1:
                continue
            booking = json.dumps({"postings": legs[relation], "settlements": settled[relation]})
            conn.execute(
                sa.text("UPDATE sent_batch_items SET booking = :j WHERE id = :i"), {"j": booking, "i": item_key}
            )


def downgrade() -> None:
    op.execute("UPDATE sent_batch_items SET status = 'sent' WHERE status = 'rejected'")
    op.execute("UPDATE sent_batches SET status = 'sent' WHERE status = 'rejected'")
    with op.batch_alter_table("sent_batch_items") as batch:
        batch.drop_constraint(op.f("ck_sent_batch_items_status"), type_="check")
        batch.create_check_constraint(op.f("ck_sent_batch_items_status"), "status IN ('sent','cleared')")
        batch.drop_constraint(op.f("fk_sent_batch_items_rejected_entry_id_journal_entries"), type_="foreignkey")
        batch.drop_column("rejected_entry_id")
        batch.drop_column("reject_reason")
        batch.drop_column("booking")
    with op.batch_alter_table("sent_batches") as batch:
        batch.drop_index("ix_sent_batches_message")
        batch.drop_constraint(op.f("ck_sent_batches_status"), type_="check")
        batch.create_check_constraint(op.f("ck_sent_batches_status"), "status IN ('sent','cleared')")
        batch.drop_column("bank_status")
