"""The NextGenPSD2 JSON shapes the sandbox bank answers with (standards §1.2.6–1.2.7).

Amounts are strings with a dot and a sign (negative = debit); links are objects
``{"href": …}`` as in version 1.3.x.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bankbridge.money import format_amount, from_minor
from bankbridge.sandbox.bank import Balances
from bankbridge.sandbox.tables import Account, Consent, Entry

Json = dict[str, Any]


def amount(value: Decimal, currency: str) -> Json:
    """``{"currency": "EUR", "amount": "-12.34"}``."""
    return {"currency": currency, "amount": format_amount(value)}


def link(href: str) -> Json:
    """A 1.3.x link object."""
    return {"href": href}


def account_json(account: Account, customer_name: str, balances: list[Json] | None = None) -> Json:
    """An account object with its ``_links``."""
    base = f"/v1/accounts/{account.id}"
    data: Json = {
        "resourceId": account.id,
        "iban": account.iban,
        "currency": account.currency,
        "name": account.name,
        "displayName": account.name,
        "product": account.product,
        "cashAccountType": "CACC",
        "status": account.status,
        "bic": account.bic,
        "ownerName": customer_name,
        "usage": "ORGA",
        "_links": {"balances": link(f"{base}/balances"), "transactions": link(f"{base}/transactions")},
    }
    if balances is not None:
        data["balances"] = balances
    return data


def account_reference(account: Account) -> Json:
    """``{"iban", "currency"}``."""
    return {"iban": account.iban, "currency": account.currency}


def balances_json(account: Account, bal: Balances, today_iso: str, yesterday_iso: str) -> list[Json]:
    """``closingBooked`` (yesterday), ``interimBooked`` and ``expected`` (today)."""
    cur = account.currency
    last = {"lastCommittedTransaction": str(bal.last_entry_reference)} if bal.last_entry_reference else {}
    return [
        {
            "balanceType": "closingBooked",
            "balanceAmount": amount(bal.closing_booked, cur),
            "referenceDate": yesterday_iso,
        },
        {
            "balanceType": "interimBooked",
            "balanceAmount": amount(bal.interim_booked, cur),
            "referenceDate": today_iso,
            **last,
        },
        {"balanceType": "expected", "balanceAmount": amount(bal.expected, cur), "referenceDate": today_iso},
    ]


def entry_json(entry: Entry, account: Account, balance_after: Decimal | None) -> Json:
    """One transaction with the fields of standards §1.2.7 (absent fields are left out)."""
    value = from_minor(entry.amount_minor, entry.currency)
    data: Json = {
        "transactionId": entry.id,
        "entryReference": str(entry.entry_reference),
        "endToEndId": entry.end_to_end_id or "NOTPROVIDED",
        "bookingDate": entry.booking_date.isoformat(),
        "valueDate": entry.value_date.isoformat(),
        "transactionAmount": amount(value, entry.currency),
        "bankTransactionCode": entry.bank_code,
        "_links": {"transactionDetails": link(f"/v1/accounts/{account.id}/transactions/{entry.id}")},
    }
    data.update(_counterparty(entry, credit=value >= 0))
    optional = {
        "mandateId": entry.mandate_id,
        "creditorId": entry.creditor_id,
        "remittanceInformationUnstructured": entry.remittance,
        "proprietaryBankTransactionCode": entry.proprietary_code,
        "purposeCode": entry.purpose_code,
        "reasonCode": entry.reason_code,
    }
    data.update({key: val for key, val in optional.items() if val})
    if entry.reference:
        data["remittanceInformationStructured"] = {
            "reference": entry.reference,
            "referenceType": "SCOR",
            "referenceIssuer": entry.reference_type or "CUR",
        }
    if entry.batch_count:
        data["batchIndicator"] = True
        data["batchNumberOfTransactions"] = entry.batch_count
    if balance_after is not None:
        data["balanceAfterTransaction"] = {
            "balanceType": "interimBooked",
            "balanceAmount": amount(balance_after, entry.currency),
        }
    return data


def _counterparty(entry: Entry, *, credit: bool) -> Json:
    side = "debtor" if credit else "creditor"
    data: Json = {}
    if entry.counterparty_name:
        data[f"{side}Name"] = entry.counterparty_name
    if entry.counterparty_iban:
        data[f"{side}Account"] = {"iban": entry.counterparty_iban, "currency": entry.currency}
    if entry.counterparty_bic:
        data[f"{side}Agent"] = entry.counterparty_bic
    return data


def consent_json(consent: Consent, ibans: list[str]) -> Json:
    """``GET /v1/consents/{id}``."""
    refs = [{"iban": i} for i in ibans] if consent.status == "valid" else [{"iban": i} for i in consent.requested_ibans]
    access: Json = {"accounts": refs}
    for service in ("balances", "transactions"):
        if service in consent.services:
            access[service] = refs
    return {
        "access": access,
        "recurringIndicator": consent.recurring,
        "validUntil": (consent.valid_until.isoformat() if consent.valid_until else "9999-12-31"),
        "frequencyPerDay": consent.frequency_per_day,
        "lastActionDate": consent.last_action_date.isoformat(),
        "consentStatus": consent.status,
        "_links": {"status": link(f"/v1/consents/{consent.id}/status")},
    }
