"""Writing small pain.001 / pain.008 files for tests (valid against the XSDs that
``sepaxml`` ships), and checking them against those XSDs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from lxml import etree

PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
OUR_BIC = "RABONL2U"


@dataclass(frozen=True)
class Tx:
    end_to_end_id: str
    amount: str
    name: str
    iban: str
    text: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Pmt:
    batch_id: str
    account: str
    day: date
    txs: tuple[Tx, ...]
    batch_booking: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def _sub(parent: etree._Element, path: str, value: str | None = None, **attrs: str) -> etree._Element:
    node = parent
    for name in path.split("/"):
        node = etree.SubElement(node, f"{{{parent.nsmap[None]}}}{name}")
    if value is not None:
        node.text = value
    for k, v in attrs.items():
        node.set(k, v)
    return node


def _header(message: etree._Element, msg_id: str, pmts: tuple[Pmt, ...]) -> None:
    txs = [t for p in pmts for t in p.txs]
    gh = _sub(message, "GrpHdr")
    _sub(gh, "MsgId", msg_id)
    _sub(gh, "CreDtTm", "2026-11-20T10:00:00")
    _sub(gh, "NbOfTxs", str(len(txs)))
    _sub(gh, "CtrlSum", str(sum(Decimal(t.amount) for t in txs)))
    _sub(gh, "InitgPty/Nm", "Bankbridge Test BV")


def _batch_head(pmt: etree._Element, p: Pmt, method: str) -> None:
    _sub(pmt, "PmtInfId", p.batch_id)
    _sub(pmt, "PmtMtd", method)
    _sub(pmt, "BtchBookg", "true" if p.batch_booking else "false")
    _sub(pmt, "NbOfTxs", str(len(p.txs)))
    _sub(pmt, "CtrlSum", str(sum(Decimal(t.amount) for t in p.txs)))


def _remittance(tx: etree._Element, t: Tx) -> None:
    if t.reference:
        ref = _sub(tx, "RmtInf/Strd/CdtrRefInf")
        tp = _sub(ref, "Tp")
        _sub(tp, "CdOrPrtry/Cd", "SCOR")
        _sub(tp, "Issr", "CUR")
        _sub(ref, "Ref", t.reference)
    elif t.text:
        _sub(tx, "RmtInf/Ustrd", t.text)


def pain001(pmts: tuple[Pmt, ...] | list[Pmt], *, msg_id: str = "MSG-PAY-1", version: str = "pain.001.001.03") -> bytes:
    """A credit transfer initiation; ``version`` ``pain.001.001.03`` or ``.09``."""
    pmts = tuple(pmts)
    bic = "BIC" if version.endswith(".03") else "BICFI"
    root = etree.Element(f"{{{PREFIX}{version}}}Document", nsmap={None: PREFIX + version})
    message = _sub(root, "CstmrCdtTrfInitn")
    _header(message, msg_id, pmts)
    for p in pmts:
        pmt = _sub(message, "PmtInf")
        _batch_head(pmt, p, "TRF")
        _sub(pmt, "PmtTpInf/SvcLvl/Cd", "SEPA")
        if version.endswith(".03"):
            _sub(pmt, "ReqdExctnDt", p.day.isoformat())
        else:
            _sub(pmt, "ReqdExctnDt/Dt", p.day.isoformat())
        _sub(pmt, "Dbtr/Nm", "Bankbridge Test BV")
        _sub(pmt, "DbtrAcct/Id/IBAN", p.account)
        _sub(pmt, f"DbtrAgt/FinInstnId/{bic}", OUR_BIC)
        _sub(pmt, "ChrgBr", "SLEV")
        for t in p.txs:
            tx = _sub(pmt, "CdtTrfTxInf")
            _sub(tx, "PmtId/EndToEndId", t.end_to_end_id)
            _sub(tx, "Amt/InstdAmt", t.amount, Ccy="EUR")
            _sub(tx, "Cdtr/Nm", t.name)
            _sub(tx, "CdtrAcct/Id/IBAN", t.iban)
            _remittance(tx, t)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def pain008(pmts: tuple[Pmt, ...] | list[Pmt], *, msg_id: str = "MSG-DD-1", version: str = "pain.008.001.02") -> bytes:
    """A direct debit initiation; ``version`` ``pain.008.001.02`` or ``.08``."""
    pmts = tuple(pmts)
    bic = "BIC" if version.endswith(".02") else "BICFI"
    root = etree.Element(f"{{{PREFIX}{version}}}Document", nsmap={None: PREFIX + version})
    message = _sub(root, "CstmrDrctDbtInitn")
    _header(message, msg_id, pmts)
    for p in pmts:
        pmt = _sub(message, "PmtInf")
        _batch_head(pmt, p, "DD")
        tp = _sub(pmt, "PmtTpInf")
        _sub(tp, "SvcLvl/Cd", "SEPA")
        _sub(tp, "LclInstrm/Cd", "CORE")
        _sub(tp, "SeqTp", "RCUR")
        _sub(pmt, "ReqdColltnDt", p.day.isoformat())
        _sub(pmt, "Cdtr/Nm", "Bankbridge Test BV")
        _sub(pmt, "CdtrAcct/Id/IBAN", p.account)
        _sub(pmt, f"CdtrAgt/FinInstnId/{bic}", OUR_BIC)
        _sub(pmt, "ChrgBr", "SLEV")
        othr = _sub(pmt, "CdtrSchmeId/Id/PrvtId/Othr")
        _sub(othr, "Id", "NL69ZZZ123456780000")
        _sub(othr, "SchmeNm/Prtry", "SEPA")
        for n, t in enumerate(p.txs, start=1):
            tx = _sub(pmt, "DrctDbtTxInf")
            _sub(tx, "PmtId/EndToEndId", t.end_to_end_id)
            _sub(tx, "InstdAmt", t.amount, Ccy="EUR")
            mandate = _sub(tx, "DrctDbtTx/MndtRltdInf")
            _sub(mandate, "MndtId", f"MANDATE-{n}")
            _sub(mandate, "DtOfSgntr", "2025-01-01")
            _sub(tx, "DbtrAgt/FinInstnId/Othr/Id", "NOTPROVIDED")
            _sub(tx, "Dbtr/Nm", t.name)
            _sub(tx, "DbtrAcct/Id/IBAN", t.iban)
            _remittance(tx, t)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@cache
def _schema(version: str) -> etree.XMLSchema:
    resource = resources.files("sepaxml") / "schemas" / f"{version}.xsd"
    with resource.open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle))


def schema_errors(data: bytes) -> list[str]:
    """What the official XSD of the file's namespace says about it (empty: valid)."""
    root = etree.fromstring(data)
    version = etree.QName(root).namespace.removeprefix(PREFIX)
    schema = _schema(version)
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@dataclass(frozen=True)
class TxSts:
    """One ``TxInfAndSts`` of a pain.002 report."""

    end_to_end_id: str
    status: str = "RJCT"
    reason: str | None = "AC04"
    text: str | None = None
    amount: str | None = None


@dataclass(frozen=True)
class PmtSts:
    """One ``OrgnlPmtInfAndSts`` of a pain.002 report."""

    batch_id: str
    status: str | None = None
    txs: tuple[TxSts, ...] = ()
    reason: str | None = None


def _reason(parent: etree._Element, code: str | None, text: str | None = None) -> None:
    if code is None and text is None:
        return
    info = _sub(parent, "StsRsnInf")
    if code is not None:
        _sub(info, "Rsn/Cd" if len(code) == 4 else "Rsn/Prtry", code)
    if text is not None:
        _sub(info, "AddtlInf", text)


def pain002(
    original: str,
    batches: tuple[PmtSts, ...] = (),
    *,
    group_status: str | None = None,
    group_reason: str | None = None,
    msg_id: str = "STS-1",
    created: str = "2026-11-21T09:00:00",
    version: str = "pain.002.001.03",
    original_name: str = "pain.001.001.03",
) -> bytes:
    """A customer payment status report about message ``original`` (``.03`` or ``.10``)."""
    root = etree.Element(f"{{{PREFIX}{version}}}Document", nsmap={None: f"{PREFIX}{version}"})
    body = _sub(root, "CstmrPmtStsRpt")
    header = _sub(body, "GrpHdr")
    _sub(header, "MsgId", msg_id)
    _sub(header, "CreDtTm", created)
    _sub(header, "InitgPty/Id/OrgId/BICOrBEI" if version.endswith("03") else "DbtrAgt/FinInstnId/BICFI", OUR_BIC)
    group = _sub(body, "OrgnlGrpInfAndSts")
    _sub(group, "OrgnlMsgId", original)
    _sub(group, "OrgnlMsgNmId", original_name)
    if group_status:
        _sub(group, "GrpSts", group_status)
    _reason(group, group_reason)
    for b in batches:
        block = _sub(body, "OrgnlPmtInfAndSts")
        _sub(block, "OrgnlPmtInfId", b.batch_id)
        if b.status:
            _sub(block, "PmtInfSts", b.status)
        _reason(block, b.reason)
        for n, t in enumerate(b.txs, start=1):
            tx = _sub(block, "TxInfAndSts")
            _sub(tx, "StsId", f"{msg_id}-{n}")
            _sub(tx, "OrgnlEndToEndId", t.end_to_end_id)
            _sub(tx, "TxSts", t.status)
            _reason(tx, t.reason, t.text)
            if t.amount:
                _sub(tx, "OrgnlTxRef/Amt/InstdAmt", t.amount, Ccy="EUR")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
