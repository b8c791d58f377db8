"""A deterministic generator of realistic Dutch business transactions.

The same seed, account and period always give the same entries: customer payments
(with a betalingskenmerk or an invoice number), supplier payments, PIN and credit-card
settlements, monthly bank costs, tax-office payments (with the Belastingdienst's
16-digit reference) and direct-debit collections of which some come back (``MD06``,
``AM04``). Pure: it returns :class:`~bankbridge.sandbox.bank.NewEntry` records; the
caller books them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from schwifty import IBAN

from bankbridge.identifiers.references import nl_check_digit
from bankbridge.sandbox.bank import NewEntry


@dataclass(frozen=True, slots=True)
class Party:
    """A counterparty with a valid IBAN and its BIC."""

    name: str
    iban: str
    bic: str


def _party(name: str, bank: str, number: str) -> Party:
    iban = IBAN.generate("NL", bank_code=bank, account_code=number)
    return Party(name, str(iban.compact), str(iban.bic or "NOTPROVIDED"))


CUSTOMERS = (
    _party("Jansen Catering B.V.", "ABNA", "0417164300"),
    _party("Hotel De Zwaan", "INGB", "0001234567"),
    _party("Restaurant Het Anker", "RABO", "0150443377"),
    _party("Zorgcentrum De Linde", "INGB", "0006543210"),
    _party("Koffiehuis Bruin", "SNSB", "0912345678"),
)
SUPPLIERS = (
    _party("Meelfabriek Holland B.V.", "RABO", "0300500700"),
    _party("Zuivelhandel Van Dijk", "ABNA", "0555666777"),
    _party("Energiedirect Zakelijk", "INGB", "0007788990"),
    _party("Verpakkingen Noord B.V.", "RABO", "0144556677"),
)
TAX_OFFICE = _party("Belastingdienst", "INGB", "0002445588")
PIN = _party("Worldline PIN-afrekening", "ABNA", "0577456213")
CARDS = _party("Adyen N.V. creditcards", "INGB", "0006668814")
CREDITOR_ID = "NL69ZZZ123456780000"


def payment_reference(rng: random.Random) -> str:
    """A valid 16-digit Dutch betalingskenmerk."""
    payload = "".join(rng.choice("0123456789") for _ in range(15))
    return f"{nl_check_digit(payload)}{payload}"


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


def generate(seed: int, iban: str, start: date, days: int) -> list[NewEntry]:
    """Booked entries for the business days from ``start`` on (``days`` days), in date order."""
    rng = random.Random(f"{seed}:{iban}")  # noqa: S311 - reproducible test data, not security
    entries: list[NewEntry] = []
    invoice = rng.randint(100, 900)
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        invoice = _day(rng, day, invoice, entries)
    end = start + timedelta(days=days)
    return sorted((e for e in entries if e.booking_date < end), key=lambda e: e.booking_date)


def _day(rng: random.Random, day: date, invoice: int, out: list[NewEntry]) -> int:
    for _ in range(rng.randint(0, 3)):
        invoice += 1
        out.append(_customer_payment(rng, day, invoice))
    if rng.random() < 0.4:
        out.append(_supplier_payment(rng, day))
    out.append(_settlement(rng, day, PIN, label="PIN", high=900))
    if day.weekday() == 0:
        out.append(_settlement(rng, day, CARDS, label="Creditcard", high=1500))
    if day.day <= 3 and not any(e.purpose_code == "CHRG" and e.booking_date.month == day.month for e in out):
        out.append(
            NewEntry(
                amount=Decimal("-15.50"),
                booking_date=day,
                remittance="Kosten Rabo Zakelijk Totaal",
                bank_code="ACMT-MDOP-CHRG",
                proprietary_code="093",
                purpose_code="CHRG",
            )
        )
    if day.day in (24, 25) and not any(
        e.counterparty_name == TAX_OFFICE.name and e.booking_date.month == day.month for e in out
    ):
        out.append(_tax_payment(rng, day))
    if rng.random() < 0.15:
        out.extend(_collection(rng, day))
    return invoice


def _next_business_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _customer_payment(rng: random.Random, day: date, invoice: int) -> NewEntry:
    party = rng.choice(CUSTOMERS)
    structured = rng.random() < 0.5
    return NewEntry(
        amount=_amount(rng, 40, 2500),
        booking_date=day,
        counterparty_name=party.name,
        counterparty_iban=party.iban,
        counterparty_bic=party.bic,
        reference=payment_reference(rng) if structured else None,
        reference_type="CUR" if structured else None,
        remittance=None if structured else f"Factuur {day.year}-{invoice:04d}",
        end_to_end_id=f"E2E{day:%Y%m%d}{invoice:04d}",
        proprietary_code="541",
    )


def _supplier_payment(rng: random.Random, day: date) -> NewEntry:
    party = rng.choice(SUPPLIERS)
    return NewEntry(
        amount=-_amount(rng, 60, 3000),
        booking_date=day,
        counterparty_name=party.name,
        counterparty_iban=party.iban,
        counterparty_bic=party.bic,
        remittance=f"Inkoopfactuur INK-{rng.randint(10000, 99999)}",
        bank_code="PMNT-ICDT-ESCT",
        proprietary_code="100",
    )


def _settlement(rng: random.Random, day: date, party: Party, *, label: str, high: int) -> NewEntry:
    return NewEntry(
        amount=_amount(rng, 50, high),
        booking_date=day,
        counterparty_name=party.name,
        counterparty_iban=party.iban,
        counterparty_bic=party.bic,
        bank_code="PMNT-CCRD-POSC",
        remittance=f"{label} afrekening {day - timedelta(days=1):%d-%m-%Y}",
        proprietary_code="544",
    )


def _tax_payment(rng: random.Random, day: date) -> NewEntry:
    return NewEntry(
        amount=-_amount(rng, 400, 4000),
        booking_date=day,
        counterparty_name=TAX_OFFICE.name,
        counterparty_iban=TAX_OFFICE.iban,
        counterparty_bic=TAX_OFFICE.bic,
        reference=payment_reference(rng),
        reference_type="CUR",
        bank_code="PMNT-ICDT-ESCT",
        proprietary_code="100",
        purpose_code="TAXS",
    )


def _collection(rng: random.Random, day: date) -> list[NewEntry]:
    party = rng.choice(CUSTOMERS)
    amount = _amount(rng, 25, 400)
    mandate = f"MND-{rng.randint(1000, 9999)}"
    collected = NewEntry(
        amount=amount,
        booking_date=day,
        counterparty_name=party.name,
        counterparty_iban=party.iban,
        counterparty_bic=party.bic,
        mandate_id=mandate,
        creditor_id=CREDITOR_ID,
        bank_code="PMNT-IDDT-ESDD",
        remittance=f"Abonnement {day:%m-%Y}",
        proprietary_code="525",
        end_to_end_id=f"DD{day:%Y%m%d}{mandate[-4:]}",
    )
    if rng.random() >= 0.3:
        return [collected]
    returned = NewEntry(
        amount=-amount,
        booking_date=_next_business_day(day + timedelta(days=2)),
        counterparty_name=party.name,
        counterparty_iban=party.iban,
        counterparty_bic=party.bic,
        mandate_id=mandate,
        creditor_id=CREDITOR_ID,
        bank_code="PMNT-IDDT-UPDD",
        reason_code=rng.choice(("MD06", "AM04")),
        remittance=f"Storno abonnement {day:%m-%Y}",
        proprietary_code="626",
        end_to_end_id=collected.end_to_end_id,
    )
    return [collected, returned]
