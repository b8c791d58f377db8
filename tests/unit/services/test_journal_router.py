"""Routing a statement to its bank journal by account (R-A3), without a database."""

from __future__ import annotations

import pytest

from bankbridge.errors import UnknownAccount
from bankbridge.ledger.model import Journal
from bankbridge.services.importing import JournalRouter


def journal(iban: str, code: str) -> Journal:
    return Journal(administration="A", code=code, iban=iban, currency="EUR", gl_account="1100")


ROUTER = JournalRouter(
    [
        journal("NL91ABNA0417164300", "ABN"),
        journal("BE68539007547034", "BE"),
        journal("DE89370400440532013000", "DE"),
        journal("NL44RABO0123456789", "RABO"),
    ]
)


@pytest.mark.parametrize(
    ("account", "code"),
    [
        ("NL91ABNA0417164300", "ABN"),
        ("nl91 abna 0417 1643 00", "ABN"),
        ("417164300", "ABN"),  # pre-IBAN Dutch account number
        ("0417164300", "ABN"),
        ("539007547034", "BE"),  # CODA: the Belgian account number
        ("37040044/0532013000", "DE"),  # German BLZ/account
        ("37040044/532013000", "DE"),
        ("123456789", "RABO"),
        ("ABNANL2A/0417164300", "ABN"),  # BIC/number: the bank must be the journal's
        ("ABNANL2AXXX/417164300", "ABN"),
    ],
)
def test_routes(account: str, code: str) -> None:
    assert ROUTER.route(account).code == code


@pytest.mark.parametrize(
    "account", ["NL02ABNA0123456789", "999", "", "37040044/1", "DABADKKK/0417164300", "INGBNL2A/0417164300"]
)
def test_unknown_account_is_a_clear_error(account: str) -> None:
    with pytest.raises(UnknownAccount, match="no bank journal owns account"):
        ROUTER.route(account)


def test_an_ambiguous_number_does_not_route() -> None:
    router = JournalRouter([journal("NL91ABNA0417164300", "X"), journal("NL61INGB0417164300", "Y")])
    with pytest.raises(UnknownAccount):
        router.route("417164300")


def test_a_bic_is_compared_with_the_journals_bic_when_it_has_one() -> None:
    router = JournalRouter([Journal("A", "X", "NL91ABNA0417164300", "EUR", "1100", bic="ABNANL2A")])
    assert router.route("ABNANL2A/0417164300").code == "X"
    with pytest.raises(UnknownAccount):
        router.route("RABONL2U/0417164300")
