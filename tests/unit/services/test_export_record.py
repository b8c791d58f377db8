"""The ``export bookings`` record of one stored line (interfaces.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bankbridge.services.export import NOT_PROCESSED, booking_record


def _line(amount_minor: int, status: str = "booked") -> dict[str, Any]:
    return {
        "administration": "A1",
        "journal": "BNK1",
        "account_iban": "NL91ABNA0417164300",
        "currency": "EUR",
        "statement_number": "00012",
        "statement_date": date(2026, 11, 20),
        "booking_date": date(2026, 11, 20),
        "value_date": date(2026, 11, 20),
        "amount_minor": amount_minor,
        "counterparty_iban": "NL02ABNA0123456789",
        "counterparty_name": "Klant BV",
        "bank_reference": "REF1",
        "end_to_end_id": None,
        "description": "terugbetaling F2026-001",
        "bank_code": "N121",
        "status": status,
        "rule": "iban" if status == "booked" else None,
        "evidence": "IBAN belongs to debtor 10001" if status == "booked" else None,
    }


def _posting(entry: int, gl: str, relation: str | None, minor: int, allocations: str = "") -> dict[str, Any]:
    return {
        "entry_id": entry,
        "currency": "EUR",
        "gl_account": gl,
        "relation": relation,
        "amount_minor": minor,
        "allocations": allocations,
    }


def test_the_interface_example_money_back_to_a_debtor() -> None:
    """interfaces.md: a line of -12.34 on debtor 10001 gives one posting of -12.34 on
    1300; the bank account's own leg (stored first, debit positive) is not listed."""
    booked = {
        "postings": [_posting(7, "1100", None, -1234), _posting(7, "1300", "10001", 1234, "1=100|2=1000")],
        "settlements": [{"invoice_number": "F2026-001", "relation": "10001", "amount_minor": 1234, "currency": "EUR"}],
    }
    record = booking_record(_line(-1234), booked)
    assert record["amount"] == "-12.34"
    assert record["settlements"] == [{"invoice_number": "F2026-001", "relation": "10001", "amount": "12.34"}]
    assert record["postings"] == [
        {"gl_account": "1300", "relation": "10001", "amount": "-12.34", "allocations": {"1": "100", "2": "1000"}}
    ]


def test_postings_of_a_commission_line_add_up_to_the_line_amount() -> None:
    """Card settlement: net 97.00 in, gross 100.00 on the clearing account, commission
    3.00 as a cost — each in the line's sign."""
    booked = {
        "postings": [
            _posting(9, "1100", None, 9700),
            _posting(9, "1010", None, -10000),
            _posting(9, "4500", None, 300),
        ],
        "settlements": [],
    }
    record = booking_record(_line(9700), booked)
    assert [(p["gl_account"], p["amount"]) for p in record["postings"]] == [("1010", "100.00"), ("4500", "-3.00")]


def test_each_entry_of_a_line_leaves_out_its_own_bank_leg() -> None:
    booked = {
        "postings": [
            _posting(3, "1100", None, 5000),
            _posting(3, "1300", "10001", -5000),
            _posting(4, "1100", None, 2500),
            _posting(4, "8000", None, -2500),
        ],
        "settlements": [],
    }
    record = booking_record(_line(7500), booked)
    assert [(p["gl_account"], p["relation"], p["amount"]) for p in record["postings"]] == [
        ("1300", "10001", "50.00"),
        ("8000", None, "25.00"),
    ]


def test_a_line_not_processed_has_no_postings_and_says_so() -> None:
    record = booking_record(_line(1000, status="open"), None)
    assert (record["postings"], record["settlements"], record["evidence"]) == ([], [], NOT_PROCESSED)
