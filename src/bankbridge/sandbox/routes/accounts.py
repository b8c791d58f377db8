"""The account-information API (NextGenPSD2 shape): accounts, balances, transactions.

Every read goes through :mod:`bankbridge.sandbox.access` (token, consent, coverage,
frequency). Transaction reports page deterministically (``page_size`` per page) with a
signed, opaque ``pageKey``; only the first page of a report counts as a read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bankbridge.sandbox import access, bank, export, payments
from bankbridge.sandbox.consents import consent_accounts
from bankbridge.sandbox.context import SandboxContext, sandbox
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.tables import Account, Customer, Entry
from bankbridge.sandbox.wire import (
    Json,
    account_json,
    account_reference,
    balances_json,
    entry_json,
    link,
)

router = APIRouter(prefix="/v1/accounts", tags=["account information"])
STATUSES = {"booked", "pending", "both"}


def _balances(ctx: SandboxContext, session: Session, account: Account) -> list[Json]:
    today = ctx.today()
    return balances_json(
        account, bank.balances(session, account, today), today.isoformat(), (today - timedelta(days=1)).isoformat()
    )


def _owner(session: Session, account: Account) -> str:
    customer = session.get(Customer, account.customer_id)
    return customer.name if customer else ""


def _reader(ctx: SandboxContext, session: Session, request: Request) -> access.Reader:
    reader = access.consent_of(session, request.headers, now=ctx.clock.now(), today=ctx.today())
    payments.advance(session, ctx.clock.now(), ctx.settings)
    return reader


def _attended(request: Request) -> bool:
    return "psu-ip-address" in request.headers


def _count(
    ctx: SandboxContext, session: Session, request: Request, reader: access.Reader, *, account_id: str, family: str
) -> None:
    """Count one read against the consent's access frequency (unattended reads only)."""
    access.count_read(
        session, reader.consent, account_id=account_id, family=family, today=ctx.today(), attended=_attended(request)
    )


@router.get("", summary="Accounts covered by the consent")
def list_accounts(request: Request, with_balance: bool = Query(False, alias="withBalance")) -> Json:
    """``{"accounts": […]}``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        reader = _reader(ctx, session, request)
        if with_balance:
            access.require_service(reader, "balances")
        _count(ctx, session, request, reader, account_id="*", family="accounts")
        return {
            "accounts": [
                account_json(a, _owner(session, a), _balances(ctx, session, a) if with_balance else None)
                for a in consent_accounts(session, reader.consent)
            ]
        }


@router.get("/{account_id}", summary="One account")
def read_account(account_id: str, request: Request, with_balance: bool = Query(False, alias="withBalance")) -> Json:
    """``{"account": {…}}``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        reader = _reader(ctx, session, request)
        account = access.covered_account(session, reader, account_id, "balances" if with_balance else "accounts")
        _count(ctx, session, request, reader, account_id=account.id, family="accounts")
        balances = _balances(ctx, session, account) if with_balance else None
        return {"account": account_json(account, _owner(session, account), balances)}


@router.get("/{account_id}/balances", summary="Balances of an account")
def read_balances(account_id: str, request: Request) -> Json:
    """``closingBooked``, ``interimBooked`` and ``expected``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        reader = _reader(ctx, session, request)
        account = access.covered_account(session, reader, account_id, "balances")
        _count(ctx, session, request, reader, account_id=account.id, family="balances")
        return {"account": account_reference(account), "balances": _balances(ctx, session, account)}


@dataclass(frozen=True, slots=True)
class Report:
    """What one transaction report covers."""

    status: str
    date_from: date
    date_to: date
    offset: int = 0


def _report(ctx: SandboxContext, reader: access.Reader, params: dict[str, str]) -> Report:
    if params.get("pageKey"):
        try:
            data = URLSafeSerializer(ctx.settings.secret, salt="page").loads(params["pageKey"])
        except BadSignature:
            raise BankProblem("FORMAT_ERROR", "pageKey is not valid.", path="pageKey") from None
        return Report(data["s"], date.fromisoformat(data["f"]), date.fromisoformat(data["t"]), data["o"])
    for unsupported in ("deltaList", "entryReferenceFrom"):
        if params.get(unsupported):
            raise BankProblem(
                "PARAMETER_NOT_SUPPORTED", f"{unsupported} is not supported; use dateFrom/dateTo.", path=unsupported
            )
    status = params.get("bookingStatus")
    if status not in STATUSES:
        raise BankProblem("FORMAT_ERROR", "bookingStatus must be booked, pending or both.", path="bookingStatus")
    today = ctx.today()
    date_from = _date(params.get("dateFrom"), "dateFrom", None)
    date_to = min(_date(params.get("dateTo"), "dateTo", today), today)
    if date_from > date_to:
        raise BankProblem("PERIOD_INVALID", "dateFrom lies after dateTo.", path="dateFrom")
    if "history" not in reader.services and date_from < today - timedelta(days=ctx.settings.history_days):
        raise BankProblem(
            "PERIOD_INVALID", f"This consent reaches back {ctx.settings.history_days} days only.", path="dateFrom"
        )
    return Report(status, date_from, date_to)


def _date(value: str | None, name: str, default: date | None) -> date:
    if not value:
        if default is None:
            raise BankProblem("FORMAT_ERROR", f"{name} is required.", path=name)
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BankProblem("FORMAT_ERROR", f"{name} must be an ISO date (YYYY-MM-DD).", path=name) from None


@router.get("/{account_id}/transactions", summary="Transaction report (JSON, or CAMT.053 with Accept: application/xml)")
def read_transactions(account_id: str, request: Request) -> Any:
    """Booked and/or pending transactions between ``dateFrom`` and ``dateTo``, paged."""
    ctx = sandbox(request)
    params = dict(request.query_params)
    camt = _wants_camt(request)
    with ctx.store.unit() as session:
        reader = _reader(ctx, session, request)
        account = access.covered_account(session, reader, account_id, "transactions")
        report = _report(ctx, reader, params)
        if not params.get("pageKey"):
            _count(ctx, session, request, reader, account_id=account.id, family="transactions")
        if camt:
            days = export.daily_statements(session, account, report.date_from, report.date_to, kind="camt053")
            return Response(export.write(days, "camt053"), media_type="application/xml")
        data: Json = {"account": account_reference(account), "transactions": _page(ctx, session, account, report)}
        if params.get("withBalance") == "true":
            data["balances"] = _balances(ctx, session, account)
        return data


def _wants_camt(request: Request) -> bool:
    """JSON by default; ``Accept: application/xml`` asks for the report as CAMT.053."""
    accept = request.headers.get("accept", "*/*")
    if "application/xml" in accept or "camt" in accept:
        return True
    if not any(kind in accept for kind in ("application/json", "*/*", "application/*")):
        raise BankProblem("REQUESTED_FORMATS_INVALID", f"This bank answers JSON or CAMT.053 XML, not {accept}.")
    return False


def _page(ctx: SandboxContext, session: Session, account: Account, report: Report) -> Json:
    query = (
        select(Entry)
        .where(
            Entry.account_id == account.id,
            Entry.booking_date >= report.date_from,
            Entry.booking_date <= report.date_to,
        )
        .order_by(Entry.booking_date, Entry.entry_reference)
    )
    entries = list(session.scalars(query))
    after = bank.running_balances(session, account)
    booked = [e for e in entries if e.status == "booked"] if report.status != "pending" else []
    size = ctx.settings.page_size
    page = booked[report.offset : report.offset + size]
    result: Json = {"booked": [entry_json(e, account, after.get(e.id)) for e in page]}
    if report.status != "booked" and report.offset == 0:
        result["pending"] = [entry_json(e, account, None) for e in entries if e.status == "pending"]
    result["_links"] = _links(ctx, account, report, len(booked))
    return result


def _links(ctx: SandboxContext, account: Account, report: Report, total: int) -> Json:
    size = ctx.settings.page_size
    signer = URLSafeSerializer(ctx.settings.secret, salt="page")
    base = f"/v1/accounts/{account.id}/transactions"

    def href(offset: int) -> Json:
        key = signer.dumps(
            {"s": report.status, "f": report.date_from.isoformat(), "t": report.date_to.isoformat(), "o": offset}
        )
        return link(f"{base}?bookingStatus={report.status}&pageKey={key}")

    last = max(0, (total - 1) // size * size)
    links: Json = {"account": link(f"/v1/accounts/{account.id}"), "first": href(0), "last": href(last)}
    if report.offset + size < total:
        links["next"] = href(report.offset + size)
    if report.offset > 0:
        links["previous"] = href(max(0, report.offset - size))
    return links


@router.get("/{account_id}/transactions/{transaction_id}", summary="One transaction's details")
def read_transaction(account_id: str, transaction_id: str, request: Request) -> Json:
    """``{"transactionsDetails": {…}}``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        reader = _reader(ctx, session, request)
        account = access.covered_account(session, reader, account_id, "transactions")
        entry = session.get(Entry, transaction_id)
        if entry is None or entry.account_id != account.id:
            raise BankProblem("RESOURCE_UNKNOWN", "No such transaction.", path="transactionId")
        _count(ctx, session, request, reader, account_id=account.id, family="transactions")
        after = bank.running_balances(session, account).get(entry.id)
        details: Any = entry_json(entry, account, after)
        return {"transactionsDetails": details}
