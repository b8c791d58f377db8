"""Transaction details (``TxDtls``) and the small blocks entries share with them.

:func:`transaction` reads one ``TxDtls`` into a :class:`Tx`: references, related
parties (the counterparty is the debtor of a credit and the creditor of a debit),
related agents, remittance information, return reason, bank transaction code and
charges. :mod:`bankbridge.formats.camt.entry` merges a single ``Tx`` into its line or
turns several into batch items.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TypedDict

from bankbridge.errors import InvalidIdentifier
from bankbridge.formats.camt.flat import Flat, flatten
from bankbridge.formats.camt.nodes import Element, Where, dig, dig_text, each, kids
from bankbridge.identifiers.references import validate_rf
from bankbridge.statements.model import ReferenceType, StatementLine

NOT_PROVIDED = "NOTPROVIDED"
_ISSUERS: dict[str, ReferenceType] = {"CUR": "CUR", "ISO": "ISO", "BBA": "BBA"}
_EXTRA_REFS = tuple(
    (f"Refs/{name}", name)
    for name in ("MsgId", "AcctSvcrRef", "PmtInfId", "InstrId", "TxId", "UETR", "ChqNb", "ClrSysRef")
)
Extra = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Tx:
    """What one ``TxDtls`` says (amount ``None`` when it gives none). Internal and
    short-lived, so not frozen: a frozen dataclass costs microseconds per entry."""

    amount: Decimal | None = None
    currency: str | None = None
    account_servicer_ref: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    creditor_id: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    counterparty_name: str | None = None
    ultimate_debtor: str | None = None
    ultimate_creditor: str | None = None
    description: str | None = None
    payment_reference: str | None = None
    payment_reference_type: ReferenceType | None = None
    return_reason: str | None = None
    iso_code: str | None = None
    bank_code: str | None = None
    charges: Decimal | None = None
    batch_id: str | None = None
    extra: Extra = ()


def _not_provided(value: str | None) -> bool:
    """``NOTPROVIDED`` (any case, with or without a space) is the absence of an id."""
    return value is not None and value.replace(" ", "").upper() == NOT_PROVIDED


def provided(value: str | None) -> str | None:
    """``value``, or ``None`` for the SEPA filler ``NOTPROVIDED`` (an id that is absent)."""
    return None if _not_provided(value) else value


def codes(flat: Flat, prefix: str = "BkTxCd/") -> tuple[str | None, str | None, Extra]:
    """``(iso_code, bank_code, extra)`` of a ``BkTxCd``: ``PMNT-RCDT-ESCT`` and ``Prtry/Cd``."""
    if prefix and prefix[:-1] not in flat.first:
        return None, None, ()
    domain = flat.texts.get(prefix + "Domn/Cd")
    iso = None
    if domain:
        parts = (flat.texts.get(prefix + "Domn/Fmly/Cd"), flat.texts.get(prefix + "Domn/Fmly/SubFmlyCd"))
        iso = "-".join([domain, *(p for p in parts if p)])
    issuer = flat.texts.get(prefix + "Prtry/Issr")
    extra: Extra = (("BkTxCd/Prtry/Issr", issuer),) if issuer else ()
    return iso, flat.texts.get(prefix + "Prtry/Cd"), extra


def charges(blocks: list[Element], where: Where) -> Decimal | None:
    """Sum of ``Chrgs``, credit positive: records (``Rcrd``, ``.04``+) or ``Amt`` (``.02``)
    signed by their ``CdtDbtInd`` (a charge without one is a debit); a bare
    ``TtlChrgsAndTaxAmt`` counts as a debit."""
    if not blocks:
        return None
    total = Decimal(0)
    for block in blocks:
        records = each(block, "Rcrd") or ([block] if dig(block, "Amt") is not None else [])
        for record in records:
            found = kids(record)
            indicator = found.get("CdtDbtInd")
            sign = where.sign(indicator, "Chrgs/CdtDbtInd") if indicator is not None else -1
            total += sign * where.amount(found.get("Amt"), "Chrgs/Amt")
        if not records:
            total -= where.amount(kids(block).get("TtlChrgsAndTaxAmt"), "Chrgs/TtlChrgsAndTaxAmt")
    return total


def party_name(flat: Flat, prefix: str) -> str | None:
    """``Nm`` of a party: direct (``.02``), under ``Pty`` (``.08``) or of an agent ``Agt``."""
    if prefix not in flat.first:
        return None
    return (
        flat.texts.get(prefix + "/Nm")
        or flat.texts.get(prefix + "/Pty/Nm")
        or flat.texts.get(prefix + "/Agt/FinInstnId/Nm")
        or flat.texts.get(prefix + "/Agt/FinInstnId/NmAndAdr/Nm")
    )


def reference_type(issuer: str | None, ref: str) -> ReferenceType:
    """``CUR``/``ISO``/``BBA`` from ``Tp/Issr``; an unlabelled valid RF reference is ``ISO``."""
    if issuer and issuer.upper() in _ISSUERS:
        return _ISSUERS[issuer.upper()]
    try:
        validate_rf(ref)
    except InvalidIdentifier:
        return "OTHER"
    return "ISO"


def _reference(flat: Flat) -> tuple[str | None, ReferenceType | None]:
    """The first ``RmtInf/Strd/CdtrRefInf/Ref`` and its type."""
    info = flat.get("RmtInf/Strd/CdtrRefInf")
    ref = dig_text(info, "Ref")
    if not ref:
        return None, None
    return ref, reference_type(dig_text(info, "Tp/Issr"), ref)


def _bic(flat: Flat, prefix: str) -> str | None:
    if prefix not in flat.first:
        return None
    return flat.texts.get(prefix + "/FinInstnId/BIC") or flat.texts.get(prefix + "/FinInstnId/BICFI")


class _Parties(TypedDict, total=False):
    counterparty_name: str | None
    counterparty_iban: str | None
    counterparty_bic: str | None
    ultimate_debtor: str | None
    ultimate_creditor: str | None
    creditor_id: str | None


_NO_PARTIES = _Parties(
    counterparty_name=None,
    counterparty_iban=None,
    ultimate_debtor=None,
    ultimate_creditor=None,
    creditor_id=None,
)


def _sepa_id(flat: Flat, prefix: str) -> str | None:
    """``prefix/Id`` when ``prefix/SchmeNm`` (``Cd`` or ``Prtry``) says ``SEPA``: ING and
    others give the SEPA creditor id as an organisation id, not a private one."""
    scheme = flat.texts.get(prefix + "/SchmeNm/Cd") or flat.texts.get(prefix + "/SchmeNm/Prtry")
    return flat.texts.get(prefix + "/Id") if scheme and scheme.upper() == "SEPA" else None


def _parties(flat: Flat, sign: int) -> _Parties:
    side = "Dbtr" if sign > 0 else "Cdtr"
    if "RltdPties" not in flat.first:
        return _NO_PARTIES | _Parties(counterparty_bic=_bic(flat, f"RltdAgts/{side}Agt"))
    return _Parties(
        counterparty_name=party_name(flat, f"RltdPties/{side}"),
        counterparty_iban=flat.texts.get(f"RltdPties/{side}Acct/Id/IBAN"),
        counterparty_bic=_bic(flat, f"RltdAgts/{side}Agt"),
        ultimate_debtor=party_name(flat, "RltdPties/UltmtDbtr"),
        ultimate_creditor=party_name(flat, "RltdPties/UltmtCdtr"),
        creditor_id=flat.texts.get("RltdPties/Cdtr/Id/PrvtId/Othr/Id")
        or flat.texts.get("RltdPties/Cdtr/Pty/Id/PrvtId/Othr/Id")
        or _sepa_id(flat, "RltdPties/Cdtr/Id/OrgId/Othr")
        or _sepa_id(flat, "RltdPties/Cdtr/Pty/Id/OrgId/Othr"),
    )


def _extra(flat: Flat, sign: int) -> Extra:
    """References beyond the model's, the other party, purpose and free text."""
    out = [(name, value) for path, name in _EXTRA_REFS if (value := flat.texts.get(path))]
    if "RltdPties" in flat.first:
        other = "Cdtr" if sign > 0 else "Dbtr"
        parties = (
            (other, party_name(flat, f"RltdPties/{other}")),
            (f"{other}Acct", flat.texts.get(f"RltdPties/{other}Acct/Id/IBAN")),
            ("DbtrAcct/Othr", flat.texts.get("RltdPties/DbtrAcct/Id/Othr/Id")),
            ("CdtrAcct/Othr", flat.texts.get("RltdPties/CdtrAcct/Id/Othr/Id")),
        )
        out += [(key, value) for key, value in parties if value]
    rest = (("Purp", flat.texts.get("Purp/Cd")), ("AddtlTxInf", flat.texts.get("AddtlTxInf")))
    out += [(key, value) for key, value in rest if value]
    return tuple(out)


def _amount(flat: Flat, entry_sign: int, where: Where) -> tuple[Decimal | None, str | None, int]:
    amt = flat.get("Amt")
    sign = entry_sign
    indicator = flat.get("CdtDbtInd")
    if amt is not None and indicator is not None:
        sign = where.sign(indicator, "TxDtls/CdtDbtInd")
    if amt is None:
        amt = flat.get("AmtDtls/TxAmt/Amt")
    if amt is None:
        amt = flat.get("AmtDtls/InstdAmt/Amt")
    if amt is None:
        return None, None, sign
    return sign * where.amount(amt, "TxDtls/Amt"), amt.get("Ccy"), sign


def transaction(tx: Element, *, entry_sign: int, merged: bool, where: Where) -> Tx:
    """One ``TxDtls``; ``entry_sign`` is the sign of its entry (used when it has none).

    A transaction ``merged`` into its entry's line takes the entry's direction for the
    counterparty; a batch item its own ``CdtDbtInd``."""
    flat = flatten(tx, stop="")
    amount, currency, own_sign = _amount(flat, entry_sign, where)
    sign = entry_sign if merged else own_sign
    end_to_end = flat.texts.get("Refs/EndToEndId")
    payment_ref, ref_type = _reference(flat)
    iso, bank, code_extra = codes(flat)
    return Tx(
        amount=amount,
        currency=currency,
        account_servicer_ref=flat.texts.get("Refs/AcctSvcrRef"),
        end_to_end_id=end_to_end if not _not_provided(end_to_end) else None,
        mandate_id=flat.texts.get("Refs/MndtId"),
        batch_id=provided(flat.texts.get("Refs/PmtInfId")),
        description=" ".join(flat.ustrd) or flat.texts.get("AddtlTxInf"),
        payment_reference=payment_ref,
        payment_reference_type=ref_type,
        return_reason=(flat.texts.get("RtrInf/Rsn/Cd") or flat.texts.get("RtrInf/Rsn/Prtry"))
        if "RtrInf" in flat.first
        else None,
        iso_code=iso,
        bank_code=bank,
        charges=charges(each(tx, "Chrgs"), where) if flat.get("Chrgs") is not None else None,
        extra=_extra(flat, sign) + code_extra,
        **_parties(flat, sign),
    )


def _compact(value: str | None) -> str | None:
    return value.replace(" ", "").upper() if value else None


def own_account(record: Element | None) -> str | None:
    """The compacted ``Acct/Id/IBAN`` of a statement, report or notification record."""
    return _compact(dig_text(record, "Acct/Id/IBAN"))


def _transactions(ntry: Element) -> list[Element]:
    """The entry's ``TxDtls`` in document order (over every ``NtryDtls``)."""
    return [tx for block in each(ntry, "NtryDtls") for tx in each(block, "TxDtls")]


def _not_own(line: StatementLine, tx: Element, own: str) -> StatementLine:
    """``line`` with the counterparty taken from the other side of ``tx`` when the side
    its direction names holds the account itself (and the other side names a party)."""
    flat = flatten(tx, stop="")
    sides = [
        pair
        for pair in (("Dbtr", "Cdtr"), ("Cdtr", "Dbtr"))
        if _compact(flat.texts.get(f"RltdPties/{pair[0]}Acct/Id/IBAN")) == own
    ]
    if not sides:
        return line
    side, other = sides[0]
    name = party_name(flat, f"RltdPties/{other}")
    iban = flat.texts.get(f"RltdPties/{other}Acct/Id/IBAN")
    if not (name or iban) or _compact(iban) == own:
        return line
    moved = (
        (side, party_name(flat, f"RltdPties/{side}")),
        (f"{side}Acct", flat.texts.get(f"RltdPties/{side}Acct/Id/IBAN")),
    )
    kept = tuple(pair for pair in line.extra if pair[0] not in (other, f"{other}Acct"))
    return replace(
        line,
        counterparty_name=name,
        counterparty_iban=iban,
        counterparty_bic=_bic(flat, f"RltdAgts/{other}Agt"),
        extra=kept + tuple((key, value) for key, value in moved if value),
    )


def not_own_account(line: StatementLine, ntry: Element, own: str | None) -> StatementLine:
    """The counterparty of a line (and of each batch item) is never the statement's own
    account. Returns and reversals are often reported with the parties of the original
    transaction (a returned transfer credited back names us as the debtor); when the
    side the direction picks (debtor of a credit, creditor of a debit) has the account's
    own IBAN, the other side is the counterparty. ``ntry`` is the entry element."""
    if own is None:
        return line
    if line.items:
        if all(_compact(item.counterparty_iban) != own for item in line.items):
            return line
        txs = _transactions(ntry)
        if len(txs) != len(line.items):
            return line
        items = tuple(
            _not_own(item, tx, own) if _compact(item.counterparty_iban) == own else item
            for item, tx in zip(line.items, txs, strict=True)
        )
        return replace(line, items=items)
    if _compact(line.counterparty_iban) != own:
        return line
    txs = _transactions(ntry)
    return _not_own(line, txs[0], own) if len(txs) == 1 else line
