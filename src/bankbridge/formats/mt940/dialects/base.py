"""What a bank dialect is, and the refinements most dialects share.

A dialect gets one parsed :class:`~bankbridge.formats.mt940.fields.Entry` (the ``:61:``
sub-fields plus the ``:86:`` lines) and returns :class:`Details`: counterparty, references
and description found in it. The reader turns entry + details into a ``StatementLine``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Protocol, cast

from bankbridge.formats.mt940.codewords import (
    CODE_WORD_SET,
    find_payment_reference,
    split_labels,
    squash,
)
from bankbridge.formats.mt940.fields import Entry
from bankbridge.formats.mt940.fields import looks_like_iban as iban_shape
from bankbridge.formats.mt940.records import FAST, LINE_FIELDS, LineSlots, SourceSlots
from bankbridge.statements.model import ReferenceType, Source, StatementLine

_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$")


class Details:
    """What a dialect found in one entry: counterparty, references, description and other
    named fields (mutable while it is being filled).

    It has the slots of ``StatementLine`` (``records.LineSlots``): :meth:`to_line` adds
    the fields of the ``:61:`` line and turns the object itself into the immutable line,
    so the reader's hot path copies nothing.
    """

    __slots__ = LINE_FIELDS

    counterparty_iban: str | None
    counterparty_bic: str | None
    counterparty_name: str | None
    end_to_end_id: str | None
    mandate_id: str | None
    creditor_id: str | None
    payment_reference: str | None
    payment_reference_type: ReferenceType | None
    description: str | None
    return_reason: str | None
    batch_id: str | None
    batch_count: int | None
    ultimate_debtor: str | None
    ultimate_creditor: str | None
    extra: list[tuple[str, str]]

    def __init__(self, *, extra: list[tuple[str, str]] | None = None) -> None:
        self.counterparty_iban = None
        self.counterparty_bic = None
        self.counterparty_name = None
        self.end_to_end_id = None
        self.mandate_id = None
        self.creditor_id = None
        self.payment_reference = None
        self.payment_reference_type = None
        self.description = None
        self.return_reason = None
        self.batch_id = None
        self.batch_count = None
        self.ultimate_debtor = None
        self.ultimate_creditor = None
        self.extra = [] if extra is None else extra

    def __repr__(self) -> str:
        found = ", ".join(f"{name}={getattr(self, name)!r}" for name in DETAIL_FIELDS)
        return f"Details({found})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Details):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in DETAIL_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def to_line(  # noqa: PLR0917 - the :61: fields, positional for speed
        self,
        amount: Decimal,
        booking_date: date | None,
        value_date: date | None,
        currency: str | None,
        bank_reference: str | None,
        customer_reference: str | None,
        bank_code: str | None,
        reversal: bool,
        detail_lines: tuple[str, ...],
        raw: str,
        file: str,
        line_number: int,
    ) -> StatementLine:
        """The ``StatementLine`` of these details and the ``:61:`` fields (``file`` and
        ``line_number`` its source); this object becomes that line (do not use it as
        ``Details`` afterwards)."""
        reference_type = self.payment_reference_type if self.payment_reference else None
        if not FAST:
            return StatementLine(
                amount=amount,
                booking_date=booking_date,
                value_date=value_date,
                currency=currency,
                counterparty_iban=self.counterparty_iban,
                counterparty_bic=self.counterparty_bic,
                counterparty_name=self.counterparty_name,
                bank_reference=bank_reference,
                customer_reference=customer_reference,
                end_to_end_id=self.end_to_end_id,
                mandate_id=self.mandate_id,
                creditor_id=self.creditor_id,
                payment_reference=self.payment_reference,
                payment_reference_type=reference_type,
                description=self.description,
                bank_code=bank_code,
                return_reason=self.return_reason,
                batch_id=self.batch_id,
                batch_count=self.batch_count,
                ultimate_debtor=self.ultimate_debtor,
                ultimate_creditor=self.ultimate_creditor,
                reversal=reversal,
                detail_lines=detail_lines,
                extra=tuple(self.extra),
                raw=raw,
                source=Source(file, line_number),
            )
        source = SourceSlots()  # becomes the Source, as self becomes the line
        source.file = file
        source.line = line_number
        source.path = None
        source.__class__ = Source  # type: ignore[assignment]
        line = cast(LineSlots, self)
        line.extra = tuple(self.extra)
        line.payment_reference_type = reference_type
        line.amount = amount
        line.booking_date = booking_date
        line.value_date = value_date
        line.currency = currency
        line.bank_reference = bank_reference
        line.customer_reference = customer_reference
        line.bank_code = bank_code
        line.iso_code = None
        line.charges = None
        line.reversal = reversal
        line.items = ()
        line.detail_lines = detail_lines
        line.raw = raw
        line.source = cast(Source, source)
        line.__class__ = StatementLine  # type: ignore[assignment]  # see records.py
        return cast(StatementLine, line)


DETAIL_FIELDS = (
    "counterparty_iban",
    "counterparty_bic",
    "counterparty_name",
    "end_to_end_id",
    "mandate_id",
    "creditor_id",
    "payment_reference",
    "payment_reference_type",
    "description",
    "return_reason",
    "batch_id",
    "batch_count",
    "ultimate_debtor",
    "ultimate_creditor",
    "extra",
)


class Dialect(Protocol):
    """A bank's way of filling ``:61:`` and ``:86:``."""

    @property
    def name(self) -> str:
        """The ``Statement.dialect`` value (``rabobank``, ``ing``, …)."""

    def refine(self, entry: Entry) -> Details: ...


def is_bic(text: str) -> bool:
    """Shape test of a BIC (8 or 11 characters)."""
    return _BIC.match(text) is not None


def joined(entry: Entry) -> str:
    """The ``:86:`` lines joined without separators (banks wrap structured text mid-word)."""
    return "".join(entry.detail)


LINE_WIDTH = 65
"""The width of a ``:86:`` line (SWIFT 6*65x)."""


def unwrap(lines: list[str] | tuple[str, ...]) -> str:
    """Lines of a bank that wraps its text hard at :data:`LINE_WIDTH` as one text: a
    line of the full width was wrapped (inside a word, or after a blank it keeps), a
    shorter one ended where the text did (ASN/SNS pad lines with blanks, ING does not)."""
    parts: list[str] = []
    for line in lines:
        if parts and len(parts[-1]) < LINE_WIDTH:
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def text_of(entry: Entry) -> str:
    """The ``:86:`` lines as one text with single spaces (for free-text layouts)."""
    return squash(" ".join(entry.detail))


def none_if_empty(value: str | None) -> str | None:
    """``None`` for empty values and the SEPA filler ``NOTPROVIDED``."""
    if not value:
        return None
    if value[0] == " " or value[-1] == " ":
        value = value.strip()
    if not value or (len(value) == 11 and value.upper() == "NOTPROVIDED"):
        return None
    return value


_ACCOUNTS: dict[str, str | None] = {}


def counterparty_account(value: str) -> str | None:
    """An IBAN (upper case, without spaces) or a bank account number in ``value``; the
    few counterparties of a file recur, so the answers are remembered."""
    known = _ACCOUNTS.get(value, "")
    if known != "":
        return known
    text = value.replace(" ", "")
    account = text.upper() if iban_shape(text) else text if text.isdigit() and text.strip("0") else None
    if len(_ACCOUNTS) >= 4096:
        _ACCOUNTS.clear()
    _ACCOUNTS[value] = account
    return account


def set_counterparty_account(details: Details, value: str | None) -> None:
    """Fill the counterparty account from an IBAN or a bank account number."""
    if not value or details.counterparty_iban:
        return
    account = counterparty_account(value)
    if account is not None:
        details.counterparty_iban = account


def reference_type(issuer: str) -> ReferenceType:
    """``CUR`` (Dutch betalingskenmerk), ``ISO`` (RF creditor reference) or ``OTHER``."""
    issuer = issuer.strip().upper()
    return "CUR" if issuer == "CUR" else "ISO" if issuer == "ISO" else "OTHER"


def apply_remittance(details: Details, value: str) -> None:
    """``/REMI/``: ING ``USTD//text``, ``STRD/CUR/ref``; Rabobank/ABN plain text."""
    if value.startswith("USTD/"):
        details.description = none_if_empty(value[5:].lstrip("/")) or details.description
        return
    if value.startswith("STRD/"):
        kind, _, ref = value[5:].partition("/")
        details.payment_reference = none_if_empty(ref.strip("/"))
        details.payment_reference_type = reference_type(kind)
        return
    details.description = none_if_empty(value) or details.description


_PARENTS = frozenset({"BENM", "ORDP", "ULTD", "ULTC", "ULTB", "CDTRREFTP"})


def _apply_name(details: Details, parent: str | None, value: str) -> None:
    name = none_if_empty(value)
    if parent in ("ULTD",):
        details.ultimate_debtor = name
    elif parent in ("ULTC", "ULTB"):
        details.ultimate_creditor = name
    elif details.counterparty_name is None:
        details.counterparty_name = name


def _apply_party(details: Details, parent: str | None, code: str, value: str) -> None:
    if code == "NAME":
        _apply_name(details, parent, value)
    elif parent in ("ULTD", "ULTC", "ULTB"):
        details.extra.append((f"{parent} {code}", value))
    elif code == "BIC":
        if is_bic(value.strip()):
            details.counterparty_bic = value.strip()
    else:
        set_counterparty_account(details, value)


def _apply_cntp(details: Details, value: str) -> None:
    parts = value.split("/")
    parts += [""] * (4 - len(parts))
    set_counterparty_account(details, parts[0])
    details.counterparty_bic = none_if_empty(parts[1]) or details.counterparty_bic
    details.counterparty_name = none_if_empty("/".join(parts[2:-1]) if len(parts) > 4 else parts[2])
    if parts[-1].strip() and len(parts) >= 4:
        details.extra.append(("CNTP city", parts[-1].strip()))


_SIMPLE = {
    "EREF": "end_to_end_id",
    "MARF": "mandate_id",
    "CSID": "creditor_id",
    "PREF": "batch_id",
    "RTRN": "return_reason",
    "CDTRREF": "payment_reference",
}


_KIND = {
    **dict.fromkeys(_SIMPLE, 1),
    "NAME": 2,
    **dict.fromkeys(_PARENTS, 3),
    "REMI": 4,
    "ISSR": 5,
    "IBAN": 6,
    "BBAN": 6,
    "BIC": 6,
    "CNTP": 7,
    "ACCW": 8,
    "NRTX": 9,
}


def apply_code_words(details: Details, pieces: list[str]) -> None:  # noqa: C901, PLR0912, PLR0915 - hot loop, flat
    """Fill ``details`` from SEPA code words (standards §3.4) of a text given as its
    ``split("/")``: the code words and values
    :func:`~bankbridge.formats.mt940.codewords.split_code_words` finds, walked here in
    the same way without building the pairs (the reader's hot path).

    Values are stripped, so ``none_if_empty`` is only called for the rare value it may
    change (empty, 11 characters like ``NOTPROVIDED``, a blank before a ``/``)."""
    codes, kinds, last = CODE_WORD_SET, _KIND, len(pieces) - 1
    parent: str | None = None
    start = 1
    while start < last and pieces[start] not in codes:
        start += 1
    while start < last:  # pieces[start] is a code word, the piece after it part of its value
        code, end = pieces[start], start + 2
        if (end < last and pieces[end] in codes) or end > last:  # a one-piece value: no "/" in it
            value = simple = pieces[start + 1].strip()
        else:
            while end < last and pieces[end] not in codes:
                end += 1
            if end >= last:
                end = last + 1
            value = "/".join(pieces[start + 1 : end])
            value = (value[:-1] if value[-1:] == "/" else value).strip()
            simple = value.rstrip("/")
            if simple[-1:] == " ":
                simple = ""  # make the test below fall back to none_if_empty
        start = end
        kind = kinds.get(code, 0)
        if kind == 1:  # EREF, and the other simple code words: the value without trailing "/"
            found = simple if simple and len(simple) != 11 else none_if_empty(value.rstrip("/"))
            if code == "EREF":
                details.end_to_end_id = found
            else:
                setattr(details, _SIMPLE[code], found)
        elif kind == 2:  # NAME, of the counterparty unless under ULTD/ULTC/ULTB
            if parent is None or parent in ("BENM", "ORDP", "CDTRREFTP"):
                if details.counterparty_name is None:
                    details.counterparty_name = value if value and len(value) != 11 else none_if_empty(value)
            else:
                _apply_name(details, parent, value)
        elif kind == 3:  # BENM, ORDP, ULTD, …: the parent of the NAME/IBAN/BIC that follow
            parent = code
            if value:
                _apply_parent_value(details, code, value)
        elif kind == 4:  # REMI
            if value and len(value) != 11 and value[:5] not in ("USTD/", "STRD/"):
                details.description = value
            elif value:
                apply_remittance(details, value)
        elif not kind:  # other code words: kept in extra
            if value:
                details.extra.append((code, value))
        elif kind == 5:
            details.payment_reference_type = reference_type(value)
        elif kind == 6:
            _apply_party(details, parent, code, value)
        elif kind == 7:
            _apply_cntp(details, value)
        elif kind == 8:
            _apply_cntp(details, value.replace(",", "/") + "//")
        elif kind == 9 and value.strip().isdigit():
            details.batch_count = int(value)
        elif value:
            details.extra.append((code, value))


def _apply_parent_value(details: Details, code: str, value: str) -> None:
    """ING writes ``/ULTD/name/id`` directly; others nest ``/ULTD//NAME/…``."""
    name = none_if_empty(value.split("/", maxsplit=1)[0])
    if code == "ULTD":
        details.ultimate_debtor = name
    elif code in ("ULTC", "ULTB"):
        details.ultimate_creditor = name
    else:
        details.extra.append((code, value))


def refine_structured(entry: Entry, details: Details) -> bool:
    """Apply code words when the ``:86:`` is structured; ``False`` when it is free text."""
    text = "".join(entry.detail)  # as joined(entry)
    if "/" not in text[:2] and not text.lstrip().startswith("/"):
        return False
    pieces = text.split("/")
    if len(pieces) < 3 or pieces[1] not in CODE_WORD_SET or pieces[0].strip():  # no code word first
        return False
    apply_code_words(details, pieces)
    return True


def _fill(details: Details, attr: str, value: str | None) -> None:
    """Set ``attr`` unless a more specific source already did."""
    if getattr(details, attr) is None:
        setattr(details, attr, none_if_empty(value))


def refine_labels(entry: Entry, details: Details) -> None:
    """Older Dutch free text: ``IBAN: … BIC: … NAAM: … OMSCHRIJVING: … KENMERK: …``."""
    text = text_of(entry)
    head, labels = split_labels(text)
    kenmerk = labels.get("BETALINGSKENM.") or labels.get("BETALINGSKENMERK")
    reference = kenmerk.split(" ")[0] if kenmerk else find_payment_reference(text)
    if reference and details.payment_reference is None:
        details.payment_reference, details.payment_reference_type = reference, "CUR"
    if not labels:
        _fill(details, "description", text)
        return
    rek = labels.get("REK") or labels.get("IBAN")
    set_counterparty_account(details, rek.split("/")[0] if rek else None)
    bic = labels.get("BIC", "").split(" ")[0]
    _fill(details, "counterparty_bic", bic if is_bic(bic) else None)
    _fill(details, "counterparty_name", labels.get("NAAM"))
    _fill(details, "end_to_end_id", labels.get("KENMERK"))
    _fill(details, "mandate_id", labels.get("MACHTIGING"))
    _fill(details, "creditor_id", labels.get("INCASSANT"))
    description = labels.get("OMSCHRIJVING") or (head if labels.keys() <= {"REK", "NAAM"} else None)
    _fill(details, "description", description or head)


def refine_default(entry: Entry) -> Details:
    """Code words when structured, else labels / free text."""
    details = Details()
    if not refine_structured(entry, details):
        refine_labels(entry, details)
    return details
