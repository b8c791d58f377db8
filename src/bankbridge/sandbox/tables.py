"""The sandbox bank's own tables (SQLAlchemy 2, its own metadata; nothing shared with bankbridge).

Money is stored as integer minor units plus currency, like bankbridge's own database;
:mod:`bankbridge.money` converts at the edges. Rows are plain mapped classes; the
few lifecycle rules (expiry, status) live in the modules that use them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base with the sandbox bank's own metadata."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[str]: JSON}


class Customer(Base):
    """A bank customer (a business) with one agreement."""

    __tablename__ = "customer"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str]
    batch_booking: Mapped[str] = mapped_column(default="total")
    """How executed batches are booked: ``total`` (one entry) or ``items`` (one per item)."""


class BankUser(Base):
    """A person who logs in at the bank (a PSU)."""

    __tablename__ = "bank_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]


class Role(Base):
    """A user's role in a customer's agreement: ``owner``, ``administrator`` or ``user``."""

    __tablename__ = "role"
    user_id: Mapped[int] = mapped_column(ForeignKey("bank_user.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), primary_key=True)
    role: Mapped[str]
    linking_rights: Mapped[bool] = mapped_column(default=False)


class Account(Base):
    """A payment account; ``id`` is the opaque ``resourceId`` (never the IBAN)."""

    __tablename__ = "account"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"))
    iban: Mapped[str] = mapped_column(unique=True)
    bic: Mapped[str]
    name: Mapped[str]
    currency: Mapped[str] = mapped_column(String(3))
    product: Mapped[str] = mapped_column(default="Zakelijke Rekening")
    status: Mapped[str] = mapped_column(default="enabled")
    opening_date: Mapped[date]
    opening_minor: Mapped[int] = mapped_column(default=0)


class Entry(Base):
    """One transaction on an account, ``booked`` or ``pending``; amount signed (credit +)."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("account_id", "entry_reference"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), index=True)
    entry_reference: Mapped[int]
    status: Mapped[str] = mapped_column(default="booked")
    booking_date: Mapped[date]
    value_date: Mapped[date]
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str | None]
    counterparty_iban: Mapped[str | None]
    counterparty_bic: Mapped[str | None]
    remittance: Mapped[str | None]
    reference: Mapped[str | None]
    reference_type: Mapped[str | None]
    end_to_end_id: Mapped[str | None]
    mandate_id: Mapped[str | None]
    creditor_id: Mapped[str | None]
    bank_code: Mapped[str] = mapped_column(default="PMNT-RCDT-ESCT")
    proprietary_code: Mapped[str | None]
    purpose_code: Mapped[str | None]
    reason_code: Mapped[str | None]
    batch_id: Mapped[str | None]
    batch_count: Mapped[int | None]
    payment_id: Mapped[str | None]


class OAuthClient(Base):
    """A registered TPP application (OAuth client)."""

    __tablename__ = "oauth_client"
    client_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    client_secret: Mapped[str | None]
    name: Mapped[str]
    redirect_uris: Mapped[list[str]]
    scopes: Mapped[list[str]]
    require_pkce: Mapped[bool] = mapped_column(default=False)
    profile: Mapped[str] = mapped_column(default="psd2")
    """``psd2`` (consents last ``consent_days``) or ``premium`` (until revoked)."""


class AuthCode(Base):
    """An authorization code: single use, short-lived, bound to client and redirect URI."""

    __tablename__ = "auth_code"
    code: Mapped[str] = mapped_column(String(120), primary_key=True)
    client_id: Mapped[str]
    redirect_uri: Mapped[str | None]
    scope: Mapped[str]
    user_id: Mapped[int]
    consent_id: Mapped[str]
    code_challenge: Mapped[str | None]
    code_challenge_method: Mapped[str | None]
    issued_at: Mapped[datetime]
    used: Mapped[bool] = mapped_column(default=False)


class Token(Base):
    """An access token and its (rotating) refresh token."""

    __tablename__ = "token"
    access_token: Mapped[str] = mapped_column(String(120), primary_key=True)
    refresh_token: Mapped[str | None] = mapped_column(unique=True)
    client_id: Mapped[str]
    user_id: Mapped[int]
    consent_id: Mapped[str]
    scope: Mapped[str]
    issued_at: Mapped[datetime]
    expires_in: Mapped[int]
    refresh_expires_at: Mapped[datetime | None]
    access_revoked: Mapped[bool] = mapped_column(default=False)
    refresh_revoked: Mapped[bool] = mapped_column(default=False)


class Consent(Base):
    """An AIS consent: a Berlin Group consent resource, or the grant of an OAuth-scope consent."""

    __tablename__ = "consent"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    style: Mapped[str]
    """``berlin`` (consent resource + redirect SCA) or ``oauth`` (scopes = consent)."""
    client_id: Mapped[str | None]
    user_id: Mapped[int | None]
    status: Mapped[str] = mapped_column(default="received")
    services: Mapped[list[str]]
    """Which of ``accounts``, ``balances``, ``transactions``, ``history`` it grants."""
    bank_offered: Mapped[bool] = mapped_column(default=True)
    requested_ibans: Mapped[list[str]]
    recurring: Mapped[bool] = mapped_column(default=True)
    valid_until: Mapped[date | None]
    frequency_per_day: Mapped[int]
    created_at: Mapped[datetime]
    last_action_date: Mapped[date]
    redirect_uri: Mapped[str | None]
    nok_redirect_uri: Mapped[str | None]
    scope: Mapped[str | None]


class ConsentAccount(Base):
    """An account covered by a consent."""

    __tablename__ = "consent_account"
    consent_id: Mapped[str] = mapped_column(ForeignKey("consent.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("account.id"), primary_key=True)


class Authorisation(Base):
    """One SCA session at the bank's pages (a Berlin authorisation sub-resource or an authorize)."""

    __tablename__ = "authorisation"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    consent_id: Mapped[str | None]
    oauth_params: Mapped[dict[str, Any] | None]
    user_id: Mapped[int | None]
    sca_status: Mapped[str] = mapped_column(default="received")
    challenge: Mapped[str]
    created_at: Mapped[datetime]


class AccessCount(Base):
    """Unattended reads per consent × account × endpoint family × bank day."""

    __tablename__ = "access_count"
    consent_id: Mapped[str] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(primary_key=True)
    family: Mapped[str] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class Payment(Base):
    """An uploaded pain.001/pain.008 batch file and its status over time."""

    __tablename__ = "payment"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str]
    """``pain.001`` (credit transfers) or ``pain.008`` (direct debits)."""
    message_id: Mapped[str]
    namespace: Mapped[str]
    consent_id: Mapped[str]
    account_id: Mapped[str | None]
    status: Mapped[str]
    reason: Mapped[str | None]
    reason_text: Mapped[str | None]
    created_at: Mapped[datetime]
    execution_date: Mapped[date]
    document: Mapped[dict[str, Any]]
    """The parsed batches (JSON): what booking needs and pain.002 reports."""
