"""R-C1 / R-C2 / R-D8: sent batches clear the in-transit account; returns are never automatic."""

from __future__ import annotations

from decimal import Decimal as D

from matching_world import IBAN_10001, IBAN_20001, admin, books, item, line, one, ref

from bankbridge.ledger.model import Posting
from bankbridge.matching import BatchState, InTransitBatch, InTransitItem, decide, decide_line
from bankbridge.statements.model import StatementLine

DD = InTransitBatch(
    "DD-2026-11",
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
    (InTransitItem("P-1", "20001", "INK-1", D("500.00")), InTransitItem(None, "20001", "INK-2", D("50.00"))),
)
ONE_TOTAL = admin(direct_debit_in_transit=False, payments_in_transit=False)
PER_ITEM = admin(direct_debit_in_transit=True, payments_in_transit=True)


def test_one_total_by_batch_id_clears_the_in_transit_account() -> None:
    d = one(line("300.00", batch_id="DD-2026-11"), books(admin=ONE_TOTAL, in_transit=(DD,)))
    assert (d.status, d.rule) == ("booked", "in_transit")
    assert d.postings == (Posting("1100", D("300.00")), Posting("1650", D("-300.00")))
    assert d.evidence == (
        "batch id DD-2026-11 is direct-debit batch DD-2026-11 with total 300.00; cleared on the in-transit account 1650"
    )


def test_payment_batch_total_is_a_debit() -> None:
    d = one(line("-550.00", batch_id="PAY-7"), books(admin=ONE_TOTAL, in_transit=(PAY,)))
    assert d.postings == (Posting("1100", D("-550.00")), Posting("1650", D("550.00")))


def test_total_of_another_amount_is_only_proposed() -> None:
    d = one(line("290.00", batch_id="DD-2026-11"), books(admin=ONE_TOTAL, in_transit=(DD,)))
    assert d.status == "proposed" and "not 290.00" in d.evidence


def test_total_by_amount_alone_is_only_proposed() -> None:
    d = one(line("300.00"), books(admin=ONE_TOTAL, in_transit=(DD,)))
    assert d.status == "proposed" and "no batch id" in d.evidence


def test_item_by_end_to_end_id() -> None:
    d = one(line("200.00", end_to_end_id="E2E-2"), books(admin=PER_ITEM, in_transit=(DD,)))
    assert (d.status, d.rule) == ("booked", "in_transit")
    assert (
        "end-to-end id E2E-2 is an item of direct-debit batch DD-2026-11 (relation 10002, invoice 20260002)"
        in d.evidence
    )


def test_item_by_amount_and_relation_is_only_proposed() -> None:
    d = one(line("-50.00", counterparty_iban=IBAN_20001), books(admin=PER_ITEM, in_transit=(PAY,)))
    assert (d.status, d.rule) == ("proposed", "in_transit")
    assert "amount 50.00 and relation 20001 fit an item of payment batch PAY-7" in d.evidence
    assert "but the line does not carry its end-to-end id" in d.evidence


def test_an_ordinary_transfer_of_the_same_relation_and_amount_is_not_taken_for_a_batch_item() -> None:
    """The debtor of a collected item pays another invoice of the same amount by hand."""
    w = books((item("20260009", "10001", "100.00", reference=ref("20260009")),), admin=PER_ITEM, in_transit=(DD,))
    d = one(line("100.00", counterparty_iban=IBAN_10001, payment_reference=ref("20260009")), w)
    assert (d.status, d.rule) == ("booked", "payment_reference")
    assert [s.invoice_number for s in d.settlements] == ["20260009"]


def test_items_are_not_cleared_twice_and_not_after_their_total() -> None:
    w = books(admin=PER_ITEM, in_transit=(DD,))
    a, b = decide([line("100.00", 1, end_to_end_id="E2E-1"), line("100.00", 2, end_to_end_id="E2E-1")], w)
    assert (a.status, b.status) == ("booked", "open")
    total, item_ = decide([line("300.00", 1, batch_id="DD-2026-11"), line("100.00", 2, end_to_end_id="E2E-1")], w)
    assert (total.status, item_.status) == ("booked", "open")


def test_items_are_not_matched_in_one_total_mode() -> None:
    d = one(line("200.00", end_to_end_id="E2E-2"), books(admin=ONE_TOTAL, in_transit=(DD,)))
    assert d.status != "booked"


def test_without_an_in_transit_account_nothing_clears() -> None:
    d = one(line("300.00", batch_id="DD-2026-11"), books(admin=admin(in_transit_gl_account=None), in_transit=(DD,)))
    assert d.rule != "in_transit"


def test_returned_direct_debit_is_never_booked_automatically() -> None:
    w = books((item("20260001", "10001", "100.00"),), admin=PER_ITEM, in_transit=(DD,))
    d = one(line("-100.00", end_to_end_id="E2E-1", return_reason="MS03", counterparty_iban=IBAN_10001), w)
    assert d.status == "proposed"
    assert d.evidence.startswith("returned or reversed direct debit (reason MS03) of end-to-end id E2E-1")
    assert d.candidates[0].invoice_numbers == ("20260001",)


def test_batch_entry_found_by_the_end_to_end_ids_of_its_items() -> None:
    items = (StatementLine(D("100.00"), end_to_end_id="E2E-1"), StatementLine(D("200.00"), end_to_end_id="E2E-2"))
    d = one(line("300.00", items=items), books(admin=PER_ITEM, in_transit=(DD,)))
    assert (d.status, d.rule) == ("booked", "in_transit")


def test_line_by_line_in_chunks_gives_the_same_as_one_batch() -> None:
    w = books(admin=PER_ITEM, in_transit=(DD,))
    lines = [line("100.00", 1, end_to_end_id="E2E-1"), line("100.00", 2, end_to_end_id="E2E-1")]
    state = BatchState()
    assert [decide_line(e, w, state) for e in lines] == decide(lines, w)
