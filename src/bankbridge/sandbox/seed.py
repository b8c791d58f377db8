"""Seed documents: customers, users with roles, accounts and OAuth clients from YAML/JSON.

A seed is read into frozen records first (every mistake named by its place in the
document, e.g. ``customers[0].accounts[1].iban``), then written into an empty or
existing database; records that already exist are left alone, so loading twice is
harmless. The demo seed ships as ``sandbox/seed/default.yaml``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from schwifty import IBAN
from sqlalchemy import select
from sqlalchemy.orm import Session

from bankbridge.errors import InputError, InvalidIdentifier
from bankbridge.identifiers import iban as iban_id
from bankbridge.money import parse_decimal, to_minor
from bankbridge.sandbox.tables import Account, BankUser, Customer, OAuthClient, Role

ROLES = ("owner", "administrator", "user")


@dataclass(frozen=True, slots=True)
class SeedAccount:
    """An account to create."""

    iban: str
    bic: str
    name: str
    currency: str
    opening_balance: Decimal
    opening_date: date
    product: str


@dataclass(frozen=True, slots=True)
class SeedRole:
    """A user's role in the customer's agreement."""

    username: str
    role: str
    linking_rights: bool


@dataclass(frozen=True, slots=True)
class SeedCustomer:
    """A customer with its agreement's accounts and roles."""

    id: str
    name: str
    batch_booking: str
    accounts: tuple[SeedAccount, ...]
    roles: tuple[SeedRole, ...]


@dataclass(frozen=True, slots=True)
class SeedClient:
    """A registered OAuth client (TPP application)."""

    client_id: str
    client_secret: str | None
    name: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    require_pkce: bool
    profile: str


@dataclass(frozen=True, slots=True)
class Seed:
    """A whole seed document."""

    users: tuple[tuple[str, str], ...]
    customers: tuple[SeedCustomer, ...]
    clients: tuple[SeedClient, ...]
    generate_days: int = 0
    generate_seed: int = 1


def default_seed_text() -> str:
    """The demo seed shipped with the package."""
    return (resources.files("bankbridge.sandbox") / "seed" / "default.yaml").read_text("utf-8")


def read_seed_file(path: Path | None) -> Seed:
    """Read a YAML or JSON seed file (``None``: the demo seed)."""
    if path is None:
        return parse_seed(yaml.safe_load(default_seed_text()), source="default.yaml")
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the seed file: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: not valid YAML/JSON: {exc}") from exc
    return parse_seed(data, source=str(path))


def parse_seed(data: object, *, source: str = "seed") -> Seed:
    """Turn a loaded document into a :class:`Seed`, or raise :class:`InputError` naming the place."""
    doc = _mapping(data, source, "")
    generate = _mapping(doc.get("generate", {}), source, "generate")
    return Seed(
        users=tuple(
            (_text(u, source, f"users[{i}]", "username"), _text(u, source, f"users[{i}]", "name"))
            for i, u in enumerate(_list(doc, source, "users"))
        ),
        customers=tuple(_customer(c, source, f"customers[{i}]") for i, c in enumerate(_list(doc, source, "customers"))),
        clients=tuple(_client(c, source, f"clients[{i}]") for i, c in enumerate(_list(doc, source, "clients"))),
        generate_days=_number(generate, source, "days", 0),
        generate_seed=_number(generate, source, "seed", 1),
    )


def _number(doc: dict[str, Any], source: str, key: str, default: int) -> int:
    value = doc.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"{source}: generate.{key}: expected a whole number >= 0")
    return value


def _customer(data: object, source: str, where: str) -> SeedCustomer:
    doc = _mapping(data, source, where)
    booking = str(doc.get("batch_booking", "total"))
    if booking not in {"total", "items"}:
        raise InputError(f"{source}: {where}.batch_booking: must be 'total' or 'items'")
    return SeedCustomer(
        id=_text(doc, source, where, "id"),
        name=_text(doc, source, where, "name"),
        batch_booking=booking,
        accounts=tuple(
            _account(a, source, f"{where}.accounts[{i}]") for i, a in enumerate(_list(doc, source, "accounts", where))
        ),
        roles=tuple(_role(r, source, f"{where}.roles[{i}]") for i, r in enumerate(_list(doc, source, "roles", where))),
    )


def _account(data: object, source: str, where: str) -> SeedAccount:
    doc = _mapping(data, source, where)
    try:
        if "iban" in doc:
            number = IBAN(iban_id.validate(str(doc["iban"])))
        else:
            bank = _text(doc, source, where, "bank")
            number = IBAN.generate("NL", bank_code=bank, account_code=_text(doc, source, where, "number"))
        bic = str(doc.get("bic") or number.bic or "NOTPROVIDED")
    except (InvalidIdentifier, ValueError) as exc:
        raise InputError(f"{source}: {where}.iban: {exc}") from exc
    currency = str(doc.get("currency", "EUR"))
    try:
        balance = parse_decimal(str(doc.get("opening_balance", "0")))
        to_minor(balance, currency)
        opened = date.fromisoformat(str(doc.get("opening_date", "2026-01-01")))
    except (InputError, ValueError) as exc:
        raise InputError(f"{source}: {where}: {exc}") from exc
    return SeedAccount(
        iban=str(number.compact),
        bic=bic,
        name=_text(doc, source, where, "name"),
        currency=currency,
        opening_balance=balance,
        opening_date=opened,
        product=str(doc.get("product", "Zakelijke Rekening")),
    )


def _role(data: object, source: str, where: str) -> SeedRole:
    doc = _mapping(data, source, where)
    role = _text(doc, source, where, "role")
    if role not in ROLES:
        raise InputError(f"{source}: {where}.role: {role!r} is not one of {', '.join(ROLES)}")
    rights = bool(doc.get("linking_rights", role == "owner"))
    return SeedRole(_text(doc, source, where, "username"), role, rights)


def _client(data: object, source: str, where: str) -> SeedClient:
    doc = _mapping(data, source, where)
    uris = tuple(str(u) for u in _list(doc, source, "redirect_uris", where))
    if not uris:
        raise InputError(f"{source}: {where}.redirect_uris: at least one redirect URI is needed")
    secret = doc.get("client_secret")
    return SeedClient(
        client_id=_text(doc, source, where, "client_id"),
        client_secret=None if secret is None else str(secret),
        name=str(doc.get("name", doc.get("client_id"))),
        redirect_uris=uris,
        scopes=tuple(str(s) for s in _list(doc, source, "scopes", where)),
        require_pkce=bool(doc.get("require_pkce", False)),
        profile=str(doc.get("profile", "psd2")),
    )


def _mapping(data: object, source: str, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError(f"{source}: {where or 'document'}: expected a mapping")
    return data


def _list(doc: dict[str, Any], source: str, key: str, where: str = "") -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise InputError(f"{source}: {where + '.' if where else ''}{key}: expected a list")
    return value


def _text(doc: object, source: str, where: str, key: str) -> str:
    value = _mapping(doc, source, where).get(key)
    if value is None or str(value).strip() == "":
        raise InputError(f"{source}: {where}.{key}: missing")
    return str(value)


def account_resource_id(iban: str, secret: str) -> str:
    """A stable, opaque ``resourceId`` for an IBAN (never the IBAN itself)."""
    digest = hashlib.sha256(f"{secret}:{iban}".encode()).hexdigest()
    return f"acc-{digest[:24]}"


def apply_seed(session: Session, seed: Seed, *, secret: str) -> None:
    """Write the seed's records that do not exist yet."""
    users = {u.username: u for u in session.scalars(select(BankUser))}
    for username, name in seed.users:
        if username not in users:
            users[username] = BankUser(username=username, name=name)
            session.add(users[username])
    session.flush()
    for customer in seed.customers:
        _apply_customer(session, customer, users, secret)
    for client in seed.clients:
        if session.get(OAuthClient, client.client_id) is None:
            session.add(
                OAuthClient(
                    client_id=client.client_id,
                    client_secret=client.client_secret,
                    name=client.name,
                    redirect_uris=list(client.redirect_uris),
                    scopes=list(client.scopes),
                    require_pkce=client.require_pkce,
                    profile=client.profile,
                )
            )


def _apply_customer(session: Session, customer: SeedCustomer, users: dict[str, BankUser], secret: str) -> None:
    if session.get(Customer, customer.id) is None:
        session.add(Customer(id=customer.id, name=customer.name, batch_booking=customer.batch_booking))
        session.flush()
    for acc in customer.accounts:
        resource = account_resource_id(acc.iban, secret)
        if session.get(Account, resource) is None:
            session.add(
                Account(
                    id=resource,
                    customer_id=customer.id,
                    iban=acc.iban,
                    bic=acc.bic,
                    name=acc.name,
                    currency=acc.currency,
                    product=acc.product,
                    opening_date=acc.opening_date,
                    opening_minor=to_minor(acc.opening_balance, acc.currency),
                )
            )
    for role in customer.roles:
        user = users.get(role.username)
        if user is None:
            raise InputError(f"customer {customer.id}: role for unknown user {role.username!r}")
        if session.get(Role, (user.id, customer.id)) is None:
            session.add(
                Role(
                    user_id=user.id,
                    customer_id=customer.id,
                    role=role.role,
                    linking_rights=role.linking_rights,
                )
            )
