"""Payment initiation: pain.001 / pain.008 bulk upload, payment status (JSON or pain.002).

Calls need a bearer token whose consent carries ``pi.bulk.read-write`` and the
``PSU-IP-Address`` header (as at Rabobank). The file is the raw request body
(``application/xml``) or the first file of a ``multipart/form-data`` body.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from bankbridge.sandbox import pain, pain002, payments
from bankbridge.sandbox.access import consent_of
from bankbridge.sandbox.context import SandboxContext, sandbox
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.tables import Payment
from bankbridge.sandbox.wire import Json, link

router = APIRouter(prefix="/v1/bulk-payments", tags=["payment initiation"])
PRODUCTS: dict[str, pain.Kind] = {
    "pain.001-sepa-credit-transfers": "pain.001",
    "pain.008-sepa-direct-debits": "pain.008",
}
MAX_BYTES = 10 * 1024 * 1024


def _kind(product: str) -> pain.Kind:
    if product not in PRODUCTS:
        raise BankProblem("RESOURCE_UNKNOWN", f"Unknown payment product {product!r}.", path="payment-product")
    return PRODUCTS[product]


async def _file(request: Request) -> bytes:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
        if not uploads:
            raise BankProblem("FORMAT_ERROR", "The multipart body holds no file.")
        data = await uploads[0].read()
    else:
        data = await request.body()
    if not data or len(data) > MAX_BYTES:
        raise BankProblem("FORMAT_ERROR", "Send one pain file of at most 10 MB.")
    return data


@router.post("/{product}", status_code=201, summary="Upload a pain.001 or pain.008 batch file")
async def upload(product: str, request: Request) -> Json:
    """Validate the file and return the payment id with its first status."""
    kind = _kind(product)
    if "psu-ip-address" not in request.headers:
        raise BankProblem("FORMAT_ERROR", "PSU-IP-Address is required on payment initiation.", path="PSU-IP-Address")
    data = await _file(request)
    return await run_in_threadpool(_upload, sandbox(request), request, kind, data)


def _upload(ctx: SandboxContext, request: Request, kind: pain.Kind, data: bytes) -> Json:
    with ctx.store.unit() as session:
        reader = consent_of(session, request.headers, now=ctx.clock.now(), today=ctx.today())
        upload_ = pain.read(data, kind)
        payment = payments.accept(session, upload_, reader, now=ctx.clock.now(), today=ctx.today())
        return status_json(payment, request.url.path)


def status_json(payment: Payment, base: str) -> Json:
    """``transactionStatus``, ``paymentId``, links, and the reason of a rejection."""
    path = base if base.endswith(payment.id) else f"{base}/{payment.id}"
    data: Json = {
        "transactionStatus": payment.status,
        "paymentId": payment.id,
        "_links": {"self": link(path), "status": link(f"{path}/status")},
    }
    if payment.reason:
        data["tppMessages"] = [{"category": "ERROR", "code": payment.reason, "text": payment.reason_text or ""}]
    return data


@router.get("/{product}/{payment_id}", summary="A payment batch file")
def read_payment(product: str, payment_id: str, request: Request) -> Json:
    """Status, batches, counts and sums of an uploaded file."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        payment = find_payment(ctx, session, request, _kind(product), payment_id)
        batches = pain.batches_from_json(payment.document["batches"])
        return {
            **status_json(payment, request.url.path),
            "paymentProduct": product,
            "messageId": payment.message_id,
            "batches": [
                {
                    "paymentInformationId": b.id,
                    "account": {"iban": b.account_iban},
                    "requestedExecutionDate": b.execution_date.isoformat(),
                    "numberOfTransactions": len(b.items),
                    "controlSum": str(b.total),
                }
                for b in batches
            ],
        }


@router.get("/{product}/{payment_id}/status", summary="Payment status (JSON, or pain.002 with Accept: application/xml)")
def read_status(product: str, payment_id: str, request: Request) -> Response:
    """``{"transactionStatus": …}`` or a pain.002.001.03 report."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        payment = find_payment(ctx, session, request, _kind(product), payment_id)
        if "xml" in request.headers.get("accept", ""):
            return Response(pain002.report(payment, ctx.clock.now()), media_type="application/xml")
        return JSONResponse({"transactionStatus": payment.status})


def find_payment(ctx: SandboxContext, session: Session, request: Request, kind: pain.Kind, payment_id: str) -> Payment:
    """The payment of this consent (after moving all payments along the clock), or 404."""
    reader = consent_of(session, request.headers, now=ctx.clock.now(), today=ctx.today())
    payments.advance(session, ctx.clock.now(), ctx.settings)
    payment = session.get(Payment, payment_id)
    if payment is None or payment.kind != kind or payment.consent_id != reader.consent.id:
        raise BankProblem("RESOURCE_UNKNOWN", "No such payment.", path="paymentId")
    return payment
