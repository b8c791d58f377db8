"""pain.002.001.03 customer payment status reports for an uploaded batch file."""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from bankbridge.sandbox import pain
from bankbridge.sandbox.tables import Payment

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"


def report(payment: Payment, now: datetime) -> bytes:
    """The status of ``payment`` as a pain.002 document."""
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(f"{ns}Document", nsmap={None: NAMESPACE})  # type: ignore[dict-item]
    body = etree.SubElement(root, f"{ns}CstmrPmtStsRpt")
    header = etree.SubElement(body, f"{ns}GrpHdr")
    _text(header, "MsgId", f"STS{payment.id[4:34]}")
    _text(header, "CreDtTm", now.strftime("%Y-%m-%dT%H:%M:%S"))
    group = etree.SubElement(body, f"{ns}OrgnlGrpInfAndSts")
    batches = pain.batches_from_json(payment.document["batches"])
    _text(group, "OrgnlMsgId", payment.message_id)
    _text(group, "OrgnlMsgNmId", payment.namespace)
    if payment.document.get("count") is not None:
        _text(group, "OrgnlNbOfTxs", str(payment.document["count"]))
    if payment.document.get("sum"):
        _text(group, "OrgnlCtrlSum", payment.document["sum"])
    _text(group, "GrpSts", payment.status)
    if payment.reason:
        reason = etree.SubElement(group, f"{ns}StsRsnInf")
        _text(etree.SubElement(reason, f"{ns}Rsn"), "Cd", payment.reason)
        if payment.reason_text:
            _text(reason, "AddtlInf", payment.reason_text[:105])
    rejected = payment.document.get("rejected", [])
    for batch in batches:
        info = etree.SubElement(body, f"{ns}OrgnlPmtInfAndSts")
        _text(info, "OrgnlPmtInfId", batch.id)
        refused = [r for r in rejected if r["batch"] == batch.id]
        status = "PART" if refused and len(refused) < len(batch.items) else payment.status
        _text(info, "PmtInfSts", "RJCT" if refused and len(refused) == len(batch.items) else status)
        for item in refused:
            _transaction(info, item)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _transaction(parent: etree._Element, item: dict[str, str]) -> None:
    ns = f"{{{NAMESPACE}}}"
    tx = etree.SubElement(parent, f"{ns}TxInfAndSts")
    _text(tx, "OrgnlEndToEndId", item["endToEndId"])
    _text(tx, "TxSts", "RJCT")
    reason = etree.SubElement(tx, f"{ns}StsRsnInf")
    _text(etree.SubElement(reason, f"{ns}Rsn"), "Cd", item["reason"])
    _text(reason, "AddtlInf", item["text"][:105])


def _text(parent: etree._Element, tag: str, value: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    element.text = value
    return element
