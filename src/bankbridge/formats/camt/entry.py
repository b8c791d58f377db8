"""One CAMT entry (``Ntry``) → one :class:`~bankbridge.statements.model.StatementLine`.

The amount is signed by ``CdtDbtInd`` (credit positive). A single ``TxDtls`` is merged
into the line; several become the line's ``items`` (a batch), each a line with the
same fields, and their sum is checked against the entry. ``bank_reference`` is the
entry's ``AcctSvcrRef`` (an item's own one inside a batch), else the single
transaction's, else ``NtryRef``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from lxml import etree

from bankbridge.formats.camt.details import Extra, Tx, charges, codes, provided, transaction
from bankbridge.formats.camt.flat import Flat, flatten
from bankbridge.formats.camt.nodes import Element, Where, each, line_of
from bankbridge.money import format_amount
from bankbridge.statements.model import Diagnostic, Source, StatementLine

_EMPTY = Tx()


@dataclass(slots=True)
class _Entry:
    """The entry-level facts every line and item of the entry shares (internal)."""

    amount: Decimal
    sign: int
    currency: str | None
    booking_date: date | None
    value_date: date | None
    account_servicer_ref: str | None
    entry_ref: str | None
    iso_code: str | None
    bank_code: str | None
    batch_id: str | None
    batch_count: int | None
    charges: Decimal | None
    reversal: bool
    info: str | None
    extra: Extra


def _raw(element: Element) -> str:
    return etree.tostring(element, encoding="unicode", with_tail=False)


def _day(flat: Flat, prefix: str, where: Where) -> date | None:
    """A ``Dt``/``DtTm`` choice at ``prefix`` (``None`` when the element is absent)."""
    inner = flat.get(prefix + "/Dt")
    if inner is None:
        inner = flat.get(prefix + "/DtTm")
    if inner is None:
        if flat.get(prefix) is not None:
            raise where.error("has neither Dt nor DtTm", element=flat.get(prefix), field=prefix)
        return None
    return where.day(inner, prefix)


def _batch(flat: Flat, name: str) -> str | None:
    return flat.texts.get("NtryDtls/Btch/" + name) or flat.texts.get("Btch/" + name)


def _facts(ntry: Element, flat: Flat, where: Where) -> _Entry:
    amt = flat.get("Amt")
    sign = where.sign(flat.get("CdtDbtInd"), "Ntry/CdtDbtInd")
    iso, bank, code_extra = codes(flat)
    count_el = flat.get("NtryDtls/Btch/NbOfTxs")
    count = where.count(count_el if count_el is not None else flat.get("Btch/NbOfTxs"), "NbOfTxs")
    n_tx = len(flat.stopped)
    entry_ref = flat.texts.get("NtryRef")
    info = flat.texts.get("AddtlNtryInf")
    candidates = (
        ("NtryRef", entry_ref),
        ("Sts", flat.texts.get("Sts") or flat.texts.get("Sts/Cd")),
        ("Btch/MsgId", _batch(flat, "MsgId")),
        ("AddtlNtryInf", info),
    )
    return _Entry(
        amount=sign * where.amount(amt, "Ntry/Amt"),
        sign=sign,
        currency=amt.get("Ccy") if amt is not None else None,
        booking_date=_day(flat, "BookgDt", where),
        value_date=_day(flat, "ValDt", where),
        account_servicer_ref=flat.texts.get("AcctSvcrRef"),
        entry_ref=entry_ref,
        iso_code=iso,
        bank_code=bank,
        batch_id=provided(_batch(flat, "PmtInfId")),
        batch_count=count if count is not None else (n_tx if n_tx > 1 else None),
        charges=charges(each(ntry, "Chrgs"), where) if flat.get("Chrgs") is not None else None,
        reversal=flat.texts.get("RvslInd") in ("true", "1"),
        info=info,
        extra=tuple((k, v) for k, v in candidates if v) + code_extra,
    )


def _line(e: _Entry, tx: Tx, *, raw: str, source: Source) -> StatementLine:
    """The entry as one line, merged with its single transaction ``tx`` (or none)."""
    return StatementLine(
        amount=e.amount,
        booking_date=e.booking_date,
        value_date=e.value_date,
        currency=e.currency,
        counterparty_iban=tx.counterparty_iban,
        counterparty_bic=tx.counterparty_bic,
        counterparty_name=tx.counterparty_name,
        bank_reference=e.account_servicer_ref or tx.account_servicer_ref or e.entry_ref,
        end_to_end_id=tx.end_to_end_id,
        mandate_id=tx.mandate_id,
        creditor_id=tx.creditor_id,
        payment_reference=tx.payment_reference,
        payment_reference_type=tx.payment_reference_type,
        description=tx.description or e.info,
        bank_code=e.bank_code or tx.bank_code,
        iso_code=e.iso_code or tx.iso_code,
        return_reason=tx.return_reason,
        batch_id=e.batch_id or tx.batch_id,
        batch_count=e.batch_count,
        charges=e.charges if e.charges is not None else tx.charges,
        ultimate_debtor=tx.ultimate_debtor,
        ultimate_creditor=tx.ultimate_creditor,
        reversal=e.reversal,
        extra=e.extra + tx.extra,
        raw=raw,
        source=source,
    )


def _item(e: _Entry, tx: Tx, amount: Decimal, *, raw: str, source: Source) -> StatementLine:
    """One transaction of a batch entry as a line of its own."""
    return StatementLine(
        amount=amount,
        booking_date=e.booking_date,
        value_date=e.value_date,
        currency=tx.currency or e.currency,
        counterparty_iban=tx.counterparty_iban,
        counterparty_bic=tx.counterparty_bic,
        counterparty_name=tx.counterparty_name,
        bank_reference=tx.account_servicer_ref or e.account_servicer_ref or e.entry_ref,
        end_to_end_id=tx.end_to_end_id,
        mandate_id=tx.mandate_id,
        creditor_id=tx.creditor_id,
        payment_reference=tx.payment_reference,
        payment_reference_type=tx.payment_reference_type,
        description=tx.description,
        bank_code=tx.bank_code or e.bank_code,
        iso_code=tx.iso_code or e.iso_code,
        return_reason=tx.return_reason,
        batch_id=e.batch_id or tx.batch_id,
        charges=tx.charges,
        ultimate_debtor=tx.ultimate_debtor,
        ultimate_creditor=tx.ultimate_creditor,
        reversal=e.reversal,
        extra=tx.extra,
        raw=raw,
        source=source,
    )


def _items(
    e: _Entry, elements: list[Element], txs: list[Tx], *, where: Where, source: Source
) -> tuple[tuple[StatementLine, ...], tuple[Diagnostic, ...]]:
    """The batch items, or none (with a diagnostic) when an item has no amount."""
    if any(tx.amount is None for tx in txs):
        note = "batch entry has transaction details without amounts; kept as one line"
        return (), (Diagnostic("camt_batch_without_amounts", f"{where.path}: {note}", source),)
    items = tuple(
        _item(
            e,
            tx,
            tx.amount if tx.amount is not None else Decimal(0),
            raw=_raw(el),
            source=Source(file=where.file, line=line_of(el), path=f"{where.path}/TxDtls[{i}]"),
        )
        for i, (el, tx) in enumerate(zip(elements, txs, strict=True), start=1)
    )
    total = sum((item.amount for item in items), Decimal(0))
    same_currency = all(item.currency == e.currency for item in items)
    if same_currency and total != e.amount:
        note = f"batch items add up to {format_amount(total)}, the entry says {format_amount(e.amount)}"
        return items, (Diagnostic("camt_batch_sum_mismatch", f"{where.path}: {note}", source),)
    return items, ()


def entry(ntry: Element, *, where: Where) -> tuple[StatementLine, tuple[Diagnostic, ...]]:
    """The line of one ``Ntry`` (``where`` is the entry's path) plus any diagnostics."""
    flat = flatten(ntry, stop="TxDtls")
    elements = flat.stopped
    facts = _facts(ntry, flat, where)
    txs = [
        transaction(
            el,
            entry_sign=facts.sign,
            merged=len(elements) == 1,
            where=where.child(f"TxDtls[{i}]", line=line_of(el)),
        )
        for i, el in enumerate(elements, start=1)
    ]
    source = Source(file=where.file, line=line_of(ntry), path=where.path)
    raw = _raw(ntry)
    if len(txs) <= 1:
        return _line(facts, txs[0] if txs else _EMPTY, raw=raw, source=source), ()
    items, notes = _items(facts, elements, txs, where=where, source=source)
    return replace(_line(facts, _EMPTY, raw=raw, source=source), items=items), notes
