"""Checks across the files of a ledger bundle (and the master data already stored).

:class:`MasterIndex` is the merged view: what is stored, overlaid with what the bundle
brings (the bundle wins per key). Each ``check_*`` function looks at one bundle record
and returns ``(column, problem)`` pairs; the caller adds file and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bankbridge.ledger.bundle import decimals_allowed
from bankbridge.ledger.model import (
    Administration,
    Allocation,
    Environment,
    GLAccount,
    GLAccountType,
    Journal,
    LedgerBundle,
    OpenItem,
    Relation,
    RelationBankAccount,
    TransactionCode,
)

Problems = list[tuple[str, str]]


@dataclass(slots=True)
class MasterIndex:
    """Master data by key (open items excluded: nothing refers to them)."""

    environments: dict[str, Environment] = field(default_factory=dict)
    administrations: dict[str, Administration] = field(default_factory=dict)
    gl_accounts: dict[tuple[str, str], GLAccount] = field(default_factory=dict)
    journals: dict[tuple[str, str], Journal] = field(default_factory=dict)
    relations: dict[tuple[str, str], Relation] = field(default_factory=dict)
    transaction_codes: dict[tuple[str, str, str, str], TransactionCode] = field(default_factory=dict)

    def add(self, bundle: LedgerBundle) -> None:
        """Overlay the records of ``bundle`` (later records win per key)."""
        self.environments.update((e.code, e) for e in bundle.environments)
        self.administrations.update((a.code, a) for a in bundle.administrations)
        self.gl_accounts.update(((g.environment, g.number), g) for g in bundle.gl_accounts)
        self.journals.update(((j.administration, j.code), j) for j in bundle.journals)
        self.relations.update(((r.administration, r.number), r) for r in bundle.relations)
        self.transaction_codes.update(
            ((t.environment, t.bank, t.code, t.search_value), t) for t in bundle.transaction_codes
        )

    def environment_of(self, administration: str) -> str | None:
        adm = self.administrations.get(administration)
        return adm.environment if adm else None

    def gl_problem(self, environment: str | None, number: str, *, administration: str | None = None) -> str | None:
        """Why GL account ``number`` cannot be used here, or ``None`` when it can."""
        if environment is None:
            return None  # the missing environment is reported on its own column
        account = self.gl_accounts.get((environment, number))
        if account is None:
            return f"GL account {number!r} does not exist in environment {environment!r}"
        if administration and account.administration not in (None, administration):
            return f"GL account {number!r} belongs to administration {account.administration!r}"
        return None


def check_environment(env: Environment, idx: MasterIndex) -> Problems:
    if env.main_environment is None:
        return []
    if env.main_environment == env.code:
        return [("main_environment", "leave empty for the environment itself")]
    main = idx.environments.get(env.main_environment)
    if main is None:
        return [("main_environment", f"environment {env.main_environment!r} does not exist")]
    if main.main_environment is not None:
        return [("main_environment", f"{main.code!r} is itself a sub environment of {main.main_environment!r}")]
    return []


def check_administration(adm: Administration, idx: MasterIndex, stored: Administration | None) -> Problems:
    out: Problems = []
    if adm.environment not in idx.environments:
        out.append(("environment", f"environment {adm.environment!r} does not exist"))
    if stored is not None and stored.environment != adm.environment:
        out.append(
            ("environment", f"administration {adm.code!r} is in environment {stored.environment!r}; it cannot move")
        )
    if (adm.invoice_ref_start is None) != (adm.invoice_ref_length is None):
        column = "invoice_ref_length" if adm.invoice_ref_length is None else "invoice_ref_start"
        out.append((column, "invoice_ref_start and invoice_ref_length go together"))
    if (adm.invoice_range_from is None) != (adm.invoice_range_to is None):
        column = "invoice_range_to" if adm.invoice_range_to is None else "invoice_range_from"
        out.append((column, "invoice_range_from and invoice_range_to go together"))
    elif adm.invoice_range_from and adm.invoice_range_to and adm.invoice_range_from > adm.invoice_range_to:
        out.append(("invoice_range_to", f"{adm.invoice_range_to!r} comes before {adm.invoice_range_from!r}"))
    if (adm.direct_debit_in_transit or adm.payments_in_transit) and not adm.in_transit_gl_account:
        out.append(
            ("in_transit_gl_account", "is required when payments or direct debits go through payments in transit")
        )
    if adm.payment_difference_tolerance > 0 and not adm.payment_difference_gl_account:
        out.append(("payment_difference_gl_account", "is required when payment_difference_tolerance is above 0"))
    env = adm.environment if adm.environment in idx.environments else None
    for column in ("in_transit_gl_account", "payment_difference_gl_account"):
        number = getattr(adm, column)
        problem = number and idx.gl_problem(env, number, administration=adm.code)
        if problem:
            out.append((column, problem))
    return out


def check_gl_account(acc: GLAccount, idx: MasterIndex) -> Problems:
    out: Problems = []
    if acc.environment not in idx.environments:
        out.append(("environment", f"environment {acc.environment!r} does not exist"))
    if acc.administration is not None:
        env = idx.environment_of(acc.administration)
        if env is None:
            out.append(("administration", f"administration {acc.administration!r} does not exist"))
        elif env != acc.environment:
            out.append(("administration", f"administration {acc.administration!r} is in environment {env!r}"))
    return out


def check_journal(jnl: Journal, idx: MasterIndex, iban_owner: dict[str, tuple[str, str]]) -> Problems:
    out: Problems = []
    env = idx.environment_of(jnl.administration)
    if env is None:
        out.append(("administration", f"administration {jnl.administration!r} does not exist"))
    problem = idx.gl_problem(env, jnl.gl_account, administration=jnl.administration)
    if problem:
        out.append(("gl_account", problem))
    else:
        account = idx.gl_accounts.get((env or "", jnl.gl_account))
        if account is not None and account.type is not GLAccountType.ASSET:
            out.append(
                (
                    "gl_account",
                    f"GL account {jnl.gl_account!r} is of type {account.type.value}; a bank account is an asset (R-A3)",
                )
            )
    owner = iban_owner.get(jnl.iban)
    if owner is not None and owner != (jnl.administration, jnl.code):
        out.append(("iban", f"{jnl.iban} already belongs to journal {owner[1]!r} of administration {owner[0]!r}"))
    return out


def check_relation(rel: Relation, idx: MasterIndex, bsn_owner: dict[tuple[str, str], tuple[str, str]]) -> Problems:
    env = idx.environment_of(rel.administration)
    if env is None:
        return [("administration", f"administration {rel.administration!r} does not exist")]
    if rel.bsn is not None:
        owner = bsn_owner.get((env, rel.bsn))
        if owner is not None and owner != (rel.administration, rel.number):
            return [("bsn", f"BSN {rel.bsn} already belongs to relation {owner[1]!r} of administration {owner[0]!r}")]
    return []


def check_relation_ref(administration: str, relation: str, idx: MasterIndex) -> Problems:
    if administration not in idx.administrations:
        return [("administration", f"administration {administration!r} does not exist")]
    if (administration, relation) not in idx.relations:
        return [("relation", f"relation {relation!r} does not exist in administration {administration!r}")]
    return []


def check_bank_account(rba: RelationBankAccount, idx: MasterIndex) -> Problems:
    return check_relation_ref(rba.administration, rba.relation, idx)


def check_open_item(item: OpenItem, idx: MasterIndex) -> Problems:
    out = check_relation_ref(item.administration, item.relation, idx)
    if not decimals_allowed(item.amount, item.currency):
        out.append(("amount", f"{item.amount} has more decimals than {item.currency} allows"))
    if item.invoice_date and item.due_date and item.due_date < item.invoice_date:
        out.append(("due_date", f"{item.due_date} is before the invoice date {item.invoice_date}"))
    return out


def check_transaction_code(code: TransactionCode, idx: MasterIndex) -> Problems:
    if code.environment not in idx.environments:
        return [("environment", f"environment {code.environment!r} does not exist")]
    out: Problems = []
    for column in ("gl_account", "commission_gl_account"):
        number = getattr(code, column)
        problem = number and idx.gl_problem(code.environment, number)
        if problem:
            out.append((column, problem))
    return out


def check_allocation(alloc: Allocation, idx: MasterIndex) -> Problems:
    code = idx.transaction_codes.get((alloc.environment, alloc.bank, alloc.code, alloc.code_search_value))
    if code is None:
        return [
            (
                "code",
                f"no transaction code {alloc.code!r} of bank {alloc.bank} with search value "
                f"{alloc.code_search_value!r} in environment {alloc.environment!r}",
            )
        ]
    account = idx.gl_accounts.get((code.environment, code.gl_account))
    axes = account.axes if account else ()
    unknown = [axis for axis, _ in alloc.axis_codes if axis not in axes]
    if unknown:
        return [
            (
                "axis_codes",
                f"GL account {code.gl_account!r} has no allocation axis {unknown[0]!r} "
                f"(its axes: {', '.join(axes) or 'none'})",
            )
        ]
    return []


def owners(
    journals: Iterable[Journal], relations: Iterable[Relation], idx: MasterIndex
) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], tuple[str, str]]]:
    """IBAN → journal key and (environment, BSN) → relation key, over stored and new data."""
    iban_owner = {j.iban: (j.administration, j.code) for j in journals}
    bsn_owner: dict[tuple[str, str], tuple[str, str]] = {}
    for rel in relations:
        env = idx.environment_of(rel.administration)
        if rel.bsn is not None and env is not None:
            bsn_owner.setdefault((env, rel.bsn), (rel.administration, rel.number))
    return iban_owner, bsn_owner
