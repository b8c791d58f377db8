"""Single SEPA credit transfers as JSON (Berlin Group ``/v1/payments/sepa-credit-transfers``).

The body is checked as Rabobank checks it (names 2–70, end-to-end id ≤ 35, unstructured
remittance ≤ 140 *or* a structured reference, not both) and then handled exactly like a
one-item pain.001 batch: same statuses over time, same booking. The sandbox asks for no
separate SCA per payment: a bearer token with ``pi.bulk.read-write`` is enough.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from bankbridge.identifiers import iban as iban_id
from bankbridge.sandbox import pain, payments
from bankbridge.sandbox.access import consent_of
from bankbridge.sandbox.context import sandbox
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.routes.payments import find_payment, status_json
from bankbridge.sandbox.store import new_id
from bankbridge.sandbox.wire import Json

router = APIRouter(prefix="/v1/payments/sepa-credit-transfers", tags=["payment initiation"])


class AmountIn(BaseModel):
    """``{"currency": "EUR", "amount": "12.34"}``."""

    currency: Literal["EUR"]
    amount: str = Field(pattern=r"^\d{1,9}(\.\d{1,2})?$")


class AccountIn(BaseModel):
    """``{"iban": …}``."""

    iban: str


class StructuredIn(BaseModel):
    """A structured creditor reference."""

    reference: str = Field(max_length=35)
    reference_type: str | None = Field(None, alias="referenceType")
    reference_issuer: Literal["CUR", "ISO"] | None = Field(None, alias="referenceIssuer")


class SinglePaymentIn(BaseModel):
    """The JSON body of a single credit transfer."""

    model_config = ConfigDict(populate_by_name=True)
    instructed_amount: AmountIn = Field(alias="instructedAmount")
    debtor_account: AccountIn = Field(alias="debtorAccount")
    debtor_name: str | None = Field(None, alias="debtorName", min_length=2, max_length=70)
    creditor_account: AccountIn = Field(alias="creditorAccount")
    creditor_name: str = Field(alias="creditorName", min_length=2, max_length=70)
    creditor_agent: str | None = Field(None, alias="creditorAgent")
    end_to_end_id: str | None = Field(None, alias="endToEndIdentification", max_length=35)
    remittance: str | None = Field(None, alias="remittanceInformationUnstructured", max_length=140)
    structured: StructuredIn | None = Field(None, alias="remittanceInformationStructured")
    execution_date: date | None = Field(None, alias="requestedExecutionDate")


def _as_file(body: SinglePaymentIn, today: date) -> pain.PaymentFile:
    for field, value in (
        ("debtorAccount.iban", body.debtor_account.iban),
        ("creditorAccount.iban", body.creditor_account.iban),
    ):
        if not iban_id.is_valid(value):
            raise BankProblem("FORMAT_ERROR", f"{field} is not a valid IBAN.", path=field)
    if body.remittance and body.structured:
        raise BankProblem(
            "FORMAT_ERROR",
            "Send unstructured or structured remittance information, not both.",
            path="remittanceInformationStructured",
        )
    amount = Decimal(body.instructed_amount.amount)
    if amount <= 0:
        raise BankProblem("FORMAT_ERROR", "The amount must be positive.", path="instructedAmount.amount")
    item = pain.Item(
        end_to_end_id=body.end_to_end_id or "NOTPROVIDED",
        amount=amount,
        name=body.creditor_name,
        iban=iban_id.compact(body.creditor_account.iban),
        bic=body.creditor_agent,
        remittance=body.remittance,
        reference=body.structured.reference if body.structured else None,
        reference_type=(body.structured.reference_issuer or "CUR") if body.structured else None,
    )
    batch = pain.Batch(
        id=new_id("PMT", 8),
        account_iban=iban_id.compact(body.debtor_account.iban),
        execution_date=body.execution_date or today,
        batch_booking=False,
        items=(item,),
    )
    return pain.PaymentFile(
        kind="pain.001",
        version="json",
        message_id=new_id("MSG", 12),
        declared_count=1,
        declared_sum=amount,
        batches=(batch,),
    )


@router.post("", status_code=201, summary="Initiate a single SEPA credit transfer")
def initiate(body: SinglePaymentIn, request: Request) -> Json:
    """Check and accept the payment: ``ACTC`` (or ``RJCT`` with a reason)."""
    ctx = sandbox(request)
    if "psu-ip-address" not in request.headers:
        raise BankProblem("FORMAT_ERROR", "PSU-IP-Address is required on payment initiation.", path="PSU-IP-Address")
    with ctx.store.unit() as session:
        reader = consent_of(session, request.headers, now=ctx.clock.now(), today=ctx.today())
        payment = payments.accept(session, _as_file(body, ctx.today()), reader, now=ctx.clock.now(), today=ctx.today())
        return status_json(payment, request.url.path)


@router.get("/{payment_id}/status", summary="Status of a single payment")
def read_status(payment_id: str, request: Request) -> Response:
    """``{"transactionStatus": …}``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        payment = find_payment(ctx, session, request, "pain.001", payment_id)
        if payment.namespace != "json":
            raise BankProblem("RESOURCE_UNKNOWN", "No such payment.", path="paymentId")
        return JSONResponse({"transactionStatus": payment.status})
