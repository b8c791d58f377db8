"""Consent lifecycle: ``received → valid | rejected``, ``expired`` by the clock,
``revokedByPsu`` at the bank, ``terminatedByTpp`` by DELETE or replacement.

Two styles share one record: a Berlin Group consent resource (``POST /v1/consents``,
redirect SCA) and the grant behind OAuth scopes (Rabobank style). Who may consent is
decided here too: only an owner, or an administrator with linking rights (R-E4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankbridge.identifiers import iban as iban_id
from bankbridge.sandbox.problems import BankProblem
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.store import new_id
from bankbridge.sandbox.tables import Account, Consent, ConsentAccount, Role

SCOPE_SERVICES: dict[str, tuple[str, ...]] = {
    "ais.balances.read": ("accounts", "balances"),
    "ais.transactions.read-90days": ("accounts", "transactions"),
    "ais.transactions.read-history": ("accounts", "transactions", "history"),
    "bai.accountinformation.read": ("accounts", "balances", "transactions", "history"),
    "pi.bulk.read-write": ("payments",),
}
MAX_DATE = date(9999, 12, 31)
ENDED = {"revokedByPsu": "revoked by the PSU", "terminatedByTpp": "terminated by the TPP"}


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """A validated ``POST /v1/consents`` body."""

    services: tuple[str, ...]
    ibans: tuple[str, ...]
    bank_offered: bool
    recurring: bool
    valid_until: date
    frequency_per_day: int


def parse_consent_request(body: Any, today: date, settings: SandboxSettings) -> ConsentRequest:
    """Validate the body as a bank does: 400 ``FORMAT_ERROR`` naming the field."""
    if not isinstance(body, dict) or not isinstance(body.get("access"), dict):
        raise BankProblem("FORMAT_ERROR", "The body must be an object with 'access'.", path="access")
    for field in ("recurringIndicator", "combinedServiceIndicator"):
        if not isinstance(body.get(field), bool):
            raise BankProblem("FORMAT_ERROR", f"'{field}' must be true or false.", path=field)
    if body["combinedServiceIndicator"]:
        raise BankProblem("SESSIONS_NOT_SUPPORTED", path="combinedServiceIndicator")
    services, ibans, offered = _access(body["access"])
    frequency = body.get("frequencyPerDay")
    if not isinstance(frequency, int) or isinstance(frequency, bool) or frequency < 1:
        raise BankProblem("FORMAT_ERROR", "'frequencyPerDay' must be an integer >= 1.", path="frequencyPerDay")
    until = _valid_until(body.get("validUntil"), today)
    return ConsentRequest(
        services=services,
        ibans=ibans,
        bank_offered=offered,
        recurring=body["recurringIndicator"],
        valid_until=min(until, today + timedelta(days=settings.consent_days)),
        frequency_per_day=min(frequency, settings.frequency_per_day) if body["recurringIndicator"] else 1,
    )


def _access(access: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    offered = access.get("availableAccounts") or access.get("allPsd2")
    if offered:
        kinds = {"allAccounts": ("accounts",), "allAccountsWithBalances": ("accounts", "balances")}
        granted = ("accounts", "balances", "transactions") if access.get("allPsd2") else kinds.get(offered)
        if granted is None:
            raise BankProblem("FORMAT_ERROR", f"Unknown access value {offered!r}.", path="access")
        return granted, (), True
    services, ibans = ["accounts"], []
    for kind in ("accounts", "balances", "transactions"):
        refs = access.get(kind, [])
        if not isinstance(refs, list):
            raise BankProblem("FORMAT_ERROR", f"'access.{kind}' must be a list.", path=f"access.{kind}")
        for i, ref in enumerate(refs):
            ibans.append(_iban_of(ref, f"access.{kind}[{i}].iban"))
        if refs and kind != "accounts":
            services.append(kind)
    if not ibans:
        return tuple(services), (), True
    return tuple(services), tuple(dict.fromkeys(ibans)), False


def _iban_of(ref: Any, path: str) -> str:
    value = ref.get("iban") if isinstance(ref, dict) else None
    if not isinstance(value, str) or not iban_id.is_valid(value):
        raise BankProblem("FORMAT_ERROR", "An account reference needs a valid 'iban'.", path=path)
    return iban_id.compact(value)


def _valid_until(value: Any, today: date) -> date:
    try:
        until = date.fromisoformat(str(value))
    except ValueError:
        raise BankProblem("FORMAT_ERROR", "'validUntil' must be an ISO date.", path="validUntil") from None
    if until < today:
        raise BankProblem("FORMAT_ERROR", "'validUntil' lies in the past.", path="validUntil")
    return until


def create_berlin(
    session: Session,
    request: ConsentRequest,
    *,
    client_id: str | None,
    redirects: tuple[str | None, str | None],
    now: datetime,
    today: date,
) -> Consent:
    """Store a ``received`` consent resource."""
    consent = Consent(
        id=new_id("cns-"),
        style="berlin",
        client_id=client_id,
        user_id=None,
        status="received",
        services=list(request.services),
        bank_offered=request.bank_offered,
        requested_ibans=list(request.ibans),
        recurring=request.recurring,
        valid_until=request.valid_until,
        frequency_per_day=request.frequency_per_day,
        created_at=now,
        last_action_date=today,
        redirect_uri=redirects[0],
        nok_redirect_uri=redirects[1],
        scope=None,
    )
    session.add(consent)
    return consent


def current_status(consent: Consent, today: date) -> str:
    """The status now: a valid consent past ``validUntil`` becomes ``expired``."""
    if consent.status == "valid" and consent.valid_until and consent.valid_until < today:
        consent.status = "expired"
    return consent.status


def consent_accounts(session: Session, consent: Consent) -> list[Account]:
    """The accounts a consent covers, in IBAN order."""
    return list(
        session.scalars(
            select(Account)
            .join(ConsentAccount, ConsentAccount.account_id == Account.id)
            .where(ConsentAccount.consent_id == consent.id)
            .order_by(Account.iban)
        )
    )


def linkable_accounts(session: Session, user_id: int) -> list[Account]:
    """Accounts of agreements where the user is owner or administrator with linking rights."""
    roles = session.scalars(select(Role).where(Role.user_id == user_id))
    customers = [r.customer_id for r in roles if r.role == "owner" or (r.role == "administrator" and r.linking_rights)]
    return list(session.scalars(select(Account).where(Account.customer_id.in_(customers)).order_by(Account.iban)))


def offered_accounts(session: Session, consent: Consent | None, user_id: int) -> list[Account]:
    """What the account picker shows: linkable accounts (only the requested ones if explicit)."""
    accounts = linkable_accounts(session, user_id)
    if consent is not None and not consent.bank_offered:
        return [a for a in accounts if a.iban in consent.requested_ibans]
    return accounts


def previous_consent(
    session: Session, *, style: str, client_id: str | None, user_id: int, today: date, exclude: str | None = None
) -> Consent | None:
    """The user's still valid recurring consent of this style for this client."""
    for consent in session.scalars(
        select(Consent)
        .where(
            Consent.style == style,
            Consent.client_id == client_id,
            Consent.user_id == user_id,
            Consent.status == "valid",
            Consent.recurring.is_(True),
        )
        .order_by(Consent.created_at.desc())
    ):
        if consent.id != exclude and current_status(consent, today) == "valid":
            return consent
    return None


def grant_accounts(session: Session, consent: Consent, accounts: list[Account]) -> None:
    """Add accounts to a consent; accounts already covered stay."""
    have = {a.id for a in consent_accounts(session, consent)}
    for account in accounts:
        if account.id not in have:
            session.add(ConsentAccount(consent_id=consent.id, account_id=account.id))
    session.flush()


def approve_berlin(session: Session, consent: Consent, user_id: int, accounts: list[Account], today: date) -> None:
    """The PSU signed: the consent becomes valid; an older one of the same PSU is replaced."""
    old = previous_consent(
        session, style="berlin", client_id=consent.client_id, user_id=user_id, today=today, exclude=consent.id
    )
    if old is not None and consent.recurring:
        if consent.bank_offered:
            accounts = [*accounts, *consent_accounts(session, old)]
        old.status = "terminatedByTpp"
    consent.user_id = user_id
    consent.status = "valid"
    grant_accounts(session, consent, accounts)


def approve_oauth(
    session: Session,
    *,
    client_id: str,
    scope: str,
    user_id: int,
    accounts: list[Account],
    now: datetime,
    today: date,
    premium: bool,
    settings: SandboxSettings,
) -> Consent:
    """OAuth-scope consent: one per user and client; adding accounts keeps the others."""
    consent = previous_consent(session, style="oauth", client_id=client_id, user_id=user_id, today=today)
    services = sorted({s for name in scope.split() for s in SCOPE_SERVICES.get(name, ())})
    if consent is None:
        consent = Consent(
            id=new_id("cns-"),
            style="oauth",
            client_id=client_id,
            user_id=user_id,
            status="valid",
            services=services,
            bank_offered=True,
            requested_ibans=[],
            recurring=True,
            valid_until=None if premium else today + timedelta(days=settings.consent_days),
            frequency_per_day=settings.frequency_per_day,
            created_at=now,
            last_action_date=today,
            redirect_uri=None,
            nok_redirect_uri=None,
            scope=scope,
        )
        session.add(consent)
        session.flush()
    else:
        consent.services = sorted({*consent.services, *services})
        consent.scope = " ".join(dict.fromkeys([*(consent.scope or "").split(), *scope.split()]))
    grant_accounts(session, consent, accounts)
    return consent
