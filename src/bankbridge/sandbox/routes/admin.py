"""Health and the admin API: clock, seed, exact transactions, consent revocation, error injection.

The admin API is for tests and demos (the sandbox binds to 127.0.0.1 by default); a
real bank has nothing like it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from bankbridge.identifiers import iban as iban_id
from bankbridge.sandbox import bank, export, generator, payments, seed
from bankbridge.sandbox.clock import MovableClock
from bankbridge.sandbox.context import Injection, sandbox
from bankbridge.sandbox.problems import ERRORS, BankProblem
from bankbridge.sandbox.tables import Account, Consent
from bankbridge.sandbox.wire import Json, entry_json

router = APIRouter(tags=["admin"])


@router.get("/health", summary="Liveness")
def health(request: Request) -> dict[str, str]:
    """``{"status": "ok", "time": …}`` (the sandbox clock's time)."""
    return {"status": "ok", "time": sandbox(request).clock.now().isoformat()}


class ClockMove(BaseModel):
    """Set the clock (``now``) or move it forward (``advanceSeconds``)."""

    model_config = ConfigDict(extra="forbid")
    now: datetime | None = None
    advance_seconds: int | None = Field(None, alias="advanceSeconds", ge=0)


@router.get("/admin/clock", summary="The sandbox clock")
def read_clock(request: Request) -> dict[str, Any]:
    """Now, the bank's day, and whether the clock can be moved."""
    ctx = sandbox(request)
    return {
        "now": ctx.clock.now().isoformat(),
        "today": ctx.today().isoformat(),
        "movable": isinstance(ctx.clock, MovableClock),
    }


@router.post("/admin/clock", summary="Set or advance the sandbox clock")
def move_clock(move: ClockMove, request: Request) -> dict[str, Any]:
    """Token, consent and payment progress follow the new time."""
    ctx = sandbox(request)
    if not isinstance(ctx.clock, MovableClock):
        raise BankProblem("SERVICE_INVALID", "This sandbox runs on a fixed system clock.")
    if move.now is not None:
        ctx.clock.set(move.now)
    if move.advance_seconds:
        ctx.clock.advance(timedelta(seconds=move.advance_seconds))
    with ctx.store.unit() as session:
        payments.advance(session, ctx.clock.now(), ctx.settings)
    return read_clock(request)


@router.post("/admin/seed", status_code=201, summary="Add customers, users, accounts, clients")
def add_seed(document: dict[str, Any], request: Request) -> dict[str, int]:
    """A seed document (the same shape as the YAML seed file); existing records stay."""
    ctx = sandbox(request)
    parsed = seed.parse_seed(document, source="request")
    with ctx.store.unit() as session:
        seed.apply_seed(session, parsed, secret=ctx.settings.secret)
    return {"users": len(parsed.users), "customers": len(parsed.customers), "clients": len(parsed.clients)}


class TransactionIn(BaseModel):
    """An exact transaction to add (amount signed, credit positive)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    amount: Decimal = Field(decimal_places=2)
    booking_date: date | None = Field(None, alias="bookingDate")
    value_date: date | None = Field(None, alias="valueDate")
    status: Literal["booked", "pending"] = "booked"
    counterparty_name: str | None = Field(None, alias="counterpartyName", max_length=70)
    counterparty_iban: str | None = Field(None, alias="counterpartyIban")
    counterparty_bic: str | None = Field(None, alias="counterpartyBic")
    remittance: str | None = Field(None, alias="remittanceInformationUnstructured", max_length=140)
    reference: str | None = Field(None, max_length=35)
    reference_type: Literal["CUR", "ISO", "BBA"] | None = Field(None, alias="referenceType")
    end_to_end_id: str | None = Field(None, alias="endToEndId", max_length=35)
    mandate_id: str | None = Field(None, alias="mandateId", max_length=35)
    creditor_id: str | None = Field(None, alias="creditorId", max_length=35)
    bank_code: str = Field("PMNT-RCDT-ESCT", alias="bankTransactionCode")
    proprietary_code: str | None = Field(None, alias="proprietaryBankTransactionCode")
    purpose_code: str | None = Field(None, alias="purposeCode")
    reason_code: str | None = Field(None, alias="reasonCode")


@router.get("/admin/accounts", summary="All accounts with their resource ids and balances")
def list_accounts(request: Request) -> list[dict[str, str]]:
    """IBAN, ``resourceId``, customer and interim booked balance of every account."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        return [
            {
                "iban": a.iban,
                "resourceId": a.id,
                "customer": a.customer_id,
                "name": a.name,
                "interimBooked": str(bank.balances(session, a, ctx.today()).interim_booked),
            }
            for a in session.scalars(select(Account).order_by(Account.iban))
        ]


@router.post("/admin/accounts/{iban}/transactions", status_code=201, summary="Add an exact transaction")
def add_transaction(iban: str, body: TransactionIn, request: Request) -> Json:
    """Book (or announce as pending) exactly this transaction."""
    ctx = sandbox(request)
    if body.counterparty_iban and not iban_id.is_valid(body.counterparty_iban):
        raise BankProblem("FORMAT_ERROR", "counterpartyIban is not a valid IBAN.", path="counterpartyIban")
    fields = body.model_dump(exclude={"booking_date"})
    with ctx.store.unit() as session:
        account = session.scalar(select(Account).where(Account.iban == iban_id.compact(iban)))
        if account is None:
            raise BankProblem("RESOURCE_UNKNOWN", f"No account {iban}.", path="iban")
        new = bank.NewEntry(booking_date=body.booking_date or ctx.today(), **fields)
        entry = bank.add_entry(session, account, new)
        return entry_json(entry, account, None)


@router.post("/admin/consents/{consent_id}/revoke", summary="The PSU revokes a consent")
def revoke_consent(consent_id: str, request: Request) -> dict[str, str]:
    """``revokedByPsu``, as when the customer ends it at the bank."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        consent = session.get(Consent, consent_id)
        if consent is None:
            raise BankProblem("CONSENT_UNKNOWN", path="consentId")
        consent.status = "revokedByPsu"
        return {"consentStatus": consent.status}


class InjectionIn(BaseModel):
    """Answer the next ``times`` calls under ``pathPrefix`` with the error ``code``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    code: str
    path_prefix: str = Field("/v1", alias="pathPrefix")
    times: int = Field(1, ge=1)


@router.post("/admin/errors", status_code=201, summary="Queue an error to inject")
def inject(body: InjectionIn, request: Request) -> dict[str, Any]:
    """Every row of the error table can be injected (see ``GET /admin/errors``)."""
    if body.code not in ERRORS:
        raise BankProblem("FORMAT_ERROR", f"Unknown error code {body.code!r}.", path="code")
    sandbox(request).injections.add(Injection(body.code, body.path_prefix, body.times))
    return {"code": body.code, "pathPrefix": body.path_prefix, "times": body.times}


@router.get("/admin/errors", summary="The error rows that can be injected")
def error_rows() -> list[dict[str, Any]]:
    """Code, HTTP status, style and default text of every error row."""
    return [{"code": r.code, "status": r.status, "style": r.style, "text": r.text} for r in ERRORS.values()]


class GenerateIn(BaseModel):
    """Generate ``days`` days of realistic transactions from ``start`` (default: ending yesterday)."""

    model_config = ConfigDict(extra="forbid")
    iban: str
    days: int = Field(30, ge=1, le=730)
    seed: int = 1
    start: date | None = None


@router.post("/admin/generate", status_code=201, summary="Generate realistic transactions")
def generate_transactions(body: GenerateIn, request: Request) -> dict[str, int]:
    """Deterministic: the same seed, IBAN and period give the same transactions."""
    ctx = sandbox(request)
    start = body.start or ctx.today() - timedelta(days=body.days)
    with ctx.store.unit() as session:
        account = session.scalar(select(Account).where(Account.iban == iban_id.compact(body.iban)))
        if account is None:
            raise BankProblem("RESOURCE_UNKNOWN", f"No account {body.iban}.", path="iban")
        entries = generator.generate(body.seed, account.iban, start, body.days)
        return {"booked": bank.book_generated(session, account, entries)}


@router.get("/admin/accounts/{iban}/statements", summary="Daily statements as CAMT.053 or MT940")
def statements(
    iban: str,
    request: Request,
    date_from: Annotated[date, Query(alias="dateFrom")],
    date_to: Annotated[date | None, Query(alias="dateTo")] = None,
    file_format: Annotated[Literal["camt053", "mt940"], Query(alias="format")] = "camt053",
) -> Response:
    """The same booked data the API serves, as the files internet banking offers for download."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        account = session.scalar(select(Account).where(Account.iban == iban_id.compact(iban)))
        if account is None:
            raise BankProblem("RESOURCE_UNKNOWN", f"No account {iban}.", path="iban")
        days = export.daily_statements(session, account, date_from, date_to or ctx.today(), kind=file_format)
        return Response(export.write(days, file_format), media_type=export.MEDIA_TYPES[file_format])
