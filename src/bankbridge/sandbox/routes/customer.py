"""The customer's own page at the bank: see linked applications and end a consent (``revokedByPsu``)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from bankbridge.sandbox.consents import consent_accounts, current_status
from bankbridge.sandbox.context import sandbox
from bankbridge.sandbox.tables import BankUser, Consent, OAuthClient

router = APIRouter(prefix="/bank", tags=["customer pages"], include_in_schema=False)


@router.get("/consents")
def consents_page(request: Request) -> Response:
    """The logged-in user's consents (or the login form)."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        user = session.get(BankUser, request.session.get("user_id", -1))
        rows = []
        if user is not None:
            for consent in session.scalars(
                select(Consent).where(Consent.user_id == user.id).order_by(Consent.created_at)
            ):
                current_status(consent, ctx.today())
                client = session.get(OAuthClient, consent.client_id) if consent.client_id else None
                rows.append(
                    {
                        "consent": consent,
                        "client": client.name if client else (consent.client_id or "TPP"),
                        "ibans": [a.iban for a in consent_accounts(session, consent)],
                    }
                )
        return ctx.templates.TemplateResponse(request, "customer.html", {"user": user, "rows": rows})


@router.post("/login")
def login(request: Request, username: str = Form("")) -> Response:
    """Log in by username (the sandbox has no passwords)."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        user = session.scalar(select(BankUser).where(BankUser.username == username.strip()))
        if user is not None:
            request.session["user_id"] = user.id
    return RedirectResponse("/bank/consents", status_code=303)


@router.post("/consents/{consent_id}/end")
def end(consent_id: str, request: Request) -> Response:
    """The PSU ends a consent at the bank: the API answers ``revokedByPsu`` from now on."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        consent = session.get(Consent, consent_id)
        mine = consent is not None and consent.user_id == request.session.get("user_id")
        if consent is not None and mine and current_status(consent, ctx.today()) == "valid":
            consent.status = "revokedByPsu"
    return RedirectResponse("/bank/consents", status_code=303)
