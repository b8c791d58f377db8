"""Never a wrong booking (issue item 7): when evidence is weak, missing or conflicting,
the line is proposed with scored candidates or left open — and says why not."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from matching_world import IBAN_10001, IBAN_10002, RELATIONS, UNKNOWN_IBAN, books, item, line, one, ref

from bankbridge.errors import InputError
from bankbridge.matching import decide


def test_already_paid_invoice_by_reference() -> None:
    stored = ref("77")
    d = one(line("125.00", payment_reference=stored), books((item("F2026-0012", "10002", "0", reference=stored),)))
    assert d.status == "open"
    assert d.evidence == (
        f"payment reference {stored} (check digit valid) identifies invoice F2026-0012 of debtor 10002, "
        "but invoice F2026-0012 is already paid"
    )


def test_an_invoice_paid_twice_is_booked_on_the_earlier_payment_whatever_the_line_ids() -> None:
    stored = ref("12")
    w = books((item("F2026-0012", "10002", "125.00", reference=stored),))
    later = line("125.00", 1, payment_reference=stored, booking_date=date(2026, 11, 20), counterparty_iban=UNKNOWN_IBAN)
    earlier = line("125.00", 2, payment_reference=stored, booking_date=date(2026, 11, 3), counterparty_iban=IBAN_10002)
    for lines in ([later, earlier], [earlier, later]):
        first, second = decide(lines, w)
        assert (first.line_id, second.line_id) == (1, 2)  # decisions come back by line id
        assert (first.status, second.status) == ("open", "booked")
        assert first.evidence.endswith("but invoice F2026-0012 is already paid by line 2 of this batch"), first.evidence


def test_iban_of_one_debtor_invoice_of_another() -> None:
    w = books((item("20260077", "10002", "100.00"), item("20260001", "10001", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="factuur 20260077"), w)
    assert d.status == "proposed"
    assert "belongs to debtor 10001 but the invoice number 20260077 in the text is of debtor 10002" in d.evidence
    assert {c.relation for c in d.candidates} == {"10001", "10002"}


def test_ambiguous_amount() -> None:
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10002), w)
    assert d.status == "proposed" and "2 open items of 100.00" in d.evidence
    assert all(0 < c.score <= 100 for c in d.candidates)


def test_blocked_relation_by_reference() -> None:
    rels = tuple(replace(r, blocked=r.number == "10001") for r in RELATIONS)
    d = one(
        line("125.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00"),), relations=rels)
    )
    assert d.status == "proposed" and d.evidence.endswith("but debtor 10001 is blocked")


def test_other_currency() -> None:
    d = one(
        line("125.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00", currency="USD"),))
    )
    assert d.status == "proposed" and "is in USD, the line in EUR" in d.evidence


def test_unknown_everything_stays_open_and_says_why() -> None:
    d = one(line("12.34", counterparty_iban=UNKNOWN_IBAN, description="gift"), books())
    assert (d.status, d.rule, d.postings, d.settlements) == ("open", None, (), ())
    assert d.evidence.startswith("no rule found a match: ")
    assert f"IBAN {UNKNOWN_IBAN} is not known" in d.evidence


def test_amount_that_fits_nothing_gets_closest_candidates() -> None:
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10001", "300.00")))
    d = one(line("120.00", counterparty_iban=IBAN_10001), w)
    assert d.status == "proposed"
    assert d.candidates[0].invoice_numbers == ("20260001",)
    assert "fits no open item or combination of 2 open items" in d.evidence


def test_nothing_booked_has_postings() -> None:
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "100.00")))
    for d in decide([line("100.00", 1, counterparty_iban=IBAN_10002), line("5.00", 2)], w):
        assert d.status != "booked" and d.postings == () and d.settlements == ()


def test_duplicate_line_ids_are_refused() -> None:
    with pytest.raises(InputError):
        decide([line("1.00", 1), line("2.00", 1)], books())
