"""Reading SEPA pain.001 (credit transfers) and pain.008 (direct debits) messages.

Bytes in, a :class:`~bankbridge.payments.model.PaymentMessage` out. The message kind
comes from the message element (``CstmrCdtTrfInitn``, ``CstmrDrctDbtInitn``), the version
from the namespace: ``pain.001.001.03`` and later, ``pain.008.001.02`` and later (fields
are then looked up by local name, so ``ReqdExctnDt`` as a date (``.03``) or as a
``Dt``/``DtTm`` choice (``.09``) both read). The national and EPC variants of the same
ISO version read alike: the EPC's ``pain.001.002.03``/``pain.008.002.02``, the German
DK's ``pain.001.003.03``/``pain.008.003.02`` and the Swiss ``pain.001.001.03.ch.02``
(namespace ``http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd``); a
document without a namespace is read by its message element. Declared counts and
control sums are checked. Every problem is a :class:`~bankbridge.errors.ParseError`
naming the file, the line, the XML path and the field.

Safety as for CAMT (:mod:`bankbridge.formats.camt.reader`): no DTD loaded, no entity
resolved, no network, libxml2's size limits on; a document type declaration is refused
before parsing, and input over :data:`MAX_BYTES` is refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from bankbridge.errors import InputError, ParseError
from bankbridge.formats.camt.nodes import Element, Where, dig, dig_text, each, kids, line_of, local, text
from bankbridge.formats.camt.reader import PROLOG_BYTES, refuse_doctype
from bankbridge.identifiers.iban import compact
from bankbridge.money import to_minor
from bankbridge.payments.model import BatchKind, PaymentBatch, PaymentInstruction, PaymentMessage
from bankbridge.statements.model import Source

MAX_BYTES = 64 * 1024**2
"""Largest pain document read (64 MiB: some hundred thousand transactions)."""
_NAMESPACE = re.compile(
    r"(?:^|[:/$])(?P<name>pain\.\d{3})\.(?P<variant>\d{3})\.(?P<version>\d{2})(?P<country>\.[a-z]{2}\.\d{2})?(?:\.xsd)?$"
)
"""The message name and version at the end of a pain namespace: the ISO one
(``urn:iso:std:iso:20022:tech:xsd:pain.001.001.03``), the EPC and DK variants
(``…pain.001.002.03``, ``…pain.001.003.03``), the Swiss one
(``http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd``). The ISO
message version is the last number; the variant (``002``, ``003``) restricts it without
changing its structure."""
_MESSAGES: dict[str, tuple[str, int, BatchKind, str]] = {
    # message element: (message name, oldest version, kind, transaction element)
    "CstmrCdtTrfInitn": ("pain.001", 3, "payment", "CdtTrfTxInf"),
    "CstmrDrctDbtInitn": ("pain.008", 2, "direct_debit", "DrctDbtTxInf"),
}
NOT_PROVIDED = "NOTPROVIDED"
_ZONED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})")


def read(data: bytes, *, source: str) -> PaymentMessage:
    """Parse a whole pain.001 or pain.008 document."""
    if len(data) > MAX_BYTES:
        raise ParseError(f"file is larger than {MAX_BYTES} bytes; refused", file=source)
    root = parse_xml(data, source)
    message, name, kind, tx_name = _message(root, source)
    prefix = f"Document/{local(message.tag)}"
    header = kids(message).get("GrpHdr")
    where = Where(source, f"{prefix}/GrpHdr", line_of(header) or line_of(message))
    message_id = _required(header, "MsgId", where)
    blocks = each(message, "PmtInf")
    if not blocks:
        raise Where(source, prefix, line_of(message)).error("the message holds no PmtInf", element=None, field="PmtInf")
    batches = tuple(
        _batch(block, kind=kind, tx_name=tx_name, where=Where(source, f"{prefix}/PmtInf[{n}]", line_of(block)))
        for n, block in enumerate(blocks, start=1)
    )
    items = [i for b in batches for i in b.items]
    _check_totals(header, len(items), sum((i.amount for i in items), Decimal(0)), where)
    return PaymentMessage(message_id, kind, name, batches, Source(source, line_of(message), prefix))


def parse_xml(data: bytes, source: str, *, what: str = "pain file") -> Element:
    """The document's root, parsed safely (no DOCTYPE, entities, DTD or network)."""
    try:
        refuse_doctype(data[:PROLOG_BYTES], source=source)
    except ParseError as exc:
        raise ParseError(
            f"a document type declaration (DOCTYPE/ENTITY) is not allowed in a {what}",
            file=source,
            line=exc.line,
            hint="payment files never need one; this may be an XML entity attack",
        ) from None
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, None)
        message = (exc.msg or str(exc)).split(", line ")[0]
        raise ParseError(f"broken XML: {message}", file=source, line=line or None, column=column or None) from None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ParseError(f"a document type declaration (DOCTYPE/ENTITY) is not allowed in a {what}", file=source)
    return root


def namespace_version(root: Element) -> tuple[str, str, int] | None:
    """What a document's namespace names: the message (``pain.001``), the versioned name
    (``pain.001.003.03``) and the ISO version number (3); ``None`` when it names no pain
    message (or there is no namespace)."""
    found = _NAMESPACE.search(etree.QName(root).namespace or "")
    if found is None:
        return None
    return found["name"], found.group(0).lstrip(":/$").removesuffix(".xsd"), int(found["version"])


def _message(root: Element, source: str) -> tuple[Element, str, BatchKind, str]:
    """The message element, its versioned name (``pain.001.001.03``), kind and transaction element."""
    namespace = etree.QName(root).namespace or ""
    found = namespace_version(root)
    message = next(iter(root), None) if local(root.tag) == "Document" else None
    spec = _MESSAGES.get(local(message.tag)) if message is not None else None
    if found is not None and spec is None:
        spec = next((s for s in _MESSAGES.values() if s[0] == found[0]), None)
        if spec is not None and found[2] >= spec[1]:
            spec = None  # a supported version with another message element
    if spec is None or message is None or (namespace and (found is None or found[0] != spec[0])):
        what = f"namespace {namespace!r}" if namespace else "no namespace"
        raise ParseError(
            f"this is no pain.001 or pain.008 message ({what})",
            file=source,
            line=line_of(root),
            path=local(root.tag),
            hint="expected Document/CstmrCdtTrfInitn or Document/CstmrDrctDbtInitn in an ISO 20022 pain namespace",
        )
    name, oldest, kind, tx_name = spec
    if found is None:  # no namespace: read by the message element
        return message, name, kind, tx_name
    if found[2] < oldest:
        raise ParseError(
            f"{found[1]} is not supported; use {name}.001.{oldest:02d} or later",
            file=source,
            line=line_of(root),
            path=local(root.tag),
        )
    return message, found[1], kind, tx_name


def _required(element: Element | None, path: str, where: Where, *, longest: int = 35) -> str:
    value = _optional(element, path, where, longest=longest)
    if value is None:
        raise where.error("is missing", element=dig(element, path) or element, field=path)
    return value


def _optional(element: Element | None, path: str, where: Where, *, longest: int = 35) -> str | None:
    """The text at ``path``; longer than ``longest`` characters is refused (as the XSDs do)."""
    value = dig_text(element, path)
    if value is not None and len(value) > longest:
        raise where.error(f"is longer than {longest} characters", element=dig(element, path), field=path)
    return value


def _check_totals(element: Element | None, count: int, total: Decimal, where: Where) -> None:
    """``NbOfTxs`` and ``CtrlSum``, when given, must fit the transactions."""
    declared = where.count(dig(element, "NbOfTxs"), "NbOfTxs")
    if declared is not None and declared != count:
        raise where.error(f"says {declared} transactions, the file holds {count}", element=element, field="NbOfTxs")
    node = dig(element, "CtrlSum")
    if node is not None and where.amount(node, "CtrlSum") != total:
        raise where.error(f"says {text(node)}, the amounts add up to {total}", element=node, field="CtrlSum")


def _batch(block: Element, *, kind: BatchKind, tx_name: str, where: Where) -> PaymentBatch:
    batch_id = _required(block, "PmtInfId", where)
    account_path = "DbtrAcct/Id/IBAN" if kind == "payment" else "CdtrAcct/Id/IBAN"
    date_name = "ReqdExctnDt" if kind == "payment" else "ReqdColltnDt"
    day_node = dig(block, date_name)
    if day_node is not None and len(day_node):
        found = kids(day_node)
        inner = found.get("Dt", found.get("DtTm"))
        if inner is None:
            raise where.error("has neither Dt nor DtTm", element=day_node, field=date_name)
        day_node = inner
    day = _day(day_node, date_name, where)
    txs = each(block, tx_name)
    if not txs:
        raise where.error(f"the batch holds no {tx_name}", element=block, field=tx_name)
    items = tuple(
        _item(tx, kind=kind, where=where.child(f"{tx_name}[{n}]", line=line_of(tx)))
        for n, tx in enumerate(txs, start=1)
    )
    _check_totals(block, len(items), sum((i.amount for i in items), Decimal(0)), where)
    booking = dig_text(block, "BtchBookg")
    return PaymentBatch(
        batch_id=batch_id,
        kind=kind,
        account_iban=_account(block, account_path, where),
        date=day,
        items=items,
        batch_booking=None if booking is None else booking.lower() in ("true", "1"),
        source=Source(where.file, where.line, where.path),
    )


def _account(block: Element, path: str, where: Where) -> str:
    """The batch's own account: its IBAN (an account given only by another
    identification, ``Id/Othr/Id``, cannot be routed to a bank journal)."""
    if dig(block, path) is None:
        other = dig_text(block, path.replace("/IBAN", "/Othr/Id"))
        if other is not None:
            raise where.error(
                f"is missing: the account is given as {other!r} (Othr/Id), not as an IBAN; batches are routed by IBAN",
                element=dig(block, path.replace("/IBAN", "/Othr/Id")),
                field=path,
            )
    return compact(_required(block, path, where, longest=42))


def _day(element: Element | None, field: str, where: Where) -> date:
    """An ISO date (``xs:date``, which may carry a time zone: ``2026-11-20+01:00``,
    ``2026-11-20Z``, the date as written) or date-time."""
    value = text(element)
    if value is not None and _ZONED_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise where.error(f"{value!r} is not a date", element=element, field=field) from None
    return where.day(element, field)


def _item(tx: Element, *, kind: BatchKind, where: Where) -> PaymentInstruction:
    amount_path = "Amt/InstdAmt" if kind == "payment" else "InstdAmt"
    node = dig(tx, amount_path)
    if node is None and kind == "payment" and dig(tx, "Amt/EqvtAmt/Amt") is not None:
        # the amount in the debtor account's currency, moved in CcyOfTrf: what the
        # statement will show
        amount_path = "Amt/EqvtAmt/Amt"
        node = dig(tx, amount_path)
    amount = where.amount(node, amount_path)
    currency = node.get("Ccy") if node is not None else None
    if not currency:
        raise where.error("has no Ccy (currency)", element=node, field=amount_path)
    try:
        to_minor(amount, currency)
    except InputError as exc:
        raise where.error(str(exc), element=node, field=amount_path) from None
    if amount <= 0:
        raise where.error(f"{text(node)} is not a positive amount", element=node, field=amount_path)
    party = "Cdtr" if kind == "payment" else "Dbtr"
    e2e = _optional(tx, "PmtId/EndToEndId", where)
    iban = _optional(tx, f"{party}Acct/Id/IBAN", where, longest=42)
    if iban and len(compact(iban)) > 34:
        raise where.error(f"{iban} is longer than an IBAN", element=dig(tx, f"{party}Acct/Id/IBAN"), field="IBAN")
    remittance = kids(tx).get("RmtInf")
    structured = each(remittance, "Strd")
    unstructured = " ".join(
        t
        for t in (
            *(text(u) for u in each(remittance, "Ustrd")),
            *(dig_text(d, "Nb") for s in structured for d in each(s, "RfrdDocInf")),
            *(text(a) for s in structured for a in each(s, "AddtlRmtInf")),
        )
        if t
    )
    reference = next((r for r in (dig_text(s, "CdtrRefInf/Ref") for s in structured) if r), None)
    return PaymentInstruction(
        end_to_end_id=None if e2e in (None, NOT_PROVIDED) else e2e,
        amount=amount,
        currency=currency,
        counterparty_iban=compact(iban) if iban else None,
        counterparty_name=dig_text(tx, f"{party}/Nm"),
        remittance=unstructured or None,
        reference=reference,
        mandate_id=dig_text(tx, "DrctDbtTx/MndtRltdInf/MndtId"),
        source=Source(where.file, where.line, where.path),
    )
