"""CODA communications: free text, and the structured kinds of Febelfin Annex III we read.

The communication of a movement is one continuous field spread over records 2.1
(positions 63-115), 2.2 (11-63) and 2.3 (83-115); that of an information record over
3.1 (41-113), 3.2 (11-115) and 3.3 (11-100). The parts are joined as written (a word may
run over two records) and only then are blanks collapsed.

Structured types read here: ``101``/``102`` Belgian structured communication (OGM/VCS,
12 digits, checked mod 97), ``127`` SEPA direct debit (creditor id and mandate
reference), and in information records ``001`` (counterparty name and address). Other
structured types are kept as text, prefixed with their type.
"""

from __future__ import annotations

from dataclasses import dataclass

from bankbridge.errors import InvalidIdentifier
from bankbridge.identifiers.references import validate_ogm


@dataclass(frozen=True, slots=True)
class Communication:
    """What a movement's communication says, in the model's terms."""

    description: str | None = None
    payment_reference: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    invalid_reference: str | None = None
    """A reason when a structured reference failed its check (reported as a diagnostic)."""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Information:
    """What the information records (3.x) of a movement say."""

    text: str | None = None
    counterparty_name: str | None = None
    counterparty_address: str | None = None


def tidy(text: str) -> str | None:
    """Collapse runs of blanks into one space; ``None`` when nothing is left."""
    value = " ".join(text.split())
    return value or None


def ogm(content: str) -> Communication:
    """Type 101/102: the 12 digits of a Belgian structured communication."""
    digits = content[:12]
    if not digits.isdigit():
        return Communication(
            description=tidy(content),
            invalid_reference=f"structured communication {digits!r} is not 12 digits",
        )
    try:
        validate_ogm(digits)
    except InvalidIdentifier as exc:
        return Communication(payment_reference=digits, invalid_reference=str(exc))
    return Communication(payment_reference=digits)


def sepa_direct_debit(content: str) -> Communication:
    """Type 127: settlement date (6), type (1), scheme (1), paid/refused (1), creditor id
    (35), mandate reference (35), communication (62)."""
    extra = [
        ("sepa_dd_settlement_date", content[:6]),
        ("sepa_dd_type", content[6:7]),
        ("sepa_dd_scheme", content[7:8]),
        ("sepa_dd_paid_or_refused", content[8:9]),
    ]
    return Communication(
        description=tidy(content[79:141]),
        creditor_id=tidy(content[9:44]),
        mandate_id=tidy(content[44:79]),
        extra=tuple(extra),
    )


def movement(structured: bool, text: str) -> Communication:
    """Decode the joined communication of records 2.1-2.3."""
    if not structured:
        return Communication(description=tidy(text))
    kind, content = text[:3], text[3:]
    if kind in ("101", "102"):
        return ogm(content)
    if kind == "127":
        return sepa_direct_debit(content)
    body = tidy(content)
    return Communication(
        description=f"{kind}: {body}" if body else None,
        extra=(("structured_communication_type", kind),),
    )


def information(structured: bool, text: str) -> Information:
    """Decode the joined communication of records 3.1-3.3."""
    if structured and text[:3] == "001":
        content = text[3:]
        return Information(
            text=tidy(content),
            counterparty_name=tidy(content[:70]),
            counterparty_address=tidy(content[70:140]),
        )
    return Information(text=tidy(text[3:] if structured else text))
