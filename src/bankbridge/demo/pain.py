"""Writing sent batches as SEPA pain files, for the demo scenarios and the benchmarks.

:func:`pain001` (credit transfers, ``pain.001.001.03``) and :func:`pain008` (direct
debits, ``pain.008.001.02``) write one message holding one ``PmtInf`` per
:class:`Batch`; the output is valid against the official XSDs that ``sepaxml`` ships
(the tests check it) and reads back with :func:`bankbridge.payments.pain.read`.
Amounts are ``Decimal``; nothing here is random.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
PAIN001 = "pain.001.001.03"
PAIN008 = "pain.008.001.02"
CREDITOR_ID = "NL69ZZZ123456780000"
"""The SEPA creditor identifier of the demo companies (direct debits)."""


@dataclass(frozen=True, slots=True)
class Transfer:
    """One instruction: a payment to a creditor or a collection from a debtor."""

    end_to_end_id: str
    amount: Decimal
    name: str
    iban: str
    remittance: str | None = None
    """Unstructured remittance text (``RmtInf/Ustrd``)."""
    reference: str | None = None
    """A structured creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``); wins over the text."""
    mandate_id: str | None = None
    """The direct-debit mandate (pain.008 only; required there)."""
    mandate_signed: date = date(2025, 1, 1)


@dataclass(frozen=True, slots=True)
class Batch:
    """One ``PmtInf``: our account, the execution (collection) date and the instructions."""

    batch_id: str
    account: str
    bic: str | None
    """Our bank's BIC (``NOTPROVIDED`` when unknown)."""
    day: date
    transfers: tuple[Transfer, ...]
    batch_booking: bool = True
    """``BtchBookg``: true when the bank reports one total, false for item by item."""

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal(0))


def _sub(parent: etree._Element, path: str, value: str | None = None, **attrs: str) -> etree._Element:
    node = parent
    namespace = parent.nsmap[None]
    for name in path.split("/"):
        node = etree.SubElement(node, f"{{{namespace}}}{name}")
    if value is not None:
        node.text = value
    for key, text in attrs.items():
        node.set(key, text)
    return node


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _header(message: etree._Element, message_id: str, batches: Sequence[Batch], party: str, created: date) -> None:
    transfers = [t for b in batches for t in b.transfers]
    header = _sub(message, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", f"{created.isoformat()}T08:00:00")
    _sub(header, "NbOfTxs", str(len(transfers)))
    _sub(header, "CtrlSum", _amount(sum((t.amount for t in transfers), Decimal(0))))
    _sub(header, "InitgPty/Nm", party)


def _batch_head(pmt: etree._Element, batch: Batch, method: str) -> None:
    _sub(pmt, "PmtInfId", batch.batch_id)
    _sub(pmt, "PmtMtd", method)
    _sub(pmt, "BtchBookg", "true" if batch.batch_booking else "false")
    _sub(pmt, "NbOfTxs", str(len(batch.transfers)))
    _sub(pmt, "CtrlSum", _amount(batch.total))


def _remittance(tx: etree._Element, transfer: Transfer) -> None:
    if transfer.reference:
        ref = _sub(tx, "RmtInf/Strd/CdtrRefInf")
        kind = _sub(ref, "Tp")
        _sub(kind, "CdOrPrtry/Cd", "SCOR")
        _sub(kind, "Issr", "CUR")
        _sub(ref, "Ref", transfer.reference)
    elif transfer.remittance:
        _sub(tx, "RmtInf/Ustrd", transfer.remittance)


def _agent(pmt: etree._Element, name: str, bic: str | None) -> None:
    if bic:
        _sub(pmt, f"{name}/FinInstnId/BIC", bic)
    else:
        _sub(pmt, f"{name}/FinInstnId/Othr/Id", "NOTPROVIDED")


def _document(version: str, element: str) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(f"{{{PREFIX}{version}}}Document", nsmap={None: PREFIX + version})  # type: ignore[dict-item]
    return root, _sub(root, element)


def _bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def pain001(message_id: str, batches: Sequence[Batch], *, party: str, created: date) -> bytes:
    """A credit transfer initiation (``pain.001.001.03``): ``party`` pays from each batch's account."""
    root, message = _document(PAIN001, "CstmrCdtTrfInitn")
    _header(message, message_id, batches, party, created)
    for batch in batches:
        pmt = _sub(message, "PmtInf")
        _batch_head(pmt, batch, "TRF")
        _sub(pmt, "PmtTpInf/SvcLvl/Cd", "SEPA")
        _sub(pmt, "ReqdExctnDt", batch.day.isoformat())
        _sub(pmt, "Dbtr/Nm", party)
        _sub(pmt, "DbtrAcct/Id/IBAN", batch.account)
        _agent(pmt, "DbtrAgt", batch.bic)
        _sub(pmt, "ChrgBr", "SLEV")
        for transfer in batch.transfers:
            tx = _sub(pmt, "CdtTrfTxInf")
            _sub(tx, "PmtId/EndToEndId", transfer.end_to_end_id)
            _sub(tx, "Amt/InstdAmt", _amount(transfer.amount), Ccy="EUR")
            _sub(tx, "Cdtr/Nm", transfer.name)
            _sub(tx, "CdtrAcct/Id/IBAN", transfer.iban)
            _remittance(tx, transfer)
    return _bytes(root)


def pain008(
    message_id: str, batches: Sequence[Batch], *, party: str, created: date, creditor_id: str = CREDITOR_ID
) -> bytes:
    """A direct debit initiation (``pain.008.001.02``, CORE, recurring): ``party``
    collects onto each batch's account."""
    root, message = _document(PAIN008, "CstmrDrctDbtInitn")
    _header(message, message_id, batches, party, created)
    for batch in batches:
        pmt = _sub(message, "PmtInf")
        _batch_head(pmt, batch, "DD")
        kind = _sub(pmt, "PmtTpInf")
        _sub(kind, "SvcLvl/Cd", "SEPA")
        _sub(kind, "LclInstrm/Cd", "CORE")
        _sub(kind, "SeqTp", "RCUR")
        _sub(pmt, "ReqdColltnDt", batch.day.isoformat())
        _sub(pmt, "Cdtr/Nm", party)
        _sub(pmt, "CdtrAcct/Id/IBAN", batch.account)
        _agent(pmt, "CdtrAgt", batch.bic)
        _sub(pmt, "ChrgBr", "SLEV")
        scheme = _sub(pmt, "CdtrSchmeId/Id/PrvtId/Othr")
        _sub(scheme, "Id", creditor_id)
        _sub(scheme, "SchmeNm/Prtry", "SEPA")
        for transfer in batch.transfers:
            if not transfer.mandate_id:
                raise ValueError(f"collection {transfer.end_to_end_id} has no mandate id")
            tx = _sub(pmt, "DrctDbtTxInf")
            _sub(tx, "PmtId/EndToEndId", transfer.end_to_end_id)
            _sub(tx, "InstdAmt", _amount(transfer.amount), Ccy="EUR")
            mandate = _sub(tx, "DrctDbtTx/MndtRltdInf")
            _sub(mandate, "MndtId", transfer.mandate_id)
            _sub(mandate, "DtOfSgntr", transfer.mandate_signed.isoformat())
            _sub(tx, "DbtrAgt/FinInstnId/Othr/Id", "NOTPROVIDED")
            _sub(tx, "Dbtr/Nm", transfer.name)
            _sub(tx, "DbtrAcct/Id/IBAN", transfer.iban)
            _remittance(tx, transfer)
    return _bytes(root)
