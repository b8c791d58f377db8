"""Payment batches over simulated time: ``RCVD → ACTC → ACSP → ACSC | PART``, or ``RJCT``.

An accepted upload is ``RCVD`` (received), and ``ACTC`` (accepted after the technical
checks) once ``payment_validation_delay`` has passed; a refused one is ``RJCT`` at once
(``FF01`` schema, ``DUPL`` message id seen before, ``AM18``/``AM10`` wrong count/sum,
``AC01`` unknown account). Items whose counterparty IBAN fails its check digits are
rejected one by one (``AC01``): the others go on and the file ends ``PART`` instead of
``ACSC``; when no item is left, ``RJCT``. After ``payment_sign_delay`` it is signed
(``ACSP``); on its execution date it is executed (``ACSC``) and booked on the account,
as one batch entry or item by item (the customer's ``batch_booking`` setting, or
``BtchBookg=false`` in the file) — or rejected ``AM04`` when a credit transfer would take
the account below the sandbox's credit line.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankbridge.identifiers import iban as iban_id
from bankbridge.sandbox import pain
from bankbridge.sandbox.access import Reader, require_service
from bankbridge.sandbox.bank import NewEntry, add_entry, balances, bank_day
from bankbridge.sandbox.clock import as_utc
from bankbridge.sandbox.consents import consent_accounts
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.store import new_id
from bankbridge.sandbox.tables import Account, Consent, Customer, Payment

CREDIT_LINE = Decimal("10000.00")
"""How far below zero a credit-transfer batch may take an account before ``AM04``."""
OPEN = ("RCVD", "ACTC", "ACSP")


def accept(session: Session, upload: pain.PaymentFile, reader: Reader, *, now: datetime, today: date) -> Payment:
    """Store an uploaded file with its first status (``RCVD`` or ``RJCT``)."""
    require_service(reader, "payments")
    consent = reader.consent
    reason, text = _rejection(session, upload, consent)
    rejected = rejected_items(upload.batches)
    if reason is None and len(rejected) == sum(len(b.items) for b in upload.batches):
        reason, text = "AC01", "No transaction has a valid counterparty IBAN."
    dates = [b.execution_date for b in upload.batches]
    payment = Payment(
        id=new_id("pay-"),
        kind=upload.kind,
        message_id=upload.message_id,
        namespace=upload.version,
        consent_id=consent.id,
        account_id=None,
        status="RJCT" if reason else "RCVD",
        reason=reason,
        reason_text=text,
        created_at=now,
        execution_date=min(dates, default=today),
        document={
            "batches": pain.batches_to_json(upload.batches),
            "rejected": rejected,
            "count": upload.declared_count,
            "sum": str(upload.declared_sum or ""),
        },
    )
    session.add(payment)
    return payment


def rejected_items(batches: tuple[pain.Batch, ...]) -> list[dict[str, str]]:
    """Items refused one by one: counterparty IBAN missing or failing its check digits."""
    return [
        {
            "batch": batch.id,
            "endToEndId": item.end_to_end_id,
            "reason": "AC01",
            "text": f"Counterparty account {item.iban or '(none)'} is not a valid IBAN.",
        }
        for batch in batches
        for item in batch.items
        if not (item.iban and iban_id.is_valid(item.iban))
    ]


def _accepted(payment: Payment) -> tuple[pain.Batch, ...]:
    refused = {(r["batch"], r["endToEndId"]) for r in payment.document.get("rejected", [])}
    batches = pain.batches_from_json(payment.document["batches"])
    kept = (replace(b, items=tuple(i for i in b.items if (b.id, i.end_to_end_id) not in refused)) for b in batches)
    return tuple(b for b in kept if b.items)


def _rejection(session: Session, upload: pain.PaymentFile, consent: Consent) -> tuple[str | None, str | None]:
    if upload.schema_errors:
        return "FF01", upload.schema_errors[0][:105]
    seen = session.scalar(
        select(Payment.id).where(Payment.message_id == upload.message_id, Payment.kind == upload.kind).limit(1)
    )
    if seen:
        return "DUPL", f"Message id {upload.message_id} was sent before."
    items = [item for batch in upload.batches for item in batch.items]
    if upload.declared_count is not None and upload.declared_count != len(items):
        return "AM18", f"NbOfTxs says {upload.declared_count}, the file holds {len(items)}."
    total = sum((item.amount for item in items), Decimal(0))
    if upload.declared_sum is not None and upload.declared_sum != total:
        return "AM10", f"CtrlSum says {upload.declared_sum}, the items add up to {total}."
    covered = {a.iban for a in consent_accounts(session, consent)}
    for batch in upload.batches:
        account = iban_id.compact(batch.account_iban)
        if session.scalar(select(Account.id).where(Account.iban == account)) is None:
            return "AC01", f"Account {account} is not held at this bank."
        if account not in covered:
            raise BankProblem("CONSENT_INVALID", f"The consent does not cover account {account}.")
    return None, None


def advance(session: Session, now: datetime, settings: SandboxSettings) -> None:
    """Move every open payment along to where the clock says it is."""
    today = bank_day(now, settings.timezone)
    for payment in session.scalars(select(Payment).where(Payment.status.in_(OPEN))):
        created = as_utc(payment.created_at)
        if payment.status == "RCVD" and now >= created + timedelta(seconds=settings.payment_validation_delay):
            payment.status = "ACTC"
        signed = created + timedelta(seconds=settings.payment_sign_delay)
        if payment.status == "ACTC" and now >= signed:
            payment.status = "ACSP"
        day = max(payment.execution_date, bank_day(signed, settings.timezone))
        if payment.status == "ACSP" and today >= day:
            _execute(session, payment, day)


def _execute(session: Session, payment: Payment, day: date) -> None:
    batches = _accepted(payment)
    accounts = {b.id: _account(session, b.account_iban) for b in batches}
    if payment.kind == "pain.001":
        for batch in batches:
            after = balances(session, accounts[batch.id], day).interim_booked - batch.total
            if after < -CREDIT_LINE:
                payment.status, payment.reason = "RJCT", "AM04"
                payment.reason_text = f"Insufficient funds on {batch.account_iban} for batch {batch.id}."
                return
    for batch in batches:
        _book(session, payment, batch, accounts[batch.id], day)
    payment.status = "PART" if payment.document.get("rejected") else "ACSC"


def _account(session: Session, iban: str) -> Account:
    account = session.scalar(select(Account).where(Account.iban == iban_id.compact(iban)))
    assert account is not None, "checked when the file was accepted"
    return account


def _book(session: Session, payment: Payment, batch: pain.Batch, account: Account, day: date) -> None:
    sign = Decimal(-1) if payment.kind == "pain.001" else Decimal(1)
    code = "PMNT-ICDT-ESCT" if payment.kind == "pain.001" else "PMNT-IDDT-ESDD"
    customer = session.get(Customer, account.customer_id)
    if batch.batch_booking is False or (customer is not None and customer.batch_booking == "items"):
        for item in batch.items:
            add_entry(
                session,
                account,
                NewEntry(
                    amount=sign * item.amount,
                    booking_date=day,
                    counterparty_name=item.name,
                    counterparty_iban=item.iban,
                    counterparty_bic=item.bic,
                    remittance=item.remittance,
                    reference=item.reference,
                    reference_type=item.reference_type,
                    end_to_end_id=item.end_to_end_id,
                    mandate_id=item.mandate_id,
                    creditor_id=batch.creditor_id,
                    bank_code=code,
                    batch_id=batch.id,
                    payment_id=payment.id,
                ),
            )
        return
    add_entry(
        session,
        account,
        NewEntry(
            amount=sign * batch.total,
            booking_date=day,
            bank_code=code,
            batch_id=batch.id,
            batch_count=len(batch.items),
            payment_id=payment.id,
            creditor_id=batch.creditor_id,
            remittance=f"Batch {batch.id} ({len(batch.items)} posten)",
        ),
    )
