"""What processing takes from the stored batches (R-C1, R-C2, R-D8): the engine's records,
a batch state that knows what earlier runs cleared, and the clearing written back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankbridge.ledger.model import Administration, Journal
from bankbridge.matching import Books, LineInput, decide
from bankbridge.matching.engine import decide_line
from bankbridge.payments.model import SentBatch, SentItem
from bankbridge.services.batches import in_transit, record_clearing, transit_state
from bankbridge.statements.model import StatementLine

ADM = Administration("A1", "E", direct_debit_in_transit=True, in_transit_gl_account="1650")
JOURNAL = Journal("A1", "BNK1", "NL80RABO5806583321", "EUR", "1100")


def batch(*statuses: str) -> SentBatch:
    items = tuple(
        SentItem(n, f"E2E-{n}", "10001" if n == 1 else None, None, Decimal("100.00"), status=s)  # type: ignore[arg-type]
        for n, s in enumerate(statuses, start=1)
    )
    total = sum((i.amount for i in items), Decimal(0))
    return SentBatch("A1", "BNK1", "DD-1", "M-1", "direct_debit", date(2026, 11, 20), "EUR", total, items)


def entry(line_id: int, amount: str, **kw: object) -> LineInput:
    line = StatementLine(Decimal(amount), booking_date=date(2026, 11, 23), currency="EUR", **kw)  # type: ignore[arg-type]
    return LineInput(line_id, "A1", "BNK1", None, JOURNAL.iban, "EUR", line)


def books(sent: SentBatch) -> Books:
    return Books.build(administrations=(ADM,), journals=(JOURNAL,), in_transit=in_transit((sent,)))


def test_engine_records_keep_positions_and_unknown_relations() -> None:
    (converted,) = in_transit((batch("sent", "sent"),))
    assert [(i.end_to_end_id, i.relation) for i in converted.items] == [("E2E-1", "10001"), ("E2E-2", "")]
    assert (converted.batch_id, converted.kind, converted.total) == ("DD-1", "direct_debit", Decimal("200.00"))


def test_a_booked_line_says_what_it_cleared() -> None:
    sent = batch("sent", "sent")
    (decision,) = decide([entry(7, "100.00", end_to_end_id="E2E-2")], books(sent))
    assert (decision.status, decision.transit_used) == ("booked", (("A1", "DD-1", 1),))
    (whole,) = decide([entry(8, "200.00", batch_id="DD-1")], books(sent))
    assert whole.transit_used == (("A1", "DD-1", -1),)


def test_items_cleared_in_an_earlier_run_are_not_cleared_again() -> None:
    sent = batch("cleared", "sent")
    state = transit_state((sent,))
    again = decide_line(entry(1, "100.00", end_to_end_id="E2E-1"), books(sent), state)
    assert again.rule != "in_transit"
    total = decide_line(entry(2, "200.00", batch_id="DD-1"), books(sent), state)
    assert total.status != "booked"
    rest = decide_line(entry(3, "100.00", end_to_end_id="E2E-2"), books(sent), state)
    assert rest.transit_used == (("A1", "DD-1", 1),)


class FakeBatches:
    def __init__(self) -> None:
        self.cleared: list[tuple[int, str, str, int | None]] = []

    def clear_many(self, cleared: list[tuple[int, str, str, int | None]]) -> None:
        self.cleared.extend(cleared)


class FakeUow:
    def __init__(self) -> None:
        self.batches = FakeBatches()


def test_clearing_is_written_back_as_positions() -> None:
    uow = FakeUow()
    record_clearing(uow, [(5, (("A1", "DD-1", -1),)), (6, (("A1", "PAY-1", 0), ("A1", "PAY-1", 2)))])  # type: ignore[arg-type]
    assert uow.batches.cleared == [(5, "A1", "DD-1", None), (6, "A1", "PAY-1", 1), (6, "A1", "PAY-1", 3)]
