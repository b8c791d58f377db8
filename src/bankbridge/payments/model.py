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

The bank's answer to a sent message, a pain.002 customer payment status report, is a
:class:`StatusReport`: the status of the message as a whole, of its batches
(:class:`BatchStatusReport`) and of single instructions (:class:`TransactionStatus`),
each with the ISO reason (:class:`StatusReason`) when one is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from bankbridge.ledger.model import Posting, Settlement
from bankbridge.statements.model import Source

BatchKind = Literal["payment", "direct_debit"]
BatchStatus = Literal["sent", "cleared", "rejected"]
NOT_EXECUTED = frozenset({"RJCT", "CANC"})
"""pain.002 statuses of an instruction the bank will not carry out (rejected, cancelled)."""


@dataclass(frozen=True, slots=True)
class PaymentInstruction:
    """One credit transfer (``CdtTrfTxInf``) or collection (``DrctDbtTxInf``)."""

    end_to_end_id: str | None
    amount: Decimal
    currency: str
    counterparty_iban: str | None = None
    counterparty_name: str | None = None
    remittance: str | None = None
    """The remittance text: ``RmtInf/Ustrd``, then the numbers of the referred documents
    (``RmtInf/Strd/RfrdDocInf/Nb``: the invoices paid) and ``RmtInf/Strd/AddtlRmtInf``."""
    reference: str | None = None
    """The structured creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``, of the first
    ``Strd`` that has one)."""
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
    postings: tuple[Posting, ...] | None = ()
    """This instruction's legs of the batch's journal entry (``None``: registered before
    they were kept, revision 0004)."""
    settlements: tuple[Settlement, ...] = ()
    """The open items this instruction settled."""
    reject_reason: str | None = None
    """Why the bank rejected it (pain.002), as ``AC04 closed account``."""


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
    bank_status: str | None = None
    """The last status the bank reported (pain.002: ``ACSC``, ``PART``, ``RJCT`` …)."""


@dataclass(frozen=True, slots=True)
class StatusReason:
    """One ``StsRsnInf``: an ISO reason code (``Rsn/Cd``) or the bank's own (``Rsn/Prtry``),
    and its additional information."""

    code: str | None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class TransactionStatus:
    """One ``TxInfAndSts``: the status of one instruction, found by its end-to-end id."""

    end_to_end_id: str | None
    status: str | None
    reasons: tuple[StatusReason, ...] = ()
    instruction_id: str | None = None
    amount: Decimal | None = None
    """``OrgnlTxRef/Amt/InstdAmt`` when the bank repeats it."""
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class BatchStatusReport:
    """One ``OrgnlPmtInfAndSts``: the status of a batch and of single instructions in it."""

    batch_id: str
    status: str | None
    reasons: tuple[StatusReason, ...] = ()
    transactions: tuple[TransactionStatus, ...] = ()
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A pain.002 customer payment status report about one message we sent."""

    message_id: str
    created: date
    version: str
    """The namespace's message version, e.g. ``pain.002.001.03``."""
    original_message_id: str
    original_message_name: str | None
    group_status: str | None
    group_reasons: tuple[StatusReason, ...] = ()
    batches: tuple[BatchStatusReport, ...] = ()
    source: Source | None = None
    original_source: Source | None = None
    """Where ``OrgnlGrpInfAndSts`` is (for errors about the original message)."""
