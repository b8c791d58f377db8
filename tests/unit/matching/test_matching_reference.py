"""R-D3 / R-C3: payment references identify open items (stored, or invoice number cut out)."""

from __future__ import annotations

from decimal import Decimal as D

from matching_world import IBAN_10001, UNKNOWN_IBAN, admin, balanced, books, item, line, one, ref

from bankbridge.identifiers.references import is_valid, validate_ogm, validate_rf
from bankbridge.ledger.model import BankAccountStatus, Journal, Settlement
from bankbridge.matching.steps.reference import looks_structured


def test_invoice_number_cut_out_of_the_reference() -> None:
    r = ref("20260001")
    d = one(line("125.00", payment_reference=r), books((item("20260001", "10001", "125.00"),)))
    assert (d.status, d.rule, d.score) == ("booked", "payment_reference", 100)
    assert (
        d.evidence
        == f"payment reference {r} (check digit valid) identifies invoice 20260001 of debtor 10001; amount equal"
    )
    assert d.settlements == (Settlement("20260001", "10001", D("125.00")),)
    assert balanced(d)


def test_stored_reference_of_the_open_item() -> None:
    stored = "5000056789012345"
    w = books((item("F-77", "10002", "40.00", reference=stored),), admin=admin(invoice_ref_start=None))
    d = one(line("40.00", payment_reference=stored), w)
    assert (d.status, d.settlements[0].invoice_number) == ("booked", "F-77")


def test_reference_written_in_the_description() -> None:
    r = ref("20260001")
    d = one(line("125.00", description=f"BETALINGSKENM. {r} dank u"), books((item("20260001", "10001", "125.00"),)))
    assert (d.status, d.rule) == ("booked", "payment_reference")


def test_rf_and_ogm_references_by_stored_value() -> None:
    rf = validate_rf("RF18539007547034").compact
    ogm = validate_ogm("+++010/8068/17183+++").compact
    w = books((item("X1", "10001", "10.00", reference=rf), item("X2", "10002", "20.00", reference=ogm)))
    assert one(line("10.00", payment_reference="RF18 5390 0754 7034"), w).settlements[0].invoice_number == "X1"
    d = one(line("20.00", payment_reference="+++010/8068/17183+++"), w)
    assert d.settlements[0].invoice_number == "X2"
    assert "check digits valid" in d.evidence


def test_an_rf_reference_typed_in_lower_case_in_the_text_books_the_line() -> None:
    rf = validate_rf("RF18539007547034").compact
    w = books((item("X1", "10001", "10.00", reference=rf),))
    d = one(line("10.00", description="betaling rf18 5390 0754 7034 dank u"), w)
    assert (d.status, d.rule, d.settlements[0].invoice_number) == ("booked", "payment_reference", "X1")
    assert one(line("10.00", payment_reference="rf18539007547034"), w).settlements[0].invoice_number == "X1"


def test_typo_in_the_reference_is_never_booked_even_when_the_iban_fits() -> None:
    good = ref("20260001")
    typo = good[:-1] + str((int(good[-1]) + 1) % 10)
    d = one(
        line("125.00", payment_reference=typo, counterparty_iban=IBAN_10001),
        books((item("20260001", "10001", "125.00"),)),
    )
    assert d.status == "proposed"
    assert f"payment reference {typo} fails its check digit" in d.evidence
    assert d.candidates[0].invoice_numbers == ("20260001",)


def test_valid_reference_of_an_already_paid_invoice() -> None:
    d = one(line("125.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "0.00"),)))
    assert d.status == "open"
    assert "but invoice 20260001 is already paid" in d.evidence


def test_reference_matching_no_item_falls_through() -> None:
    d = one(
        line("125.00", payment_reference=ref("20265555"), counterparty_iban=IBAN_10001),
        books((item("20260001", "10001", "125.00"),)),
    )
    assert (d.status, d.rule) == ("booked", "iban")


def test_partial_payment_on_a_reference_keeps_the_rest_open() -> None:
    d = one(line("100.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00"),)))
    assert d.settlements == (Settlement("20260001", "10001", D("100.00")),)
    assert "25.00 stays open" in d.evidence


def test_overpayment_beyond_tolerance_is_proposed() -> None:
    d = one(line("150.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00"),)))
    assert d.status == "proposed"
    assert "exceeds the open 125.00 by 25.00" in d.evidence


def test_reference_with_an_iban_of_another_relation_is_conflicting() -> None:
    d = one(
        line("125.00", payment_reference=ref("20260001"), counterparty_iban="NL69ABNA7774981744"),
        books((item("20260001", "10001", "125.00"),)),
    )
    assert d.status == "proposed"
    assert "but IBAN NL69ABNA7774981744 belongs to debtor 10002" in d.evidence


def test_third_party_iban_is_added_when_the_journal_says_so() -> None:
    j = Journal(
        "A1",
        "BNK",
        "NL80RABO5806583321",
        "EUR",
        "1100",
        bic="RABONL2U",
        auto_add_bank_account=True,
        approval_workflow=True,
    )
    w = books((item("20260001", "10001", "125.00"),), journal=j)
    d = one(line("125.00", payment_reference=ref("20260001"), counterparty_iban=UNKNOWN_IBAN), w)
    assert d.new_bank_account is not None
    assert (d.new_bank_account.relation, d.new_bank_account.iban) == ("10001", UNKNOWN_IBAN)
    assert d.new_bank_account.status is BankAccountStatus.UNDER_REVIEW


def test_no_bank_account_added_when_the_setting_is_off() -> None:
    d = one(
        line("125.00", payment_reference=ref("20260001"), counterparty_iban=UNKNOWN_IBAN),
        books((item("20260001", "10001", "125.00"),)),
    )
    assert d.status == "booked" and d.new_bank_account is None


def test_approved_when_no_approval_workflow() -> None:
    j = Journal("A1", "BNK", "NL80RABO5806583321", "EUR", "1100", bic="RABONL2U", auto_add_bank_account=True)
    d = one(
        line("125.00", payment_reference=ref("20260001"), counterparty_iban=UNKNOWN_IBAN),
        books((item("20260001", "10001", "125.00"),), journal=j),
    )
    assert d.new_bank_account is not None and d.new_bank_account.status is BankAccountStatus.APPROVED


def test_what_looks_like_a_structured_reference() -> None:
    assert looks_structured("1234 5678 9012 3456")
    assert looks_structured("RF18539007547034")
    assert looks_structured("+++010/8068/17183+++")
    assert not looks_structured("INV-2026-0012")


def test_a_free_reference_typed_other_is_no_typo() -> None:
    w = books((item("20260001", "10001", "125.00"),))
    d = one(
        line("125.00", payment_reference="1234567890", payment_reference_type="OTHER", counterparty_iban=IBAN_10001), w
    )
    assert (d.status, d.rule) == ("booked", "iban")


def test_the_number_a_reference_carries_is_not_found_in_another_series() -> None:
    """20260001 (paid, so not open) and CR20260001 share their digits: a reference carrying
    20260001 must not settle the credit note series' item."""
    w = books((item("CR20260001", "10002", "100.00"),))
    d = one(line("100.00", counterparty_iban=UNKNOWN_IBAN, payment_reference=ref("20260001")), w)
    assert d.status == "open"
    assert "matches no open item" in d.evidence
    dashed = one(line("100.00", payment_reference=ref("20260001")), books((item("2026-0001", "10001", "100.00"),)))
    assert (dashed.status, [s.invoice_number for s in dashed.settlements]) == ("booked", ["2026-0001"])


def test_an_ideal_transaction_number_in_the_text_is_no_typo() -> None:
    """iDEAL lines carry the bank's 16-digit transaction numbers; failing the reference
    check digit they are ids, not a payer's typo: the IBAN step books the named invoice."""
    ideal = "0050000534527971"
    assert not is_valid(ideal)
    w = books((item("20260001", "10001", "125.00"), item("20260002", "10001", "125.00")))
    text = f"{ideal} 0030003724612388 Webshop iDEAL factuur 20260001"
    d = one(line("125.00", counterparty_iban=IBAN_10001, description=text), w)
    assert (d.status, d.rule) == ("booked", "iban")
    assert d.settlements[0].invoice_number == "20260001"
    # the same digits without iDEAL are still taken as a typo'd reference
    d = one(line("125.00", counterparty_iban=IBAN_10001, description=f"{ideal} factuur 20260001"), w)
    assert d.status == "proposed" and "fails its check digit" in d.evidence


def test_a_valid_reference_later_in_the_text_wins_over_a_failing_one() -> None:
    good = ref("20260001")
    w = books((item("20260001", "10001", "125.00"),))
    d = one(line("125.00", description=f"order 0050000534527971 betalingskenmerk {good}"), w)
    assert (d.status, d.rule) == ("booked", "payment_reference")
