"""Money cases (R-G2): exact, partial, combined, tolerance, credit notes, both directions."""

from __future__ import annotations

from decimal import Decimal as D

from matching_world import IBAN_10001, IBAN_20001, admin, balanced, books, item, line, one, ref

from bankbridge.ledger.model import OpenItem, Posting, RelationKind, Settlement
from bankbridge.matching import decide
from bankbridge.matching.money_cases import Fit, ItemView, Misfit, settle_by_amount, settle_identified, subsets

ZERO = D(0)


def view(number: str, amount: str, kind: RelationKind = RelationKind.DEBTOR) -> ItemView:
    return ItemView(OpenItem("A1", number, "R", D(amount), "EUR"), kind, D(amount))


def test_exact_single_item() -> None:
    fit = settle_identified(D("10.00"), (view("A", "10.00"),), tolerance=ZERO)
    assert isinstance(fit, Fit) and fit.case == "amount equal" and fit.difference == 0


def test_partial_single_item() -> None:
    fit = settle_identified(D("4.00"), (view("A", "10.00"),), tolerance=ZERO)
    assert isinstance(fit, Fit) and fit.settlements[0].amount == D("4.00")


def test_partial_over_several_named_items_is_not_certain() -> None:
    fit = settle_identified(D("15.00"), (view("A", "10.00"), view("B", "10.00")), tolerance=ZERO)
    assert isinstance(fit, Misfit) and "less than the 20.00 open on A, B" in fit.reason


def test_difference_within_tolerance_is_written_off() -> None:
    fit = settle_identified(D("9.98"), (view("A", "10.00"),), tolerance=D("0.05"))
    assert isinstance(fit, Fit) and fit.difference == D("-0.02") and "difference 0.02 written off" in fit.case


def test_creditor_item_is_paid_by_a_debit() -> None:
    fit = settle_identified(D("-10.00"), (view("A", "10.00", RelationKind.CREDITOR),), tolerance=ZERO)
    assert isinstance(fit, Fit) and fit.settlements[0].amount == D("10.00")


def test_wrong_direction_is_a_misfit() -> None:
    assert isinstance(settle_identified(D("-10.00"), (view("A", "10.00"),), tolerance=ZERO), Misfit)


def test_unique_subset_is_found_and_a_second_one_makes_it_ambiguous() -> None:
    views = (view("A", "10.00"), view("B", "25.00"), view("C", "40.00"))
    fit = settle_by_amount(D("65.00"), views, tolerance=ZERO)
    assert isinstance(fit, Fit) and [s.invoice_number for s in fit.settlements] == ["B", "C"]
    views2 = (*views, view("D", "30.00"), view("E", "35.00"))
    mis = settle_by_amount(D("65.00"), views2, tolerance=ZERO)
    assert isinstance(mis, Misfit) and "several combinations" in mis.reason


def test_subset_search_is_bounded() -> None:
    many = tuple(view(f"I{n:03}", "1.00") for n in range(40))
    combos, complete = subsets(D("3.00"), many)
    assert combos == [] and complete is False


def test_single_within_tolerance_when_nothing_is_exact() -> None:
    fit = settle_by_amount(D("99.97"), (view("A", "100.00"), view("B", "300.00")), tolerance=D("0.05"))
    assert isinstance(fit, Fit) and fit.difference == D("-0.03")


def test_engine_books_the_write_off_on_the_administrations_account() -> None:
    d = one(line("124.98", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00"),)))
    assert d.postings == (
        Posting("1100", D("124.98")),
        Posting("1300", D("-125.00"), relation="10001"),
        Posting("4900", D("0.02")),
    )
    assert balanced(d)


def test_no_tolerance_without_a_write_off_account() -> None:
    w = books((item("20260001", "10001", "125.00"),), admin=admin(payment_difference_gl_account=None))
    d = one(line("124.98", payment_reference=ref("20260001")), w)
    assert d.settlements == (Settlement("20260001", "10001", D("124.98")),)  # a partial payment


def test_combination_of_a_relations_items_by_amount() -> None:
    w = books(
        (item("20260001", "10001", "100.00"), item("20260002", "10001", "60.00"), item("20260003", "10001", "-15.00"))
    )
    d = one(line("145.00", counterparty_iban=IBAN_10001), w)
    assert d.status == "booked" and d.score == 90
    assert {s.invoice_number for s in d.settlements} == {"20260001", "20260002", "20260003"}
    assert d.postings[1] == Posting("1300", D("-145.00"), relation="10001")


def test_payment_to_a_creditor_net_of_its_credit_note() -> None:
    w = books((item("INK-1", "20001", "500.00"), item("CN-2", "20001", "-50.00"), item("INK-3", "20001", "75.00")))
    d = one(line("-450.00", counterparty_iban=IBAN_20001), w)
    assert d.settlements == (Settlement("CN-2", "20001", D("-50.00")), Settlement("INK-1", "20001", D("500.00")))
    assert balanced(d)


def test_an_amount_paid_by_an_earlier_line_is_not_settled_twice() -> None:
    w = books((item("20260001", "10001", "125.00"),))
    first, second = decide(
        [line("125.00", 2, payment_reference=ref("20260001")), line("125.00", 1, payment_reference=ref("20260001"))], w
    )
    assert (first.line_id, first.status) == (1, "booked")
    assert second.status == "open"
    assert "already paid by line 1 of this batch" in second.evidence


def test_two_partial_payments_in_one_batch_settle_the_rest() -> None:
    w = books((item("20260001", "10001", "125.00"),))
    a, b, c = decide(
        [line(x, n, payment_reference=ref("20260001")) for n, x in enumerate(("50.00", "75.00", "1.00"))], w
    )
    assert [a.status, b.status, c.status] == ["booked", "booked", "open"]
    assert b.evidence.endswith("amount equal")
