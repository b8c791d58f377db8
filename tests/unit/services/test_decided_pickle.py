"""What a processing worker sends back is rows of plain values: it survives pickling
unchanged, and the rows say what the bookings say."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

from bankbridge.ledger.model import BankAccountStatus, Posting, Settlement
from bankbridge.ledger.processing import Booking, LineOutcome, save_rows
from bankbridge.services.processing import Decided, ProcessReport

BOOKING = Booking(
    7,
    "A1",
    "BNK",
    "12",
    date(2026, 11, 2),
    "EUR",
    "payment_reference",
    (Posting("1100", Decimal("100.50")), Posting("1300", Decimal("-100.50"), "10001", (("1", "100"), ("2", "9")))),
    (Settlement("20260012", "10001", Decimal("100.50")),),
    "Factuur 20260012",
)
OUTCOME = LineOutcome(7, "booked", "payment_reference", "reference … identifies invoice", 100, "[]")


def test_rows_carry_the_booking_in_minor_units() -> None:
    rows = save_rows([OUTCOME], [BOOKING])
    assert rows.statuses == [(7, "booked", "payment_reference", "reference … identifies invoice", 100, "[]")]
    assert rows.entries == [
        ("A1", "BNK", "12", date(2026, 11, 2), "EUR", 7, "Factuur 20260012", None, "payment_reference")
    ]
    assert rows.postings == [(7, "1100", None, 10050, ""), (7, "1300", "10001", -10050, "1=100|2=9")]
    assert rows.settlements == [(7, "A1", "20260012", "10001", 10050, False)]


def test_decided_round_trips_through_pickle() -> None:
    decided = Decided(
        rows=save_rows([OUTCOME], [BOOKING]),
        accounts=[(7, "A1", "10001", "NL91ABNA0417164300", BankAccountStatus.UNDER_REVIEW.value)],
        cleared=[(7, (("A1", "B1", -1),))],
        statements={3, 4},
        report=ProcessReport(booked={"A1": 1}, rules={"payment_reference": 1}),
        unfinished={4},
    )
    assert pickle.loads(pickle.dumps(decided)) == decided
