"""Reading pain.002 customer payment status reports: the bank's answer to a pain.001 or
pain.008 message we sent.

Bytes in, a :class:`~bankbridge.payments.model.StatusReport` out. Versions
``pain.002.001.03`` and later are read (fields by local name, so ``.03`` and ``.10`` read
alike), and their EPC, DK and Swiss variants (``pain.002.002.03``, ``pain.002.003.03``,
``pain.002.001.03.ch.02``; see :mod:`bankbridge.payments.pain`); a report without a
namespace is read by its message element. Read are the original message
(``OrgnlGrpInfAndSts``: ``OrgnlMsgId``, ``GrpSts``), its batches (``OrgnlPmtInfAndSts``:
``OrgnlPmtInfId``, ``PmtInfSts``) and single instructions (``TxInfAndSts``:
``OrgnlEndToEndId``, ``TxSts``), each with its reasons
(``StsRsnInf``: ``Rsn/Cd`` or ``Rsn/Prtry``, ``AddtlInf``). Status codes are kept as
given; what they mean for the books is decided by
:mod:`bankbridge.services.batch_status`. The XML is read as safely as a pain file
(:func:`bankbridge.payments.pain.parse_xml`); every problem names file, line, XML path
and field.
"""

from __future__ import annotations

import re

from lxml import etree

from bankbridge.errors import ParseError
from bankbridge.formats.camt.nodes import Element, Where, dig, dig_text, each, kids, line_of, local, text
from bankbridge.payments.model import BatchStatusReport, StatusReason, StatusReport, TransactionStatus
from bankbridge.payments.pain import MAX_BYTES, NOT_PROVIDED, namespace_version, parse_xml
from bankbridge.statements.model import Source

_OLDEST = 3
_STATUS = re.compile(r"[A-Z]{4}")
"""A status code: four capital letters (``ACSC``, ``PART``, ``RJCT`` …)."""


def read_status(data: bytes, *, source: str) -> StatusReport:
    """Parse a whole pain.002 document."""
    if len(data) > MAX_BYTES:
        raise ParseError(f"file is larger than {MAX_BYTES} bytes; refused", file=source)
    root = parse_xml(data, source, what="pain.002 status report")
    message, version = _message(root, source)
    prefix = "Document/CstmrPmtStsRpt"
    found = kids(message)
    header = found.get("GrpHdr")
    where = Where(source, f"{prefix}/GrpHdr", line_of(header) or line_of(message))
    message_id = _required(header, "MsgId", where)
    created = where.day(dig(header, "CreDtTm"), "CreDtTm")
    group = found.get("OrgnlGrpInfAndSts")
    at_group = Where(source, f"{prefix}/OrgnlGrpInfAndSts", line_of(group) or line_of(message))
    if group is None:
        raise at_group.error("is missing: the report names no original message", element=message, field="OrgnlMsgId")
    batches = tuple(
        _batch(block, Where(source, f"{prefix}/OrgnlPmtInfAndSts[{n}]", line_of(block)))
        for n, block in enumerate(each(message, "OrgnlPmtInfAndSts"), start=1)
    )
    return StatusReport(
        message_id=message_id,
        created=created,
        version=version,
        original_message_id=_required(group, "OrgnlMsgId", at_group),
        original_message_name=_optional(group, "OrgnlMsgNmId", at_group),
        group_status=_status(group, "GrpSts", at_group),
        group_reasons=_reasons(group, at_group),
        batches=batches,
        source=Source(source, line_of(message), prefix),
        original_source=Source(source, at_group.line, at_group.path),
    )


def _message(root: Element, source: str) -> tuple[Element, str]:
    namespace = etree.QName(root).namespace or ""
    found = namespace_version(root)
    message = next(iter(root), None) if local(root.tag) == "Document" else None
    if (
        message is None
        or local(message.tag) != "CstmrPmtStsRpt"
        or (namespace and (found is None or found[0] != "pain.002"))
    ):
        what = f"namespace {namespace!r}" if namespace else "no namespace"
        raise ParseError(
            f"this is no pain.002 payment status report ({what})",
            file=source,
            line=line_of(root),
            path=local(root.tag),
            hint="expected Document/CstmrPmtStsRpt in the namespace urn:iso:std:iso:20022:tech:xsd:pain.002.001.NN",
        )
    if found is None:  # no namespace: read by the message element
        return message, "pain.002"
    if found[2] < _OLDEST:
        raise ParseError(
            f"{found[1]} is not supported; use pain.002.001.03 or later",
            file=source,
            line=line_of(root),
            path=local(root.tag),
        )
    return message, found[1]


def _batch(block: Element, where: Where) -> BatchStatusReport:
    transactions = tuple(
        _transaction(tx, where.child(f"TxInfAndSts[{n}]", line=line_of(tx)))
        for n, tx in enumerate(each(block, "TxInfAndSts"), start=1)
    )
    return BatchStatusReport(
        batch_id=_required(block, "OrgnlPmtInfId", where),
        status=_status(block, "PmtInfSts", where),
        reasons=_reasons(block, where),
        transactions=transactions,
        source=Source(where.file, where.line, where.path),
    )


def _transaction(tx: Element, where: Where) -> TransactionStatus:
    e2e = _optional(tx, "OrgnlEndToEndId", where)
    amount_node = dig(tx, "OrgnlTxRef/Amt/InstdAmt")
    return TransactionStatus(
        end_to_end_id=None if e2e in (None, NOT_PROVIDED) else e2e,
        status=_status(tx, "TxSts", where),
        reasons=_reasons(tx, where),
        instruction_id=_optional(tx, "OrgnlInstrId", where),
        amount=None if amount_node is None else where.amount(amount_node, "OrgnlTxRef/Amt/InstdAmt"),
        source=Source(where.file, where.line, where.path),
    )


def _status(element: Element | None, name: str, where: Where) -> str | None:
    node = dig(element, name)
    value = text(node)
    if value is not None and not _STATUS.fullmatch(value):
        raise where.error(f"{value!r} is not a status code", element=node, field=name)
    return value


def _reasons(element: Element | None, where: Where) -> tuple[StatusReason, ...]:
    out = []
    for info in each(element, "StsRsnInf"):
        code = dig_text(info, "Rsn/Cd") or dig_text(info, "Rsn/Prtry")
        if code is not None and len(code) > 35:
            raise where.error("is longer than 35 characters", element=dig(info, "Rsn"), field="StsRsnInf/Rsn")
        said = " ".join(t for t in (text(a) for a in each(info, "AddtlInf")) if t)
        if code or said:
            out.append(StatusReason(code, said or None))
    return tuple(out)


def _required(element: Element | None, path: str, where: Where) -> str:
    value = _optional(element, path, where)
    if value is None:
        raise where.error("is missing", element=dig(element, path) or element, field=path)
    return value


def _optional(element: Element | None, path: str, where: Where) -> str | None:
    value = dig_text(element, path)
    if value is not None and len(value) > 35:
        raise where.error("is longer than 35 characters", element=dig(element, path), field=path)
    return value
