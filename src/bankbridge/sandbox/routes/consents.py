"""Berlin Group NextGenPSD2 consent resource: create, read, status, delete, authorisations."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from bankbridge.sandbox import consents as lifecycle
from bankbridge.sandbox.context import SandboxContext, sandbox
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.store import new_id
from bankbridge.sandbox.tables import Authorisation, Consent
from bankbridge.sandbox.wire import consent_json, link

router = APIRouter(prefix="/v1/consents", tags=["consents (Berlin Group)"])


def _consent(session: Session, request: Request, consent_id: str) -> Consent:
    consent = session.get(Consent, consent_id)
    client = request.headers.get("x-ibm-client-id")
    if consent is None or (client and consent.client_id and client != consent.client_id):
        raise BankProblem("CONSENT_UNKNOWN", path="consentId")
    return consent


def _start(ctx: SandboxContext, session: Session, consent: Consent) -> Authorisation:
    auth = Authorisation(
        id=new_id("sca-"),
        consent_id=consent.id,
        oauth_params=None,
        user_id=None,
        challenge=f"{secrets.randbelow(10**8):08d}",
        created_at=ctx.clock.now(),
    )
    session.add(auth)
    return auth


@router.post("", status_code=201, summary="Create an AIS consent (redirect SCA)")
async def create(request: Request) -> dict[str, Any]:
    """Store a ``received`` consent and return the SCA redirect link."""
    ctx = sandbox(request)
    try:
        body = await request.json()
    except ValueError:
        raise BankProblem("FORMAT_ERROR", "The body is not JSON.") from None
    headers = request.headers
    with ctx.store.unit() as session:
        wanted = lifecycle.parse_consent_request(body, ctx.today(), ctx.settings)
        consent = lifecycle.create_berlin(
            session,
            wanted,
            client_id=headers.get("x-ibm-client-id"),
            redirects=(headers.get("tpp-redirect-uri"), headers.get("tpp-nok-redirect-uri")),
            now=ctx.clock.now(),
            today=ctx.today(),
        )
        auth = _start(ctx, session, consent)
    base = str(request.base_url).rstrip("/")
    return {
        "consentStatus": "received",
        "consentId": consent.id,
        "validUntil": wanted.valid_until.isoformat(),
        "frequencyPerDay": wanted.frequency_per_day,
        "_links": {
            "scaRedirect": link(f"{base}/sca/{auth.id}"),
            "scaOAuth": link(f"{base}/.well-known/oauth-authorization-server"),
            "self": link(f"/v1/consents/{consent.id}"),
            "status": link(f"/v1/consents/{consent.id}/status"),
            "scaStatus": link(f"/v1/consents/{consent.id}/authorisations/{auth.id}"),
        },
    }


@router.get("/{consent_id}", summary="Read a consent")
def read(consent_id: str, request: Request) -> dict[str, Any]:
    """Access, validity, frequency and status."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        consent = _consent(session, request, consent_id)
        lifecycle.current_status(consent, ctx.today())
        ibans = [a.iban for a in lifecycle.consent_accounts(session, consent)]
        return consent_json(consent, ibans)


@router.get("/{consent_id}/status", summary="A consent's status")
def status(consent_id: str, request: Request) -> dict[str, str]:
    """``{"consentStatus": …}``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        consent = _consent(session, request, consent_id)
        return {"consentStatus": lifecycle.current_status(consent, ctx.today())}


@router.delete("/{consent_id}", status_code=204, summary="End a consent (TPP)")
def delete(consent_id: str, request: Request) -> Response:
    """The TPP ends the consent: ``terminatedByTpp``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        consent = _consent(session, request, consent_id)
        consent.status = "terminatedByTpp"
    return Response(status_code=204)


@router.post("/{consent_id}/authorisations", status_code=201, summary="Start an authorisation")
def start_authorisation(consent_id: str, request: Request) -> dict[str, Any]:
    """A new SCA session for a consent that awaits authorisation."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        consent = _consent(session, request, consent_id)
        if consent.status != "received":
            raise BankProblem("SERVICE_INVALID", f"The consent is {consent.status}; nothing to authorise.")
        auth = _start(ctx, session, consent)
    base = str(request.base_url).rstrip("/")
    return {
        "scaStatus": "received",
        "authorisationId": auth.id,
        "_links": {
            "scaRedirect": link(f"{base}/sca/{auth.id}"),
            "scaStatus": link(f"/v1/consents/{consent_id}/authorisations/{auth.id}"),
        },
    }


@router.get("/{consent_id}/authorisations/{authorisation_id}", summary="SCA status")
def sca_status(consent_id: str, authorisation_id: str, request: Request) -> dict[str, str]:
    """``{"scaStatus": …}``."""
    ctx = sandbox(request)
    with ctx.store.unit() as session:
        _consent(session, request, consent_id)
        auth = session.get(Authorisation, authorisation_id)
        if auth is None or auth.consent_id != consent_id:
            raise BankProblem("RESOURCE_UNKNOWN", "No such authorisation.", path="authorisationId")
        return {"scaStatus": auth.sca_status}
