"""A statement line as it is stored: the record import builds before it takes the
database's write lock, so the lock is held only for the database's own work.

:data:`LINE_COLUMNS` names the fields of :func:`line_record` in order; the storage layer
adds the statement, account, source file, position and the line's initial status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from bankbridge.money import to_minor
from bankbridge.statements.model import StatementLine

LINE_COLUMNS = (
    "identity",
    "booking_date",
    "value_date",
    "amount_minor",
    "currency",
    "counterparty_iban",
    "counterparty_bic",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "mandate_id",
    "payment_reference",
    "description",
    "bank_code",
    "iso_code",
    "detail",
    "raw",
    "source_line",
)

LineRecord = tuple[
    str,
    date | None,
    date | None,
    int,
    str,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str,
    str,
    int | None,
]
"""The values of :data:`LINE_COLUMNS` for one line."""


def _item(li: StatementLine) -> dict[str, Any]:
    return {
        "amount": str(li.amount),
        "booking_date": li.booking_date and li.booking_date.isoformat(),
        "counterparty_iban": li.counterparty_iban,
        "counterparty_name": li.counterparty_name,
        "counterparty_bic": li.counterparty_bic,
        "end_to_end_id": li.end_to_end_id,
        "payment_reference": li.payment_reference,
        "description": li.description,
        "bank_reference": li.bank_reference,
        "mandate_id": li.mandate_id,
    }


def json_writer(*, sort_keys: bool = False) -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)`` for values without
    reference cycles, with CPython's C encoder made once. ``JSONEncoder.encode`` makes a new
    one, and a dictionary for its check for cycles, on every call: a line's record took
    37,900 instructions with it, 29,100 without (every line imported has a detail)."""
    plain = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys)
    make: Any = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has the C encoder
        return plain.encode
    # markers (none: no check for cycles), default, string encoder (ensure_ascii off),
    # indent, key and item separators, sort_keys, skipkeys, allow_nan: as ``plain``'s
    chunks = make(None, plain.default, json.encoder.encode_basestring, None, ": ", ", ", sort_keys, False, True)

    def write(value: Any) -> str:
        return "".join(chunks(value, 0))

    return write


_encode_detail = json_writer(sort_keys=True)


_PLAIN_DETAIL = (
    "batch_count",
    "batch_id",
    "creditor_id",
    "customer_reference",
    "payment_reference_type",
    "return_reason",
    "ultimate_creditor",
    "ultimate_debtor",
)


def line_detail(line: StatementLine) -> str:
    """The fields of a line without their own column, as JSON with sorted keys (items of a
    batch included); absent fields are left out, so a plain line gives ``{}``."""
    detail: dict[str, Any] = {name: value for name in _PLAIN_DETAIL if (value := getattr(line, name)) is not None}
    if line.charges is not None:
        detail["charges"] = str(line.charges)
    if line.detail_lines:
        detail["detail_lines"] = list(line.detail_lines)
    if line.extra:
        detail["extra"] = dict(line.extra)
    if line.items:
        detail["items"] = [_item(li) for li in line.items]
    if line.reversal:
        detail["reversal"] = line.reversal
    return _encode_detail(detail) if detail else "{}"


def line_record(identity: str, line: StatementLine, currency: str) -> LineRecord:
    """The stored values of ``line`` in a journal of ``currency`` (see :data:`LINE_COLUMNS`)."""
    return (
        identity,
        line.booking_date,
        line.value_date,
        to_minor(line.amount, currency),
        line.currency or currency,
        line.counterparty_iban,
        line.counterparty_bic,
        line.counterparty_name,
        line.bank_reference,
        line.end_to_end_id,
        line.mandate_id,
        line.payment_reference,
        line.description,
        line.bank_code,
        line.iso_code,
        line_detail(line),
        line.raw,
        line.source.line if line.source else None,
    )
