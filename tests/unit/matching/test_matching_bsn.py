"""R-D2 / R-C5: matching on BSN, the seed's rules one by one (search value 'kinderopvang')."""

from __future__ import annotations

from decimal import Decimal as D

from matching_world import ADMIN, RELATIONS, TAX_OFFICE, admin, balanced, books, item, line, one

from bankbridge.ledger.model import Posting, Relation, RelationKind, Settlement
from bankbridge.matching.text import bsn_after_nr

TEXT = "Kinderopvangtoeslag 2026 nr. 111222333 maand november"


def tax_line(amount: str, text: str = TEXT) -> object:
    return line(amount, counterparty_iban=TAX_OFFICE, description=text)


def test_digits_after_nr_are_taken_up_to_nine_and_zero_padded() -> None:
    assert bsn_after_nr("toeslag nr. 111222333") == "111222333"
    assert bsn_after_nr("toeslag NR.12345672 nov") == "012345672"
    assert bsn_after_nr("nr.111222333/2026") == "111222333"
    assert bsn_after_nr("nr. 1112223334") == "111222333"
    assert bsn_after_nr("klantnr. 111222333") is None
    assert bsn_after_nr("no number here") is None


def test_equal_amount_settles_the_one_open_invoice() -> None:
    d = one(tax_line("500.00"), books((item("20260001", "10001", "500.00"),)))
    assert (d.status, d.rule) == ("booked", "bsn")
    assert d.settlements == (Settlement("20260001", "10001", D("500.00")),)
    assert d.postings == (Posting("1100", D("500.00")), Posting("1300", D("-500.00"), relation="10001"))
    assert "BSN 111222333" in d.evidence and "debtor 10001" in d.evidence
    assert d.new_bank_account is None  # the tax office's IBAN is never added to the person


def test_smaller_amount_is_a_partial_payment() -> None:
    d = one(tax_line("200.00"), books((item("20260001", "10001", "500.00"),)))
    assert d.status == "booked"
    assert d.settlements == (Settlement("20260001", "10001", D("200.00")),)
    assert "300.00 stays open" in d.evidence


def test_a_small_difference_is_not_written_off_but_stays_open() -> None:
    """The world's tolerance is 0.05; the seed's BSN rule knows only equal or smaller."""
    d = one(tax_line("499.97"), books((item("20260001", "10001", "500.00"),)))
    assert d.settlements == (Settlement("20260001", "10001", D("499.97")),)
    assert d.postings == (Posting("1100", D("499.97")), Posting("1300", D("-499.97"), relation="10001"))
    assert "0.03 stays open" in d.evidence


def test_eight_digit_bsn_is_zero_padded() -> None:
    rels = (*RELATIONS, Relation("A1", "10009", RelationKind.DEBTOR, "Jan", bsn="012345672"))
    d = one(
        tax_line("80.00", "kinderopvang nr. 12345672"), books((item("20260009", "10009", "80.00"),), relations=rels)
    )
    assert (d.status, d.rule) == ("booked", "bsn")
    assert d.settlements[0].relation == "10009"


def test_invalid_bsn_falls_through_to_normal_matching() -> None:
    d = one(tax_line("500.00", "kinderopvang nr. 123456789"), books((item("20260001", "10001", "500.00"),)))
    assert d.rule != "bsn"
    assert d.status != "booked"
    assert "123456789 after 'nr.' is not a valid BSN" in d.evidence


def test_search_value_must_occur_in_the_description() -> None:
    d = one(tax_line("500.00", "toeslag nr. 111222333"), books((item("20260001", "10001", "500.00"),)))
    assert d.rule != "bsn"


def test_counter_iban_must_be_the_tax_office() -> None:
    other = line("500.00", counterparty_iban="NL91ABNA0417164300", description=TEXT)
    d = one(other, books((item("20260001", "10001", "999.00"),)))
    assert d.rule != "bsn"


def test_bsn_step_runs_only_when_set_up() -> None:
    w = books((item("20260001", "10001", "500.00"),), admin=admin(bsn_search_value=None))
    assert one(tax_line("500.00"), w).rule != "bsn"


def test_two_debtors_with_the_bsn_fall_through() -> None:
    rels = (*RELATIONS, Relation("A1", "10008", RelationKind.DEBTOR, "Twin", bsn="111222333"))
    d = one(tax_line("500.00"), books((item("20260001", "10001", "500.00"),), relations=rels))
    assert d.rule != "bsn" and d.status != "booked"


def test_blocked_debtor_is_never_matched() -> None:
    rels = tuple(
        Relation(r.administration, r.number, r.kind, bsn=r.bsn, blocked=r.number == "10001") for r in RELATIONS
    )
    d = one(tax_line("500.00"), books((item("20260001", "10001", "500.00"),), relations=rels))
    assert d.rule != "bsn" and d.status != "booked"


def test_match_open_invoice_off_books_on_the_debtor_account() -> None:
    w = books((item("20260001", "10001", "500.00"),), admin=admin(bsn_match_open_invoice=False))
    d = one(tax_line("500.00"), w)
    assert (d.status, d.rule, d.settlements) == ("booked", "bsn", ())
    assert d.postings[1] == Posting("1300", D("-500.00"), relation="10001")
    assert "match open invoice is off" in d.evidence
    assert balanced(d)


def test_two_open_invoices_are_not_chosen_between() -> None:
    w = books((item("20260001", "10001", "500.00"), item("20260002", "10001", "500.00")))
    d = one(tax_line("500.00"), w)
    assert (d.status, d.settlements) == ("booked", ())
    assert "2 open items" in d.evidence


def test_larger_amount_than_the_open_item_is_not_settled() -> None:
    d = one(tax_line("600.00"), books((item("20260001", "10001", "500.00"),)))
    assert d.settlements == ()
    assert "exceeds" in d.evidence


def test_bsn_has_priority_over_the_iban_of_the_tax_office() -> None:
    w = books((item("20260001", "10001", "500.00"), item("20269000", "90000", "500.00")))
    assert one(tax_line("500.00"), w).settlements[0].relation == "10001"
    assert ADMIN.tax_office_iban == TAX_OFFICE
