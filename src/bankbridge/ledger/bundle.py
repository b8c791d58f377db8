"""The ledger bundle (``ledger-import.md``): which CSV files, which columns, and how a
cell becomes a value and back.

The table :data:`FILES` is the one description of the format; the reader, the writer
and the documentation tests all follow it. Cells are converted by small pure functions
that raise :class:`CellError`; the caller adds file, line and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bankbridge.errors import InputError, InvalidIdentifier
from bankbridge.identifiers import bsn as bsn_id
from bankbridge.identifiers import iban as iban_id
from bankbridge.identifiers import references
from bankbridge.ledger.model import (
    Administration,
    Allocation,
    BankAccountStatus,
    Environment,
    GLAccount,
    GLAccountType,
    Journal,
    OpenItem,
    Relation,
    RelationBankAccount,
    RelationKind,
    TransactionCode,
)
from bankbridge.money import exponent, format_amount, parse_decimal, quantize


class CellError(ValueError):
    """A cell that cannot be read; the message says what is wrong with it."""


# --- cell parsers (text → value) and formatters (value → text) -----------------------


def _text(cell: str) -> str:
    return cell


def _code(cell: str) -> str:
    if cell != cell.strip():
        raise CellError(f"{cell!r} has leading or trailing spaces")
    return cell


def _int(cell: str) -> int:
    if not re.fullmatch(r"-?\d+", cell):
        raise CellError(f"{cell!r} is not a whole number")
    return int(cell)


def _positive_int(cell: str) -> int:
    value = _int(cell)
    if value < 1:
        raise CellError(f"{cell!r} must be 1 or more")
    return value


def _non_negative_int(cell: str) -> int:
    value = _int(cell)
    if value < 0:
        raise CellError(f"{cell!r} must not be negative")
    return value


def _bool(cell: str) -> bool:
    # any case: spreadsheets write TRUE and FALSE (a dump writes true and false)
    low = cell.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    raise CellError(f"{cell!r} is not a boolean (write true or false)")


def _date(cell: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cell):
        raise CellError(f"{cell!r} is not a date (write YYYY-MM-DD)")
    try:
        return date.fromisoformat(cell)
    except ValueError as exc:
        raise CellError(f"{cell!r} is not a valid date") from exc


def _decimal(cell: str) -> Decimal:
    try:
        return parse_decimal(cell)
    except InputError as exc:
        raise CellError(f"{cell!r} is not an amount (write e.g. 1234.56 with a decimal point)") from exc


def _non_negative_decimal(cell: str) -> Decimal:
    value = _decimal(cell)
    if value < 0:
        raise CellError(f"{cell!r} must not be negative")
    return value


def _currency(cell: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", cell):
        raise CellError(f"{cell!r} is not an ISO 4217 currency code (three capitals, e.g. EUR)")
    return cell


def _iban(cell: str) -> str:
    try:
        return iban_id.validate(cell)
    except InvalidIdentifier as exc:
        raise CellError(str(exc)) from exc


def _bic(cell: str) -> str:
    try:
        return iban_id.validate_bic(cell)
    except InvalidIdentifier as exc:
        raise CellError(str(exc)) from exc


def _bsn(cell: str) -> str:
    try:
        return bsn_id.validate(cell)
    except InvalidIdentifier as exc:
        raise CellError(str(exc)) from exc


def _payment_reference(cell: str) -> str:
    try:
        return references.parse(cell).compact
    except InvalidIdentifier as exc:
        raise CellError(str(exc)) from exc


def _enum(kind: type[Any]) -> Callable[[str], Any]:
    def parse(cell: str) -> Any:
        try:
            return kind(cell)
        except ValueError as exc:
            allowed = ", ".join(member.value for member in kind)
            raise CellError(f"{cell!r} is not one of {allowed}") from exc

    return parse


def _axes(cell: str) -> tuple[str, ...]:
    parts = tuple(cell.split("|"))
    if any(not part or part != part.strip() for part in parts):
        raise CellError(f"{cell!r} is not a list of axis codes separated by |")
    if len(set(parts)) != len(parts):
        raise CellError(f"{cell!r} names an axis twice")
    return parts


def _axis_codes(cell: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for part in cell.split("|"):
        axis, sep, code = part.partition("=")
        if not sep or not axis or not code:
            raise CellError(f"{cell!r} is not a list of axis=code pairs separated by |")
        pairs.append((axis, code))
    if len({axis for axis, _ in pairs}) != len(pairs):
        raise CellError(f"{cell!r} names an axis twice")
    return tuple(pairs)


def _fmt(value: Any) -> str:  # noqa: PLR0911 - one return per kind of value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "|".join(f"{item[0]}={item[1]}" if isinstance(item, tuple) else item for item in value)
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


# --- the table ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name (also the record's field), how to read it, and its role."""

    name: str
    parse: Callable[[str], Any] = _code
    key: bool = False
    required: bool = False
    empty: Any = None
    """The value of an empty cell (the record's default)."""


@dataclass(frozen=True, slots=True)
class FileSpec:
    """One CSV file of the bundle."""

    name: str
    record: type[Any]
    columns: tuple[Column, ...]

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns if col.key)

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)


def _key(name: str) -> Column:
    return Column(name, _code, key=True, required=True)


FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "environments.csv",
        Environment,
        (
            _key("code"),
            Column("name", _text, empty=""),
            Column("main_environment"),
        ),
    ),
    FileSpec(
        "administrations.csv",
        Administration,
        (
            _key("code"),
            Column("environment", required=True),
            Column("name", _text, empty=""),
            Column("invoice_ref_start", _positive_int),
            Column("invoice_ref_length", _positive_int),
            Column("invoice_range_from"),
            Column("invoice_range_to"),
            Column("tax_office_iban", _iban),
            Column("bsn_search_value", _text),
            Column("bsn_match_open_invoice", _bool, empty=False),
            Column("direct_debit_in_transit", _bool, empty=False),
            Column("payments_in_transit", _bool, empty=False),
            Column("in_transit_gl_account"),
            Column("payment_difference_tolerance", _non_negative_decimal, empty=Decimal(0)),
            Column("payment_difference_gl_account"),
        ),
    ),
    FileSpec(
        "gl_accounts.csv",
        GLAccount,
        (
            _key("environment"),
            _key("number"),
            Column("name", _text, empty=""),
            Column("type", _enum(GLAccountType), required=True),
            Column("administration"),
            Column("axes", _axes, empty=()),
        ),
    ),
    FileSpec(
        "journals.csv",
        Journal,
        (
            _key("administration"),
            _key("code"),
            Column("name", _text, empty=""),
            Column("iban", _iban, required=True),
            Column("bic", _bic),
            Column("currency", _currency, required=True),
            Column("gl_account", required=True),
            Column("voucher_counter", _non_negative_int, empty=0),
            Column("voucher_from_statement_number", _bool, empty=False),
            Column("auto_add_bank_account", _bool, empty=False),
            Column("approval_workflow", _bool, empty=False),
            Column("auto_process", _bool, empty=False),
        ),
    ),
    FileSpec(
        "relations.csv",
        Relation,
        (
            _key("administration"),
            _key("number"),
            Column("kind", _enum(RelationKind), required=True),
            Column("name", _text, empty=""),
            Column("bsn", _bsn),
            Column("blocked", _bool, empty=False),
        ),
    ),
    FileSpec(
        "relation_bank_accounts.csv",
        RelationBankAccount,
        (
            _key("administration"),
            _key("relation"),
            Column("iban", _iban, key=True, required=True),
            Column("status", _enum(BankAccountStatus), empty=BankAccountStatus.APPROVED),
        ),
    ),
    FileSpec(
        "open_items.csv",
        OpenItem,
        (
            _key("administration"),
            _key("invoice_number"),
            Column("relation", required=True),
            Column("invoice_date", _date),
            Column("due_date", _date),
            Column("amount", _decimal, required=True),
            Column("currency", _currency, required=True),
            Column("payment_reference", _payment_reference),
            Column("description", _text, empty=""),
        ),
    ),
    FileSpec(
        "transaction_codes.csv",
        TransactionCode,
        (
            _key("environment"),
            Column("bank", _bic, key=True, required=True),
            _key("code"),
            Column("search_value", _text, key=True, empty=""),
            Column("description", _text, empty=""),
            Column("gl_account", required=True),
            Column("commission_gl_account"),
        ),
    ),
    FileSpec(
        "allocations.csv",
        Allocation,
        (
            _key("environment"),
            Column("bank", _bic, key=True, required=True),
            _key("code"),
            Column("code_search_value", _text, key=True, empty=""),
            Column("search_value", _text, key=True, required=True),
            Column("axis_codes", _axis_codes, required=True),
        ),
    ),
)

SPECS: Mapping[str, FileSpec] = {spec.name: spec for spec in FILES}


def record_from_row(spec: FileSpec, row: Mapping[str, str]) -> tuple[Any, list[tuple[str, str]]]:
    """Build the record of one CSV row; returns it (or ``None``) and ``(column, problem)``s."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for col in spec.columns:
        cell = row.get(col.name) or ""
        if cell == "":
            if col.required:
                problems.append((col.name, "is required"))
            values[col.name] = col.empty
            continue
        try:
            values[col.name] = col.parse(cell)
        except CellError as exc:
            problems.append((col.name, str(exc)))
    if problems:
        return None, problems
    return spec.record(**values), []


def row_from_record(spec: FileSpec, record: Any) -> list[str]:
    """The CSV cells of a record, in the column order of the spec."""
    cells = []
    for col in spec.columns:
        value = getattr(record, col.name)
        if isinstance(value, Decimal) and col.name == "amount":
            value = quantize(value, getattr(record, "currency", "EUR"))
        cells.append(_fmt(value))
    return cells


def key_of(spec: FileSpec, record: Any) -> tuple[str, ...]:
    """The key columns' values of a record."""
    return tuple(str(_fmt(getattr(record, name))) for name in spec.key)


def decimals_allowed(amount: Decimal, currency: str) -> bool:
    """True when ``amount`` has no more decimals than ``currency`` allows."""
    exp = amount.as_tuple().exponent
    return isinstance(exp, int) and -exp <= exponent(currency)
