"""The domain model of the books, as plain immutable records (no database here).

Money is ``Decimal``. Codes and numbers are strings exactly as the user wrote them.
A relation, journal or open item is identified by its administration plus its own key;
a GL account by its environment plus its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bankbridge.statements.twin import twin_of


class RelationKind(StrEnum):
    """Debtor (customer) or creditor (supplier)."""

    DEBTOR = "debtor"
    CREDITOR = "creditor"


class BankAccountStatus(StrEnum):
    """R-C6: an account added automatically waits for approval when the workflow is on."""

    APPROVED = "approved"
    UNDER_REVIEW = "under_review"


class GLAccountType(StrEnum):
    """The five kinds of general-ledger account."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    REVENUE = "revenue"
    EXPENSE = "expense"


class StatementStatus(StrEnum):
    """Processing state of a bank statement."""

    IN_PROGRESS = "in_progress"
    PROCESSED = "processed"


@dataclass(frozen=True, slots=True)
class Environment:
    """A tenant (R-A1). ``main_environment`` is the environment it uses for bank
    communication; ``None`` means itself (standalone or a main environment)."""

    code: str
    name: str = ""
    main_environment: str | None = None


@dataclass(frozen=True, slots=True)
class Administration:
    """One set of books inside an environment, with its processing settings (R-C1…R-C5)."""

    code: str
    environment: str
    name: str = ""
    invoice_ref_start: int | None = None
    invoice_ref_length: int | None = None
    invoice_range_from: str | None = None
    invoice_range_to: str | None = None
    tax_office_iban: str | None = None
    bsn_search_value: str | None = None
    bsn_match_open_invoice: bool = False
    direct_debit_in_transit: bool = False
    payments_in_transit: bool = False
    in_transit_gl_account: str | None = None
    payment_difference_tolerance: Decimal = Decimal(0)
    payment_difference_gl_account: str | None = None


@dataclass(frozen=True, slots=True)
class GLAccount:
    """A general-ledger account of an environment (optionally of one administration)."""

    environment: str
    number: str
    name: str = ""
    type: GLAccountType = GLAccountType.ASSET
    administration: str | None = None
    axes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Journal:
    """A bank journal: one bank account (IBAN), currency and contra GL account (R-A3),
    with its voucher counter (R-A4) and posting-profile flags (R-C6, R-C7)."""

    administration: str
    code: str
    iban: str
    currency: str
    gl_account: str
    name: str = ""
    bic: str | None = None
    voucher_counter: int = 0
    voucher_from_statement_number: bool = False
    auto_add_bank_account: bool = False
    approval_workflow: bool = False
    auto_process: bool = False


@dataclass(frozen=True, slots=True)
class Relation:
    """A debtor or creditor of an administration (R-A5)."""

    administration: str
    number: str
    kind: RelationKind
    name: str = ""
    bsn: str | None = None
    blocked: bool = False


@dataclass(frozen=True, slots=True)
class RelationBankAccount:
    """An IBAN of a relation with its approval status (R-A5, R-C6)."""

    administration: str
    relation: str
    iban: str
    status: BankAccountStatus = BankAccountStatus.APPROVED


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An unpaid (part of an) invoice (R-A6). ``amount`` is open in the item's direction:
    positive = to be received from a debtor or paid to a creditor; negative = credit note."""

    administration: str
    invoice_number: str
    relation: str
    amount: Decimal
    currency: str
    invoice_date: date | None = None
    due_date: date | None = None
    payment_reference: str | None = None
    description: str = ""

    def __hash__(self) -> int:
        # By its key, which equal items share: the generated hash made a tuple of all nine
        # fields (a Decimal and two dates among them) for every dict and set of items.
        return hash((self.administration, self.invoice_number))


@dataclass(frozen=True, slots=True)
class TransactionCode:
    """A bank's transaction code and the GL account it books on (R-D6)."""

    environment: str
    bank: str
    code: str
    gl_account: str
    search_value: str = ""
    description: str = ""
    commission_gl_account: str | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """Cost allocation of a transaction code (R-D7): when ``search_value`` occurs on the
    third ``:86:`` line, the amount is split onto these dimension codes per axis."""

    environment: str
    bank: str
    code: str
    code_search_value: str
    search_value: str
    axis_codes: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class LedgerBundle:
    """All master data of a ledger bundle (``ledger-import.md``), in file order."""

    environments: tuple[Environment, ...] = ()
    administrations: tuple[Administration, ...] = ()
    gl_accounts: tuple[GLAccount, ...] = ()
    journals: tuple[Journal, ...] = ()
    relations: tuple[Relation, ...] = ()
    relation_bank_accounts: tuple[RelationBankAccount, ...] = ()
    open_items: tuple[OpenItem, ...] = ()
    transaction_codes: tuple[TransactionCode, ...] = ()
    allocations: tuple[Allocation, ...] = ()


@dataclass(frozen=True, slots=True)
class Posting:
    """One leg of a journal entry. ``amount`` is signed: debit positive, credit negative
    (so the bank GL account is debited by money in). ``allocations`` maps axis → code."""

    gl_account: str
    amount: Decimal
    relation: str | None = None
    allocations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Settlement:
    """Part of a payment applied to an open item."""

    invoice_number: str
    relation: str
    amount: Decimal


new_posting = twin_of(Posting).make
new_settlement = twin_of(Settlement).make
"""``Posting(…)`` and ``Settlement(…)``, the same arguments, made without the frozen
``__init__`` (:mod:`bankbridge.statements.twin`): the engine makes several per line."""


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A balanced double-entry booking on a bank journal (R-D9)."""

    administration: str
    journal: str
    voucher_number: str
    entry_date: date
    currency: str
    postings: tuple[Posting, ...]
    settlements: tuple[Settlement, ...] = ()
    description: str = ""

    def imbalance(self) -> Decimal:
        """Σ postings; zero for a balanced entry."""
        return sum((p.amount for p in self.postings), Decimal(0))


@dataclass(frozen=True, slots=True)
class StoredStatement:
    """A stored daily statement as import sees it (one per journal per date, R-E8)."""

    id: int
    administration: str
    journal: str
    statement_date: date
    status: str
    closing_minor: int | None
    last_position: int
    warnings: str


@dataclass(frozen=True, slots=True)
class NewLines:
    """Where new statement lines go: their statement, account, currency and source file."""

    statement_id: int
    account_iban: str
    currency: str
    source_file: str
