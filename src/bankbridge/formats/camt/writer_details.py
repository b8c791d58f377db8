"""The ``NtryDtls`` part of the CAMT.053.001.02 writer: batch and transaction details.

A line without items gets one ``TxDtls`` (when it has transaction-level fields); a
line with items gets a ``Btch`` block, one ``TxDtls`` per item (amount in
``AmtDtls/TxAmt``, since ``.02`` has no ``TxDtls/Amt``) and its description in
``AddtlNtryInf``.
"""

from __future__ import annotations

from bankbridge.formats.camt.build import Element, amount, charges, code, path, sub
from bankbridge.identifiers.iban import looks_like_iban
from bankbridge.statements.model import StatementLine

_USTRD_MAX = 140
_TX_FIELDS = (
    "counterparty_iban",
    "counterparty_bic",
    "counterparty_name",
    "end_to_end_id",
    "mandate_id",
    "creditor_id",
    "payment_reference",
    "description",
    "return_reason",
    "ultimate_debtor",
    "ultimate_creditor",
)


def ustrd_chunks(text: str) -> list[str]:
    """``text`` in pieces of at most 140 characters, cut at spaces where possible (a
    reader joining the pieces with one space gets the text back)."""
    chunks: list[str] = []
    while len(text) > _USTRD_MAX:
        cut = text.rfind(" ", 1, _USTRD_MAX + 1)
        if cut <= 0:
            chunks.append(text[:_USTRD_MAX])
            text = text[_USTRD_MAX:]
        else:
            chunks.append(text[:cut])
            text = text[cut + 1 :]
    if text:
        chunks.append(text)
    return chunks


def _refs(parent: Element, line: StatementLine, *, own_ref: bool) -> None:
    values = (
        ("AcctSvcrRef", line.bank_reference if own_ref else None),
        ("EndToEndId", line.end_to_end_id),
        ("MndtId", line.mandate_id),
    )
    if any(value for _, value in values):
        refs = sub(parent, "Refs")
        for name, value in values:
            if value:
                sub(refs, name, value)


def _account(parent: Element, name: str, account: str) -> None:
    if looks_like_iban(account):
        path(parent, f"{name}/Id/IBAN", account)
    else:
        path(parent, f"{name}/Id/Othr/Id", account)


def _parties(parent: Element, line: StatementLine, *, credit: bool) -> None:
    side = "Dbtr" if credit else "Cdtr"
    wanted = (
        line.counterparty_name,
        line.counterparty_iban,
        line.ultimate_debtor,
        line.ultimate_creditor,
        line.creditor_id,
    )
    if not any(wanted):
        return
    pties = sub(parent, "RltdPties")
    for role in ("Dbtr", "Cdtr"):
        name = line.counterparty_name if role == side else None
        creditor_id = line.creditor_id if role == "Cdtr" else None
        if name or creditor_id:
            party = sub(pties, role)
            if name:
                sub(party, "Nm", name)
            if creditor_id:
                other = sub(sub(sub(party, "Id"), "PrvtId"), "Othr")
                sub(other, "Id", creditor_id)
                path(other, "SchmeNm/Prtry", "SEPA")
        if role == side and line.counterparty_iban:
            _account(pties, f"{role}Acct", line.counterparty_iban)
        ultimate = line.ultimate_debtor if role == "Dbtr" else line.ultimate_creditor
        if ultimate:
            path(pties, f"Ultmt{role}/Nm", ultimate)


def _remittance(parent: Element, line: StatementLine) -> None:
    if not (line.description or line.payment_reference):
        return
    rmt = sub(parent, "RmtInf")
    for chunk in ustrd_chunks(line.description or ""):
        sub(rmt, "Ustrd", chunk)
    if line.payment_reference:
        info = sub(sub(rmt, "Strd"), "CdtrRefInf")
        tp = sub(info, "Tp")
        path(tp, "CdOrPrtry/Cd", "SCOR")
        kind = line.payment_reference_type
        if kind in ("CUR", "ISO", "BBA"):
            sub(tp, "Issr", kind)
        sub(info, "Ref", line.payment_reference)


def _transaction(parent: Element, line: StatementLine, currency: str | None, *, item: bool, credit: bool) -> None:
    """One ``TxDtls``; ``credit`` is the direction a reader will give it (an item has no
    ``CdtDbtInd`` of its own in ``.02``: its entry's)."""
    tx = sub(parent, "TxDtls")
    _refs(tx, line, own_ref=item)
    if item:
        tx_amount = sub(sub(tx, "AmtDtls"), "TxAmt")
        amount(tx_amount, "Amt", line.amount, line.currency or currency)
        if line.iso_code or line.bank_code:
            code(tx, line)
        charges(tx, line.charges, line.currency or currency)
    _parties(tx, line, credit=credit)
    if line.counterparty_bic:
        side = "Dbtr" if credit else "Cdtr"
        path(sub(tx, "RltdAgts"), f"{side}Agt/FinInstnId/BIC", line.counterparty_bic)
    _remittance(tx, line)
    if line.return_reason:
        path(tx, "RtrInf/Rsn/Cd", line.return_reason)


def _batch(parent: Element, line: StatementLine) -> None:
    if line.batch_id or line.batch_count is not None:
        btch = sub(parent, "Btch")
        if line.batch_id:
            sub(btch, "PmtInfId", line.batch_id)
        if line.batch_count is not None:
            sub(btch, "NbOfTxs", str(line.batch_count))


def details(ntry: Element, line: StatementLine, currency: str | None) -> None:
    """``NtryDtls`` (and ``AddtlNtryInf`` of a batch) of ``line`` into ``ntry``."""
    has_tx = any(getattr(line, name) for name in _TX_FIELDS)
    if not (line.items or has_tx or line.batch_id or line.batch_count is not None):
        return
    dtls = sub(ntry, "NtryDtls")
    _batch(dtls, line)
    if line.items:
        for item in line.items:
            _transaction(dtls, item, line.currency or currency, item=True, credit=line.amount >= 0)
        if line.description:
            sub(ntry, "AddtlNtryInf", line.description)
    elif has_tx:
        _transaction(dtls, line, currency, item=False, credit=line.amount >= 0)
