"""Who may read what: bearer tokens, ``Consent-ID``, consent coverage and the daily limit.

Checks run in the order a bank runs them: token (401 ``TOKEN_*``), consent (403
``CONSENT_UNKNOWN``, 401 ``CONSENT_INVALID``/``CONSENT_EXPIRED``), the account (404
``RESOURCE_UNKNOWN``, or 401 ``CONSENT_INVALID`` when the consent does not cover it),
and, after the request itself proved valid, the access frequency (429
``ACCESS_EXCEEDED``; calls with ``PSU-IP-Address`` are the PSU's own and not counted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bankbridge.sandbox.clock import as_utc
from bankbridge.sandbox.consents import ENDED, SCOPE_SERVICES, consent_accounts, current_status
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.tables import AccessCount, Account, Consent, Token


@dataclass(frozen=True, slots=True)
class Reader:
    """The consent a call runs under, and the services this call may use.

    A bearer token of an OAuth-scope consent grants only its own scopes, even when the
    consent (one per user and client) has collected more scopes over time.
    """

    consent: Consent
    services: frozenset[str]


def bearer_token(session: Session, headers: Mapping[str, str], now: datetime) -> Token | None:
    """The access token of ``Authorization: Bearer …`` (``None`` when there is no header)."""
    header = headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise BankProblem("TOKEN_INVALID", "The Authorization header is not a Bearer token.")
    token = session.get(Token, value.strip())
    if token is None:
        raise BankProblem("TOKEN_UNKNOWN")
    if token.access_revoked:
        raise BankProblem("TOKEN_INVALID", "The access token was revoked or replaced.")
    if now >= as_utc(token.issued_at) + timedelta(seconds=token.expires_in):
        raise BankProblem("TOKEN_EXPIRED")
    return token


def consent_of(session: Session, headers: Mapping[str, str], *, now: datetime, today: date) -> Reader:
    """The valid consent this request runs under (by ``Consent-ID`` and/or bearer token)."""
    token = bearer_token(session, headers, now)
    consent_id = headers.get("consent-id")
    if consent_id is None and token is None:
        raise BankProblem("FORMAT_ERROR", "Send a Consent-ID header or a Bearer token.", path="Consent-ID")
    consent = session.get(Consent, consent_id or (token.consent_id if token else ""))
    if consent is None or (token is not None and token.consent_id != consent.id):
        raise BankProblem("CONSENT_UNKNOWN", path="Consent-ID")
    client = headers.get("x-ibm-client-id")
    if client and consent.client_id and client != consent.client_id:
        raise BankProblem("CONSENT_UNKNOWN", "The consent belongs to another TPP.", path="Consent-ID")
    if consent.style == "oauth" and token is None:
        raise BankProblem("TOKEN_INVALID", "This consent is used with its Bearer token.")
    services = frozenset(_usable(consent, today).services)
    if token is not None and consent.style == "oauth":
        services &= {s for scope in token.scope.split() for s in SCOPE_SERVICES.get(scope, ())}
    return Reader(consent, services)


def _usable(consent: Consent, today: date) -> Consent:
    status = current_status(consent, today)
    if status == "expired":
        raise BankProblem("CONSENT_EXPIRED", f"The consent expired after {consent.valid_until}.")
    if status in ENDED:
        raise BankProblem("CONSENT_INVALID", f"The consent was {ENDED[status]}.")
    if status != "valid":
        raise BankProblem("CONSENT_INVALID", f"The consent is {status}, not valid.")
    return consent


def covered_account(session: Session, reader: Reader, account_id: str, service: str) -> Account:
    """The account when the consent covers it for ``service``."""
    account = session.get(Account, account_id)
    if account is None:
        raise BankProblem("RESOURCE_UNKNOWN", "No account with this id.", path="account-id")
    if account.id not in {a.id for a in consent_accounts(session, reader.consent)}:
        raise BankProblem("CONSENT_INVALID", "The consent does not cover this account.")
    require_service(reader, service)
    return account


def require_service(reader: Reader, service: str) -> None:
    """401 ``CONSENT_INVALID`` when the call may not use ``service``."""
    if service not in reader.services:
        raise BankProblem("CONSENT_INVALID", f"The consent does not grant access to {service}.")


def count_read(
    session: Session,
    consent: Consent,
    *,
    account_id: str,
    family: str,
    today: date,
    attended: bool,
) -> None:
    """Count an unattended read; the one past ``frequencyPerDay`` is refused with 429."""
    consent.last_action_date = today
    if attended:
        return
    key = (consent.id, account_id, family, today)
    row = session.get(AccessCount, key)
    if row is None:
        row = AccessCount(consent_id=consent.id, account_id=account_id, family=family, day=today, count=0)
        session.add(row)
    if row.count >= consent.frequency_per_day:
        raise BankProblem(
            "ACCESS_EXCEEDED",
            f"The {consent.frequency_per_day} unattended reads of today are used up; "
            "try again after midnight (bank time).",
        )
    row.count += 1
