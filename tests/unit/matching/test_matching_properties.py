"""Invariants (hypothesis): order independence, balanced postings, settlements within
the open amount."""

from __future__ import annotations

import itertools
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st
from matching_world import IBAN_10001, IBAN_10002, IBAN_20001, UNKNOWN_IBAN, admin, books, item, line, ref

from bankbridge.ledger.model import OpenItem, RelationKind, TransactionCode
from bankbridge.matching import Books, Decision, InTransitBatch, InTransitItem, LineInput, decide
from bankbridge.matching.money_cases import ItemView, subsets

AMOUNTS = ("25.00", "40.00", "60.00", "100.00", "-15.00")
RELS = ("10001", "10002", "20001")
BATCH = InTransitBatch(
    "B1",
    "A1",
    "direct_debit",
    D("30.00"),
    (InTransitItem("E1", "10001", None, D("10.00")), InTransitItem("E2", "10002", None, D("20.00"))),
)
PIN = TransactionCode("E1", "RABONL2U", "N121", "1010")


@st.composite
def worlds(draw: st.DrawFn) -> tuple[Books, tuple[OpenItem, ...], list[LineInput]]:
    n = draw(st.integers(1, 6))
    items = tuple(
        item(f"2026{i:04}", draw(st.sampled_from(RELS)), draw(st.sampled_from(AMOUNTS)), reference=None)
        for i in range(1, n + 1)
    )
    lines = []
    for line_id in range(draw(st.integers(1, 6))):
        target = draw(st.sampled_from(items))
        sign = -1 if target.relation == "20001" else 1
        amount = draw(st.sampled_from((*AMOUNTS, "124.99", "59.97"))) if draw(st.booleans()) else str(target.amount)
        fields = {
            "counterparty_iban": draw(st.sampled_from((IBAN_10001, IBAN_10002, IBAN_20001, UNKNOWN_IBAN, None))),
            "payment_reference": ref(target.invoice_number) if draw(st.booleans()) else None,
            "description": draw(st.sampled_from(("", f"factuur {target.invoice_number}", "20260001 20260002"))),
        }
        if draw(st.integers(0, 4)) == 0:
            fields = {"end_to_end_id": draw(st.sampled_from(("E1", "E2", None))), "batch_id": None, "bank_code": "N121"}
            amount = draw(st.sampled_from(("10.00", "20.00", "30.00")))
            sign = 1
        lines.append(line(str(D(amount) * sign), line_id * 7 + 3, **fields))
    adm = admin(direct_debit_in_transit=draw(st.booleans()))
    return books(items, admin=adm, in_transit=(BATCH,), codes=(PIN,)), items, lines


@settings(max_examples=60, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_order_of_lines_does_not_matter(
    world: tuple[Books, tuple[OpenItem, ...], list[LineInput]], rnd: object
) -> None:
    bks, _, lines = world
    shuffled = list(lines)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert decide(shuffled, bks) == decide(lines, bks)


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_postings_balance_and_settlements_stay_within_the_open_amount(
    world: tuple[Books, tuple[OpenItem, ...], list[LineInput]],
) -> None:
    bks, items, lines = world
    decisions = decide(lines, bks)
    by_id = {e.line_id: e for e in lines}
    for d in decisions:
        check_one(d, by_id[d.line_id])
    for it in items:
        settled = sum(
            (s.amount for d in decisions for s in d.settlements if s.invoice_number == it.invoice_number), D(0)
        )
        assert (0 <= settled <= it.amount) if it.amount > 0 else (it.amount <= settled <= 0)


def check_one(d: Decision, entry: LineInput) -> None:
    if d.status != "booked":
        assert d.postings == () and d.settlements == ()
        return
    assert sum((p.amount for p in d.postings), D(0)) == 0
    assert d.postings[0].gl_account == "1100" and d.postings[0].amount == entry.line.amount
    assert d.evidence and d.rule is not None and 0 < d.score <= 100


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from(("10.00", "20.00", "30.00", "-10.00", "45.50", "5.25")), min_size=0, max_size=8),
    st.sampled_from(("30.00", "40.00", "55.50", "15.25", "0.00", "100.00")),
)
def test_combination_search_agrees_with_brute_force(amounts: list[str], target: str) -> None:
    views = tuple(
        ItemView(OpenItem("A1", f"I{n}", "R", D(a), "EUR"), RelationKind.DEBTOR, D(a)) for n, a in enumerate(amounts)
    )
    brute = [
        combo
        for size in range(2, len(views) + 1)
        for combo in itertools.combinations(views, size)
        if sum((v.bank_value for v in combo), D(0)) == D(target)
    ]
    found, complete = subsets(D(target), views)
    assert complete
    assert len(found) == min(len(brute), 2)
    assert all(sum((v.bank_value for v in combo), D(0)) == D(target) for combo in found)
