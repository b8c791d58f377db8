"""Fast construction of the model's frozen records for the reader's hot loop.

A frozen dataclass sets each field through ``object.__setattr__`` in its ``__init__``:
for the 29 fields of ``StatementLine`` that costs ~3 µs, as much as parsing the rest
of a transaction. Instead, a plain object with the *same* ``__slots__`` (``LineSlots``;
``dialects.base.Details`` has them too) gets its slots filled by ordinary attribute
stores, and then becomes a real ``StatementLine`` by ``__class__`` assignment, which
Python allows between classes of identical slot layout. The result is
indistinguishable from ``StatementLine(...)``: same type, equality, hash, repr,
pickling, immutability. Should the model's fields ever differ from ``LINE_FIELDS``,
``FAST`` is false and the dataclass constructors are used (and
``tests/unit/formats/mt940/test_mt940_fastpath.py`` fails).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankbridge.statements.model import ReferenceType, Source, StatementLine


class LineSlots:
    """The slots of ``StatementLine`` on a mutable object."""

    __slots__ = (  # noqa: RUF023 - in the order of StatementLine's fields
        "amount",
        "booking_date",
        "value_date",
        "currency",
        "counterparty_iban",
        "counterparty_bic",
        "counterparty_name",
        "bank_reference",
        "customer_reference",
        "end_to_end_id",
        "mandate_id",
        "creditor_id",
        "payment_reference",
        "payment_reference_type",
        "description",
        "bank_code",
        "iso_code",
        "return_reason",
        "batch_id",
        "batch_count",
        "charges",
        "ultimate_debtor",
        "ultimate_creditor",
        "reversal",
        "items",
        "detail_lines",
        "extra",
        "raw",
        "source",
    )

    amount: Decimal
    booking_date: date | None
    value_date: date | None
    currency: str | None
    counterparty_iban: str | None
    counterparty_bic: str | None
    counterparty_name: str | None
    bank_reference: str | None
    customer_reference: str | None
    end_to_end_id: str | None
    mandate_id: str | None
    creditor_id: str | None
    payment_reference: str | None
    payment_reference_type: ReferenceType | None
    description: str | None
    bank_code: str | None
    iso_code: str | None
    return_reason: str | None
    batch_id: str | None
    batch_count: int | None
    charges: Decimal | None
    ultimate_debtor: str | None
    ultimate_creditor: str | None
    reversal: bool
    items: tuple[StatementLine, ...]
    detail_lines: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]
    raw: str
    source: Source | None


class SourceSlots:
    """The slots of ``Source`` on a mutable object."""

    __slots__ = ("file", "line", "path")
    file: str
    line: int | None
    path: str | None


LINE_FIELDS: tuple[str, ...] = LineSlots.__slots__
"""The slots of ``StatementLine`` in order (also those of ``dialects.base.Details``)."""
FAST = LineSlots.__slots__ == StatementLine.__slots__ and SourceSlots.__slots__ == Source.__slots__
