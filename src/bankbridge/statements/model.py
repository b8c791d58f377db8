"""The one normalised, immutable statement model every format parses into.

Whatever the source (MT940, CAMT, CODA, OFX, a bank API), a statement is a
:class:`Statement` holding :class:`StatementLine` records. Every field the source
carries lands here; a field the source does not carry is ``None`` (or an empty
tuple): nothing is guessed. Amounts are signed ``Decimal``: a credit to the account
(money in) is positive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

FormatName = Literal["mt940", "mt942", "camt053", "camt052", "camt054", "coda", "ofx", "api"]
ReferenceType = Literal["CUR", "ISO", "BBA", "OTHER"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: file name, 1-based line (or record) number, XML path."""

    file: str
    line: int | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Balance:
    """A signed balance on a date (credit positive). ``kind`` is the source's code
    (``OPBD``, ``CLBD``, ``PRCD``, ``ITBD``, ``CLAV``, ``FWAV``, ``60F``, ``60M``, …)."""

    date: date
    amount: Decimal
    currency: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One bank transaction (or one item of a batch entry, see ``items``)."""

    amount: Decimal
    booking_date: date | None = None
    value_date: date | None = None
    currency: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    counterparty_name: str | None = None
    bank_reference: str | None = None
    customer_reference: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    payment_reference: str | None = None
    payment_reference_type: ReferenceType | None = None
    description: str | None = None
    bank_code: str | None = None
    iso_code: str | None = None
    return_reason: str | None = None
    batch_id: str | None = None
    batch_count: int | None = None
    charges: Decimal | None = None
    ultimate_debtor: str | None = None
    ultimate_creditor: str | None = None
    reversal: bool = False
    items: tuple[StatementLine, ...] = ()
    detail_lines: tuple[str, ...] = ()
    """The information lines as the bank wrote them (MT940 ``:86:`` lines, CODA
    communication records): cost allocation reads the third one (R-D7)."""
    extra: tuple[tuple[str, str], ...] = ()
    """Other named fields the source carries (code word → value), in source order."""
    raw: str = ""
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of one account (or an intraday report / notification)."""

    format: FormatName
    account: str
    """The account IBAN, or the bank's account number when the file has no IBAN."""
    currency: str | None
    lines: tuple[StatementLine, ...] = ()
    dialect: str = "generic"
    account_bic: str | None = None
    account_name: str | None = None
    statement_number: str | None = None
    sequence: str | None = None
    statement_id: str | None = None
    created: date | None = None
    opening_balance: Balance | None = None
    closing_balance: Balance | None = None
    other_balances: tuple[Balance, ...] = ()
    """Intermediate (``:60M:``/``:62M:``), available (``:64:``/``:65:``) and other typed balances."""
    information: str | None = None
    """Statement-level information (MT940 ``:86:`` after the last line, CAMT ``AddtlStmtInf``)."""
    raw: str = ""
    source: Source | None = None

    @property
    def account_iban(self) -> str | None:
        """The account when it is an IBAN, else ``None``."""
        from bankbridge.identifiers.iban import looks_like_iban

        return self.account if looks_like_iban(self.account) else None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A warning about a parsed statement that does not stop the import."""

    code: str
    message: str
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What a format's ``parse`` returns: the statements and what was noticed on the way."""

    statements: tuple[Statement, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
