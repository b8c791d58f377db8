"""Records of the batches we send to the bank: what a pain file instructs, and what is
kept of a sent batch once it is registered (payments in transit, R-C1/R-C2/R-D8).

A :class:`PaymentMessage` is one pain.001 (credit transfers: payments and refunds) or
pain.008 (direct debits) message as read: its ``PmtInf`` blocks are
:class:`PaymentBatch` records, each of one account, one date and its
:class:`PaymentInstruction` items. Amounts are positive as instructed; the kind gives
the direction (a direct debit brings money in, a payment sends it out). Every record
carries its :class:`~bankbridge.statements.model.Source` (file, line, XML path), so a
problem found while registering points back into the file.

A registered batch is a :class:`SentBatch` with :class:`SentItem` records: the relation
and the open item each instruction settled, and which statement line cleared it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from bankbridge.statements.model import Source

BatchKind = Literal["payment", "direct_debit"]
BatchStatus = Literal["sent", "cleared"]


@dataclass(frozen=True, slots=True)
class PaymentInstruction:
    """One credit transfer (``CdtTrfTxInf``) or collection (``DrctDbtTxInf``)."""

    end_to_end_id: str | None
    amount: Decimal
    currency: str
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    remittance: str | None = None
    """The unstructured remittance text (``RmtInf/Ustrd``)."""
    reference: str | None = None
    """The structured creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``)."""
    mandate_id: str | None = None
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class PaymentBatch:
    """One ``PmtInf``: the batch id the bank reports back, the account, the date, the items."""

    batch_id: str
    kind: BatchKind
    account_iban: str
    date: date
    """Requested execution date (pain.001) or collection date (pain.008)."""
    items: tuple[PaymentInstruction, ...]
    batch_booking: bool | None = None
    source: Source | None = None

    @property
    def total(self) -> Decimal:
        """The sum of the instructed amounts."""
        return sum((i.amount for i in self.items), Decimal(0))


@dataclass(frozen=True, slots=True)
class PaymentMessage:
    """A whole pain.001 / pain.008 message."""

    message_id: str
    kind: BatchKind
    version: str
    """The namespace's message version, e.g. ``pain.001.001.03``."""
    batches: tuple[PaymentBatch, ...]
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class SentItem:
    """One instruction of a registered batch. ``relation`` is ``None`` only when the
    counterparty is unknown; ``cleared_line`` is the statement line that cleared it."""

    position: int
    end_to_end_id: str | None
    relation: str | None
    invoice_number: str | None
    amount: Decimal
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    remittance: str = ""
    evidence: str = ""
    status: BatchStatus = "sent"
    cleared_line: int | None = None


@dataclass(frozen=True, slots=True)
class SentBatch:
    """A registered batch: its open items were settled against the in-transit GL account
    when it was sent; a statement line clears it (whole, or item by item)."""

    administration: str
    journal: str
    batch_id: str
    message_id: str
    kind: BatchKind
    date: date
    currency: str
    total: Decimal
    items: tuple[SentItem, ...]
    status: BatchStatus = "sent"
    cleared_line: int | None = None
    source_file: str = ""
    id: int | None = None
