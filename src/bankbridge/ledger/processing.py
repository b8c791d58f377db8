"""Records of processing: a line waiting for a decision, what is written back for it,
and the journal entry of a booked line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bankbridge.ledger.model import Posting, Settlement
from bankbridge.statements.model import StatementLine


@dataclass(frozen=True, slots=True)
class PendingLine:
    """A stored statement line not booked yet, with its statement's voucher number."""

    line_id: int
    statement_id: int
    administration: str
    journal: str
    bank_bic: str | None
    account_iban: str
    currency: str
    voucher_number: str
    line: StatementLine
    status: str = "open"


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What is written back on a line: status, rule, evidence, score, candidates (JSON)."""

    line_id: int
    status: str
    rule: str | None
    evidence: str
    score: int
    candidates: str = "[]"


@dataclass(frozen=True, slots=True)
class Booking:
    """The journal entry of one booked line (R-D9)."""

    line_id: int
    administration: str
    journal: str
    voucher_number: str
    entry_date: date
    currency: str
    rule: str | None
    postings: tuple[Posting, ...]
    settlements: tuple[Settlement, ...] = ()
    description: str = ""
