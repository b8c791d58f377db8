"""pain.002 status reports about sent batches, on SQLite and PostgreSQL: a rejected item,
batch or message is reversed off the in-transit account and its open items are open
again; processing then expects only what the bank carried out; the same report twice
changes nothing; reports about unknown or already cleared batches are refused whole."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select
from test_batches import (
    CLOCK,
    batch_rows,
    import_lines,
    in_transit_balance,
    item_rows,
    line,
    lines_by_ref,
    open_amounts,
    processing_held,
    query,
    register,
    run,
)

from bankbridge.bootstrap import engine_for, init_database, unit_of_work, uow_factory
from bankbridge.config import Settings
from bankbridge.db import schema
from bankbridge.db.migrate import alembic_config, upgrade
from bankbridge.errors import InputError
from bankbridge.ledger.access import Access
from bankbridge.payments.status_report import read_status
from bankbridge.services.batch_status import StatusOutcome, apply_status
from bankbridge.services.batches import list_batches
from bankbridge.services.ledger import load_bundle
from pain_samples import Pmt, PmtSts, Tx, TxSts, pain001, pain002, pain008
from transit_books import DD, IBAN_10001, IBAN_10002, OTHER_ACCOUNT, PAY, bundle

PAY_REJECT_2 = pain002(
    "MSG-PAY-1", (PmtSts("PAY-2026-11", "PART", (TxSts("E2E-PAY-2", "RJCT", "AC04"),)),), group_status="PART"
)


def report(settings: Settings, data: bytes, source: str = "sts.xml", **kw: Any) -> StatusOutcome:
    return apply_status(uow_factory(settings, writer=True), CLOCK, read_status(data, source=source), **kw)


def reversal_postings(settings: Settings, voucher: str) -> list[tuple[str, str | None, int]]:
    e, p = schema.journal_entries, schema.postings
    rows = query(
        settings,
        select(p.c.gl_account, p.c.relation, p.c.amount_minor)
        .join(e, e.c.id == p.c.entry_id)
        .where(e.c.voucher_number == voucher, e.c.rule == "in_transit_rejected")
        .order_by(p.c.id),
    )
    return [(r["gl_account"], r["relation"], r["amount_minor"]) for r in rows]


@pytest.mark.postgres
def test_a_rejected_item_is_reversed_and_the_rest_clears_as_one_total(one_total: Settings) -> None:
    register(one_total, pain001([PAY]), "pay.xml")
    done = report(one_total, PAY_REJECT_2)
    (batch,) = done.batches
    assert (batch.batch_id, batch.bank_status, batch.status) == ("PAY-2026-11", "PART", "sent")
    assert [
        (r.position, r.end_to_end_id, r.relation, r.invoice_number, str(r.amount), r.reason) for r in batch.rejected
    ] == [(2, "E2E-PAY-2", "20002", "INK-7002", "45.50", "AC04 closed account")]
    assert done.warnings == []
    assert reversal_postings(one_total, "PAY-2026-11") == [("1600", "20002", -4550), ("1650", None, 4550)]
    assert open_amounts(one_total)["INK-7002"] == 4550, "the invoice is open again"
    assert open_amounts(one_total)["INK-7001"] == 0
    assert in_transit_balance(one_total) == -30000
    items = item_rows(one_total)
    assert (items["E2E-PAY-2"]["status"], items["E2E-PAY-2"]["reject_reason"]) == ("rejected", "AC04 closed account")
    assert items["E2E-PAY-1"]["status"] == "sent"
    assert batch_rows(one_total)["PAY-2026-11"]["bank_status"] == "PART"
    e = schema.journal_entries
    (described,) = query(one_total, select(e.c.description, e.c.entry_date).where(e.c.rule == "in_transit_rejected"))
    assert described == {
        "description": "payment batch PAY-2026-11: 1 of 2 items (45.50) rejected by the bank (AC04 closed account), "
        "report STS-1; off the in-transit account 1650",
        "entry_date": date(2026, 11, 21),
    }
    # the same report again changes nothing
    before = (open_amounts(one_total), item_rows(one_total), in_transit_balance(one_total))
    again = report(one_total, PAY_REJECT_2)
    assert (again.batches[0].rejected, again.batches[0].already_rejected) == ([], 1)
    assert again.warnings == ["sts.xml: report STS-1 changes nothing (applied before?)"]
    assert (open_amounts(one_total), item_rows(one_total), in_transit_balance(one_total)) == before
    # the bank books what it carried out: 300.00 with the batch id clears the batch
    import_lines(one_total, [line("-300.00", "T-PAY", batch_id="PAY-2026-11")])
    assert run(one_total) == {"A1": 1}
    assert (lines_by_ref(one_total)["T-PAY"]["rule"], in_transit_balance(one_total)) == ("in_transit", 0)
    assert batch_rows(one_total)["PAY-2026-11"]["status"] == "cleared"
    assert item_rows(one_total)["E2E-PAY-2"]["status"] == "rejected"


@pytest.mark.postgres
def test_a_message_rejected_as_a_whole_takes_every_batch_out_of_transit(one_total: Settings) -> None:
    register(one_total, pain008([DD]), "dd.xml")
    done = report(
        one_total, pain002("MSG-DD-1", group_status="RJCT", group_reason="FF01", original_name="pain.008.001.02")
    )
    (batch,) = done.batches
    assert (batch.status, [r.position for r in batch.rejected]) == ("rejected", [1, 2])
    assert {r.reason for r in batch.rejected} == {"FF01 invalid file format"}
    assert reversal_postings(one_total, "DD-2026-11") == [
        ("1300", "10001", 10000),
        ("1300", "10002", 25000),
        ("1650", None, -35000),
    ]
    assert (open_amounts(one_total)["20260001"], open_amounts(one_total)["20260002"]) == (10000, 25000)
    assert in_transit_balance(one_total) == 0
    assert batch_rows(one_total)["DD-2026-11"]["status"] == "rejected"
    listed = list_batches(uow_factory(one_total), access=Access.everything(), status="rejected")
    assert [b.batch_id for b in listed] == ["DD-2026-11"]
    # a line with the batch id is no longer cleared: the bank did not collect
    import_lines(one_total, [line("350.00", "T-DD", batch_id="DD-2026-11")])
    run(one_total)
    assert lines_by_ref(one_total)["T-DD"]["rule"] != "in_transit"
    assert in_transit_balance(one_total) == 0


@pytest.mark.postgres
def test_a_rejected_batch_leaves_the_other_batches_of_the_message(one_total: Settings) -> None:
    second = type(PAY)("PAY-2026-12", PAY.account, PAY.day, PAY.txs[1:])
    first = type(PAY)("PAY-2026-11", PAY.account, PAY.day, PAY.txs[:1])
    register(one_total, pain001([first, second]), "pay.xml")
    done = report(
        one_total, pain002("MSG-PAY-1", (PmtSts("PAY-2026-12", "RJCT", reason="AM04"), PmtSts("PAY-2026-11", "ACSC")))
    )
    assert {b.batch_id: (b.bank_status, b.status, len(b.rejected)) for b in done.batches} == {
        "PAY-2026-11": ("ACSC", "sent", 0),
        "PAY-2026-12": ("RJCT", "rejected", 1),
    }
    assert done.batches[1].rejected[0].reason == "AM04 insufficient funds"
    assert (open_amounts(one_total)["INK-7001"], open_amounts(one_total)["INK-7002"]) == (0, 4550)
    assert {k: (v["status"], v["bank_status"]) for k, v in batch_rows(one_total).items()} == {
        "PAY-2026-11": ("sent", "ACSC"),
        "PAY-2026-12": ("rejected", "RJCT"),
    }


@pytest.mark.postgres
def test_item_by_item_a_rejected_item_is_never_cleared(per_item: Settings) -> None:
    register(per_item, pain008([DD]), "dd.xml")
    data = pain002(
        "MSG-DD-1",
        (PmtSts("DD-2026-11", "PART", (TxSts("E2E-DD-2", "RJCT", "MD01", amount="250.00"),)),),
        original_name="pain.008.001.02",
    )
    report(per_item, data)
    assert open_amounts(per_item)["20260002"] == 25000
    import_lines(
        per_item,
        [
            line("100.00", "T-1", end_to_end_id="E2E-DD-1", counterparty_iban=IBAN_10001),
            line("250.00", "T-2", end_to_end_id="E2E-DD-2", counterparty_iban=IBAN_10002),
        ],
    )
    run(per_item)
    lines = lines_by_ref(per_item)
    assert lines["T-1"]["rule"] == "in_transit"
    assert lines["T-2"]["rule"] != "in_transit", "a rejected item is not in transit any more"
    assert batch_rows(per_item)["DD-2026-11"]["status"] == "cleared", "all that is left is cleared"
    assert in_transit_balance(per_item) == 0


def refused(settings: Settings, data: bytes, **kw: Any) -> str:
    before = (open_amounts(settings), batch_rows(settings), item_rows(settings), in_transit_balance(settings))
    with pytest.raises(InputError) as info:
        report(settings, data, **kw)
    after = (open_amounts(settings), batch_rows(settings), item_rows(settings), in_transit_balance(settings))
    assert after == before, "nothing half-applied"
    return str(info.value)


@pytest.mark.postgres
def test_reports_about_unknown_or_cleared_batches_are_refused_whole(one_total: Settings) -> None:
    register(one_total, pain001([PAY]), "pay.xml")
    register(one_total, pain008([DD]), "dd.xml")
    assert refused(one_total, pain002("MSG-NOPE", group_status="RJCT")).endswith(
        "Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts: OrgnlMsgId: no registered batch comes from message MSG-NOPE; "
        "register the sent file with `bankbridge batches add` first"
    )
    message = refused(
        one_total, pain002("MSG-PAY-1", (PmtSts("PAY-2026-11", "PART", (TxSts("E2E-PAY-2"),)), PmtSts("PAY-X", "RJCT")))
    )
    assert message.startswith("sts.xml:")
    assert message.endswith(
        "Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[2]: OrgnlPmtInfId: batch PAY-X is not one of the registered "
        "batches of message MSG-PAY-1 (PAY-2026-11)"
    )
    assert refused(one_total, pain002("MSG-PAY-1", (PmtSts("PAY-2026-11", "PART", (TxSts("E2E-NOPE"),)),))).endswith(
        "TxInfAndSts[1]: OrgnlEndToEndId: end-to-end id E2E-NOPE is not an item of payment batch PAY-2026-11"
    )
    assert "not A2" in refused(one_total, PAY_REJECT_2, administration="A2")
    # cleared by a statement line: the bank booked it, a report cannot reject it
    import_lines(one_total, [line("350.00", "T-DD", batch_id="DD-2026-11")])
    run(one_total)
    line_id = lines_by_ref(one_total)["T-DD"]["id"]
    message = refused(one_total, pain002("MSG-DD-1", group_status="RJCT"))
    assert (
        f"item 1 (E2E-DD-1, 100.00) of direct-debit batch DD-2026-11 was cleared by statement line {line_id}" in message
    )
    assert f"Undo that line first (`bankbridge undo {line_id}`)" in message


@pytest.mark.postgres
def test_partly_accepted_without_naming_what_was_rejected_is_a_warning(one_total: Settings) -> None:
    register(one_total, pain001([PAY]), "pay.xml")
    done = report(one_total, pain002("MSG-PAY-1", (PmtSts("PAY-2026-11", "PART"),), group_status="PART"))
    assert done.warnings == [
        "sts.xml: the bank says batch PAY-2026-11 was partly accepted (PART) but names no rejected instruction; "
        "nothing was taken out of transit"
    ]
    assert batch_rows(one_total)["PAY-2026-11"]["bank_status"] == "PART"


@pytest.mark.postgres
def test_accepted_statuses_are_only_recorded(one_total: Settings) -> None:
    register(one_total, pain001([PAY]), "pay.xml")
    before = (open_amounts(one_total), item_rows(one_total), in_transit_balance(one_total))
    done = report(one_total, pain002("MSG-PAY-1", group_status="ACSC"))
    assert [(b.bank_status, b.rejected, b.status) for b in done.batches] == [("ACSC", [], "sent")]
    assert batch_rows(one_total)["PAY-2026-11"]["bank_status"] == "ACSC"
    assert (open_amounts(one_total), item_rows(one_total), in_transit_balance(one_total)) == before


@pytest.mark.postgres
def test_revision_0004_gives_registered_items_their_booking(one_total: Settings) -> None:
    register(one_total, pain001([PAY]), "pay.xml")
    written = {k: v["booking"] for k, v in item_rows(one_total).items()}
    assert written["E2E-PAY-2"] is not None
    engine = engine_for(one_total.database_url)
    command.downgrade(alembic_config(engine), "0003")
    upgrade(engine)
    assert {k: v["booking"] for k, v in item_rows(one_total).items()} == written
    report(one_total, PAY_REJECT_2)
    assert open_amounts(one_total)["INK-7002"] == 4550


@pytest.mark.postgres
def test_two_clients_may_use_one_message_id_then_the_administration_is_named(tmp_path: Path, database_url: str) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    files = bundle(per_item=False)
    files["administrations.csv"] = files["administrations.csv"].replace(
        "A2,E,Two,false,false,\n", "A2,E,Two,false,false,1650\n"
    )
    for name, text in files.items():
        (folder / name).write_text(text)
    settings = Settings(database_url=database_url)
    init_database(settings)
    load_bundle(folder, unit_of_work(settings))
    register(settings, pain008([DD], msg_id="MSG-X"), "a1.xml")
    theirs = Pmt("DD-A2", OTHER_ACCOUNT, DD.day, (Tx("E2E-A2", "10.00", "Lotte", IBAN_10001, text="20269001"),))
    register(settings, pain008([theirs], msg_id="MSG-X"), "a2.xml")
    rejected = pain002("MSG-X", group_status="RJCT", group_reason="AM04", original_name="pain.008.001.02")
    assert refused(settings, rejected).endswith(
        "OrgnlMsgId: message MSG-X was registered in administrations A1, A2; "
        "name the one this report is about with --administration"
    )
    done = report(settings, rejected, administration="A2")
    assert [(b.batch_id, b.administration, b.status) for b in done.batches] == [("DD-A2", "A2", "rejected")]
    assert {k: v["status"] for k, v in batch_rows(settings).items()} == {"DD-2026-11": "sent", "DD-A2": "rejected"}


@pytest.mark.postgres
def test_a_report_rejecting_an_item_that_processing_is_clearing_waits_and_is_refused(one_total: Settings) -> None:
    """Processing and a status report at once: the report waits for the run that is deciding
    the administration's lines, then finds the item cleared (on PostgreSQL it read the item
    as sent, reversed it out of transit, and the run then cleared it as well)."""
    register(one_total, pain008([DD]), "dd.xml")
    import_lines(one_total, [line("350.00", "T-DD", batch_id="DD-2026-11")])
    with processing_held(one_total), pytest.raises(InputError) as info:
        report(one_total, pain002("MSG-DD-1", group_status="RJCT"))
    message = str(info.value)
    line_id = lines_by_ref(one_total)["T-DD"]["id"]
    assert f"was cleared by statement line {line_id}" in message
    e = schema.journal_entries
    assert query(one_total, select(e.c.id).where(e.c.rule == "in_transit_rejected")) == [], "nothing reversed"
