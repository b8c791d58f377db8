"""The database schema (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Money is stored as integer minor units plus a currency (``*_minor`` columns), so both
databases compute exactly alike. Master data is keyed by its natural keys (the key
columns of ``ledger-import.md``); relations and journals also carry their
administration's environment, so that "one person per BSN per environment" and the GL
account of a journal are constraints the database enforces.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

Code = String(64)
Name = String(200)


def one_of(column: str, *values: str) -> str:
    """The condition of a CHECK that ``column`` holds one of ``values``, written as
    comparisons joined by OR rather than as ``column IN (…)``. For an IN list of three
    constants or more, SQLite builds an index of the list (a temporary B-tree, a page
    zeroed) each time a statement that checks the constraint runs: for every row of an
    ``executemany``. An insert into ``line_decisions`` cost three times as much with it;
    at 1M decided lines that was about 5 % of processing's instructions. (With two values
    SQLite compares in place: those checks keep their IN.) The meaning is the same on both
    databases; a NULL passes either way, as NOT NULL is a constraint of its own."""
    return " OR ".join(f"{column} = '{value}'" for value in values)


environments = Table(
    "environments",
    metadata,
    Column("code", Code, primary_key=True),
    Column("name", Name, nullable=False, default=""),
    Column("main_environment", Code, ForeignKey("environments.code"), nullable=True),
)

administrations = Table(
    "administrations",
    metadata,
    Column("code", Code, primary_key=True),
    Column("environment", Code, ForeignKey("environments.code"), nullable=False),
    Column("name", Name, nullable=False, default=""),
    Column("invoice_ref_start", Integer),
    Column("invoice_ref_length", Integer),
    Column("invoice_range_from", Code),
    Column("invoice_range_to", Code),
    Column("tax_office_iban", String(34)),
    Column("bsn_search_value", Name),
    Column("bsn_match_open_invoice", Boolean, nullable=False, default=False),
    Column("direct_debit_in_transit", Boolean, nullable=False, default=False),
    Column("payments_in_transit", Boolean, nullable=False, default=False),
    Column("in_transit_gl_account", Code),
    Column("payment_difference_tolerance", String(32), nullable=False, default="0"),
    Column("payment_difference_gl_account", Code),
    UniqueConstraint("code", "environment", name="uq_administrations_code_environment"),
)

gl_accounts = Table(
    "gl_accounts",
    metadata,
    Column("environment", Code, ForeignKey("environments.code"), primary_key=True),
    Column("number", Code, primary_key=True),
    Column("name", Name, nullable=False, default=""),
    Column("type", String(16), nullable=False),
    Column("administration", Code, ForeignKey("administrations.code"), nullable=True),
    Column("axes", String(200), nullable=False, default=""),
    CheckConstraint(one_of("type", "asset", "liability", "equity", "revenue", "expense"), name="type"),
)

journals = Table(
    "journals",
    metadata,
    Column("administration", Code, primary_key=True),
    Column("code", Code, primary_key=True),
    Column("environment", Code, nullable=False),
    Column("name", Name, nullable=False, default=""),
    Column("iban", String(34), nullable=False, unique=True),
    Column("bic", String(11)),
    Column("currency", String(3), nullable=False),
    Column("gl_account", Code, nullable=False),
    Column("voucher_counter", BigInteger, nullable=False, default=0),
    Column("voucher_from_statement_number", Boolean, nullable=False, default=False),
    Column("auto_add_bank_account", Boolean, nullable=False, default=False),
    Column("approval_workflow", Boolean, nullable=False, default=False),
    Column("auto_process", Boolean, nullable=False, default=False),
    ForeignKeyConstraint(["administration", "environment"], ["administrations.code", "administrations.environment"]),
    ForeignKeyConstraint(["environment", "gl_account"], ["gl_accounts.environment", "gl_accounts.number"]),
)

relations = Table(
    "relations",
    metadata,
    Column("administration", Code, primary_key=True),
    Column("number", Code, primary_key=True),
    Column("environment", Code, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("name", Name, nullable=False, default=""),
    Column("bsn", String(9)),
    Column("blocked", Boolean, nullable=False, default=False),
    ForeignKeyConstraint(["administration", "environment"], ["administrations.code", "administrations.environment"]),
    UniqueConstraint("environment", "bsn", name="uq_relations_environment_bsn"),
    CheckConstraint("kind IN ('debtor','creditor')", name="kind"),
)

relation_bank_accounts = Table(
    "relation_bank_accounts",
    metadata,
    Column("administration", Code, primary_key=True),
    Column("relation", Code, primary_key=True),
    Column("iban", String(34), primary_key=True),
    Column("status", String(16), nullable=False, default="approved"),
    Column("added_by_line", Integer),  # R-C6: the statement line whose booking added it (undo removes it)
    ForeignKeyConstraint(["administration", "relation"], ["relations.administration", "relations.number"]),
    CheckConstraint("status IN ('approved','under_review')", name="status"),
    Index("ix_relation_bank_accounts_iban", "iban"),
    Index("ix_relation_bank_accounts_added_by_line", "added_by_line"),
)

open_items = Table(
    "open_items",
    metadata,
    Column("administration", Code, primary_key=True),
    Column("invoice_number", Code, primary_key=True),
    Column("relation", Code, nullable=False),
    Column("invoice_date", Date),
    Column("due_date", Date),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payment_reference", String(35)),
    Column("description", Text, nullable=False, default=""),
    ForeignKeyConstraint(["administration", "relation"], ["relations.administration", "relations.number"]),
    Index("ix_open_items_relation", "administration", "relation"),
    Index("ix_open_items_payment_reference", "payment_reference"),
)

transaction_codes = Table(
    "transaction_codes",
    metadata,
    Column("environment", Code, ForeignKey("environments.code"), primary_key=True),
    Column("bank", String(11), primary_key=True),
    Column("code", Code, primary_key=True),
    Column("search_value", Name, primary_key=True, default=""),
    Column("description", Name, nullable=False, default=""),
    Column("gl_account", Code, nullable=False),
    Column("commission_gl_account", Code),
    ForeignKeyConstraint(["environment", "gl_account"], ["gl_accounts.environment", "gl_accounts.number"]),
)

allocations = Table(
    "allocations",
    metadata,
    Column("environment", Code, primary_key=True),
    Column("bank", String(11), primary_key=True),
    Column("code", Code, primary_key=True),
    Column("code_search_value", Name, primary_key=True, default=""),
    Column("search_value", Name, primary_key=True),
    Column("axis_codes", String(400), nullable=False),
    ForeignKeyConstraint(
        ["environment", "bank", "code", "code_search_value"],
        [
            "transaction_codes.environment",
            "transaction_codes.bank",
            "transaction_codes.code",
            "transaction_codes.search_value",
        ],
    ),
)

# --- what import and processing write ------------------------------------------------
# A statement is a daily statement: one per bank journal per transaction date (R-E8).
# A line's ``identity`` is unique per account: the duplicate rule of R-B4
# (see ``bankbridge.statements.identity``).

statements = Table(
    "statements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("administration", Code, nullable=False),
    Column("journal", Code, nullable=False),
    Column("account_iban", String(34), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("statement_date", Date, nullable=False),
    Column("statement_number", String(35)),
    Column("sequence", String(35)),
    Column("voucher_number", String(35), nullable=False),
    Column("format", String(16), nullable=False),
    Column("dialect", String(32), nullable=False, default="generic"),
    Column("opening_minor", BigInteger),
    Column("opening_date", Date),
    Column("closing_minor", BigInteger),
    Column("closing_date", Date),
    Column("status", String(16), nullable=False, default="in_progress"),
    Column("warnings", Text, nullable=False, default=""),
    Column("source_file", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(["administration", "journal"], ["journals.administration", "journals.code"]),
    CheckConstraint("status IN ('in_progress','processed')", name="status"),
    UniqueConstraint("administration", "journal", "statement_date", name="uq_statements_journal_date"),
    # The order processing decides lines in (migration 0008): SQLite reads the statements
    # by it and their lines by (statement_id, position), without sorting every line.
    Index("ix_statements_decision_order", "statement_date", "administration", "journal", unique=True),
)

statement_lines = Table(
    "statement_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("statement_id", Integer, ForeignKey("statements.id", ondelete="CASCADE"), nullable=False),
    Column("account_iban", String(34), nullable=False),
    Column("identity", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("booking_date", Date),
    Column("value_date", Date),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("counterparty_iban", String(34)),
    Column("counterparty_bic", String(11)),
    Column("counterparty_name", Text),
    Column("bank_reference", String(128)),
    Column("end_to_end_id", String(128)),
    Column("mandate_id", String(128)),
    Column("payment_reference", String(128)),
    Column("description", Text),
    Column("bank_code", String(64)),
    Column("iso_code", String(64)),
    Column("detail", Text, nullable=False, default="{}"),
    Column("raw", Text, nullable=False, default=""),
    Column("source_file", Text, nullable=False, default=""),
    Column("source_line", Integer),
    UniqueConstraint("account_iban", "identity", name="uq_statement_lines_account_identity"),
    Index("ix_statement_lines_statement", "statement_id", "position"),
)

line_decisions = Table(
    # What processing decided for a line (R-D9, R-D10): a narrow row of its own, not
    # columns of the wide line, which processing would rewrite for every line it decides
    # (at 1M lines that UPDATE was a third of the storing process's time and wrote the
    # whole lines table to the WAL again). A line without a row here is open, undecided.
    "line_decisions",
    metadata,
    Column(
        "line_id", Integer, ForeignKey("statement_lines.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    ),
    Column("status", String(16), nullable=False),
    Column("rule", String(32)),
    Column("evidence", Text),
    Column("score", Integer),
    Column("candidates", Text, nullable=False, default="[]"),
    CheckConstraint(one_of("status", "open", "proposed", "booked"), name="status"),
)

raw_records = Table(
    "raw_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("statement_id", Integer, ForeignKey("statements.id", ondelete="CASCADE"), nullable=False),
    Column("source_file", Text, nullable=False),
    Column("source_line", Integer),
    Column("text", Text, nullable=False),
    Index("ix_raw_records_statement", "statement_id"),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("administration", Code, nullable=False),
    Column("journal", Code, nullable=False),
    Column("voucher_number", String(35), nullable=False),
    Column("entry_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("statement_line_id", Integer, ForeignKey("statement_lines.id")),
    Column("description", Text, nullable=False, default=""),
    Column("reversed_at", DateTime(timezone=True)),
    Column("rule", String(32)),
    ForeignKeyConstraint(["administration", "journal"], ["journals.administration", "journals.code"]),
    # Read by their line (export, undo) and an administration's newest one (``books_mark``);
    # no index by voucher number, which no query reads and processing kept up for every
    # line it books (migration 0009).
    Index("ix_journal_entries_line", "statement_line_id"),
    Index("ix_journal_entries_administration", "administration"),
)

postings = Table(
    "postings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("journal_entries.id", ondelete="CASCADE"), nullable=False),
    Column("gl_account", Code, nullable=False),
    Column("relation", Code),
    Column("amount_minor", BigInteger, nullable=False),
    Column("allocations", String(400), nullable=False, default=""),
    Index("ix_postings_entry", "entry_id"),
)

settlements = Table(
    "settlements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("journal_entries.id", ondelete="CASCADE"), nullable=False),
    Column("administration", Code, nullable=False),
    Column("invoice_number", Code, nullable=False),
    Column("relation", Code, nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("reopened", Boolean, nullable=False, default=False),
    Index("ix_settlements_item", "administration", "invoice_number"),
    Index("ix_settlements_entry", "entry_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", Name, nullable=False),
    Column("administration", Code),
    Column("action", String(64), nullable=False),
    Column("subject", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_log_administration", "administration", "at"),
)

# --- payments in transit (R-C1, R-C2, R-D8) --------------------------------------------
# A sent pain.001/pain.008 batch (one PmtInf) and its instructions. When registered, its
# open items are settled against the in-transit GL account by ``entry_id``; a statement
# line clears it whole (``sent_batches.cleared_line_id``) or item by item. An item keeps
# its own legs and settlements of that entry (``booking``, JSON) so that a rejection by
# the bank (pain.002) can reverse exactly it (``rejected_entry_id``).

sent_batches = Table(
    "sent_batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("administration", Code, nullable=False),
    Column("journal", Code, nullable=False),
    Column("batch_id", String(35), nullable=False),
    Column("message_id", String(35), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("batch_date", Date, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("status", String(16), nullable=False, default="sent"),
    Column("entry_id", Integer, ForeignKey("journal_entries.id")),
    Column("cleared_line_id", Integer, ForeignKey("statement_lines.id")),
    Column("source_file", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("bank_status", String(4)),
    ForeignKeyConstraint(["administration", "journal"], ["journals.administration", "journals.code"]),
    UniqueConstraint("administration", "batch_id", name="uq_sent_batches_administration_batch_id"),
    CheckConstraint("kind IN ('payment','direct_debit')", name="kind"),
    CheckConstraint(one_of("status", "sent", "cleared", "rejected"), name="status"),
    Index("ix_sent_batches_status", "administration", "status"),
    Index("ix_sent_batches_message", "message_id"),
)

sent_batch_items = Table(
    "sent_batch_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sent_batch_id", Integer, ForeignKey("sent_batches.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("end_to_end_id", String(35)),
    Column("relation", Code),
    Column("invoice_number", Code),
    Column("amount_minor", BigInteger, nullable=False),
    Column("counterparty_iban", String(34)),
    Column("counterparty_name", Text),
    Column("remittance", Text, nullable=False, default=""),
    Column("evidence", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, default="sent"),
    Column("cleared_line_id", Integer, ForeignKey("statement_lines.id")),
    Column("booking", Text),
    Column("reject_reason", Text),
    Column("rejected_entry_id", Integer, ForeignKey("journal_entries.id")),
    UniqueConstraint("sent_batch_id", "position", name="uq_sent_batch_items_batch_position"),
    CheckConstraint(one_of("status", "sent", "cleared", "rejected"), name="status"),
    Index("ix_sent_batch_items_cleared_line", "cleared_line_id"),
)
