"""The records the matching engine takes in and gives back.

In: :class:`LineInput` (one statement line with where it belongs) and the sent batches
:class:`InTransitBatch` (payments in transit, R-C1/R-C2). Out: one :class:`Decision` per
line, with its rule, a one-sentence evidence, a score, the balanced postings, the
settlements, scored :class:`Candidate` records for what is only proposed, and a new
bank account of the relation when R-C6 says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from bankbridge.ledger.model import Posting, RelationBankAccount, Settlement
from bankbridge.statements.model import StatementLine
from bankbridge.statements.twin import twin_of

Status = Literal["booked", "proposed", "open"]
Rule = Literal["bsn", "payment_reference", "iban", "invoice_number", "transaction_code", "in_transit"]
BatchKind = Literal["payment", "direct_debit"]


@dataclass(frozen=True, slots=True)
class LineInput:
    """One statement line to decide on, with its administration and bank journal.

    ``bank_bic`` is the BIC of the journal's bank: transaction codes are per bank and
    are compared on the first 8 characters. ``currency`` is the line's currency.
    """

    line_id: int
    administration: str
    journal: str
    bank_bic: str | None
    account_iban: str
    currency: str
    line: StatementLine


@dataclass(frozen=True, slots=True)
class InTransitItem:
    """One transaction of a sent batch. ``amount`` is positive: the batch kind gives the
    direction (a direct debit brings money in, a payment sends it out)."""

    end_to_end_id: str | None
    relation: str
    invoice_number: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class InTransitBatch:
    """A payment (pain.001) or direct-debit (pain.008) batch we sent; its open items were
    settled when it was made, and its amount waits on the in-transit GL account."""

    batch_id: str
    administration: str
    kind: BatchKind
    total: Decimal
    items: tuple[InTransitItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible interpretation of a line that was not booked automatically."""

    relation: str | None
    invoice_numbers: tuple[str, ...]
    amount: Decimal
    score: int
    reason: str
    gl_account: str | None = None


new_candidate = twin_of(Candidate).make
"""``Candidate(…)``, the same arguments, made without the frozen ``__init__``."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the engine decided for one line (R-D9, R-D10).

    ``postings`` (only when booked) balance to zero; the bank GL account leg equals the
    line amount (debit positive). ``evidence`` is one sentence: why, or why not.
    """

    line_id: int
    status: Status
    rule: Rule | None
    evidence: str
    score: int
    postings: tuple[Posting, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    new_bank_account: RelationBankAccount | None = None
    transit_used: tuple[tuple[str, str, int], ...] = ()
    """Sent batch parts a booked line cleared: ``(administration, batch id, item index)``,
    index ``-1`` for the whole batch (the caller marks them cleared)."""
