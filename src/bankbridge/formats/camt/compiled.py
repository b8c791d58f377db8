"""Line makers compiled per shape: an entry's rules written out once as plain Python.

An entry's fields follow the same few dozen rules every time (``entry._facts``,
``details.transaction``, ``entry._line``, ``entry._item`` and ``entry._items``); which
elements they read are there is a matter of the shape. :func:`compile_line` writes
those rules out once per :class:`~bankbridge.formats.camt.shape.Plan` as straight-line
Python: a field the shape lacks becomes ``""`` (its rule's fallbacks still apply), a
present one reads its regex group. The function made returns what
:func:`bankbridge.formats.camt.entry.entry` returns (the line and its diagnostics), or
``None`` where that function would raise; the reader then takes the element way for
the exact error. The generated text holds no file content: only group numbers, child
positions, names from this module and the shape's currencies (as ``repr``).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from lxml import etree

from bankbridge.formats.camt.details import NOT_PROVIDED, provided, reference_type
from bankbridge.formats.camt.nodes import COUNT
from bankbridge.formats.camt.shape import ENTRY_PATHS, ENTRY_SLOTS, TX_PATHS, TX_SLOTS, Plan
from bankbridge.money import format_amount
from bankbridge.statements.model import Diagnostic, Source, StatementLine
from bankbridge.statements.twin import Twin

_REFS = ("MsgId", "AcctSvcrRef", "PmtInfId", "InstrId", "TxId", "UETR", "ChqNb", "ClrSysRef")
_NAMES = ("Nm", "Pty/Nm", "Agt/FinInstnId/Nm", "Agt/FinInstnId/NmAndAdr/Nm")
_ABSENT = '""'
Extra = list[tuple[str, str] | str]
"""``extra`` candidates: ``(key, expression)``, or a variable holding a ``(key, value)`` pair."""


def _either(*options: str) -> str:
    """``a or b or … or None`` without the options known to be absent."""
    return " or ".join([*(option for option in options if option != _ABSENT), "None"])


class _Writer:
    """The lines of one shape's function and the expressions of its texts."""

    def __init__(self, shape: Plan) -> None:
        self.shape = shape
        self.lines = ["def build(g, raw, file, path, line, ntry):"]
        self.ustrd_at = ENTRY_SLOTS + len(shape.txs) * TX_SLOTS

    def add(self, *lines: str) -> None:
        self.lines += [f"    {line}" for line in lines]

    def at(self, slot: int) -> str:
        group = self.shape.groups[slot]
        return _ABSENT if group is None else f"g[{group}]"

    def entry(self, name: str | int) -> str:
        """An entry path of :data:`ENTRY_PATHS`, or one of the five leading slots."""
        return self.at(name if isinstance(name, int) else 5 + ENTRY_PATHS.index(name))

    def tx(self, k: int) -> Callable[[str | int], str]:
        """Transaction ``k``'s paths of :data:`TX_PATHS`, or one of its four leading slots."""
        base = ENTRY_SLOTS + k * TX_SLOTS
        return lambda name: self.at(base + (name if isinstance(name, int) else 4 + TX_PATHS.index(name)))

    def codes(self, expr: Callable[[str], str], var: str) -> None:
        """``details.codes``: ``PMNT-RCDT-ESCT`` into ``var``."""
        domain = expr("BkTxCd/Domn/Cd")
        if domain == _ABSENT:
            self.add(f"{var} = None")
            return
        parts = [p for p in (expr("BkTxCd/Domn/Fmly/Cd"), expr("BkTxCd/Domn/Fmly/SubFmlyCd")) if p != _ABSENT]
        joined = f'"-".join(filter(None, (d, {", ".join(parts)})))' if parts else "d"
        self.add(f"d = {domain}", f"{var} = {joined} if d else None")

    def extras(self, var: str, candidates: Extra, *, new: bool = True) -> None:
        """The candidates with a value, in order, into the list ``var`` (a new one)."""
        if new:
            self.add(f"{var} = []")
        for candidate in candidates:
            if isinstance(candidate, str):
                self.add(f"if {candidate}[1]:", f"    {var}.append({candidate})")
            elif candidate[1] not in (_ABSENT, "None"):
                key, value = candidate
                self.add(f"if {value}:", f"    {var}.append(({key!r}, {value}))")


def _sign(var: str, text: str) -> list[str]:
    return [
        f"if {text} == 'CRDT':",
        f"    {var} = 1",
        f"elif {text} == 'DBIT':",
        f"    {var} = -1",
        "else:",
        "    return None",
    ]


def _checks(w: _Writer) -> None:
    """What the element way would refuse: indicators, amounts, dates, count."""
    shape, e = w.shape, w.entry
    w.add(*_sign("sign", e(1)), f"text = {e(0)}", "if not amount_ok(text):", "    return None")
    for var, slot, present in (("booking", 2, shape.booking), ("value", 3, shape.value)):
        if present:
            w.add(f"{var} = days.get({e(slot)}) or day({e(slot)})", f"if {var} is None:", "    return None")
        else:
            w.add(f"{var} = None")
    if shape.count:
        w.add(f"count = {e(4)}", "if count and not count_ok(count):", "    return None")
    for k, tx in enumerate(shape.txs):
        t = w.tx(k)
        if tx.indicator:
            w.add(*_sign(f"sign{k}", t(1)))
        else:
            w.add(f"sign{k} = sign")
        if tx.amount:
            w.add(f"if not amount_ok({t(0)}):", "    return None")


def _provided(*options: str) -> str:
    """``details.provided`` of ``a or b or … or None``."""
    either = _either(*options)
    return either if either == "None" else f"provided({either})"


def _sepa_id(t: Callable[[str], str], prefix: str) -> str:
    """``details._sepa_id``: ``prefix/Id`` when its scheme says ``SEPA``, else ``""``."""
    ident = t(f"{prefix}/Id")
    if ident == _ABSENT:
        return _ABSENT
    scheme = _either(t(f"{prefix}/SchmeNm/Cd"), t(f"{prefix}/SchmeNm/Prtry"))
    return f"({ident} if ({scheme} or '').upper() == 'SEPA' else '')"


def _party(t: Callable[[str], str], party: str) -> str:
    return _either(*(t(f"RltdPties/{party}/{name}") for name in _NAMES))


def _transaction(w: _Writer, k: int, sign: str, *, merged: bool = False) -> dict[str, str]:
    """``details.transaction`` of transaction ``k`` (its parties by ``sign``): the field
    expressions of its ``Tx``. Its ``extra`` goes into a list ``extra{k}``, or for the
    transaction ``merged`` into its entry's line after the entry's own, into ``extra``."""
    t, tx = w.tx(k), w.shape.txs[k]
    ustrd = [w.at(w.ustrd_at + i) for i in range(tx.ustrd)]
    w.ustrd_at += tx.ustrd
    joined = f'" ".join(filter(None, ({", ".join(ustrd)},)))' if ustrd else _ABSENT
    w.add(
        f"description{k} = {_either(joined, t('AddtlTxInf'))}",
        f"e2e{k} = {t('Refs/EndToEndId')}",
        f"e2e{k} = e2e{k} if e2e{k} and e2e{k}.replace(' ', '').upper() != NOT_PROVIDED else None",
        f"ref{k} = {t(2)}",
        f"ref_type{k} = reference_type({t(3)} or None, ref{k}) if ref{k} else None",
    )
    w.codes(t, f"iso{k}")
    w.add(
        f"dbtr{k}, cdtr{k} = {_party(t, 'Dbtr')}, {_party(t, 'Cdtr')}",
        f"if {sign} > 0:",
        f"    name{k}, iban{k} = dbtr{k}, {_either(t('RltdPties/DbtrAcct/Id/IBAN'))}",
        f"    bic{k} = {_either(t('RltdAgts/DbtrAgt/FinInstnId/BIC'), t('RltdAgts/DbtrAgt/FinInstnId/BICFI'))}",
        f"    other{k}, other_acct{k} = ('Cdtr', cdtr{k}), ('CdtrAcct', {t('RltdPties/CdtrAcct/Id/IBAN')})",
        "else:",
        f"    name{k}, iban{k} = cdtr{k}, {_either(t('RltdPties/CdtrAcct/Id/IBAN'))}",
        f"    bic{k} = {_either(t('RltdAgts/CdtrAgt/FinInstnId/BIC'), t('RltdAgts/CdtrAgt/FinInstnId/BICFI'))}",
        f"    other{k}, other_acct{k} = ('Dbtr', dbtr{k}), ('DbtrAcct', {t('RltdPties/DbtrAcct/Id/IBAN')})",
    )
    extra: Extra = [(name, t("Refs/" + name)) for name in _REFS]
    extra += [f"other{k}", f"other_acct{k}"]
    extra += [
        ("DbtrAcct/Othr", t("RltdPties/DbtrAcct/Id/Othr/Id")),
        ("CdtrAcct/Othr", t("RltdPties/CdtrAcct/Id/Othr/Id")),
        ("Purp", t("Purp/Cd")),
        ("AddtlTxInf", t("AddtlTxInf")),
        ("BkTxCd/Prtry/Issr", t("BkTxCd/Prtry/Issr")),
    ]
    fields = {
        "amount": f"sign{k} * Decimal({t(0)})" if tx.amount else "None",
        "currency": repr(tx.currency if tx.amount else None),
        "account_servicer_ref": t("Refs/AcctSvcrRef"),
        "counterparty_iban": f"iban{k}",
        "counterparty_bic": f"bic{k}",
        "counterparty_name": f"name{k}",
        "end_to_end_id": f"e2e{k}",
        "mandate_id": _either(t("Refs/MndtId")),
        "batch_id": _provided(t("Refs/PmtInfId")),
        "creditor_id": _either(
            t("RltdPties/Cdtr/Id/PrvtId/Othr/Id"),
            t("RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id"),
            _sepa_id(t, "RltdPties/Cdtr/Id/OrgId/Othr"),
            _sepa_id(t, "RltdPties/Cdtr/Pty/Id/OrgId/Othr"),
        ),
        "payment_reference": f"ref{k} or None",
        "payment_reference_type": f"ref_type{k}",
        "description": f"description{k}",
        "bank_code": t("BkTxCd/Prtry/Cd"),
        "iso_code": f"iso{k}",
        "return_reason": _either(t("RtrInf/Rsn/Cd"), t("RtrInf/Rsn/Prtry")),
        "ultimate_debtor": _party(t, "UltmtDbtr"),
        "ultimate_creditor": _party(t, "UltmtCdtr"),
        "extra": f"extra{k}",
    }
    w.extras("extra" if merged else f"extra{k}", extra, new=not merged)
    return fields


def _entry(w: _Writer) -> dict[str, str]:
    """``entry._facts`` (no charges: shapes with charges go the element way); its
    ``extra`` into ``extra``."""
    shape, e = w.shape, w.entry
    w.codes(e, "iso")
    w.extras(
        "extra",
        [
            ("NtryRef", e("NtryRef")),
            ("Sts", _either(e("Sts"), e("Sts/Cd"))),
            ("Btch/MsgId", _either(e("NtryDtls/Btch/MsgId"), e("Btch/MsgId"))),
            ("AddtlNtryInf", e("AddtlNtryInf")),
            ("BkTxCd/Prtry/Issr", e("BkTxCd/Prtry/Issr")),
        ],
    )
    n_tx = len(shape.txs)
    w.add("amount = sign * Decimal(text)")
    return {
        "amount": "amount",
        "booking_date": "booking",
        "value_date": "value",
        "currency": repr(shape.currency),
        "account_servicer_ref": e("AcctSvcrRef"),
        "entry_ref": e("NtryRef"),
        "iso": "iso",
        "bank": _either(e("BkTxCd/Prtry/Cd")),
        "batch_id": _provided(e("NtryDtls/Btch/PmtInfId"), e("Btch/PmtInfId")),
        "batch_count": f"int(count) if count else {n_tx if n_tx > 1 else None}"
        if shape.count
        else repr(n_tx if n_tx > 1 else None),
        "reversal": f"{e('RvslInd')} in ('true', '1')",
        "info": e("AddtlNtryInf"),
    }


def _line(e: dict[str, str], tx: dict[str, str] | None, items: str = "()") -> dict[str, str]:
    """``entry._line``: the entry as one line, merged with its single transaction."""
    t = tx or {}
    return {
        "amount": e["amount"],
        "booking_date": e["booking_date"],
        "value_date": e["value_date"],
        "currency": e["currency"],
        "counterparty_iban": t.get("counterparty_iban", "None"),
        "counterparty_bic": t.get("counterparty_bic", "None"),
        "counterparty_name": t.get("counterparty_name", "None"),
        "bank_reference": _either(e["account_servicer_ref"], t.get("account_servicer_ref", _ABSENT), e["entry_ref"]),
        "end_to_end_id": t.get("end_to_end_id", "None"),
        "mandate_id": t.get("mandate_id", "None"),
        "creditor_id": t.get("creditor_id", "None"),
        "payment_reference": t.get("payment_reference", "None"),
        "payment_reference_type": t.get("payment_reference_type", "None"),
        "description": _either(t.get("description", _ABSENT), e["info"]),
        "bank_code": _either(e["bank"], t.get("bank_code", _ABSENT)),
        "iso_code": f"iso or {t['iso_code']}" if tx else "iso",
        "return_reason": t.get("return_reason", "None"),
        "batch_id": _either(e["batch_id"], t.get("batch_id", _ABSENT)),
        "batch_count": e["batch_count"],
        "ultimate_debtor": t.get("ultimate_debtor", "None"),
        "ultimate_creditor": t.get("ultimate_creditor", "None"),
        "reversal": e["reversal"],
        "items": items,
        "extra": "tuple(extra)",
        "raw": "raw",
        "source": "src",
    }


def _item(e: dict[str, str], tx: dict[str, str], k: int, currency: str | None) -> dict[str, str]:
    """``entry._item``: transaction ``k`` of a batch as a line (its element in ``el{k}``)."""
    return {
        "amount": tx["amount"],
        "booking_date": e["booking_date"],
        "value_date": e["value_date"],
        "currency": repr(currency),
        "counterparty_iban": tx["counterparty_iban"],
        "counterparty_bic": tx["counterparty_bic"],
        "counterparty_name": tx["counterparty_name"],
        "bank_reference": _either(tx["account_servicer_ref"], e["account_servicer_ref"], e["entry_ref"]),
        "end_to_end_id": tx["end_to_end_id"],
        "mandate_id": tx["mandate_id"],
        "creditor_id": tx["creditor_id"],
        "payment_reference": tx["payment_reference"],
        "payment_reference_type": tx["payment_reference_type"],
        "description": tx["description"],
        "bank_code": _either(tx["bank_code"], e["bank"]),
        "iso_code": f"{tx['iso_code']} or iso",
        "return_reason": tx["return_reason"],
        "batch_id": _either(e["batch_id"], tx["batch_id"]),
        "ultimate_debtor": tx["ultimate_debtor"],
        "ultimate_creditor": tx["ultimate_creditor"],
        "reversal": e["reversal"],
        "extra": f"tuple({tx['extra']})",
        "raw": f"tostring(el{k}, encoding='unicode', with_tail=False)",
        "source": f"src{k}",
    }


def _make(w: _Writer, var: str, fields: dict[str, str], twins: tuple[Twin[StatementLine], Twin[Source]]) -> None:
    """``var = StatementLine(**fields)`` (the rest take their defaults), through the
    model's twin classes when there are both."""
    line, _ = twins
    if line.twin is None:
        w.add(f"{var} = Line({', '.join(f'{name}={value}' for name, value in fields.items())})")
        return
    w.add(f"{var} = new(Twin)")
    w.add(*(f"{var}.{name} = {fields.get(name, f'_d_{name}')}" for name in line.names))
    w.add(f"{var}.__class__ = Line")


def _source(w: _Writer, var: str, line: str, path: str, twins: tuple[Twin[StatementLine], Twin[Source]]) -> None:
    if twins[1].twin is None or twins[0].twin is None:
        w.add(f"{var} = source_of(file=file, line={line}, path={path})")
    else:
        w.add(f"{var} = new(SourceTwin)", f"{var}.file, {var}.line, {var}.path = file, {line}, {path}")
        w.add(f"{var}.__class__ = Source")


def _batch(w: _Writer, e: dict[str, str], twins: tuple[Twin[StatementLine], Twin[Source]]) -> None:
    """``entry._items``: the batch items and the entry line holding them, or no items and
    a diagnostic when a transaction has no amount."""
    shape = w.shape
    if not all(tx.amount for tx in shape.txs):
        _make(w, "made", _line(e, None), twins)
        note = "batch entry has transaction details without amounts; kept as one line"
        w.add(f"return made, (Diagnostic('camt_batch_without_amounts', f'{{path}}: {note}', src),)")
        return
    items = []
    for k, tx in enumerate(shape.txs):
        fields = _transaction(w, k, f"sign{k}")
        w.add(f"el{k} = ntry{''.join(f'[{i}]' for i in tx.where)}", f"line{k} = el{k}.sourceline")
        _source(w, f"src{k}", f"line{k} if isinstance(line{k}, int) else None", f"f'{{path}}/TxDtls[{k + 1}]'", twins)
        _make(w, f"item{k}", _item(e, fields, k, tx.currency or shape.currency), twins)
        items.append(f"item{k}")
    _make(w, "made", _line(e, None, f"({', '.join(items)},)"), twins)
    if all((tx.currency or shape.currency) == shape.currency for tx in shape.txs):
        total = " + ".join(f"item{k}.amount" for k in range(len(items)))
        w.add(
            f"total = Decimal(0) + {total}",
            "if total != amount:",
            "    note = f'batch items add up to {format_amount(total)}, the entry says {format_amount(amount)}'",
            "    return made, (Diagnostic('camt_batch_sum_mismatch', f'{path}: {note}', src),)",
        )
    w.add("return made, ()")


def source(shape: Plan, twins: tuple[Twin[StatementLine], Twin[Source]]) -> str:
    """The Python text of the function of ``shape``."""
    w = _Writer(shape)
    _checks(w)
    e = _entry(w)
    _source(w, "src", "line", "path", twins)
    if len(shape.txs) > 1:
        _batch(w, e, twins)
    else:
        tx = _transaction(w, 0, "sign", merged=True) if shape.txs else None
        _make(w, "made", _line(e, tx), twins)
        w.add("return made, ()")
    return "\n".join(w.lines) + "\n"


def compile_line(
    shape: Plan,
    *,
    twins: tuple[Twin[StatementLine], Twin[Source]],
    day: Callable[[str], Any],
    days: dict[str, Any],
    amount_ok: Callable[[str], Any],
) -> Callable[..., Any]:
    """The function of ``shape``: ``build(groups, raw, file, path, line, ntry)`` →
    ``(line, diagnostics)``, or ``None`` when the element way must decide."""
    line, source_twin = twins
    scope: dict[str, Any] = {
        "Decimal": Decimal,
        "Diagnostic": Diagnostic,
        "NOT_PROVIDED": NOT_PROVIDED,
        "reference_type": reference_type,
        "provided": provided,
        "format_amount": format_amount,
        "tostring": etree.tostring,
        "count_ok": COUNT.fullmatch,
        "amount_ok": amount_ok,
        "day": day,
        "days": days,
        "new": object.__new__,
        "Line": line.cls,
        "Twin": line.twin,
        "Source": source_twin.cls,
        "SourceTwin": source_twin.twin,
        "source_of": source_twin.make,
    }
    scope |= {f"_d_{name}": value for name, value in line.defaults.items()}
    # The text is made from this module's templates, group numbers, child positions and
    # currency reprs; nothing of the file is executed.
    exec(compile(source(shape, twins), f"<camt shape {id(shape):x}>", "exec"), scope)  # noqa: S102
    build: Callable[..., Any] = scope["build"]
    return build
