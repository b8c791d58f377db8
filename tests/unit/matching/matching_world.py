"""A small, readable world of books for the matching tests (administration A1)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from bankbridge.identifiers.references import nl_check_digit
from bankbridge.ledger.model import (
    Administration,
    Allocation,
    GLAccount,
    Journal,
    OpenItem,
    Relation,
    RelationBankAccount,
    RelationKind,
    TransactionCode,
)
from bankbridge.matching import Books, Decision, InTransitBatch, LineInput, decide
from bankbridge.statements.model import StatementLine

D = Decimal
BANK_IBAN = "NL80RABO5806583321"
IBAN_10001 = "NL22KNAB6197875328"
IBAN_10002 = "NL69ABNA7774981744"
IBAN_20001 = "NL62RABO3879702798"
UNKNOWN_IBAN = "NL91ABNA0417164300"
TAX_OFFICE = "NL86INGB0002445588"

ADMIN = Administration(
    code="A1",
    environment="E1",
    invoice_ref_start=8,
    invoice_ref_length=8,
    invoice_range_from="20260001",
    invoice_range_to="20269999",
    tax_office_iban=TAX_OFFICE,
    bsn_search_value="kinderopvang",
    bsn_match_open_invoice=True,
    in_transit_gl_account="1650",
    payment_difference_tolerance=D("0.05"),
    payment_difference_gl_account="4900",
)
JOURNAL = Journal("A1", "BNK", BANK_IBAN, "EUR", "1100", bic="RABONL2U")
RELATIONS = (
    Relation("A1", "10001", RelationKind.DEBTOR, "Lotte de Vries", bsn="111222333"),
    Relation("A1", "10002", RelationKind.DEBTOR, "De Groot"),
    Relation("A1", "20001", RelationKind.CREDITOR, "Leverancier BV"),
    Relation("A1", "90000", RelationKind.DEBTOR, "Belastingdienst"),
)
ACCOUNTS = (
    RelationBankAccount("A1", "10001", IBAN_10001),
    RelationBankAccount("A1", "10002", IBAN_10002),
    RelationBankAccount("A1", "20001", IBAN_20001),
    RelationBankAccount("A1", "90000", TAX_OFFICE),
)
GL_ACCOUNTS = (
    GLAccount("E1", "1010", "Kruisposten pin", axes=("1", "2")),
    GLAccount("E1", "1100", "Bank"),
)


def ref(invoice: str) -> str:
    """A valid 16-digit Dutch payment reference carrying ``invoice`` at position 8."""
    payload = invoice.rjust(15, "0")
    return f"{nl_check_digit(payload)}{payload}"


def item(number: str, relation: str, amount: str, *, reference: str | None = None, currency: str = "EUR") -> OpenItem:
    """An open item of A1."""
    return OpenItem("A1", number, relation, D(amount), currency, payment_reference=reference)


def books(
    items: tuple[OpenItem, ...] = (),
    *,
    admin: Administration = ADMIN,
    journal: Journal = JOURNAL,
    relations: tuple[Relation, ...] = RELATIONS,
    accounts: tuple[RelationBankAccount, ...] = ACCOUNTS,
    codes: tuple[TransactionCode, ...] = (),
    allocations: tuple[Allocation, ...] = (),
    in_transit: tuple[InTransitBatch, ...] = (),
) -> Books:
    """The world's books with these open items (and optional overrides)."""
    return Books.build(
        administrations=(admin,),
        journals=(journal,),
        gl_accounts=GL_ACCOUNTS,
        relations=relations,
        relation_bank_accounts=accounts,
        open_items=items,
        transaction_codes=codes,
        allocations=allocations,
        in_transit=in_transit,
    )


def line(amount: str, line_id: int = 1, **fields: Any) -> LineInput:
    """A line of journal BNK with these statement-line fields."""
    stmt = StatementLine(amount=D(amount), currency="EUR", **fields)
    return LineInput(line_id, "A1", "BNK", JOURNAL.bic, BANK_IBAN, "EUR", stmt)


def one(entry: LineInput, world: Books) -> Decision:
    """Decide a single line."""
    (decision,) = decide([entry], world)
    return decision


def admin(**changes: Any) -> Administration:
    """The administration with some settings changed."""
    return replace(ADMIN, **changes)


def balanced(decision: Decision) -> bool:
    """Σ postings = 0."""
    return sum((p.amount for p in decision.postings), D(0)) == 0
