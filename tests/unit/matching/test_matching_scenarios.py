"""Scenarios an accountant meets, each from the seed (001, "Elektronische bankafschriften
inrichten") or the requirements (sections C, D, G2): the situation in memory, the whole
engine on it, and what the text implies — status, rule, postings, settlements, reason.

The world is ``matching_world`` (administration A1: tolerance 0.05 written off on 4900,
in-transit account 1650, invoice range 20260001…20269999, reference cut at 8/8, BSN with
search value 'kinderopvang' and *match open invoice* on).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from matching_world import (
    ACCOUNTS,
    ADMIN,
    GL_ACCOUNTS,
    IBAN_10001,
    IBAN_10002,
    IBAN_20001,
    JOURNAL,
    RELATIONS,
    TAX_OFFICE,
    UNKNOWN_IBAN,
    admin,
    balanced,
    books,
    item,
    line,
    one,
    ref,
)

from bankbridge.identifiers.references import validate_ogm, validate_rf
from bankbridge.ledger.model import (
    Administration,
    Allocation,
    BankAccountStatus,
    GLAccount,
    Journal,
    OpenItem,
    Posting,
    Relation,
    RelationBankAccount,
    RelationKind,
    TransactionCode,
)
from bankbridge.matching import Books, Decision, InTransitBatch, InTransitItem, LineInput, decide

BANK = "1100"
DEBTORS = "1300"
CREDITORS = "1600"
IN_TRANSIT = "1650"
WRITE_OFF = "4900"


def legs(d: Decision) -> list[tuple[str, D, str | None]]:
    """The postings as (GL account, amount, relation); a booking balances and starts with the bank leg."""
    if d.status == "booked":
        assert balanced(d) and d.postings[0].gl_account == BANK, d.postings
    return [(p.gl_account, p.amount, p.relation) for p in d.postings]


def settled(d: Decision) -> list[tuple[str, D]]:
    return [(s.invoice_number, s.amount) for s in d.settlements]


def not_booked(d: Decision) -> None:
    assert d.status != "booked", d.evidence
    assert d.postings == () and d.settlements == ()


# --- several open items, tolerance, partial and overpayments (R-G2) -----------------------


def test_one_debtor_pays_two_invoices_with_the_exact_total() -> None:
    """R-G2 "one payment for several invoices": IBAN known, the sum of two open items."""
    w = books(
        (item("20260001", "10001", "100.00"), item("20260002", "10001", "250.00"), item("20260003", "10001", "75.10"))
    )
    d = one(line("350.00", counterparty_iban=IBAN_10001, description="betaling"), w)
    assert (d.status, d.rule) == ("booked", "iban")
    assert settled(d) == [("20260001", D("100.00")), ("20260002", D("250.00"))]
    assert legs(d) == [(BANK, D("350.00"), None), (DEBTORS, D("-350.00"), "10001")]
    assert d.evidence == f"IBAN {IBAN_10001} belongs to debtor 10001; combined payment of 20260001, 20260002"


def test_two_named_invoices_short_by_less_than_the_tolerance_write_off_the_difference() -> None:
    """R-G2 "small payment differences within a tolerance" (betalingsverschil): 0.03 short."""
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10001", "250.00")))
    d = one(line("349.97", counterparty_iban=UNKNOWN_IBAN, description="fact 20260001 en 20260002"), w)
    assert (d.status, d.rule) == ("booked", "invoice_number")
    assert settled(d) == [("20260001", D("100.00")), ("20260002", D("250.00"))]
    assert legs(d) == [(BANK, D("349.97"), None), (DEBTORS, D("-350.00"), "10001"), (WRITE_OFF, D("0.03"), None)]
    assert "difference 0.03 written off" in d.evidence and balanced(d)


def test_two_named_invoices_short_by_more_than_the_tolerance_are_only_proposed() -> None:
    """R-G2 / docs: a partial payment spread over several named items is not certain."""
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10001", "250.00")))
    d = one(line("340.00", counterparty_iban=IBAN_10001, description="fact 20260001 en 20260002"), w)
    not_booked(d)
    assert d.status == "proposed"
    assert "amount 340.00 is less than the 350.00 open on 20260001, 20260002" in d.evidence
    assert d.candidates[0].invoice_numbers == ("20260001", "20260002")


def test_partial_payment_of_one_invoice_by_its_reference_keeps_the_rest_open() -> None:
    """R-A6 "partially paid items keep the remainder open"; R-G2 partial payments."""
    w = books((item("20260001", "10001", "500.00"),))
    d = one(line("200.00", payment_reference=ref("20260001")), w)
    assert (d.status, d.rule) == ("booked", "payment_reference")
    assert settled(d) == [("20260001", D("200.00"))]
    assert legs(d) == [(BANK, D("200.00"), None), (DEBTORS, D("-200.00"), "10001")]
    assert d.evidence.endswith("partial payment, 300.00 stays open")


def test_the_rest_of_a_partly_paid_invoice_is_paid_later_in_the_same_batch() -> None:
    """R-A6: the remainder stays open and a second payment settles exactly that remainder."""
    w = books((item("20260001", "10001", "500.00"),))
    first, second = decide(
        [line("200.00", 1, payment_reference=ref("20260001")), line("300.00", 2, payment_reference=ref("20260001"))], w
    )
    assert (first.status, second.status) == ("booked", "booked")
    assert settled(second) == [("20260001", D("300.00"))]
    assert second.evidence.endswith("amount equal")


def test_overpayment_beyond_the_tolerance_is_only_proposed() -> None:
    """R-G2: only *small* differences are written off; 25.00 too much is not booked."""
    d = one(line("150.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00"),)))
    not_booked(d)
    assert d.status == "proposed" and "amount 150.00 exceeds the open 125.00 by 25.00" in d.evidence


def test_overpayment_within_the_tolerance_is_written_off_as_a_payment_difference() -> None:
    """R-G2: 0.04 too much is within the 0.05 tolerance: credited to the difference account."""
    d = one(line("125.04", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00"),)))
    assert d.status == "booked"
    assert settled(d) == [("20260001", D("125.00"))]
    assert legs(d) == [(BANK, D("125.04"), None), (DEBTORS, D("-125.00"), "10001"), (WRITE_OFF, D("-0.04"), None)]


def test_no_write_off_without_a_payment_difference_account() -> None:
    """R-G2: the tolerance needs an account to write off on; without it 0.03 short is a partial payment."""
    w = books((item("20260001", "10001", "125.00"),), admin=admin(payment_difference_gl_account=None))
    d = one(line("124.97", payment_reference=ref("20260001")), w)
    assert settled(d) == [("20260001", D("124.97"))] and "0.03 stays open" in d.evidence
    assert all(p.gl_account != WRITE_OFF for p in d.postings)


def test_iban_and_an_amount_within_the_tolerance_of_one_item_writes_off() -> None:
    """R-G2 / R-D4: the relation's only item within the tolerance of the amount."""
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "300.00")))
    d = one(line("99.98", counterparty_iban=IBAN_10002), w)
    assert (d.status, d.rule) == ("booked", "iban")
    assert legs(d) == [(BANK, D("99.98"), None), (DEBTORS, D("-100.00"), "10002"), (WRITE_OFF, D("0.02"), None)]


def test_two_items_within_the_tolerance_of_the_amount_are_only_proposed() -> None:
    """Never a wrong booking: 100.00 and 100.02 both fit a payment of 100.01."""
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "100.02")))
    d = one(line("100.01", counterparty_iban=IBAN_10002), w)
    not_booked(d)
    assert "2 open items within the tolerance of 100.01" in d.evidence


def test_credit_note_netted_with_an_invoice() -> None:
    """R-G2 combined payment: invoice 200.00 minus credit note 50.00, paid 150.00."""
    w = books(
        (item("20260001", "10001", "200.00"), item("20260002", "10001", "-50.00"), item("20260003", "10001", "80.00"))
    )
    d = one(line("150.00", counterparty_iban=IBAN_10001), w)
    assert (d.status, d.rule) == ("booked", "iban")
    assert settled(d) == [("20260001", D("200.00")), ("20260002", D("-50.00"))]
    assert legs(d) == [(BANK, D("150.00"), None), (DEBTORS, D("-150.00"), "10001")]
    assert d.evidence.endswith("combined payment of 20260001, 20260002 (credit note netted)")


def test_two_combinations_of_the_same_total_are_only_proposed() -> None:
    """Never a wrong booking: 100+50 and 100+50' both make 150.00."""
    w = books(
        (item("20260001", "10001", "100.00"), item("20260002", "10001", "50.00"), item("20260003", "10001", "50.00"))
    )
    d = one(line("150.00", counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert "several combinations of open items sum to 150.00" in d.evidence


def test_single_item_of_the_amount_wins_over_a_combination_of_others() -> None:
    """Ambiguous in the text (pinned): 100.00 = invoice 1 = invoices 2 + 3; the single item is booked."""
    w = books(
        (item("20260001", "10001", "100.00"), item("20260002", "10001", "60.00"), item("20260003", "10001", "40.00"))
    )
    d = one(line("100.00", counterparty_iban=IBAN_10001), w)
    assert (d.status, settled(d)) == ("booked", [("20260001", D("100.00"))])


def test_partial_payment_by_iban_alone_is_not_booked() -> None:
    """R-D4: the IBAN names the relation, but a smaller amount names no item: proposed."""
    d = one(line("60.00", counterparty_iban=IBAN_10001), books((item("20260001", "10001", "100.00"),)))
    not_booked(d)
    assert "fits no open item or combination" in d.evidence


def test_partial_payment_of_an_invoice_named_in_the_description() -> None:
    """R-D4 + R-G2: the IBAN's relation names its invoice; less than open is a partial payment."""
    d = one(
        line("60.00", counterparty_iban=IBAN_10001, description="deelbetaling 20260001"),
        books((item("20260001", "10001", "100.00"),)),
    )
    assert (d.status, d.rule) == ("booked", "iban")
    assert settled(d) == [("20260001", D("60.00"))] and "40.00 stays open" in d.evidence


def test_debtor_pays_money_out_against_an_invoice_is_only_proposed() -> None:
    """Signs: a debtor's invoice is paid by money in; a debit naming it goes the other way."""
    d = one(line("-100.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "100.00"),)))
    not_booked(d)
    assert "the amount goes the other way than the open 100.00" in d.evidence


# --- creditors and refunds (seed: crediteurbetaling, terugbetalen van debiteuren) --------


def test_creditor_payment_of_a_purchase_invoice() -> None:
    """Seed: creditor payments — money out to the creditor's IBAN, the invoice's exact amount."""
    w = books((item("INK-1", "20001", "500.00"), item("INK-2", "20001", "70.00")))
    d = one(line("-500.00", counterparty_iban=IBAN_20001), w)
    assert (d.status, d.rule) == ("booked", "iban")
    assert settled(d) == [("INK-1", D("500.00"))]
    assert legs(d) == [(BANK, D("-500.00"), None), (CREDITORS, D("500.00"), "20001")]


def test_creditor_credit_note_refunded_by_the_supplier() -> None:
    """Signs: a creditor's credit note (-30.00) is paid by money in."""
    d = one(line("30.00", counterparty_iban=IBAN_20001), books((item("INK-9", "20001", "-30.00"),)))
    assert d.status == "booked"
    assert settled(d) == [("INK-9", D("-30.00"))]
    assert legs(d) == [(BANK, D("30.00"), None), (CREDITORS, D("-30.00"), "20001")]


def test_refund_to_a_debtor_of_its_credit_note() -> None:
    """Seed: "automatisch terugbetalen van debiteuren" — money out settles the debtor's credit note."""
    d = one(
        line("-50.00", counterparty_iban=IBAN_10001),
        books((item("20260005", "10001", "-50.00"), item("20260006", "10001", "80.00"))),
    )
    assert (d.status, d.rule) == ("booked", "iban")
    assert settled(d) == [("20260005", D("-50.00"))]
    assert legs(d) == [(BANK, D("-50.00"), None), (DEBTORS, D("50.00"), "10001")]


# --- payment reference (R-D3, R-C3) --------------------------------------------------------


def test_reference_with_a_wrong_check_digit_vetoes_even_an_exact_iban_match() -> None:
    """R-D3 "check digits are verified": a typo'd reference is never booked on, nor is the line."""
    good = ref("20260001")
    typo = str((int(good[0]) + 1) % 10) + good[1:]
    w = books((item("20260001", "10001", "125.00"),))
    d = one(line("125.00", payment_reference=typo, counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert d.status == "proposed"
    assert d.evidence.startswith(f"payment reference {typo} fails its check digit (a typo?), so this is only proposed")


def test_reference_of_another_administrations_invoice_is_not_booked_here() -> None:
    """R-B2 / R-A2: an invoice of administration A2 is not settled by a line of A1's bank."""
    a2 = Administration(
        "A2",
        "E1",
        invoice_ref_start=8,
        invoice_ref_length=8,
        invoice_range_from="20260001",
        invoice_range_to="20269999",
    )
    w = Books.build(
        administrations=(ADMIN, a2),
        journals=(JOURNAL,),
        gl_accounts=GL_ACCOUNTS,
        relations=(*RELATIONS, Relation("A2", "10001", RelationKind.DEBTOR)),
        relation_bank_accounts=ACCOUNTS,
        open_items=(OpenItem("A2", "20260050", "10001", D("80.00"), "EUR"),),
    )
    d = one(
        line("80.00", payment_reference=ref("20260050"), counterparty_iban=UNKNOWN_IBAN, description="fact 20260050"), w
    )
    not_booked(d)
    assert "invoice 20260050 in the description is of administration A2" in d.evidence


def test_reference_of_one_debtor_paid_from_the_iban_of_another_is_only_proposed() -> None:
    """Docs "never automatic: conflicting evidence (reference vs IBAN)"."""
    d = one(
        line("125.00", payment_reference=ref("20260001"), counterparty_iban=IBAN_10002),
        books((item("20260001", "10001", "125.00"),)),
    )
    not_booked(d)
    assert d.evidence.endswith(f"but IBAN {IBAN_10002} belongs to debtor 10002")


def test_reference_paid_by_a_third_party_adds_its_iban_under_review() -> None:
    """R-C6: an unknown IBAN on a matched line is added to the debtor, under review with a workflow."""
    j = replace(JOURNAL, auto_add_bank_account=True, approval_workflow=True)
    d = one(
        line("125.00", payment_reference=ref("20260001"), counterparty_iban=UNKNOWN_IBAN),
        books((item("20260001", "10001", "125.00"),), journal=j),
    )
    assert d.status == "booked"
    assert d.new_bank_account == RelationBankAccount("A1", "10001", UNKNOWN_IBAN, BankAccountStatus.UNDER_REVIEW)


def test_third_party_iban_is_not_added_when_the_setting_is_off() -> None:
    """R-C6 / seed: "als een openstaande post ... door een derde partij betaald wordt" — setting off, nothing added."""
    d = one(
        line("125.00", payment_reference=ref("20260001"), counterparty_iban=UNKNOWN_IBAN),
        books((item("20260001", "10001", "125.00"),)),
    )
    assert d.status == "booked" and d.new_bank_account is None


def test_reference_cut_is_off_when_no_start_position_is_set() -> None:
    """R-C3 / R-C8: without a start position no invoice number is cut out of the reference."""
    w = books(
        (item("20260001", "10001", "125.00"),),
        admin=admin(invoice_ref_start=None, invoice_range_from=None, invoice_range_to=None),
    )
    d = one(line("125.00", payment_reference=ref("20260001"), counterparty_iban=UNKNOWN_IBAN), w)
    not_booked(d)
    assert "matches no open item" in d.evidence


# --- IBAN (R-D4) -----------------------------------------------------------------------------


def test_known_iban_and_one_open_item_of_exactly_the_amount() -> None:
    """R-D4: the IBAN identifies the relation; its one item of the amount is settled."""
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "300.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10002), w)
    assert (d.status, d.rule, d.score) == ("booked", "iban", 95)
    assert d.evidence == f"IBAN {IBAN_10002} belongs to debtor 10002; amount equal"


def test_known_iban_and_two_open_items_of_exactly_the_amount_are_proposed() -> None:
    """Never a wrong booking: which of two equal invoices is paid is not certain."""
    w = books((item("20260001", "10002", "100.00"), item("20260002", "10002", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10002), w)
    not_booked(d)
    assert d.evidence == f"IBAN {IBAN_10002} belongs to debtor 10002, but 2 open items of 100.00"
    assert [c.invoice_numbers for c in d.candidates] == [("20260001",), ("20260002",)]


def test_iban_shared_by_two_debtors_and_an_item_of_each_with_the_amount_is_proposed() -> None:
    """An IBAN of two relations (a couple): two equal items, one of each, is not certain."""
    accounts = (*ACCOUNTS, RelationBankAccount("A1", "10002", IBAN_10001))
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10002", "100.00")), accounts=accounts)
    d = one(line("100.00", counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert f"IBAN {IBAN_10001} belongs to debtor 10001 and debtor 10002" in d.evidence


def test_iban_shared_by_two_debtors_with_one_item_of_the_amount_is_booked_on_its_owner() -> None:
    """Pinned (the text does not say): the one item of the amount among both relations' items is booked."""
    accounts = (*ACCOUNTS, RelationBankAccount("A1", "10002", IBAN_10001))
    w = books((item("20260001", "10001", "250.00"), item("20260002", "10002", "100.00")), accounts=accounts)
    d = one(line("100.00", counterparty_iban=IBAN_10001), w)
    assert (d.status, settled(d)) == ("booked", [("20260002", D("100.00"))])
    assert legs(d)[1] == (DEBTORS, D("-100.00"), "10002")


def test_iban_of_a_blocked_debtor_is_not_booked() -> None:
    """R-A5 blocked flag: a blocked relation is never booked on automatically."""
    rels = tuple(replace(r, blocked=r.number == "10002") for r in RELATIONS)
    d = one(line("100.00", counterparty_iban=IBAN_10002), books((item("20260001", "10002", "100.00"),), relations=rels))
    not_booked(d)
    assert d.evidence.endswith("which is blocked")


def test_overpayment_by_iban_alone_is_not_booked() -> None:
    """R-G2: the amount exceeds the only open item beyond the tolerance."""
    d = one(line("130.00", counterparty_iban=IBAN_10002), books((item("20260001", "10002", "100.00"),)))
    not_booked(d)


# --- invoice numbers in the description (R-D5, R-C4) -----------------------------------------


def test_third_party_pays_an_invoice_named_in_the_description_inside_the_range() -> None:
    """Seed: no relation by IBAN → search the invoice in all open items and so find the debtor."""
    d = one(
        line("125.00", counterparty_iban=UNKNOWN_IBAN, description="factuur 20260001 namens Jansen"),
        books((item("20260001", "10001", "125.00"),)),
    )
    assert (d.status, d.rule, d.score) == ("booked", "invoice_number", 95)
    assert settled(d) == [("20260001", D("125.00"))]
    assert (
        d.evidence
        == "invoice 20260001 of debtor 10001 named in the description (paid from an unknown IBAN); amount equal"
    )


def test_invoice_number_outside_the_range_is_not_searched() -> None:
    """R-C4: only words within the range are invoice numbers; 'F1234' is outside 20260001…20269999."""
    d = one(
        line("125.00", counterparty_iban=UNKNOWN_IBAN, description="factuur F1234"),
        books((item("F1234", "10001", "125.00"),)),
    )
    not_booked(d)
    assert d.status == "open"
    assert "no invoice number of the range is in the description" in d.evidence


def test_alphanumeric_invoice_range_up_to_inkzzzzzzzz() -> None:
    """Seed: "eindwaarde 'INKzzzzzzzz' ... alles ónder de 'Z' plús de cijfers" for random numbers."""
    w = books(
        (item("INK7Ab3X", "10001", "40.00"),), admin=admin(invoice_range_from="INK1", invoice_range_to="INKzzzzzzzz")
    )
    d = one(line("40.00", counterparty_iban=UNKNOWN_IBAN, description="betaling INK7Ab3X."), w)
    assert (d.status, d.rule) == ("booked", "invoice_number")
    assert settled(d) == [("INK7Ab3X", D("40.00"))]


def test_sequential_range_ink1_to_ink9999999() -> None:
    """Seed: "Bij implementaties wordt meestal de reeks INK1 t/m INK9999999 toegepast"."""
    w = books(
        (item("INK12345", "10002", "60.00"),), admin=admin(invoice_range_from="INK1", invoice_range_to="INK9999999")
    )
    d = one(line("60.00", counterparty_iban=UNKNOWN_IBAN, description="ink12345 bedankt"), w)
    assert (d.status, d.rule) == ("booked", "invoice_number")


def test_invoices_of_two_debtors_in_one_description_are_only_proposed() -> None:
    """Docs "never automatic: invoices of two relations"."""
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10002", "50.00")))
    d = one(line("150.00", counterparty_iban=UNKNOWN_IBAN, description="20260001 20260002"), w)
    not_booked(d)
    assert "the invoices belong to debtor 10001 and debtor 10002" in d.evidence


def test_without_a_range_the_invoice_number_step_does_not_run() -> None:
    """R-C8 "settings limit which checks run": no range set, no search among all open items."""
    w = books((item("20260001", "10001", "125.00"),), admin=admin(invoice_range_from=None, invoice_range_to=None))
    d = one(line("125.00", counterparty_iban=UNKNOWN_IBAN, description="factuur 20260001"), w)
    not_booked(d)
    assert d.status == "open"


def test_invoice_paid_earlier_in_the_same_batch_is_not_paid_twice() -> None:
    """Docs: an invoice paid by an earlier line of the batch is already paid for a later one."""
    w = books((item("20260001", "10001", "125.00"),))
    a, b = decide(
        [
            line("125.00", 1, payment_reference=ref("20260001")),
            line("125.00", 2, counterparty_iban=UNKNOWN_IBAN, description="factuur 20260001"),
        ],
        w,
    )
    assert (a.status, b.status) == ("booked", "open")
    assert b.evidence.endswith("invoice 20260001 is already paid by line 1 of this batch")


# --- BSN (R-D2, R-C5) --------------------------------------------------------------------------


def bsn_world(*items: OpenItem, bsn: str = "111222333", **changes: object) -> Books:
    rels = tuple(replace(r, bsn=bsn) if r.number == "10001" else r for r in RELATIONS)
    return books(items, relations=rels, admin=admin(**changes) if changes else ADMIN)


def test_bsn_with_eight_digits_is_zero_padded_and_settles_the_one_open_invoice() -> None:
    """Seed: "maximaal 9 cijfers ... maakt het gevonden nummer op" — nr. 12345672 → 012345672."""
    w = bsn_world(item("20260001", "10001", "350.00"), bsn="012345672")
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="Kinderopvangtoeslag nr. 12345672 nov"), w)
    assert (d.status, d.rule) == ("booked", "bsn")
    assert settled(d) == [("20260001", D("350.00"))]
    assert legs(d) == [(BANK, D("350.00"), None), (DEBTORS, D("-350.00"), "10001")]
    assert "BSN 012345672 in the tax office payment identifies debtor 10001" in d.evidence


def test_bsn_stored_without_its_leading_zero_is_found() -> None:
    """Seed: the BSN of the person (8 digits as typed) and the 9-digit formatted number are the same."""
    w = bsn_world(item("20260001", "10001", "350.00"), bsn="12345672")
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr.12345672"), w)
    assert (d.status, d.rule) == ("booked", "bsn")


def test_bsn_debtor_with_two_open_items_is_booked_on_account() -> None:
    """Pinned: the seed takes the open item only when there is exactly one; the debtor was found, so on account."""
    w = bsn_world(item("20260001", "10001", "350.00"), item("20260002", "10001", "350.00"))
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222333"), w)
    assert (d.status, d.rule, d.settlements) == ("booked", "bsn", ())
    assert legs(d) == [(BANK, D("350.00"), None), (DEBTORS, D("-350.00"), "10001")]
    assert "debtor 10001 has 2 open items, not one, so it is booked on the debtor's account" in d.evidence


def test_bsn_failing_the_eleven_test_falls_through_to_normal_matching() -> None:
    """Seed: "controleert of dit nummer een geldig Nederlands BSN is" — else the normal procedure."""
    w = bsn_world(item("20260001", "10001", "350.00"))
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222334"), w)
    assert d.rule != "bsn" and d.status != "booked"
    assert "111222334 after 'nr.' is not a valid BSN (11-test)" in d.evidence


def test_bsn_with_the_search_value_missing_is_not_matched() -> None:
    """Seed: "Zoekwaarde moet voorkomen in de omschrijving"."""
    w = bsn_world(item("20260001", "10001", "350.00"))
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="huurtoeslag nr. 111222333"), w)
    assert d.rule != "bsn" and d.status != "booked"
    assert "'kinderopvang' is not in the description" in d.evidence


def test_bsn_of_two_debtors_is_not_matched() -> None:
    """Seed: "precies één niet-geblokkeerde debiteur ... met dit BSN"."""
    rels = (*RELATIONS, Relation("A1", "10003", RelationKind.DEBTOR, bsn="111222333"))
    w = books((item("20260001", "10001", "350.00"),), relations=rels)
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222333"), w)
    assert d.rule != "bsn" and d.status != "booked"
    assert "2 debtors has that BSN" in d.evidence


def test_bsn_of_a_blocked_and_a_free_debtor_takes_the_free_one() -> None:
    """Seed: exactly one *non-blocked* debtor with the BSN."""
    rels = (*RELATIONS, Relation("A1", "10003", RelationKind.DEBTOR, bsn="111222333", blocked=True))
    w = books((item("20260001", "10001", "350.00"),), relations=rels)
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222333"), w)
    assert (d.status, d.rule, settled(d)) == ("booked", "bsn", [("20260001", D("350.00"))])


def test_bsn_matching_off_without_the_tax_office_iban_runs_the_normal_procedure() -> None:
    """R-C8 / seed: "Vul de gegevens ... alleen in als je hierop wilt afletteren"."""
    w = bsn_world(item("20260001", "10001", "350.00"), tax_office_iban=None)
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222333 20260001"), w)
    assert (d.status, d.rule) == ("booked", "iban") or d.rule != "bsn"
    assert "BSN" not in d.evidence


def test_bsn_has_the_highest_priority_over_a_payment_reference() -> None:
    """Seed: "heeft het zoeken via BSN dus de allerhoogste prioriteit"."""
    w = bsn_world(item("20260001", "10001", "350.00"), item("20260002", "10002", "350.00"))
    d = one(
        line(
            "350.00",
            counterparty_iban=TAX_OFFICE,
            description="kinderopvang nr. 111222333",
            payment_reference=ref("20260002"),
        ),
        w,
    )
    assert (d.status, d.rule, settled(d)) == ("booked", "bsn", [("20260001", D("350.00"))])


# --- transaction codes, commission, cost allocation (R-D6, R-D7) -------------------------------

CARD_GL = (
    *GL_ACCOUNTS,
    GLAccount("E1", "1020", "Tussenrekening creditcard"),
    GLAccount("E1", "4510", "Creditcardkosten"),
)
VISA = TransactionCode(
    "E1", "RABONL2U", "N544", "1020", search_value="EUR MERCHANT SERV VISA", commission_gl_account="4510"
)
AMEX = TransactionCode(
    "E1", "RABONL2U", "N544", "1030", search_value="AMERICAN EXP SERVICE", commission_gl_account="4520"
)


def card_books(*codes: TransactionCode, allocations: tuple[Allocation, ...] = ()) -> Books:
    return Books.build(
        administrations=(ADMIN,),
        journals=(JOURNAL,),
        gl_accounts=CARD_GL,
        relations=RELATIONS,
        relation_bank_accounts=ACCOUNTS,
        transaction_codes=codes,
        allocations=allocations,
    )


def test_card_settlement_books_gross_on_the_clearing_account_and_commission_on_costs() -> None:
    """Seed: "het ingehouden commissiebedrag van een creditcardbetaling automatisch afboeken"."""
    text = "EUR MERCHANT SERV VISA BRUTO 1.000,00 COMMISSIE 30,00 NETTO 970,00"
    d = one(line("970.00", bank_code="N544", description=text), card_books(VISA, AMEX))
    assert (d.status, d.rule) == ("booked", "transaction_code")
    assert legs(d) == [(BANK, D("970.00"), None), ("1020", D("-1000.00"), None), ("4510", D("30.00"), None)]
    assert "commission 30.00 on 4510 (gross 1000.00)" in d.evidence


def test_the_search_value_finds_the_card_scheme() -> None:
    """Seed: "'EUR MERCHANT SERV VISA' of 'AMERICAN EXP SERVICE' om Visa c.q. American Express te vinden"."""
    d = one(
        line("485.00", bank_code="N544", description="AMERICAN EXP SERVICE gross 500.00 fee 15.00"),
        card_books(VISA, AMEX),
    )
    assert legs(d) == [(BANK, D("485.00"), None), ("1030", D("-500.00"), None), ("4520", D("15.00"), None)]


def test_commission_figures_that_do_not_add_up_are_proposed() -> None:
    """Never a wrong booking: gross 1000 − commission 20 ≠ the amount 970."""
    text = "EUR MERCHANT SERV VISA BRUTO 1.000,00 COMMISSIE 20,00"
    d = one(line("970.00", bank_code="N544", description=text), card_books(VISA))
    not_booked(d)
    assert d.status == "proposed"


def test_code_without_a_matching_search_value_books_nothing() -> None:
    """Seed: the search value refines the match; a line of neither scheme is not booked on either."""
    d = one(line("100.00", bank_code="N544", description="MASTERCARD"), card_books(VISA, AMEX))
    not_booked(d)
    assert "none of its search values occurs in the line" in d.evidence


def test_pin_receipts_same_code_other_search_value_no_commission() -> None:
    """Seed: "voor de pinbetalingen ... dezelfde transactiecode ... met een afwijkende zoekwaarde"."""
    pin = TransactionCode("E1", "RABONL2U", "N544", "1010", search_value="PIN-TRANSACTIES")
    d = one(line("120.00", bank_code="N544", description="AFREKENING PIN-TRANSACTIES"), card_books(VISA, pin))
    assert legs(d) == [(BANK, D("120.00"), None), ("1010", D("-120.00"), None)]


def test_seed_cost_allocation_from_the_third_86_line() -> None:
    """Seed's worked example: N121 → 1010, 'Verk.punt PT5101' → as1 100, as2 1000, € 393,91."""
    pin = TransactionCode("E1", "RABONL2U", "N121", "1010", description="Pin-ontvangsten")
    allocs = (
        Allocation("E1", "RABONL2U", "N121", "", "Verk.punt PT5001", (("1", "110"), ("2", "1001"))),
        Allocation("E1", "RABONL2U", "N121", "", "Verk.punt PT5101", (("1", "100"), ("2", "1000"))),
    )
    detail = ("LIN-O-LUX", "AFREKENING PIN-TRANSACTIES", "Verk.punt PT5101       periode 049")
    d = one(
        line("393.91", bank_code="N121", detail_lines=detail, description=" ".join(detail)),
        card_books(pin, allocations=allocs),
    )
    assert d.postings == (
        Posting(BANK, D("393.91")),
        Posting("1010", D("-393.91"), allocations=(("1", "100"), ("2", "1000"))),
    )


def test_allocation_search_value_only_on_another_86_line_does_not_allocate() -> None:
    """Seed: the search value is compared with "de derde regel van record ':86:'" only."""
    pin = TransactionCode("E1", "RABONL2U", "N121", "1010")
    allocs = (Allocation("E1", "RABONL2U", "N121", "", "Verk.punt PT5101", (("1", "100"), ("2", "1000"))),)
    detail = ("Verk.punt PT5101", "AFREKENING PIN-TRANSACTIES", "periode 049")
    d = one(line("393.91", bank_code="N121", detail_lines=detail), card_books(pin, allocations=allocs))
    assert d.status == "booked" and d.postings[1].allocations == ()


def test_bank_costs_debit_booked_on_the_cost_account_by_code() -> None:
    """Seed: transaction codes book certain transactions on a GL account; a debit has no commission."""
    costs = TransactionCode("E1", "RABONL2U", "N093", "4550", description="Bankkosten", commission_gl_account="4510")
    d = one(line("-12.50", bank_code="N093", description="KOSTEN"), card_books(costs))
    assert legs(d) == [(BANK, D("-12.50"), None), ("4550", D("12.50"), None)]


def test_code_rule_of_another_bank_is_not_used() -> None:
    """R-D6: codes are per bank (bank organisation)."""
    ing = TransactionCode("E1", "INGBNL2A", "N121", "1010")
    d = one(line("100.00", bank_code="N121"), card_books(ing))
    not_booked(d)


# --- payments in transit (R-C1, R-C2, R-D8) ---------------------------------------------------

DD = InTransitBatch(
    "DD-11",
    "A1",
    "direct_debit",
    D("300.00"),
    (
        InTransitItem("E2E-1", "10001", "20260001", D("100.00")),
        InTransitItem("E2E-2", "10002", "20260002", D("200.00")),
    ),
)
PAY = InTransitBatch(
    "PAY-7",
    "A1",
    "payment",
    D("550.00"),
    (InTransitItem("P-1", "20001", "INK-1", D("500.00")), InTransitItem("P-2", "20001", "INK-2", D("50.00"))),
)
PER_ITEM = admin(direct_debit_in_transit=True, payments_in_transit=True)
ONE_TOTAL = admin(direct_debit_in_transit=False, payments_in_transit=False)


def test_direct_debits_item_by_item_each_clear_the_in_transit_account() -> None:
    """Seed: setting on, "de bank incasso's post-voor-post ... aanlevert" — credit 1650 per item."""
    w = books(admin=PER_ITEM, in_transit=(DD,))
    a, b = decide([line("100.00", 1, end_to_end_id="E2E-1"), line("200.00", 2, end_to_end_id="E2E-2")], w)
    assert legs(a) == [(BANK, D("100.00"), None), (IN_TRANSIT, D("-100.00"), None)]
    assert legs(b) == [(BANK, D("200.00"), None), (IN_TRANSIT, D("-200.00"), None)]
    assert (a.rule, a.settlements, b.settlements) == ("in_transit", (), ())


def test_direct_debits_as_one_amount_clear_the_in_transit_account_once() -> None:
    """Seed: setting off, "als één bedrag" — the total with the batch id credits 1650."""
    d = one(line("300.00", batch_id="DD-11"), books(admin=ONE_TOTAL, in_transit=(DD,)))
    assert (d.status, d.rule) == ("booked", "in_transit")
    assert legs(d) == [(BANK, D("300.00"), None), (IN_TRANSIT, D("-300.00"), None)]


def test_creditor_payments_as_one_amount_debit_the_in_transit_account() -> None:
    """Seed: "boek je het betaalde bedrag ook op de tussenrekening ... (maar nu debet)"."""
    d = one(line("-550.00", batch_id="PAY-7"), books(admin=ONE_TOTAL, in_transit=(PAY,)))
    assert legs(d) == [(BANK, D("-550.00"), None), (IN_TRANSIT, D("550.00"), None)]


def test_setting_on_still_accepts_a_bank_that_sends_one_amount() -> None:
    """Seed: "zowel een bank ... post-voor-post ... en een bank ... als één bedrag ..., vink dan het veld aan"."""
    d = one(line("-550.00", batch_id="PAY-7"), books(admin=PER_ITEM, in_transit=(PAY,)))
    assert (d.status, d.rule) == ("booked", "in_transit")


def test_item_line_that_also_carries_its_batch_id_is_cleared_as_that_item() -> None:
    """Seed, item by item: each creditor payment clears 1650 — also when the bank repeats the batch id on it."""
    w = books(admin=PER_ITEM, in_transit=(PAY,))
    d = one(line("-500.00", end_to_end_id="P-1", batch_id="PAY-7", counterparty_iban=IBAN_20001), w)
    assert (d.status, d.rule) == ("booked", "in_transit")
    assert legs(d) == [(BANK, D("-500.00"), None), (IN_TRANSIT, D("500.00"), None)]
    assert d.transit_used == (("A1", "PAY-7", 0),)


def test_batch_total_by_amount_alone_is_only_proposed() -> None:
    """Docs: a batch total found by amount alone is never booked."""
    d = one(line("300.00"), books(admin=ONE_TOTAL, in_transit=(DD,)))
    not_booked(d)


def test_returned_direct_debit_is_never_booked_even_when_the_iban_matches() -> None:
    """Docs: "a returned or reversed direct debit" (R-transaction) is never automatic."""
    w = books((item("20260001", "10001", "-100.00"),), admin=PER_ITEM, in_transit=(DD,))
    d = one(line("-100.00", end_to_end_id="E2E-1", return_reason="AC04", counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert "a return is never booked automatically" in d.evidence


# --- the line itself -------------------------------------------------------------------------


def test_amount_zero_stays_open() -> None:
    """Nothing to book: a zero line is left open with the reason."""
    d = one(line("0.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "0.00"),)))
    assert (d.status, d.evidence) == ("open", "the line's amount is zero")


def test_invoice_in_another_currency_is_not_settled() -> None:
    """R-A6 open items carry a currency: a EUR payment does not settle a USD invoice."""
    d = one(
        line("125.00", payment_reference=ref("20260001")), books((item("20260001", "10001", "125.00", currency="USD"),))
    )
    not_booked(d)
    assert "invoice 20260001 is in USD, the line in EUR" in d.evidence


def test_line_in_another_currency_than_its_journal_is_not_booked() -> None:
    """R-A3: a bank journal has one currency; a USD line is never booked in EUR books, whatever rule fits."""
    pin = TransactionCode("E1", "RABONL2U", "N121", "1010")
    stmt = line("100.00", bank_code="N121", counterparty_iban=IBAN_10001).line
    usd = LineInput(1, "A1", "BNK", JOURNAL.bic, JOURNAL.iban, "USD", replace(stmt, currency="USD"))
    w = books((item("20260001", "10001", "100.00", currency="USD"),), codes=(pin,))
    d = one(usd, w)
    not_booked(d)
    assert "USD" in d.evidence


def test_unknown_journal_stays_open() -> None:
    """R-A3: a line can only be processed for a bank journal of its administration."""
    other = Journal("A1", "BNK2", UNKNOWN_IBAN, "EUR", "1110")
    entry = LineInput(1, "A1", other.code, None, other.iban, "EUR", line("10.00").line)
    d = one(entry, books())
    assert (d.status, d.evidence) == ("open", "administration A1 has no bank journal BNK2")


# --- more boundaries and pinned readings -------------------------------------------------------


def test_difference_of_exactly_the_tolerance_is_written_off_and_one_cent_more_is_a_partial_payment() -> None:
    """R-G2 "within a tolerance": 0.05 short is within 0.05; 0.06 short leaves 0.06 open."""
    w = books((item("20260001", "10001", "100.00"),))
    at = one(line("99.95", payment_reference=ref("20260001")), w)
    assert legs(at) == [(BANK, D("99.95"), None), (DEBTORS, D("-100.00"), "10001"), (WRITE_OFF, D("0.05"), None)]
    beyond = one(line("99.94", payment_reference=ref("20260001")), w)
    assert settled(beyond) == [("20260001", D("99.94"))] and "0.06 stays open" in beyond.evidence


def test_counter_iban_written_with_spaces_and_lower_case_is_the_same_iban() -> None:
    """R-D4: the IBAN identifies the relation however the bank file writes it."""
    spaced = "nl22 knab 6197 8753 28"
    d = one(line("100.00", counterparty_iban=spaced), books((item("20260001", "10001", "100.00"),)))
    assert (d.status, d.rule, settled(d)) == ("booked", "iban", [("20260001", D("100.00"))])


def test_bsn_payment_larger_than_the_one_open_item_is_booked_on_account() -> None:
    """Pinned: the seed takes the item only when the credit equals or is smaller; the debtor was found."""
    w = bsn_world(item("20260001", "10001", "300.00"))
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222333"), w)
    assert (d.status, d.rule, d.settlements) == ("booked", "bsn", ())
    assert legs(d) == [(BANK, D("350.00"), None), (DEBTORS, D("-350.00"), "10001")]
    assert "the amount exceeds the 300.00 open on invoice 20260001" in d.evidence


def test_bsn_with_match_open_invoice_off_is_booked_on_account() -> None:
    """Seed: "Vink Match openstaande factuur aan als de openstaande post opgezocht moet worden"."""
    w = bsn_world(item("20260001", "10001", "350.00"), bsn_match_open_invoice=False)
    d = one(line("350.00", counterparty_iban=TAX_OFFICE, description="kinderopvang nr. 111222333"), w)
    assert (d.status, d.rule, d.settlements) == ("booked", "bsn", ())
    assert "match open invoice is off, so it is booked on the debtor's account" in d.evidence


def test_card_settlement_with_only_the_net_amount_books_net_on_the_clearing_account() -> None:
    """Pinned: without commission figures (nor CAMT charges) no commission is booked."""
    d = one(line("970.00", bank_code="N544", description="EUR MERCHANT SERV VISA NETTO 970,00"), card_books(VISA))
    assert legs(d) == [(BANK, D("970.00"), None), ("1020", D("-970.00"), None)]


def test_card_settlement_commission_from_camt_charges() -> None:
    """R-D6 commission on the cost account, taken from the bank's charges."""
    d = one(
        line("970.00", bank_code="N544", description="EUR MERCHANT SERV VISA", charges=D("30.00")), card_books(VISA)
    )
    assert legs(d) == [(BANK, D("970.00"), None), ("1020", D("-1000.00"), None), ("4510", D("30.00"), None)]


def test_allocation_carries_through_to_an_unallocated_commission_account() -> None:
    """Seed: "... commissie ... niet [verbijzondert], dan werkt de eerste verbijzondering door"."""
    code = TransactionCode("E1", "RABONL2U", "N121", "1010", commission_gl_account="4510")
    allocs = (Allocation("E1", "RABONL2U", "N121", "", "Verk.punt PT5101", (("1", "100"), ("2", "1000"))),)
    detail = (
        "LIN-O-LUX",
        "AFREKENING PIN-TRANSACTIES BRUTO 400,00 COMMISSIE 6,09",
        "Verk.punt PT5101       periode 049",
    )
    d = one(line("393.91", bank_code="N121", detail_lines=detail), card_books(code, allocations=allocs))
    axes = (("1", "100"), ("2", "1000"))
    assert d.postings == (
        Posting(BANK, D("393.91")),
        Posting("1010", D("-400.00"), allocations=axes),
        Posting("4510", D("6.09"), allocations=axes),
    )


def test_creditor_invoice_number_outside_the_sales_range_picks_between_equal_amounts() -> None:
    """R-C4: the range is for the search when the IBAN found no relation; the creditor's own number decides."""
    w = books((item("INV-881", "20001", "500.00"), item("INV-882", "20001", "500.00")))
    d = one(line("-500.00", counterparty_iban=IBAN_20001, description="betaling INV-881"), w)
    assert (d.status, d.rule, settled(d)) == ("booked", "iban", [("INV-881", D("500.00"))])


def test_creditor_invoice_number_outside_the_range_is_not_passed_over_for_another_item_of_the_amount() -> None:
    """R-D4: the text names INV-881 (400.00); a 500.00 payment is not booked on INV-882 by amount instead."""
    w = books((item("INV-881", "20001", "400.00"), item("INV-882", "20001", "500.00")))
    d = one(line("-500.00", counterparty_iban=IBAN_20001, description="betaling INV-881"), w)
    not_booked(d)
    assert "INV-882" not in [s.invoice_number for s in d.settlements]


def test_outside_the_range_a_number_without_the_iban_names_no_relation() -> None:
    """R-C4/R-D5: without a known IBAN, only words inside the range are searched among all open items."""
    w = books((item("INV-881", "20001", "500.00"),))
    d = one(line("-500.00", description="betaling INV-881"), w)
    not_booked(d)


def test_without_a_range_the_iban_relation_own_invoice_number_in_the_text_decides() -> None:
    """R-D4 "then its open items are searched (amount, invoice number in text)": no range, words with a digit."""
    w = books(
        (item("INV-881", "20001", "500.00"), item("INV-882", "20001", "500.00")),
        admin=admin(invoice_range_from=None, invoice_range_to=None),
    )
    d = one(line("-500.00", counterparty_iban=IBAN_20001, description="betaling INV-881"), w)
    assert (d.status, d.rule, settled(d)) == ("booked", "iban", [("INV-881", D("500.00"))])


def test_iban_shared_by_two_debtors_and_a_combination_of_an_item_of_each_is_only_proposed() -> None:
    """Docs "never automatic: invoices of two relations": 100.00 (10001) + 50.00 (10002) from their shared IBAN."""
    accounts = (*ACCOUNTS, RelationBankAccount("A1", "10002", IBAN_10001))
    w = books((item("20260001", "10001", "100.00"), item("20260002", "10002", "50.00")), accounts=accounts)
    d = one(line("150.00", counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert d.status == "proposed"
    assert d.evidence.endswith(
        "but combined payment of 20260001, 20260002 takes invoices of debtor 10001 and debtor 10002"
    )
    assert d.candidates[0].invoice_numbers == ("20260001", "20260002")


def test_debtor_and_creditor_sharing_an_iban_are_not_netted_by_amount() -> None:
    """Never a wrong booking: 300.00 receivable minus 100.00 payable = 200.00 in is a guess, not a certainty."""
    accounts = (*ACCOUNTS, RelationBankAccount("A1", "20001", IBAN_10001))
    w = books((item("20260001", "10001", "300.00"), item("INK-1", "20001", "100.00")), accounts=accounts)
    d = one(line("200.00", counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert "takes invoices of debtor 10001 and creditor 20001" in d.evidence


def test_direct_debits_item_by_item_but_creditor_payments_as_one_amount() -> None:
    """Seed: the two settings are separate (incasso vs crediteurbetaling), per the bank's agreement."""
    w = books(admin=admin(direct_debit_in_transit=True, payments_in_transit=False), in_transit=(DD, PAY))
    item_line, total_line = decide([line("100.00", 1, end_to_end_id="E2E-1"), line("-550.00", 2, batch_id="PAY-7")], w)
    assert (item_line.status, item_line.rule) == ("booked", "in_transit")
    assert (total_line.status, total_line.rule) == ("booked", "in_transit")
    not_booked(one(line("-500.00", end_to_end_id="P-1"), w))  # a payment item is not looked for in one-total mode


def test_named_invoice_of_a_blocked_debtor_sharing_the_iban_is_not_booked_on_the_other() -> None:
    """R-A5 blocked + R-D4 "invoice number in text": 20260001 of blocked 10001 named; 10002's equal item is not it."""
    accounts = (*ACCOUNTS, RelationBankAccount("A1", "10002", IBAN_10001))
    rels = tuple(replace(r, blocked=r.number == "10001") for r in RELATIONS)
    w = books(
        (item("20260001", "10001", "100.00"), item("20260002", "10002", "100.00")), accounts=accounts, relations=rels
    )
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="factuur 20260001"), w)
    not_booked(d)
    assert d.evidence.endswith("invoice 20260001 named in the description, but debtor 10001 is blocked")


def test_rf_reference_with_wrong_check_digits_is_a_typo() -> None:
    """R-D3 "check digits are verified" (RF / ISO 11649 too): a typo'd RF reference vetoes the exact IBAN match."""
    rf = validate_rf("RF18539007547034").compact
    typo = rf[:-1] + ("5" if rf[-1] != "5" else "6")
    w = books((item("20260001", "10001", "125.00", reference=rf),))
    d = one(line("125.00", payment_reference=typo, counterparty_iban=IBAN_10001), w)
    not_booked(d)
    assert "fails its check digit (a typo?), so this is only proposed" in d.evidence
    assert one(line("125.00", payment_reference=rf), w).status == "booked"


def test_belgian_ogm_reference_identifies_its_invoice() -> None:
    """R-D3: structured references also Belgian OGM (+++…+++), check digits verified."""
    ogm = validate_ogm("+++090/9337/55493+++").compact
    w = books((item("F-BE-1", "10002", "75.00", reference=ogm),))
    d = one(line("75.00", description="+++090/9337/55493+++"), w)
    assert (d.status, d.rule, settled(d)) == ("booked", "payment_reference", [("F-BE-1", D("75.00"))])


def test_double_payment_of_a_paid_invoice_is_not_booked_on_another_item_of_the_same_amount() -> None:
    """Docs "never automatic: an already-paid invoice": paid 20260001 is named, 20260002 of 100.00 is still open."""
    w = books((item("20260001", "10001", "0.00"), item("20260002", "10001", "100.00")))
    d = one(line("100.00", counterparty_iban=IBAN_10001, description="factuur 20260001"), w)
    not_booked(d)
    assert d.evidence.endswith("but invoice 20260001 is already paid")
