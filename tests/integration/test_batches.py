"""Payments in transit with stored sent batches (R-C1, R-C2, R-D8) on SQLite and
PostgreSQL: registering pain.001/pain.008 batches settles their open items against the
in-transit GL account; a statement line clears them — one total by batch id, or item by
item by end-to-end id — persistently, undo reopens, returns are never booked."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bankbridge.bootstrap import engine_for, uow_factory
from bankbridge.config import Settings
from bankbridge.db import schema, statement_repo
from bankbridge.db.batch_repo import BatchRepository
from bankbridge.db.statement_repo import line_status
from bankbridge.errors import InputError, ParseError
from bankbridge.formats.camt.writer import write as write_camt
from bankbridge.formats.mt940.writer import write_statements as write_mt940
from bankbridge.ledger.access import Access
from bankbridge.matching.books import LazyIndex
from bankbridge.payments import pain
from bankbridge.services.batches import (
    RegisterOutcome,
    RegistrationCache,
    list_batches,
    register_batch,
    register_files,
)
from bankbridge.services.importing import import_bytes
from bankbridge.services.processing import Decided, Pending, decide_pending, process, undo
from bankbridge.statements.model import Balance, Statement, StatementLine
from pain_samples import Pmt, Tx, pain001, pain008
from transit_books import (
    ACCOUNT,
    DAY,
    DD,
    IBAN_10001,
    IBAN_10002,
    IBAN_20001,
    IBAN_20002,
    OTHER_ACCOUNT,
    PAY,
    SENT,
    make_settings,
)


class Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


CLOCK = Clock()


def register(settings: Settings, data: bytes, source: str = "batch.xml", **kw: Any) -> RegisterOutcome:
    return register_batch(uow_factory(settings, writer=True), CLOCK, pain.read(data, source=source), **kw)


def line(amount: str, ref: str, **kw: Any) -> StatementLine:
    return StatementLine(Decimal(amount), booking_date=DAY, value_date=DAY, currency="EUR", bank_reference=ref, **kw)


def import_lines(settings: Settings, lines: list[StatementLine], *, fmt: str = "camt", day: date = DAY) -> None:
    lines = [StatementLine(**{**_fields(li), "booking_date": day, "value_date": day}) for li in lines]
    total = sum((li.amount for li in lines), Decimal(0))
    statement = Statement(
        "camt053" if fmt == "camt" else "mt940",
        ACCOUNT,
        "EUR",
        tuple(lines),
        opening_balance=Balance(day, Decimal(0), "EUR"),
        closing_balance=Balance(day, total, "EUR"),
        statement_number=day.strftime("%j"),
    )
    data = write_camt([statement]) if fmt == "camt" else write_mt940([statement])
    outcomes = import_bytes(data, source=f"statement.{fmt}", uow_factory=uow_factory(settings), clock=CLOCK)
    assert [o.error for o in outcomes] == [None]
    assert sum(o.lines for o in outcomes) == len(lines)


def _fields(li: StatementLine) -> dict[str, Any]:
    return {name: getattr(li, name) for name in StatementLine.__slots__}  # type: ignore[attr-defined]


def run(settings: Settings) -> dict[str, int]:
    return process(uow_factory(settings), CLOCK, access=Access.everything()).booked


def query(settings: Settings, statement: Any) -> list[dict[str, Any]]:
    with engine_for(settings.database_url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(statement)]


def batch_rows(settings: Settings) -> dict[str, dict[str, Any]]:
    b = schema.sent_batches
    return {r["batch_id"]: r for r in query(settings, select(b))}


def item_rows(settings: Settings) -> dict[str | None, dict[str, Any]]:
    i = schema.sent_batch_items
    return {r["end_to_end_id"]: r for r in query(settings, select(i))}


def entry_postings(settings: Settings, voucher: str) -> list[tuple[str, str | None, int]]:
    e, p = schema.journal_entries, schema.postings
    rows = query(
        settings,
        select(p.c.gl_account, p.c.relation, p.c.amount_minor)
        .join(e, e.c.id == p.c.entry_id)
        .where(e.c.voucher_number == voucher, e.c.statement_line_id.is_(None))
        .order_by(p.c.id),
    )
    return [(r["gl_account"], r["relation"], r["amount_minor"]) for r in rows]


def open_amounts(settings: Settings) -> dict[str, int]:
    o = schema.open_items
    return {
        r["invoice_number"]: r["amount_minor"] for r in query(settings, select(o).where(o.c.administration == "A1"))
    }


def in_transit_balance(settings: Settings) -> int:
    e, p = schema.journal_entries, schema.postings
    total = query(
        settings,
        select(func.coalesce(func.sum(p.c.amount_minor), 0).label("s"))
        .join(e, e.c.id == p.c.entry_id)
        .where(p.c.gl_account == "1650", e.c.reversed_at.is_(None)),
    )
    return int(total[0]["s"])


def lines_by_ref(settings: Settings) -> dict[str, dict[str, Any]]:
    li, d = schema.statement_lines, schema.line_decisions
    lines = select(li, line_status(d).label("status"), d.c.rule, d.c.evidence).outerjoin(d, d.c.line_id == li.c.id)
    return {r["bank_reference"]: r for r in query(settings, lines)}


def line_postings(settings: Settings, line_id: int) -> list[tuple[str, int]]:
    e, p = schema.journal_entries, schema.postings
    rows = query(
        settings,
        select(p.c.gl_account, p.c.amount_minor)
        .join(e, e.c.id == p.c.entry_id)
        .where(e.c.statement_line_id == line_id, e.c.reversed_at.is_(None))
        .order_by(p.c.id),
    )
    return [(r["gl_account"], r["amount_minor"]) for r in rows]


# --- registering ------------------------------------------------------------------------


@pytest.mark.postgres
def test_registering_settles_the_open_items_against_the_in_transit_account(one_total: Settings) -> None:
    dd = register(one_total, pain008([DD]), "dd.xml")
    pay = register(one_total, pain001([PAY]), "pay.xml")
    assert [(b.batch_id, b.registered, b.items, b.total) for b in dd.batches + pay.batches] == [
        ("DD-2026-11", True, 2, Decimal("350.00")),
        ("PAY-2026-11", True, 2, Decimal("345.50")),
    ]
    assert entry_postings(one_total, "DD-2026-11") == [
        ("1300", "10001", -10000),
        ("1300", "10002", -25000),
        ("1650", None, 35000),
    ]
    assert entry_postings(one_total, "PAY-2026-11") == [
        ("1600", "20001", 30000),
        ("1600", "20002", 4550),
        ("1650", None, -34550),
    ]
    assert open_amounts(one_total) == {"20260001": 0, "20260002": 0, "INK-7001": 0, "INK-7002": 0}
    batches = batch_rows(one_total)
    assert {k: (v["status"], v["kind"], v["total_minor"], v["journal"]) for k, v in batches.items()} == {
        "DD-2026-11": ("sent", "direct_debit", 35000, "BNK1"),
        "PAY-2026-11": ("sent", "payment", 34550, "BNK1"),
    }
    items = item_rows(one_total)
    assert (items["E2E-DD-1"]["relation"], items["E2E-DD-1"]["invoice_number"]) == ("10001", "20260001")
    assert "payment reference 2000000020260001" in items["E2E-DD-1"]["evidence"]
    assert (items["E2E-PAY-2"]["relation"], items["E2E-PAY-2"]["invoice_number"]) == ("20002", "INK-7002")
    e = schema.journal_entries
    described = query(one_total, select(e.c.description, e.c.rule).where(e.c.voucher_number == "DD-2026-11"))
    assert described == [
        {
            "description": "direct-debit batch DD-2026-11 sent: 2 items, 350.00 on the in-transit account 1650",
            "rule": "in_transit",
        }
    ]
    listed = list_batches(uow_factory(one_total), access=Access.everything(), status="sent")
    assert [b.batch_id for b in listed] == ["DD-2026-11", "PAY-2026-11"]


@pytest.mark.postgres
def test_the_same_file_twice_changes_nothing_and_says_so(one_total: Settings) -> None:
    data = pain008([DD])
    register(one_total, data, "dd.xml")
    before = (open_amounts(one_total), entry_postings(one_total, "DD-2026-11"), item_rows(one_total))
    again = register(one_total, data, "dd.xml")
    assert [(b.batch_id, b.registered) for b in again.batches] == [("DD-2026-11", False)]
    assert again.warnings == ["dd.xml: direct-debit batch DD-2026-11 is registered already; nothing changed"]
    assert (open_amounts(one_total), entry_postings(one_total, "DD-2026-11"), item_rows(one_total)) == before


def refused(settings: Settings, data: bytes, source: str = "bad.xml", **kw: Any) -> str:
    before = (open_amounts(settings), batch_rows(settings), item_rows(settings))
    with pytest.raises(InputError) as info:
        register(settings, data, source, **kw)
    assert (open_amounts(settings), batch_rows(settings), item_rows(settings)) == before, "nothing half-stored"
    return str(info.value)


@pytest.mark.postgres
def test_refusals_name_file_path_and_field_and_store_nothing(one_total: Settings) -> None:
    unknown = Pmt("PAY-X", "NL91ABNA0417164300", SENT, PAY.txs)
    message = refused(one_total, pain001([PAY, unknown]))
    assert message.startswith("bad.xml:")
    assert message.endswith(
        "Document/CstmrCdtTrfInitn/PmtInf[2]: DbtrAcct/Id/IBAN: no bank journal owns account "
        "NL91ABNA0417164300; add it to journals.csv first"
    )
    no_gl = Pmt("DD-A2", OTHER_ACCOUNT, SENT, (Tx("E-1", "10.00", "Lotte", IBAN_10001, text="20269001"),))
    assert "administration A2 has no in_transit_gl_account; set it in administrations.csv first" in refused(
        one_total, pain008([no_gl])
    )
    assert "account NL80RABO5806583321 belongs to administration A1, not A2" in refused(
        one_total, pain008([DD]), administration="A2"
    )
    assert refused(one_total, pain008([DD]), administration="NOPE") == "no administration 'NOPE' with a bank journal"
    twice = Pmt("DD-TWICE", ACCOUNT, SENT, (DD.txs[0], Tx("E2E-DD-9", "100.00", "Lotte", IBAN_10001, text="20260001")))
    message = refused(one_total, pain008([twice]))
    assert "Document/CstmrDrctDbtInitn/PmtInf[1]/DrctDbtTxInf[2]: RmtInf: cannot tell which open item" in message
    assert "already paid by an earlier instruction of this file" in message
    register(one_total, pain008([DD]), "dd.xml")
    again = Pmt("DD-AGAIN", ACCOUNT, SENT, DD.txs[:1])
    assert "invoice 20260001 is already paid" in refused(one_total, pain008([again]))
    assert "batch id DD-2026-11 is registered already from message MSG-DD-1" in refused(
        one_total, pain008([DD], msg_id="MSG-DD-2")
    )


# --- clearing: one total ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("fmt", ["camt", "mt940"])
def test_one_total_by_batch_id_clears_and_in_transit_nets_to_zero(one_total: Settings, fmt: str) -> None:
    register(one_total, pain008([DD]), "dd.xml")
    register(one_total, pain001([PAY]), "pay.xml")
    import_lines(
        one_total,
        [line("350.00", "T-DD", batch_id="DD-2026-11"), line("-345.50", "T-PAY", batch_id="PAY-2026-11")],
        fmt=fmt,
    )
    assert run(one_total) == {"A1": 2}
    lines = lines_by_ref(one_total)
    dd_line, pay_line = lines["T-DD"], lines["T-PAY"]
    assert (dd_line["status"], dd_line["rule"]) == ("booked", "in_transit")
    assert line_postings(one_total, dd_line["id"]) == [("1100", 35000), ("1650", -35000)]
    assert line_postings(one_total, pay_line["id"]) == [("1100", -34550), ("1650", 34550)]
    assert in_transit_balance(one_total) == 0
    batches = batch_rows(one_total)
    assert (batches["DD-2026-11"]["status"], batches["DD-2026-11"]["cleared_line_id"]) == ("cleared", dd_line["id"])
    assert {r["status"] for r in item_rows(one_total).values()} == {"cleared"}
    assert run(one_total) == {}, "a second run books nothing twice"
    # a later statement reporting the same batch id again does not clear it again
    import_lines(one_total, [line("350.00", "T-DD-AGAIN", batch_id="DD-2026-11")], fmt=fmt, day=date(2026, 11, 24))
    run(one_total)
    assert lines_by_ref(one_total)["T-DD-AGAIN"]["rule"] != "in_transit"
    assert in_transit_balance(one_total) == 0
    # undo reopens the batch; processing clears it again
    undo(uow_factory(one_total), CLOCK, access=Access.everything(), line_id=dd_line["id"])
    assert batch_rows(one_total)["DD-2026-11"]["status"] == "sent"
    assert {r["status"] for r in item_rows(one_total).values() if r["end_to_end_id"].startswith("E2E-DD")} == {"sent"}
    assert in_transit_balance(one_total) == 35000
    run(one_total)
    cleared = batch_rows(one_total)["DD-2026-11"]
    assert cleared["status"] == "cleared"
    assert cleared["cleared_line_id"] in {dd_line["id"], lines_by_ref(one_total)["T-DD-AGAIN"]["id"]}
    assert in_transit_balance(one_total) == 0


@pytest.mark.postgres
@pytest.mark.parametrize("rows_per_statement", [1, 100])
def test_clearing_in_bulk_takes_the_first_line_naming_a_batch_or_item(
    per_item: Settings, monkeypatch: pytest.MonkeyPatch, rows_per_statement: int
) -> None:
    """``BatchRepository.clear_many`` (grouped ``UPDATE … FROM (VALUES …)`` on SQLite, in
    groups of one and of many): a batch cleared whole clears its items; a batch or item
    named twice is cleared by the first line; a batch whose items are all cleared is too."""
    monkeypatch.setattr(statement_repo, "ROWS_PER_INSERT", rows_per_statement)
    register(per_item, pain008([DD]), "dd.xml")
    register(per_item, pain001([PAY]), "pay.xml")
    import_lines(per_item, [line("1.00", "L-1"), line("2.00", "L-2"), line("3.00", "L-3")])
    ids = {ref: row["id"] for ref, row in lines_by_ref(per_item).items()}
    first, second, third = ids["L-1"], ids["L-2"], ids["L-3"]
    with engine_for(per_item.database_url).begin() as conn:
        BatchRepository(conn).clear_many(
            [
                (first, "A1", "PAY-2026-11", None),
                (second, "A1", "DD-2026-11", 1),
                (second, "A1", "PAY-2026-11", None),
                (third, "A1", "DD-2026-11", 1),
                (third, "A1", "DD-2026-11", 2),
            ]
        )
    batches, items = batch_rows(per_item), item_rows(per_item)
    assert {k: (v["status"], v["cleared_line_id"]) for k, v in batches.items()} == {
        "PAY-2026-11": ("cleared", first),
        "DD-2026-11": ("cleared", None),
    }
    assert {k: (v["status"], v["cleared_line_id"]) for k, v in items.items()} == {
        "E2E-PAY-1": ("cleared", first),
        "E2E-PAY-2": ("cleared", first),
        "E2E-DD-1": ("cleared", second),
        "E2E-DD-2": ("cleared", third),
    }


# --- clearing: item by item -------------------------------------------------------------


@pytest.mark.postgres
def test_item_by_item_by_end_to_end_id_persists_between_runs(per_item: Settings) -> None:
    register(per_item, pain008([DD]), "dd.xml")
    register(per_item, pain001([PAY]), "pay.xml")
    import_lines(
        per_item,
        [
            line("100.00", "T-1", end_to_end_id="E2E-DD-1", counterparty_iban=IBAN_10001),
            line("-300.00", "T-2", end_to_end_id="E2E-PAY-1", counterparty_iban=IBAN_20001),
        ],
    )
    assert run(per_item) == {"A1": 2}
    items, batches = item_rows(per_item), batch_rows(per_item)
    lines = lines_by_ref(per_item)
    assert (items["E2E-DD-1"]["status"], items["E2E-DD-1"]["cleared_line_id"]) == ("cleared", lines["T-1"]["id"])
    assert (items["E2E-DD-2"]["status"], batches["DD-2026-11"]["status"]) == ("sent", "sent")
    assert line_postings(per_item, lines["T-2"]["id"]) == [("1100", -30000), ("1650", 30000)]
    # next day: the batch total no longer clears (an item is cleared); the last items do
    import_lines(
        per_item,
        [
            line("350.00", "T-3", batch_id="DD-2026-11"),
            line("100.00", "T-1-AGAIN", end_to_end_id="E2E-DD-1", counterparty_iban=IBAN_10001),
            line("250.00", "T-4", end_to_end_id="E2E-DD-2", counterparty_iban=IBAN_10002),
            line("-45.50", "T-5", end_to_end_id="E2E-PAY-2", counterparty_iban=IBAN_20002),
        ],
        day=date(2026, 11, 24),
    )
    assert run(per_item) == {"A1": 2}
    lines = lines_by_ref(per_item)
    assert lines["T-3"]["status"] != "booked"
    assert lines["T-1-AGAIN"]["status"] != "booked", "an item cleared in an earlier run is not cleared again"
    assert {k: v["status"] for k, v in batch_rows(per_item).items()} == {
        "DD-2026-11": "cleared",
        "PAY-2026-11": "cleared",
    }
    assert in_transit_balance(per_item) == 0
    undo(uow_factory(per_item), CLOCK, access=Access.everything(), line_id=lines["T-4"]["id"])
    items, batches = item_rows(per_item), batch_rows(per_item)
    assert (items["E2E-DD-2"]["status"], items["E2E-DD-2"]["cleared_line_id"]) == ("sent", None)
    assert (items["E2E-DD-1"]["status"], batches["DD-2026-11"]["status"]) == ("cleared", "sent")
    assert in_transit_balance(per_item) == 25000
    assert run(per_item) == {"A1": 1}
    assert batch_rows(per_item)["DD-2026-11"]["status"] == "cleared"
    assert in_transit_balance(per_item) == 0


@pytest.mark.postgres
@pytest.mark.parametrize("mode", ["one_total", "per_item"])
def test_the_setting_decides_whether_items_clear(mode: str, tmp_path: Path, database_url: str) -> None:
    settings = make_settings(tmp_path, database_url, per_item=mode == "per_item")
    register(settings, pain008([DD]), "dd.xml")
    import_lines(settings, [line("100.00", "T-1", end_to_end_id="E2E-DD-1", counterparty_iban=IBAN_10001)])
    run(settings)
    booked = lines_by_ref(settings)["T-1"]["rule"] == "in_transit"
    assert booked is (mode == "per_item")
    assert item_rows(settings)["E2E-DD-1"]["status"] == ("cleared" if booked else "sent")


@pytest.mark.postgres
def test_a_returned_direct_debit_is_never_booked_automatically(per_item: Settings) -> None:
    register(per_item, pain008([DD]), "dd.xml")
    import_lines(
        per_item,
        [line("-100.00", "T-R", end_to_end_id="E2E-DD-1", counterparty_iban=IBAN_10001, return_reason="MD06")],
    )
    assert run(per_item) == {}
    returned = lines_by_ref(per_item)["T-R"]
    assert (returned["status"], returned["rule"]) == ("proposed", "in_transit")
    assert "a return is never booked automatically" in returned["evidence"]
    assert item_rows(per_item)["E2E-DD-1"]["status"] == "sent"


def test_unknown_file_errors_are_parse_errors() -> None:
    with pytest.raises(ParseError):
        pain.read(b"<Document/>", source="x.xml")


@pytest.mark.postgres
def test_files_of_one_run_share_the_books_and_a_failed_file_leaves_nothing_behind(
    one_total: Settings, tmp_path: Path
) -> None:
    """``register_files`` reads the books once for all files: what an earlier file settled
    is known to later ones (and named), what a refused file settled is forgotten."""
    dd = tmp_path / "dd.xml"
    dd.write_bytes(pain008([DD]))
    stranger = Tx("E2E-X", "12.00", "Onbekend", "NL91ABNA0417164300", text="geen factuur")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(pain001([Pmt("PAY-B", ACCOUNT, SENT, (PAY.txs[0], stranger))], msg_id="MSG-B"))
    pay = tmp_path / "pay.xml"
    pay.write_bytes(pain001([PAY]))
    again = tmp_path / "again.xml"
    again.write_bytes(pain008([Pmt("DD-AGAIN", ACCOUNT, SENT, DD.txs[:1])], msg_id="MSG-DD-2"))
    outcomes = register_files([dd, again, broken, pay], uow_factory(one_total, writer=True), CLOCK)
    assert [o.error is None for o in outcomes] == [True, False, False, True]
    assert f"invoice 20260001 is already paid by instruction 1 of batch DD-2026-11 in {dd}" in str(outcomes[1].error)
    assert "cannot tell which open item this payment settles" in str(outcomes[2].error)
    assert str(outcomes[2].error).endswith(
        "(only batches whose every instruction pays open items are registered; "
        "a file that also pays other things (salaries, one-off payments) is left out, and its statement line "
        "booked by hand)"
    )
    assert "salaries" not in str(outcomes[1].error), "an invoice paid twice is no such case"
    assert [b.batch_id for b in outcomes[3].batches] == ["PAY-2026-11"], "INK-7001 was not consumed by broken.xml"
    assert open_amounts(one_total) == {"20260001": 0, "20260002": 0, "INK-7001": 0, "INK-7002": 0}
    assert set(batch_rows(one_total)) == {"DD-2026-11", "PAY-2026-11"}


@pytest.mark.postgres
def test_the_environment_s_invoice_numbers_are_read_only_when_an_instruction_asks(one_total: Settings) -> None:
    """A run of ``batches add`` reads the invoice numbers of the whole environment only for
    an instruction whose text names another administration's invoice (the reason says
    whose), through the unit of work open at that moment, and keeps them for the run."""
    with engine_for(one_total.database_url).begin() as conn:
        a = schema.administrations
        conn.execute(
            update(a).where(a.c.code == "A1").values(invoice_range_from="20260000", invoice_range_to="20269999")
        )
    factory = uow_factory(one_total, writer=True)
    cache = RegistrationCache()
    register_batch(factory, CLOCK, pain.read(pain008([DD]), source="dd.xml"), cache=cache)
    (index,) = cache.environment_indexes.values()
    assert isinstance(index, LazyIndex)
    assert not index.made, "no instruction of dd.xml named another administration's invoice"
    named = Tx("E2E-N", "10.00", "Iemand", "NL91ABNA0417164300", text="Factuur 20269001")
    with pytest.raises(InputError) as refusal:
        register_batch(
            factory, CLOCK, pain.read(pain001([Pmt("PAY-N", ACCOUNT, SENT, (named,))]), source="n.xml"), cache=cache
        )
    assert "invoice 20269001 in the description is of administration A2" in str(refusal.value)
    assert index.made and index[("E", "20269001")] == (("A2", "20269001"),)
    assert cache.bookings is None, "no unit of work is kept after the message"
    assert set(batch_rows(one_total)) == {"DD-2026-11"}


# --- registering beside other commands --------------------------------------------------

PAID_BY_TRANSFER = {"counterparty_iban": IBAN_10001, "payment_reference": "2000000020260001"}
"""A transfer from Lotte de Vries paying invoice 20260001, which batch DD also collects."""


@contextmanager
def processing_held(settings: Settings) -> Iterator[None]:
    """Runs the block while a processing run, in a thread, holds the right to decide: it
    has counted the pending lines and waits a second before reading and deciding them."""
    holding = threading.Event()

    def decide(pending: Pending) -> Iterator[Decided]:
        holding.set()
        time.sleep(1.0)
        with uow_factory(settings)() as uow:
            yield from decide_pending(uow, pending)

    everything = {"access": Access.everything(), "decider": decide}
    processing = threading.Thread(target=process, args=(uow_factory(settings, writer=True), CLOCK), kwargs=everything)
    processing.start()
    assert holding.wait(30)
    try:
        yield
    finally:
        processing.join(60)


@pytest.mark.postgres
def test_registering_while_processing_pays_the_same_invoice_waits_and_is_refused(one_total: Settings) -> None:
    """Registering settles open items as deciding a line does: it waits for a run that is
    deciding the administration's lines and then finds the invoice paid (on PostgreSQL both
    settled it, lowering it twice)."""
    import_lines(one_total, [line("100.00", "T-1", **PAID_BY_TRANSFER)])
    with processing_held(one_total), pytest.raises(InputError) as info:
        register(one_total, pain008([DD]), "dd.xml")
    assert "invoice 20260001 is already paid" in str(info.value)
    assert open_amounts(one_total)["20260001"] == 0
    assert batch_rows(one_total) == {}


@pytest.mark.postgres
def test_books_kept_between_files_are_read_again_when_another_command_changed_them(one_total: Settings) -> None:
    """A run of ``batches add`` keeps each administration's books from one file to the
    next; a line booked meanwhile by another command is seen by the next file."""
    cache, factory = RegistrationCache(), uow_factory(one_total, writer=True)
    first = register_batch(factory, CLOCK, pain.read(pain001([PAY]), source="pay.xml"), cache=cache)
    assert [b.batch_id for b in first.batches] == ["PAY-2026-11"] and "A1" in cache.books
    import_lines(one_total, [line("100.00", "T-1", **PAID_BY_TRANSFER)])
    assert run(one_total) == {"A1": 1}
    with pytest.raises(InputError, match="invoice 20260001 is already paid"):
        register_batch(factory, CLOCK, pain.read(pain008([DD]), source="dd.xml"), cache=cache)
    assert open_amounts(one_total)["20260001"] == 0
