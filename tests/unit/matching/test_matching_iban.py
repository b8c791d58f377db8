"""R-D4: the counter IBAN names the relation; its open items by invoice number, else amount."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from matching_world import IBAN_10001, IBAN_20001, RELATIONS, balanced, books, item, line, one

from bankbridge.ledger.model import Posting, RelationBankAccount, Settlement


def test_unique_amount_among_the_relations_open_items() -> None:
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10001", "250.00")))
    d = one(line("250.00", counterparty_iban=IBAN_10001, description="betaling"), w)
    assert (d.status, d.rule, d.score) == ("booked", "iban", 95)
    assert d.evidence == f"IBAN {IBAN_10001} belongs to debtor 10001; amount equal"
    assert d.settlements == (Settlement("20260002", "10001", D("250.00")),)


def test_invoice_number_in_the_text_wins_over_the_amount() -> None:
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10001", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="factuur 20260002"), w)
    assert d.settlements == (Settlement("20260002", "10001", D("100.00")),)
    assert "invoice 20260002 named in the description" in d.evidence


def test_two_items_of_the_same_amount_are_only_proposed() -> None:
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10001", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="betaling"), w)
    assert d.status == "proposed"
    assert d.evidence.endswith("but 2 open items of 100.00")
    assert [c.invoice_numbers for c in d.candidates] == [("20260001",), ("20260002",)]


def test_iban_of_one_relation_and_invoice_of_another_is_conflicting() -> None:
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10001", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="factuur 20260001"), w)
    assert d.status == "proposed"
    assert d.evidence == (
        f"IBAN {IBAN_10001} belongs to debtor 10001 but the invoice number 20260001 in the text is of debtor 10002"
    )


def test_creditor_payment_debits_the_creditor() -> None:
    w = books((item("INK-1", "20001", "300.00"),))
    d = one(line("-300.00", counterparty_iban=IBAN_20001), w)
    assert d.status == "booked"
    assert d.postings == (Posting("1100", D("-300.00")), Posting("1600", D("300.00"), relation="20001"))
    assert d.settlements == (Settlement("INK-1", "20001", D("300.00")),)


def test_refund_from_a_creditor_settles_its_credit_note() -> None:
    w = books((item("CN-1", "20001", "-45.00"),))
    d = one(line("45.00", counterparty_iban=IBAN_20001), w)
    assert d.status == "booked"
    assert d.settlements == (Settlement("CN-1", "20001", D("-45.00")),)
    assert d.postings[1] == Posting("1600", D("-45.00"), relation="20001")
    assert balanced(d)


def test_refund_to_a_debtor_settles_its_credit_note() -> None:
    d = one(line("-20.00", counterparty_iban=IBAN_10001), books((item("C-9", "10001", "-20.00"),)))
    assert d.settlements == (Settlement("C-9", "10001", D("-20.00")),)
    assert d.postings[1] == Posting("1300", D("20.00"), relation="10001")


def test_relation_without_open_items_stays_open() -> None:
    d = one(line("10.00", counterparty_iban=IBAN_10001), books())
    assert (d.status, d.rule) == ("open", None)
    assert "who has no open items" in d.evidence


def test_blocked_relation_is_never_matched() -> None:
    rels = tuple(replace(r, blocked=r.number == "10001") for r in RELATIONS)
    d = one(line("100.00", counterparty_iban=IBAN_10001), books((item("20260001", "10001", "100.00"),), relations=rels))
    assert d.status != "booked"
    assert "blocked" in d.evidence


def test_one_iban_for_a_debtor_and_a_creditor() -> None:
    accounts = (RelationBankAccount("A1", "10001", IBAN_10001), RelationBankAccount("A1", "20001", IBAN_10001))
    w = books((item("20260001", "10001", "100.00"), item("INK-5", "20001", "70.00")), accounts=accounts)
    assert one(line("-70.00", counterparty_iban=IBAN_10001), w).settlements[0].invoice_number == "INK-5"
    assert one(line("100.00", counterparty_iban=IBAN_10001), w).settlements[0].invoice_number == "20260001"


def test_out_of_range_words_are_not_invoice_numbers_when_a_range_is_set() -> None:
    w = books((item("20260001", "10001", "100.00"), item("X-2026", "10002", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="zie X-2026"), w)
    assert (d.status, d.settlements[0].invoice_number) == ("booked", "20260001")
