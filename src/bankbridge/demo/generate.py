"""A deterministic generator of realistic Dutch ledger bundles.

Used to build the demo bundle shipped with the package (``python -m
bankbridge.demo.generate``), by the benchmarks (100,000 relations and 1,000,000 open
items) and by tests. The same seed always gives the same bundle, byte for byte.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from schwifty import IBAN

from bankbridge.identifiers.references import nl_check_digit
from bankbridge.ledger.bundle import SPECS, key_of
from bankbridge.ledger.bundle_files import write_file
from bankbridge.ledger.model import (
    Administration,
    Allocation,
    BankAccountStatus,
    Environment,
    GLAccount,
    GLAccountType,
    Journal,
    OpenItem,
    Relation,
    RelationBankAccount,
    RelationKind,
    TransactionCode,
)

TAX_OFFICE_IBAN = "NL86INGB0002445588"
FIRST = (
    "Jan",
    "Anna",
    "Pieter",
    "Sanne",
    "Mohamed",
    "Fleur",
    "Daan",
    "Lotte",
    "Sem",
    "Emma",
    "Bram",
    "Julia",
    "Noah",
    "Tess",
    "Lucas",
    "Mila",
    "Finn",
    "Sophie",
    "Levi",
    "Yara",
)
LAST = (
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Yilmaz",
)
TRADES = (
    "Bouwbedrijf",
    "Installatietechniek",
    "Bakkerij",
    "Transport",
    "Adviesgroep",
    "Drukkerij",
    "Hoveniers",
    "Autoservice",
    "Schildersbedrijf",
    "Kinderopvang",
)
PLACES = ("Utrecht", "Amersfoort", "Zwolle", "Haarlem", "Leiden", "Breda", "Tilburg", "Arnhem", "Deventer", "Delft")
BANKS = ("RABO", "INGB", "ABNA", "SNSB", "TRIO", "KNAB", "BUNQ", "ASNB")
CHART = (
    ("0500", "Eigen vermogen", GLAccountType.EQUITY, ()),
    ("1000", "Kas", GLAccountType.ASSET, ()),
    ("1010", "Kruisposten pin", GLAccountType.ASSET, ("1", "2")),
    ("1020", "Kruisposten creditcard", GLAccountType.ASSET, ()),
    ("1100", "Bank Rabobank", GLAccountType.ASSET, ()),
    ("1110", "Bank ING", GLAccountType.ASSET, ()),
    ("1120", "Bank ABN AMRO", GLAccountType.ASSET, ()),
    ("1300", "Debiteuren", GLAccountType.ASSET, ()),
    ("1600", "Crediteuren", GLAccountType.LIABILITY, ()),
    ("1650", "Betalingen onderweg", GLAccountType.ASSET, ()),
    ("1800", "Af te dragen omzetbelasting", GLAccountType.LIABILITY, ()),
    ("4500", "Bankkosten", GLAccountType.EXPENSE, ()),
    ("4510", "Creditcardcommissie", GLAccountType.EXPENSE, ()),
    ("4900", "Betalingsverschillen", GLAccountType.EXPENSE, ()),
    ("8000", "Omzet", GLAccountType.REVENUE, ()),
)
TWINS = (19, 4)
"""Relations ``n`` with ``n % 19 == 4`` that are debtors get their second open item of
exactly the amount of the first (an *ambiguous amount*: a payment of that amount naming
no invoice cannot tell which of the two it pays). About 3.5 % of the relations; the
random draws are the same as without, so nothing else in the bundle changes."""


@dataclass(frozen=True, slots=True)
class Shape:
    """How big a generated bundle is."""

    administrations: int = 3
    relations_per_administration: int = 120
    items_per_relation: float = 2.5
    seed: int = 2026


def iban(rng: random.Random, bank: str | None = None) -> str:
    """A random Dutch IBAN with valid check digits."""
    code = bank or rng.choice(BANKS)
    return str(IBAN.generate("NL", bank_code=code, account_code=f"{rng.randrange(10**9, 10**10)}").compact)


def bsn(rng: random.Random, taken: set[str] | None = None) -> str:
    """A random 9-digit number that passes the 11-test (and is not in ``taken``)."""
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        number = "".join(map(str, digits)) + str(last)
        if last < 10 and (digits[0] or last) and number not in (taken or ()):
            if taken is not None:
                taken.add(number)
            return number


def payment_reference(invoice: int) -> str:
    """The 16-digit Dutch payment reference carrying ``invoice`` in its last 8 digits."""
    payload = f"{invoice:015d}"
    return f"{nl_check_digit(payload)}{payload}"


def _environments() -> list[Environment]:
    return [
        Environment("HOLD", "Van Dijk Holding", None),
        Environment("UTR", "Kantoor Utrecht", "HOLD"),
    ]


def _administrations(count: int) -> list[Administration]:
    out = []
    for n in range(1, count + 1):
        env = "UTR" if n == count and count > 1 else "HOLD"
        out.append(
            Administration(
                code=f"A{n}",
                environment=env,
                name=f"Administratie {n}",
                invoice_ref_start=8,
                invoice_ref_length=8,
                invoice_range_from=f"{2026 * 10000 + 1}",
                invoice_range_to=f"{2026 * 10000 + 9999}",
                tax_office_iban=TAX_OFFICE_IBAN,
                bsn_search_value="KINDEROPVANGTOESLAG",
                bsn_match_open_invoice=True,
                direct_debit_in_transit=n == 1,
                payments_in_transit=n == 1,
                in_transit_gl_account="1650",
                payment_difference_tolerance=Decimal("0.05"),
                payment_difference_gl_account="4900",
            )
        )
    return out


def _journals(admins: list[Administration], rng: random.Random) -> list[Journal]:
    gl = {"RABO": "1100", "INGB": "1110", "ABNA": "1120"}
    out = []
    for n, adm in enumerate(admins):
        banks = ("RABO", "INGB") if n == 0 else (("ABNA",) if n == 1 else ("RABO",))
        for j, bank in enumerate(banks, start=1):
            bic = {"RABO": "RABONL2U", "INGB": "INGBNL2A", "ABNA": "ABNANL2A"}[bank]
            out.append(
                Journal(
                    administration=adm.code,
                    code=f"BNK{j}",
                    name=f"Bank {bank}",
                    iban=iban(rng, bank),
                    bic=bic,
                    currency="EUR",
                    gl_account=gl[bank],
                    voucher_counter=0,
                    voucher_from_statement_number=bank == "RABO",
                    auto_add_bank_account=True,
                    approval_workflow=n == 0,
                    auto_process=False,
                )
            )
    return out


def _codes(env: str) -> list[TransactionCode]:
    return [
        TransactionCode(env, "RABONL2U", "N121", "1010", "", "Pin-ontvangsten"),
        TransactionCode(env, "RABONL2U", "N541", "1020", "EUR MERCHANT SERV VISA", "Visa", "4510"),
        TransactionCode(env, "RABONL2U", "N541", "1020", "AMERICAN EXP SERVICE", "American Express", "4510"),
        TransactionCode(env, "RABONL2U", "N093", "4500", "", "Bankkosten"),
        TransactionCode(env, "INGBNL2A", "00099", "4500", "KOSTEN", "Bankkosten ING"),
        TransactionCode(env, "ABNANL2A", "N093", "4500", "", "Bankkosten ABN AMRO"),
    ]


def _allocations(env: str) -> list[Allocation]:
    return [
        Allocation(env, "RABONL2U", "N121", "", "Verk.punt PT5001", (("1", "110"), ("2", "1001"))),
        Allocation(env, "RABONL2U", "N121", "", "Verk.punt PT5101", (("1", "100"), ("2", "1000"))),
    ]


def _relations(
    adm: Administration, shape: Shape, rng: random.Random, taken: set[str]
) -> tuple[list[Relation], list[RelationBankAccount], list[OpenItem]]:
    relations, accounts, items = [], [], []
    invoice = 2026 * 10000
    width = max(4, len(str(shape.relations_per_administration)))  # debtors 1nnnn, creditors 2nnnn
    for n in range(1, shape.relations_per_administration + 1):
        kind = RelationKind.DEBTOR if n % 3 else RelationKind.CREDITOR
        person = kind is RelationKind.DEBTOR and n % 5 == 1
        name = (
            f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if person
            else f"{rng.choice(TRADES)} {rng.choice(LAST)} {rng.choice(PLACES)}"
        )
        number = f"{1 if kind is RelationKind.DEBTOR else 2}{n:0{width}d}"
        relations.append(Relation(adm.code, number, kind, name, bsn(rng, taken) if person else None, n % 97 == 0))
        status = BankAccountStatus.UNDER_REVIEW if n % 41 == 0 else BankAccountStatus.APPROVED
        accounts.append(RelationBankAccount(adm.code, number, iban(rng), status))
        count = int(shape.items_per_relation) + (rng.random() < shape.items_per_relation % 1)
        twin = kind is RelationKind.DEBTOR and n % TWINS[0] == TWINS[1]
        first = Decimal(0)
        for k in range(count):
            invoice += 1
            inv_date = date(2026, 9, 1) + timedelta(days=rng.randrange(80))
            amount = Decimal(rng.randrange(1500, 250000)).scaleb(-2)
            if rng.random() < 0.04:
                amount = -amount.quantize(Decimal("1"))
            if k == 0:
                first = amount
            elif k == 1 and twin and first > 0:
                amount = first
            ref = payment_reference(invoice) if kind is RelationKind.DEBTOR and amount > 0 else None
            number_text = str(invoice) if kind is RelationKind.DEBTOR else f"INK{invoice}"
            items.append(
                OpenItem(
                    adm.code,
                    number_text,
                    number,
                    amount,
                    "EUR",
                    inv_date,
                    inv_date + timedelta(days=30),
                    ref,
                    "Creditnota" if amount < 0 else f"Factuur {number_text}",
                )
            )
    return relations, accounts, items


def generate(directory: Path, shape: Shape = Shape()) -> None:
    """Write a complete bundle to ``directory``."""
    rng = random.Random(shape.seed)
    directory.mkdir(parents=True, exist_ok=True)
    envs = _environments()
    admins = _administrations(shape.administrations)
    gl = [GLAccount(env.code, num, name, kind, None, axes) for env in envs for num, name, kind, axes in CHART]
    journals = _journals(admins, rng)
    relations: list[Relation] = []
    accounts: list[RelationBankAccount] = []
    items: list[OpenItem] = []
    taken: set[str] = set()  # one person per BSN (unique per environment; here over all)
    for adm in admins:
        rel, acc, itm = _relations(adm, shape, rng, taken)
        relations += rel
        accounts += acc
        items += itm
    files: dict[str, Sequence[Any]] = {
        "environments.csv": envs,
        "administrations.csv": admins,
        "gl_accounts.csv": gl,
        "journals.csv": journals,
        "relations.csv": relations,
        "relation_bank_accounts.csv": accounts,
        "open_items.csv": items,
        "transaction_codes.csv": [c for env in envs for c in _codes(env.code)],
        "allocations.csv": [a for env in envs for a in _allocations(env.code)],
    }
    for name, records in files.items():
        spec = SPECS[name]
        write_file(directory / name, spec, sorted(records, key=partial(key_of, spec)))


def main() -> None:
    """``python -m bankbridge.demo.generate DIR [--relations N --items-per-relation X]``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--administrations", type=int, default=3)
    parser.add_argument("--relations", type=int, default=120, help="relations per administration")
    parser.add_argument("--items-per-relation", type=float, default=2.5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.directory, Shape(args.administrations, args.relations, args.items_per_relation, args.seed))


if __name__ == "__main__":
    main()
