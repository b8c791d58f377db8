"""The bank's own pages for strong customer authentication (server-rendered HTML).

``/sca/{id}``: log in by username → ``/sca/{id}/accounts``: choose accounts, enter the
response of the (simulated) card reader, sign or refuse → back to the TPP. A user who
is neither owner nor administrator with linking rights is refused with a clear page.
Any 6-digit response signs; ``000000`` simulates a failed signature.
"""

from __future__ import annotations

from typing import Any

from authlib.oauth2 import OAuth2Error
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bankbridge.sandbox import consents as lifecycle
from bankbridge.sandbox.context import SandboxContext, sandbox
from bankbridge.sandbox.oauth.models import GrantUser
from bankbridge.sandbox.oauth.requests import SandboxRequest
from bankbridge.sandbox.oauth.server import SandboxAuthServer
from bankbridge.sandbox.tables import Account, Authorisation, BankUser, Consent, OAuthClient

router = APIRouter(prefix="/sca", tags=["sca pages"], include_in_schema=False)
FAILED_RESPONSE = "000000"


def _page(ctx: SandboxContext, request: Request, name: str, status: int = 200, **data: Any) -> Response:
    return ctx.templates.TemplateResponse(request, name, data, status_code=status)


def _open(ctx: SandboxContext, request: Request, session: Session, auth_id: str) -> Authorisation | Response:
    auth = session.get(Authorisation, auth_id)
    if auth is None:
        return _page(ctx, request, "message.html", 404, title="Onbekende link", text="Deze inloglink bestaat niet.")
    if auth.sca_status in {"finalised", "failed"}:
        return _page(
            ctx,
            request,
            "message.html",
            410,
            title="Link al gebruikt",
            text="Deze inloglink is al gebruikt. Start opnieuw vanuit de applicatie.",
        )
    return auth


@router.get("/done")
def done(request: Request) -> Response:
    """Shown when the TPP gave no redirect URI."""
    ctx = sandbox(request)
    return _page(ctx, request, "message.html", title="Klaar", text="U kunt dit venster sluiten.")


@router.get("/{auth_id}")
def login_page(auth_id: str, request: Request) -> Response:
    """Log in by username."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        auth = _open(ctx, request, session, auth_id)
        if isinstance(auth, Response):
            return auth
        return _page(ctx, request, "login.html", auth=auth, error=None)


@router.post("/{auth_id}/login")
def login(auth_id: str, request: Request, username: str = Form("")) -> Response:
    """Identify the PSU; refuse one without the right role (R-E4)."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        auth = _open(ctx, request, session, auth_id)
        if isinstance(auth, Response):
            return auth
        user = session.scalar(select(BankUser).where(BankUser.username == username.strip()))
        if user is None:
            return _page(ctx, request, "login.html", 400, auth=auth, error="Onbekende gebruikersnaam.")
        auth.user_id = user.id
        auth.sca_status = "psuIdentified"
        if not lifecycle.linkable_accounts(session, user.id):
            back = _finish(ctx, session, auth, approved=False)
            return _page(ctx, request, "refused.html", 403, user=user, back=back)
    return RedirectResponse(f"/sca/{auth_id}/accounts", status_code=303)


@router.get("/{auth_id}/accounts")
def accounts_page(auth_id: str, request: Request) -> Response:
    """Choose the accounts and sign."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        auth = _open(ctx, request, session, auth_id)
        if isinstance(auth, Response):
            return auth
        if auth.user_id is None:
            return RedirectResponse(f"/sca/{auth_id}", status_code=303)
        return _accounts(ctx, request, session, auth, error=None)


def _accounts(
    ctx: SandboxContext, request: Request, session: Session, auth: Authorisation, error: str | None
) -> Response:
    assert auth.user_id is not None
    consent = session.get(Consent, auth.consent_id) if auth.consent_id else None
    offered = lifecycle.offered_accounts(session, consent, auth.user_id)
    linked = {a.id for a in _already_linked(ctx, session, auth, consent)}
    return _page(
        ctx,
        request,
        "accounts.html",
        400 if error else 200,
        auth=auth,
        accounts=offered,
        linked=linked,
        error=error,
        user=session.get(BankUser, auth.user_id),
    )


def _already_linked(
    ctx: SandboxContext, session: Session, auth: Authorisation, consent: Consent | None
) -> list[Account]:
    style = "berlin" if consent is not None else "oauth"
    client = consent.client_id if consent is not None else _client_id(auth)
    assert auth.user_id is not None
    old = lifecycle.previous_consent(
        session, style=style, client_id=client, user_id=auth.user_id, today=ctx.today(), exclude=auth.consent_id
    )
    return lifecycle.consent_accounts(session, old) if old else []


def _client_id(auth: Authorisation) -> str | None:
    pairs = dict((auth.oauth_params or {}).get("pairs", []))
    return pairs.get("client_id")


@router.post("/{auth_id}/sign")
async def sign(auth_id: str, request: Request) -> Response:
    """Sign (or refuse) and go back to the TPP."""
    form = await request.form()
    chosen = [str(v) for v in form.getlist("account")]
    decision = str(form.get("decision", ""))
    answer = str(form.get("response", "")).strip()
    return await run_in_threadpool(_sign, sandbox(request), request, auth_id, (chosen, decision, answer))


def _sign(ctx: SandboxContext, request: Request, auth_id: str, submitted: tuple[list[str], str, str]) -> Response:
    chosen, decision, answer = submitted
    with ctx.store.unit() as session:
        auth = _open(ctx, request, session, auth_id)
        if isinstance(auth, Response):
            return auth
        if auth.user_id is None:
            return RedirectResponse(f"/sca/{auth_id}", status_code=303)
        if decision != "approve":
            return _go(_finish(ctx, session, auth, approved=False))
        offered = {
            a.id: a
            for a in lifecycle.offered_accounts(
                session, session.get(Consent, auth.consent_id) if auth.consent_id else None, auth.user_id
            )
        }
        picked = [offered[i] for i in chosen if i in offered]
        if not picked:
            return _accounts(ctx, request, session, auth, "Kies minstens één rekening.")
        if len(answer) != 6 or not answer.isdigit():
            return _accounts(ctx, request, session, auth, "Voer de 6-cijferige respons van de lezer in.")
        return _go(_finish(ctx, session, auth, approved=answer != FAILED_RESPONSE, accounts=picked))


def _go(target: str) -> Response:
    return RedirectResponse(target, status_code=303)


def _finish(
    ctx: SandboxContext, session: Session, auth: Authorisation, *, approved: bool, accounts: list[Account] | None = None
) -> str:
    """Close the SCA session: the consent becomes valid or rejected; where the browser goes next."""
    auth.sca_status = "finalised" if approved else "failed"
    consent = session.get(Consent, auth.consent_id) if auth.consent_id else None
    if consent is not None:
        if approved and auth.user_id is not None:
            lifecycle.approve_berlin(session, consent, auth.user_id, accounts or [], ctx.today())
        else:
            consent.status = "rejected"
    if auth.oauth_params is not None:
        return _oauth_redirect(ctx, session, auth, consent, accounts if approved else None)
    target = (
        consent.redirect_uri
        if consent and approved
        else (consent.nok_redirect_uri or consent.redirect_uri if consent else None)
    )
    return target or "/sca/done"


def _oauth_redirect(
    ctx: SandboxContext, session: Session, auth: Authorisation, consent: Consent | None, accounts: list[Account] | None
) -> str:
    params = auth.oauth_params or {}
    oauth_request = SandboxRequest("GET", params["uri"], {}, [tuple(p) for p in params["pairs"]])
    server = SandboxAuthServer(session, ctx.clock, ctx.settings)
    try:
        grant = server.get_consent_grant(oauth_request)
    except OAuth2Error as error:  # the client registration changed meanwhile
        failed: Response = server.handle_error_response(oauth_request, error)
        return failed.headers.get("location") or "/sca/done"
    user: GrantUser | None = None
    if accounts is not None and auth.user_id is not None:
        if consent is None:
            client = session.get(OAuthClient, grant.request.client.get_client_id())
            consent = lifecycle.approve_oauth(
                session,
                client_id=grant.request.client.get_client_id(),
                scope=grant.request.scope or "",
                user_id=auth.user_id,
                accounts=accounts,
                now=ctx.clock.now(),
                today=ctx.today(),
                premium=client is not None and client.profile == "premium",
                settings=ctx.settings,
            )
        elif consent.client_id is None:
            consent.client_id = grant.request.client.get_client_id()
        user = GrantUser(auth.user_id, consent.id)
    response: Response = server.create_authorization_response(oauth_request, grant_user=user, grant=grant)
    return response.headers.get("location") or "/sca/done"
