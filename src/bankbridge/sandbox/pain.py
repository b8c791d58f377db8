"""Reading pain.001 (credit transfers) and pain.008 (direct debits) batch files.

Bytes in: the file is parsed with lxml (no network, no entities), checked against the
official XSD shipped with ``sepaxml`` for its namespace (pain.001.001.03/.09/.10/.11,
pain.008.001.02/.08/.09/.10), then read into frozen records. A file that is not XML or
not a pain message is refused outright (400); a schema-invalid file is accepted and
rejected with ``FF01`` and the schema's first complaint, as banks report it. DOCTYPE
declarations (entities) are refused.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal

from lxml import etree

from bankbridge.sandbox.problems import BankProblem

Kind = Literal["pain.001", "pain.008"]
_PREFIX = "urn:iso:std:iso:20022:tech:xsd:"
_ROOTS = {"pain.001": "CstmrCdtTrfInitn", "pain.008": "CstmrDrctDbtInitn"}


@dataclass(frozen=True, slots=True)
class Item:
    """One credit transfer or one collection; ``amount`` positive as instructed."""

    end_to_end_id: str
    amount: Decimal
    name: str | None
    iban: str | None
    bic: str | None = None
    remittance: str | None = None
    reference: str | None = None
    reference_type: str | None = None
    mandate_id: str | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """One ``PmtInf``: one account, one date, its items."""

    id: str
    account_iban: str
    execution_date: date
    batch_booking: bool | None
    items: tuple[Item, ...]
    creditor_id: str | None = None

    @property
    def total(self) -> Decimal:
        """Sum of the items."""
        return sum((item.amount for item in self.items), Decimal(0))


@dataclass(frozen=True, slots=True)
class PaymentFile:
    """A read pain.001/pain.008 file; ``schema_errors`` non-empty means it failed its XSD."""

    kind: Kind
    version: str
    message_id: str
    declared_count: int | None
    declared_sum: Decimal | None
    batches: tuple[Batch, ...]
    schema_errors: tuple[str, ...] = ()


def read(data: bytes, kind: Kind) -> PaymentFile:
    """Parse and validate ``data`` as a ``kind`` message."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BankProblem("FORMAT_ERROR", f"The file is not well-formed XML: {exc}") from None
    if getattr(root.getroottree().docinfo, "doctype", ""):
        raise BankProblem("FORMAT_ERROR", "DOCTYPE declarations are not accepted in payment files.")
    namespace = etree.QName(root).namespace or ""
    version = namespace.removeprefix(_PREFIX)
    if not version.startswith(kind) or _schema(version) is None:
        raise BankProblem("FORMAT_ERROR", f"Expected a {kind} document, got namespace {namespace!r}.")
    schema = _schema(version)
    assert schema is not None
    try:
        valid = schema.validate(root)
    except etree.XMLSchemaValidateError as exc:
        raise BankProblem("FORMAT_ERROR", f"The file cannot be checked against {version}: {exc}") from None
    if not valid:
        log: Any = schema.error_log
        errors = tuple(f"line {e.line}: {e.message}" for e in log)[:5]
        message_id = root.findtext(f".//{{{namespace}}}MsgId") or ""
        return PaymentFile(kind, version, message_id, None, None, (), errors)
    return _document(root, kind, version, {"p": namespace})


@cache
def _schema(version: str) -> etree.XMLSchema | None:
    resource = resources.files("sepaxml") / "schemas" / f"{version}.xsd"
    if not resource.is_file():
        return None
    with resource.open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle))


def _document(root: Any, kind: Kind, version: str, ns: dict[str, str]) -> PaymentFile:
    body = root.find(f"p:{_ROOTS[kind]}", ns)
    count = body.findtext("p:GrpHdr/p:NbOfTxs", namespaces=ns)
    total = body.findtext("p:GrpHdr/p:CtrlSum", namespaces=ns)
    return PaymentFile(
        kind=kind,
        version=version,
        message_id=body.findtext("p:GrpHdr/p:MsgId", namespaces=ns),
        declared_count=int(count) if count else None,
        declared_sum=Decimal(total) if total else None,
        batches=tuple(_batch(b, kind, ns) for b in body.findall("p:PmtInf", ns)),
    )


def _batch(node: Any, kind: Kind, ns: dict[str, str]) -> Batch:
    def text(path: str) -> str | None:
        value = node.findtext(path, namespaces=ns)
        return value.strip() if value else None

    booking = text("p:BtchBookg")
    if kind == "pain.001":
        when = text("p:ReqdExctnDt") or text("p:ReqdExctnDt/p:Dt") or (text("p:ReqdExctnDt/p:DtTm") or "")[:10]
        account, items = text("p:DbtrAcct/p:Id/p:IBAN"), node.findall("p:CdtTrfTxInf", ns)
    else:
        when = text("p:ReqdColltnDt") or ""
        account, items = text("p:CdtrAcct/p:Id/p:IBAN"), node.findall("p:DrctDbtTxInf", ns)
    return Batch(
        id=text("p:PmtInfId") or "",
        account_iban=account or "",
        execution_date=date.fromisoformat(when),
        batch_booking=None if booking is None else booking == "true",
        items=tuple(_item(i, kind, ns) for i in items),
        creditor_id=text("p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id"),
    )


def _item(node: Any, kind: Kind, ns: dict[str, str]) -> Item:
    def text(path: str) -> str | None:
        value = node.findtext(path, namespaces=ns)
        return value.strip() if value else None

    party = "Cdtr" if kind == "pain.001" else "Dbtr"
    amount = text("p:Amt/p:InstdAmt") if kind == "pain.001" else text("p:InstdAmt")
    return Item(
        end_to_end_id=text("p:PmtId/p:EndToEndId") or "NOTPROVIDED",
        amount=Decimal(amount or "0"),
        name=text(f"p:{party}/p:Nm"),
        iban=text(f"p:{party}Acct/p:Id/p:IBAN"),
        bic=text(f"p:{party}Agt/p:FinInstnId/p:BIC") or text(f"p:{party}Agt/p:FinInstnId/p:BICFI"),
        remittance=text("p:RmtInf/p:Ustrd"),
        reference=text("p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref"),
        reference_type=text("p:RmtInf/p:Strd/p:CdtrRefInf/p:Tp/p:Issr"),
        mandate_id=text("p:DrctDbtTx/p:MndtRltdInf/p:MndtId"),
    )


def batches_to_json(batches: tuple[Batch, ...]) -> list[dict[str, Any]]:
    """Batches as plain JSON (amounts and dates as strings) for storage."""
    return [
        {
            **asdict(b),
            "execution_date": b.execution_date.isoformat(),
            "items": [{**asdict(i), "amount": str(i.amount)} for i in b.items],
        }
        for b in batches
    ]


def batches_from_json(data: list[dict[str, Any]]) -> tuple[Batch, ...]:
    """The inverse of :func:`batches_to_json`."""
    return tuple(
        Batch(
            id=b["id"],
            account_iban=b["account_iban"],
            execution_date=date.fromisoformat(b["execution_date"]),
            batch_booking=b["batch_booking"],
            items=tuple(Item(**{**i, "amount": Decimal(i["amount"])}) for i in b["items"]),
            creditor_id=b["creditor_id"],
        )
        for b in data
    )
