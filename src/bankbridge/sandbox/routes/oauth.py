"""OAuth2 endpoints: ``/authorize`` (hands over to the SCA pages), ``/token``, ``/revoke``.

Mounted twice, as ``/oauth2`` (PSD2) and ``/oauth2-premium`` (Rabobank Premium); the
client registration's profile decides how long the consent lasts.
"""

from __future__ import annotations

import secrets
from typing import Any

from authlib.oauth2 import OAuth2Error
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bankbridge.sandbox.context import SandboxContext, sandbox
from bankbridge.sandbox.oauth.models import AIS_CONSENT_SCOPE
from bankbridge.sandbox.oauth.requests import SandboxRequest, from_starlette
from bankbridge.sandbox.oauth.server import SandboxAuthServer
from bankbridge.sandbox.store import new_id
from bankbridge.sandbox.tables import Authorisation, Consent

router = APIRouter(tags=["oauth2"])


@router.get("/authorize", summary="Start the authorization-code flow (browser)")
async def authorize(request: Request) -> Response:
    """Validate the request with Authlib, then send the browser to the bank's login page."""
    oauth_request = await from_starlette(request)
    return await run_in_threadpool(_authorize, sandbox(request), request, oauth_request)


def _authorize(ctx: SandboxContext, request: Request, oauth_request: SandboxRequest) -> Response:
    with ctx.store.unit() as session:
        server = SandboxAuthServer(session, ctx.clock, ctx.settings)
        try:
            server.get_consent_grant(oauth_request)
            consent_id = _consent_scope(session, oauth_request)
        except OAuth2Error as error:
            if error.redirect_uri:
                response: Response = server.handle_error_response(oauth_request, error)
                return response
            return ctx.templates.TemplateResponse(
                request,
                "message.html",
                {"title": "Ongeldig verzoek", "text": f"{error.error}: {error.description}"},
                status_code=400,
            )
        auth = Authorisation(
            id=new_id("sca-"),
            consent_id=consent_id,
            user_id=None,
            oauth_params={"uri": oauth_request.uri, "pairs": list(oauth_request.payload.data.items())},
            challenge=f"{secrets.randbelow(10**8):08d}",
            created_at=ctx.clock.now(),
        )
        session.add(auth)
    return RedirectResponse(f"/sca/{auth.id}", status_code=303)


def _consent_scope(session: Any, oauth_request: SandboxRequest) -> str | None:
    """The Berlin consent named by an ``AIS:{consentId}`` scope (OAuth SCA variant)."""
    from authlib.oauth2.rfc6749.errors import InvalidScopeError

    for scope in (oauth_request.payload.scope or "").split():
        if scope.startswith(AIS_CONSENT_SCOPE):
            consent = session.get(Consent, scope.removeprefix(AIS_CONSENT_SCOPE))
            if consent is None or consent.status != "received":
                raise InvalidScopeError(
                    "The consent in the scope is unknown or not awaiting authorisation.",
                    redirect_uri=oauth_request.payload.redirect_uri,
                    state=oauth_request.payload.state,
                )
            return str(consent.id)
    return None


@router.post("/token", summary="Exchange a code or a refresh token for tokens")
async def token(request: Request) -> Response:
    """RFC 6749 token endpoint (form body; client auth by HTTP Basic, POST or none)."""
    oauth_request = await from_starlette(request)
    ctx = sandbox(request)
    return await run_in_threadpool(_endpoint, ctx, oauth_request, None)


@router.post("/revoke", summary="Revoke an access or refresh token (RFC 7009)")
async def revoke(request: Request) -> Response:
    """RFC 7009 revocation endpoint."""
    oauth_request = await from_starlette(request)
    return await run_in_threadpool(_endpoint, sandbox(request), oauth_request, "revocation")


def _endpoint(ctx: SandboxContext, oauth_request: SandboxRequest, name: str | None) -> Response:
    with ctx.store.unit() as session:
        server = SandboxAuthServer(session, ctx.clock, ctx.settings)
        if name is None:
            response: Response = server.create_token_response(oauth_request)
        else:
            response = server.create_endpoint_response(name, oauth_request)
        response.headers["Cache-Control"] = "no-store"
        return response


def discovery(base: str, prefix: str) -> dict[str, Any]:
    """RFC 8414 authorization-server metadata for one profile."""
    return {
        "issuer": f"{base}{prefix}",
        "authorization_endpoint": f"{base}{prefix}/authorize",
        "token_endpoint": f"{base}{prefix}/token",
        "revocation_endpoint": f"{base}{prefix}/revoke",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
    }
