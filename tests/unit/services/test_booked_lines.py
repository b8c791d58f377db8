"""Only booked lines are imported: CAMT entries with status ``PDNG`` (pending) or ``INFO``
(information only) are left out before identities are made, in both ``Sts`` layouts;
lines without a status are untouched. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bankbridge.errors import InputError
from bankbridge.formats.registry import read
from bankbridge.ledger.model import Journal
from bankbridge.services.importing import booked_lines, line_status, not_booked_warning, prepare
from bankbridge.statements.model import Statement, StatementLine

ACCOUNT = "NL44RABO0123456789"
JOURNAL = Journal(administration="A", code="BNK", iban=ACCOUNT, currency="EUR", gl_account="1100")


def _report(entries: str, *, version: str = "02") -> Statement:
    data = (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.'
        f'{version}"><BkToCstmrAcctRpt><GrpHdr><MsgId>M</MsgId></GrpHdr><Rpt><Id>R1</Id>'
        f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}</Rpt></BkToCstmrAcctRpt></Document>"
    ).encode()
    ((statement,),) = [r.result.statements for r in read(data, source="r.xml")]
    return statement


def _ntry(amount: str, sts: str, ref: str, ccy: str = "EUR") -> str:
    return (
        f"<Ntry><Amt Ccy='{ccy}'>{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{sts}"
        f"<ValDt><Dt>2026-11-02</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef></Ntry>"
    )


@pytest.mark.parametrize(
    ("version", "sts"),
    [("02", "<Sts>{}</Sts>"), ("08", "<Sts><Cd>{}</Cd></Sts>")],
)
def test_pending_and_information_entries_are_left_out_in_both_layouts(version: str, sts: str) -> None:
    statement = _report(
        _ntry("1.00", sts.format("BOOK"), "B-1")
        + _ntry("2.00", sts.format("PDNG"), "P-1")
        + _ntry("3.00", sts.format("INFO"), "I-1")
        + _ntry("4.00", sts.format(" pdng "), "P-2")
        + _ntry("5.00", "", "N-1"),
        version=version,
    )
    assert [line_status(line) for line in statement.lines] == ["BOOK", "PDNG", "INFO", "PDNG", None]
    booked, left_out = booked_lines(statement)
    assert [line.bank_reference for line in booked.lines] == ["B-1", "N-1"]
    assert left_out == {"PDNG": 2, "INFO": 1}
    assert not_booked_warning(booked, left_out) == (
        "statement R1 of NL44RABO0123456789: 3 entries not stored: 2 pending (PDNG) and 1 information only "
        "(INFO), not booked at the bank; the booked entries come with a later report or the final statement"
    )


def test_lines_without_a_status_are_untouched() -> None:
    day = date(2026, 11, 2)
    statement = Statement(
        "mt940",
        ACCOUNT,
        "EUR",
        (
            StatementLine(Decimal("1.00"), day, day, extra=(("NAME", "PDNG"),)),
            StatementLine(Decimal("2.00"), day, day),
        ),
    )
    assert booked_lines(statement) == (statement, {})
    assert booked_lines(statement)[0] is statement


def test_prepare_leaves_pending_lines_out_for_every_caller() -> None:
    """``prepare`` (and so ``add_transactions``, the bank API's way in) applies the same rule;
    a pending line in another currency does not refuse the statement, and a booked one is
    named by its place in the file."""
    statement = _report(
        _ntry("2.00", "<Sts>PDNG</Sts>", "P-1", ccy="USD")
        + _ntry("1.00", "<Sts>BOOK</Sts>", "B-1")
        + _ntry("3.00", "<Sts>INFO</Sts>", "I-1")
    )
    prepared = prepare(JOURNAL, statement)
    assert prepared.not_booked == 2
    assert prepared.lines == 1
    assert [line.bank_reference for line in prepared.statement.lines] == ["B-1"]
    dollars = _report(_ntry("2.00", "<Sts>PDNG</Sts>", "P-1") + _ntry("1.00", "<Sts>BOOK</Sts>", "B-1", ccy="USD"))
    with pytest.raises(InputError, match=r"line 2 \(B-1\) of the statement of NL44RABO0123456789 is in USD"):
        prepare(JOURNAL, dollars)
