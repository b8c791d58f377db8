"""Small element builders shared by the CAMT.053.001.02 writer modules."""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from bankbridge.money import format_amount
from bankbridge.statements.model import StatementLine

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
_Q = f"{{{NAMESPACE}}}"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
Element = etree._Element


def sub(parent: Element, name: str, value: str | None = None, **attrs: str) -> Element:
    """A child ``name`` of ``parent`` (in the namespace) with ``value`` as text.

    Characters XML cannot hold (control codes) are dropped from the value."""
    element = etree.SubElement(parent, _Q + name, attrs)
    if value is not None:
        element.text = _NOT_XML.sub("", value)
    return element


def path(parent: Element, steps: str, value: str) -> Element:
    """``A/B/C`` below ``parent`` with ``value`` as the text of ``C``; returns ``C``."""
    *outer, last = steps.split("/")
    for name in outer:
        parent = sub(parent, name)
    return sub(parent, last, value)


def indicator(amount: Decimal) -> str:
    """``DBIT`` for a negative amount, else ``CRDT``."""
    return "DBIT" if amount < 0 else "CRDT"


def amount(parent: Element, name: str, value: Decimal, currency: str | None) -> None:
    """An unsigned amount element with its ``Ccy`` (``XXX`` when unknown)."""
    sub(parent, name, format_amount(abs(value)), Ccy=currency or "XXX")


def code(parent: Element, line: StatementLine) -> None:
    """``BkTxCd``: ``Domn`` from ``iso_code`` (``PMNT-RCDT-ESCT``) and ``Prtry/Cd``."""
    element = sub(parent, "BkTxCd")
    parts = (line.iso_code or "").split("-")
    if len(parts) >= 2 and all(parts):
        domain = sub(element, "Domn")
        sub(domain, "Cd", parts[0])
        family = sub(domain, "Fmly")
        sub(family, "Cd", parts[1])
        sub(family, "SubFmlyCd", "-".join(parts[2:]) or "OTHR")
    if line.bank_code:
        path(element, "Prtry/Cd", line.bank_code)


def charges(parent: Element, value: Decimal | None, currency: str | None) -> None:
    """``Chrgs`` with ``Amt`` and ``CdtDbtInd`` (the ``.02`` layout), when there are any."""
    if value is not None:
        element = sub(parent, "Chrgs")
        amount(element, "Amt", value, currency)
        sub(element, "CdtDbtInd", "CRDT" if value > 0 else "DBIT")
