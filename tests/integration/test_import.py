"""Statement import into the books on SQLite and PostgreSQL (R-A3, R-A4, R-B2…R-B5, R-E8):
routing by IBAN, daily statements created and appended, no duplicates in every way a
file can come twice, raw lines kept, balance continuity warnings."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import String, cast, select, update

from bankbridge.bootstrap import engine_for, init_database, unit_of_work, uow_factory
from bankbridge.config import Settings
from bankbridge.db import schema
from bankbridge.db.migrate import alembic_config, upgrade
from bankbridge.db.statement_repo import StatementRepository
from bankbridge.errors import InputError
from bankbridge.formats.registry import read
from bankbridge.services import importing
from bankbridge.services.importing import ImportReport, import_bytes, import_files
from bankbridge.services.ledger import load_bundle
from bankbridge.statements.identity import basis
from bankbridge.statements.model import StatementLine

ACCOUNT = "NL44RABO0123456789"
OTHER = "NL69INGB0123456789"

BUNDLE = {
    "environments.csv": "code,name,main_environment\nE,Env,\n",
    "administrations.csv": "code,environment,name\nA1,E,One\nA2,E,Two\n",
    "gl_accounts.csv": "environment,number,name,type,administration,axes\nE,1100,Bank,asset,,\nE,1110,Bank 2,asset,,\n",
    "journals.csv": (
        "administration,code,name,iban,bic,currency,gl_account,voucher_counter,voucher_from_statement_number\n"
        f"A1,BNK1,Rabo,{ACCOUNT},RABONL2U,EUR,1100,100,true\n"
        f"A2,BNK1,ING,{OTHER},INGBNL2A,EUR,1110,0,false\n"
    ),
}


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def tx(day: str, amount: str, *, ref: str = "NONREF", name: str = "KOFFIEBAR", text: str = "koffie") -> str:
    """One Rabobank-style MT940 transaction (``day`` as YYMMDD, ``amount`` signed)."""
    mark = "D" if amount.startswith("-") else "C"
    value = amount.lstrip("-").replace(".", ",")
    return f":61:{day}{day[2:]}{mark}{value}N541{ref}\nNL91ABNA0417164300\n:86:/NAME/{name}/REMI/{text}\n"


def mt940(statements: list[tuple[str, str, str, list[str]]], *, account: str = ACCOUNT, tag: str = "940") -> bytes:
    """A file of ``(number, open_day, open_balance, transactions)`` statements."""
    out = [f":{tag}:\n"]
    for number, day, opening, txs in statements:
        total = sum(_cents(t) for t in txs)
        close = _cents_text(_to_cents(opening) + total)
        out.append(f":20:{number}\n:25:{account}\n:28C:{number}\n:60F:C{day}EUR{opening.replace('.', ',')}\n")
        out.extend(txs)
        out.append(f":62F:{'C' if not close.startswith('-') else 'D'}{day}EUR{close.lstrip('-').replace('.', ',')}\n")
    return "".join(out).encode()


def _to_cents(text: str) -> int:
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * 100 + int((frac + "00")[:2]))


def _cents(transaction: str) -> int:
    field = transaction.split("\n", maxsplit=1)[0][4 + 10 :]
    mark, rest = field[0], field[1:]
    value = rest.split("N", 1)[0].replace(",", ".")
    return _to_cents(value) * (-1 if mark == "D" else 1)


def _cents_text(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return books(database_url, tmp_path)


def books(database_url: str, tmp_path: Path) -> Settings:
    """A new database with :data:`BUNDLE` loaded."""
    s = Settings(database_url=database_url)
    init_database(s)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name, text in BUNDLE.items():
        (bundle / name).write_text(text)
    load_bundle(bundle, unit_of_work(s))
    return s


def run(settings: Settings, data: bytes, name: str = "file.sta") -> ImportReport:
    report = ImportReport()
    report.files.extend(import_bytes(data, source=name, uow_factory=uow_factory(settings), clock=FixedClock()))
    return report


def lines(settings: Settings) -> list[dict[str, object]]:
    with engine_for(settings.database_url).connect() as conn:
        li, s = schema.statement_lines, schema.statements
        rows = conn.execute(
            select(li, s.c.statement_date, s.c.administration, s.c.status.label("statement_status"))
            .join(s, s.c.id == li.c.statement_id)
            .order_by(s.c.statement_date, li.c.position)
        )
        return [dict(r._mapping) for r in rows]


def statements(settings: Settings) -> list[dict[str, object]]:
    with engine_for(settings.database_url).connect() as conn:
        rows = conn.execute(select(schema.statements).order_by(schema.statements.c.statement_date))
        return [dict(r._mapping) for r in rows]


TWO_DAYS = mt940(
    [
        ("1", "261102", "100.00", [tx("261102", "-2.50"), tx("261102", "-2.50"), tx("261102", "500.00", name="KLANT")]),
        ("2", "261103", "595.00", [tx("261103", "-10.00", text="lunch")]),
    ]
)


@pytest.mark.postgres
def test_statements_become_daily_statements_with_lines_and_raw(settings: Settings) -> None:
    report = run(settings, TWO_DAYS)
    assert not report.failed, report.failed[0].error
    stored = statements(settings)
    assert [(s["statement_date"], s["administration"], s["journal"]) for s in stored] == [
        (date(2026, 11, 2), "A1", "BNK1"),
        (date(2026, 11, 3), "A1", "BNK1"),
    ]
    assert [s["status"] for s in stored] == ["in_progress", "in_progress"]
    assert [s["voucher_number"] for s in stored] == ["1", "2"]  # R-A4: from the statement number
    assert [(s["opening_minor"], s["closing_minor"]) for s in stored] == [(10000, 59500), (59500, 58500)]
    got = lines(settings)
    assert [row["amount_minor"] for row in got] == [-250, -250, 50000, -1000]
    assert all(":61:" in str(row["raw"]) and ":86:" in str(row["raw"]) for row in got)
    assert got[2]["counterparty_name"] == "KLANT"


@pytest.mark.postgres
def test_same_file_twice_books_nothing_twice(settings: Settings) -> None:
    run(settings, TWO_DAYS)
    again = run(settings, TWO_DAYS)
    assert sum(f.lines for f in again.files) == 0
    assert sum(f.duplicates for f in again.files) == 4
    assert len(lines(settings)) == 4
    assert len(statements(settings)) == 2


@pytest.mark.postgres
def test_two_equal_coffees_on_one_day_are_two_lines(settings: Settings) -> None:
    run(settings, TWO_DAYS)
    coffees = [row for row in lines(settings) if row["amount_minor"] == -250]
    assert len(coffees) == 2
    assert coffees[0]["identity"] != coffees[1]["identity"]


@pytest.mark.postgres
def test_overlapping_file_adds_only_the_new_day(settings: Settings) -> None:
    run(settings, TWO_DAYS)
    overlap = mt940(
        [
            ("2", "261103", "595.00", [tx("261103", "-10.00", text="lunch")]),
            ("3", "261104", "585.00", [tx("261104", "-2.50"), tx("261104", "20.00", name="KLANT 2")]),
        ]
    )
    report = run(settings, overlap)
    assert sum(f.duplicates for f in report.files) == 1
    assert sum(f.lines for f in report.files) == 2
    assert [s["statement_date"] for s in statements(settings)][-1] == date(2026, 11, 4)
    assert not any(s["warnings"] for s in statements(settings))


@pytest.mark.postgres
def test_intraday_report_then_final_statement_appends_the_rest(settings: Settings) -> None:
    intraday = (
        ":20:MT942\n:25:"
        + ACCOUNT
        + "\n:28C:1\n:34F:EUR0,\n:13D:2611021200+0100\n"
        + tx("261102", "-2.50")
        + ":90D:1EUR2,50\n:90C:0EUR0,\n"
    ).encode()
    first = run(settings, intraday, "intraday.sta")
    assert not first.failed, first.failed[0].error
    assert len(lines(settings)) == 1
    final = run(settings, TWO_DAYS)
    assert sum(f.duplicates for f in final.files) == 1
    assert len(lines(settings)) == 4
    day = [row for row in lines(settings) if row["statement_date"] == date(2026, 11, 2)]
    assert len(day) == 3 and len({row["statement_id"] for row in day}) == 1


def camt(kind: str, entries: list[str], balances: list[tuple[str, str]], *, version: str = "02") -> bytes:
    """A CAMT.052 report or CAMT.053 statement of 2 November 2026 for :data:`ACCOUNT`
    (``balances`` as ``(code, signed amount)``)."""
    message, record = {"052": ("BkToCstmrAcctRpt", "Rpt"), "053": ("BkToCstmrStmt", "Stmt")}[kind]
    bals = "".join(
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy='EUR'>{amount.lstrip('-')}</Amt>"
        f"<CdtDbtInd>{'DBIT' if amount.startswith('-') else 'CRDT'}</CdtDbtInd><Dt><Dt>2026-11-02</Dt></Dt></Bal>"
        for code, amount in balances
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.'
        f'{version}"><{message}><GrpHdr><MsgId>M{kind}</MsgId><CreDtTm>2026-11-02T18:00:00</CreDtTm></GrpHdr>'
        f"<{record}><Id>R{kind}</Id><CreDtTm>2026-11-02T18:00:00</CreDtTm><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id>"
        f"<Ccy>EUR</Ccy></Acct>{bals}{''.join(entries)}</{record}></{message}></Document>"
    ).encode()


def ntry(amount: str, status: str, *, ref: str | None, booked: str | None, value: str, sts_cd: bool = False) -> str:
    """One CAMT entry; ``status`` as ``<Sts>PDNG</Sts>`` (.02) or ``<Sts><Cd>PDNG</Cd></Sts>`` (.08)."""
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if sts_cd else f"<Sts>{status}</Sts>"
    return (
        f"<Ntry><Amt Ccy='EUR'>{amount.lstrip('-')}</Amt><CdtDbtInd>{'DBIT' if amount.startswith('-') else 'CRDT'}"
        f"</CdtDbtInd>{sts}"
        + (f"<BookgDt><Dt>{booked}</Dt></BookgDt>" if booked else "")
        + f"<ValDt><Dt>{value}</Dt></ValDt>"
        + (f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else "")
        + "<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>KLANT</Nm></Dbtr></RltdPties>"
        "<RmtInf><Ustrd>factuur 7</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )


@pytest.mark.postgres
def test_intraday_camt052_stores_only_booked_entries_and_the_final_statement_books_the_payment_once(
    settings: Settings,
) -> None:
    """A pending entry (no booking date, no bank reference yet) is left out of the
    intraday report with a warning; the day's camt.053 brings it booked, under another
    identity, and it is stored once. The report's booked balances cover booked entries
    only, so leaving the pending one out gives no balance mismatch."""
    report = camt(
        "052",
        [
            ntry("-10.00", "BOOK", ref="B-1", booked="2026-11-02", value="2026-11-02"),
            ntry("25.00", "PDNG", ref=None, booked=None, value="2026-11-03"),
        ],
        [("OPBD", "100.00"), ("CLBD", "90.00")],
    )
    first = run(settings, report, "intraday.xml").files[0]
    assert first.error is None
    assert first.warnings == [
        "statement R052 of NL44RABO0123456789: 1 entry not stored: 1 pending (PDNG), not booked at the bank; "
        "the booked entry comes with a later report or the final statement"
    ]
    assert (first.lines, first.duplicates) == (1, 0)
    assert [(row["amount_minor"], row["bank_reference"]) for row in lines(settings)] == [(-1000, "B-1")]
    assert [(s["statement_date"], s["opening_minor"], s["closing_minor"]) for s in statements(settings)] == [
        (date(2026, 11, 2), 10000, 9000)
    ]
    final = camt(
        "053",
        [
            ntry("-10.00", "BOOK", ref="B-1", booked="2026-11-02", value="2026-11-02"),
            ntry("25.00", "BOOK", ref="B-2", booked="2026-11-02", value="2026-11-03"),
        ],
        [("OPBD", "100.00"), ("CLBD", "115.00")],
    )
    second = run(settings, final, "final.xml").files[0]
    assert (second.error, second.warnings, second.lines, second.duplicates) == (None, [], 1, 1)
    got = lines(settings)
    assert [(row["amount_minor"], row["bank_reference"]) for row in got] == [(-1000, "B-1"), (2500, "B-2")]
    assert len({row["statement_id"] for row in got}) == 1
    assert [(s["statement_date"], s["closing_minor"], s["warnings"]) for s in statements(settings)] == [
        (date(2026, 11, 2), 11500, "")
    ]


@pytest.mark.postgres
def test_a_report_of_only_information_and_pending_entries_adds_nothing_and_says_so(settings: Settings) -> None:
    """camt.052.001.08 statuses (``<Sts><Cd>…</Cd></Sts>``, any case): nothing stored, no
    error, no statement created."""
    report = camt(
        "052",
        [
            ntry("25.00", "pdng", ref=None, booked=None, value="2026-11-03", sts_cd=True),
            ntry("-4.00", " INFO ", ref="I-1", booked="2026-11-02", value="2026-11-02", sts_cd=True),
            ntry("-5.00", "PDNG", ref=None, booked=None, value="2026-11-02", sts_cd=True),
        ],
        [("OPBD", "100.00"), ("ITBD", "100.00")],
        version="08",
    )
    outcome = run(settings, report, "info.xml").files[0]
    assert outcome.error is None
    assert outcome.warnings == [
        "statement R052 of NL44RABO0123456789: 3 entries not stored: 2 pending (PDNG) and 1 information only "
        "(INFO), not booked at the bank; the booked entries come with a later report or the final statement; "
        "no booked entries, nothing added"
    ]
    assert (outcome.statements, outcome.lines, outcome.duplicates) == (0, 0, 0)
    assert lines(settings) == []
    assert statements(settings) == []


@pytest.mark.postgres
def test_new_lines_set_a_processed_statement_back_in_progress(settings: Settings) -> None:
    run(settings, TWO_DAYS)
    with engine_for(settings.database_url).begin() as conn:
        conn.execute(update(schema.statements).values(status="processed"))
    later = mt940(
        [
            (
                "1",
                "261102",
                "100.00",
                [
                    tx("261102", "-2.50"),
                    tx("261102", "-2.50"),
                    tx("261102", "500.00", name="KLANT"),
                    tx("261102", "7.00", name="LATE"),
                ],
            )
        ]
    )
    run(settings, later)
    by_date = {s["statement_date"]: s for s in statements(settings)}
    assert by_date[date(2026, 11, 2)]["status"] == "in_progress"
    assert by_date[date(2026, 11, 2)]["closing_minor"] == 60200
    assert by_date[date(2026, 11, 3)]["status"] == "processed"


@pytest.mark.postgres
def test_balance_gaps_inside_one_file_are_measured_against_the_day_before(settings: Settings) -> None:
    """Each day is checked against the closing balance of the latest earlier day, whether
    that day was stored before (also one later than others of the file) or comes earlier
    in the same file."""
    stored = [
        ("1", "261102", "100.00", [tx("261102", "-10.00")]),  # closes at 90.00
        ("2", "261105", "50.00", [tx("261105", "1.00")]),  # closes at 51.00
    ]
    run(settings, mt940(stored))
    days = [
        ("3", "261103", "90.00", [tx("261103", "-5.00")]),  # after 11-02: no gap; closes at 85.00
        ("4", "261104", "80.00", [tx("261104", "-1.00")]),  # after 11-03 of this file: 80.00 vs 85.00
        ("6", "261106", "51.00", [tx("261106", "1.00")]),  # after 11-05 stored before: no gap
        ("7", "261107", "60.00", [tx("261107", "1.00")]),  # after 11-06 of this file: 60.00 vs 52.00
    ]
    run(settings, mt940(days))
    warnings = {s["statement_date"].day: str(s["warnings"]) for s in statements(settings)}
    assert "differs" not in warnings[3] + warnings[6]
    assert "opening balance 80.00 differs from the closing balance 85.00 of the statement of 2026-11-03" in warnings[4]
    assert "opening balance 60.00 differs from the closing balance 52.00 of the statement of 2026-11-06" in warnings[7]


def checked_day_after_day(settings: Settings) -> None:
    """Days 11-03 … 11-05 stored after 11-02 (closing at 90.00), written newest first:
    11-03 and 11-04 follow on, 11-05 opens at 70.00 after 11-04 closed at 84.00 (a gap),
    and the vouchers follow the dates."""
    stored = statements(settings)
    warnings = {s["statement_date"].day: str(s["warnings"]) for s in stored}
    assert "differs" not in warnings[3] + warnings[4]
    assert "opening balance 70.00 differs from the closing balance 84.00 of the statement of 2026-11-04" in warnings[5]
    vouchers = [int(s["voucher_number"]) for s in sorted(stored, key=lambda s: s["statement_date"])]
    assert vouchers == sorted(vouchers)


@pytest.mark.postgres
def test_a_file_written_newest_first_is_checked_day_after_day(settings: Settings) -> None:
    """A bank export with the newest statement first: each day is still checked against
    the day before it (not against an older day stored earlier), a real gap is still
    found, and the vouchers follow the dates."""
    run(settings, mt940([("1", "261102", "100.00", [tx("261102", "-10.00")])]))  # closes at 90.00
    newest_first = [
        ("5", "261105", "70.00", [tx("261105", "1.00")]),  # after 11-04 (84.00): a gap
        ("4", "261104", "85.00", [tx("261104", "-1.00")]),  # after 11-03 (85.00): none; closes at 84.00
        ("3", "261103", "90.00", [tx("261103", "-5.00")]),  # after 11-02 (90.00): none; closes at 85.00
    ]
    run(settings, mt940(newest_first))
    checked_day_after_day(settings)


@pytest.mark.postgres
def test_the_files_of_a_zip_newest_first_are_checked_day_after_day(settings: Settings) -> None:
    """A bank's zip of daily files, the newest first: the days are stored in date order
    over the files, and each file keeps its own outcome."""
    run(settings, mt940([("1", "261102", "100.00", [tx("261102", "-10.00")])]))  # closes at 90.00
    days = [
        ("5", "261105", "70.00", [tx("261105", "1.00")]),  # after 11-04 (84.00): a gap
        ("4", "261104", "85.00", [tx("261104", "-1.00")]),
        ("3", "261103", "90.00", [tx("261103", "-5.00")]),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for day in days:
            archive.writestr(f"day{day[0]}.sta", mt940([day]))
    report = run(settings, buffer.getvalue(), name="days.zip")
    assert [f.lines for f in report.files] == [1, 1, 1]
    assert [f.source.rsplit("!", 1)[-1] for f in report.files] == ["day5.sta", "day4.sta", "day3.sta"]
    checked_day_after_day(settings)


@pytest.mark.postgres
def test_files_named_newest_first_are_checked_day_after_day(settings: Settings, tmp_path: Path) -> None:
    """Daily files named newest first (``import day5.sta day4.sta day3.sta``, or names
    that sort so): the days are stored in date order over the files, as a zip's are; each
    file keeps its own outcome in the order named, a file that cannot be read or parsed
    among them too."""
    run(settings, mt940([("1", "261102", "100.00", [tx("261102", "-10.00")])]))  # closes at 90.00
    days = [
        ("5", "261105", "70.00", [tx("261105", "1.00")]),  # after 11-04 (84.00): a gap
        ("4", "261104", "85.00", [tx("261104", "-1.00")]),
        ("3", "261103", "90.00", [tx("261103", "-5.00")]),  # after 11-02 (90.00): none
    ]
    paths = []
    for day in days:
        path = tmp_path / f"day{day[0]}.sta"
        path.write_bytes(mt940([day]))
        paths.append(path)
    broken = tmp_path / "broken.sta"
    broken.write_bytes(b":20:X\r\n:61:garbage\r\n")
    paths[1:1] = [tmp_path / "missing.sta", broken]
    report = import_files(paths, uow_factory(settings), FixedClock())
    assert [Path(f.source).name for f in report.files] == [p.name for p in paths]
    assert [f.lines for f in report.files] == [1, 0, 0, 1, 1]
    assert "cannot read" in str(report.files[1].error) and report.files[2].error
    checked_day_after_day(settings)


def test_one_process_reads_what_is_put_in_date_order() -> None:
    """The default import reads files side by side only from the size up to which files
    named together are put in date order with each other."""
    from bankbridge import bootstrap

    assert bootstrap.PARALLEL_IMPORT_BYTES == importing.ORDER_ACROSS_FILES_BYTES


@pytest.mark.postgres
def test_reused_bank_reference_in_another_year_is_a_new_line(settings: Settings) -> None:
    run(settings, mt940([("1", "251102", "0.00", [tx("251102", "5.00", ref="REF001//B1")])]))
    run(settings, mt940([("1", "261102", "5.00", [tx("261102", "5.00", ref="REF001//B1")])]))
    assert len(lines(settings)) == 2


@pytest.mark.postgres
def test_balance_gap_is_a_warning_on_the_statement(settings: Settings) -> None:
    run(settings, TWO_DAYS)
    run(settings, mt940([("9", "261105", "999.00", [tx("261105", "1.00")])]))
    last = statements(settings)[-1]
    assert "opening balance 999.00 differs from the closing balance 585.00 of the statement of 2026-11-03" in str(
        last["warnings"]
    )


@pytest.mark.postgres
def test_routing_by_iban_over_administrations_and_unknown_iban(settings: Settings, tmp_path: Path) -> None:
    a1 = tmp_path / "a1.sta"
    a1.write_bytes(TWO_DAYS)
    a2 = tmp_path / "a2.sta"
    a2.write_bytes(mt940([("1", "261102", "0.00", [tx("261102", "1.00")])], account=OTHER))
    unknown = tmp_path / "unknown.sta"
    unknown.write_bytes(mt940([("1", "261102", "0.00", [tx("261102", "1.00")])], account="NL91ABNA0417164300"))
    report = import_files([a1, unknown, a2], uow_factory(settings), FixedClock())
    summary = report.per_administration()
    assert (len(summary["A1"].statements), summary["A1"].lines) == (2, 4)
    assert (len(summary["A2"].statements), summary["A2"].lines) == (1, 1)
    assert [f.source for f in report.failed] == [str(unknown)]
    assert "no bank journal owns account NL91ABNA0417164300" in str(report.failed[0].error)
    assert str(unknown) in str(report.failed[0].error)
    a2_statement = next(s for s in statements(settings) if s["administration"] == "A2")
    assert a2_statement["voucher_number"] == "1"  # R-A4: from the journal's counter


@pytest.mark.postgres
def test_broken_file_stores_nothing_of_it(settings: Settings) -> None:
    broken = TWO_DAYS.replace(b":61:2611031103D10,00", b":61:2613031303D10,00")
    assert broken != TWO_DAYS
    report = run(settings, broken)
    assert report.failed and "file.sta" in str(report.failed[0].error)
    assert lines(settings) == []
    assert statements(settings) == []


EXPORT_KEYS = [
    "administration",
    "journal",
    "account_iban",
    "currency",
    "statement_number",
    "statement_date",
    "booking_date",
    "value_date",
    "amount",
    "counterparty_iban",
    "counterparty_name",
    "bank_reference",
    "end_to_end_id",
    "description",
    "bank_code",
    "status",
    "rule",
    "evidence",
    "settlements",
    "postings",
]


@pytest.mark.postgres
def test_export_bookings_gives_the_interface_record_and_respects_access(settings: Settings) -> None:
    from bankbridge.errors import PermissionDenied
    from bankbridge.ledger.access import Access
    from bankbridge.services.export import bookings

    run(settings, TWO_DAYS)
    run(settings, mt940([("1", "261102", "0.00", [tx("261102", "1.00")])], account=OTHER))
    with unit_of_work(settings) as uow:
        records = list(bookings(uow.statements, Access.everything()))
        assert [list(r) for r in records] == [EXPORT_KEYS] * 5
        assert [r["amount"] for r in records if r["administration"] == "A1"] == ["-2.50", "-2.50", "500.00", "-10.00"]
        first = records[0]
        assert (first["account_iban"], first["statement_date"], first["status"]) == (ACCOUNT, "2026-11-02", "open")
        assert first["evidence"].startswith("not processed yet")
        only_a2 = list(bookings(uow.statements, Access.to({"A2"})))
        assert {r["administration"] for r in only_a2} == {"A2"}
        with pytest.raises(PermissionDenied):
            list(bookings(uow.statements, Access.to({"A2"}), administration="A1"))


@pytest.mark.postgres
def test_two_workers_store_every_line_once(settings: Settings, tmp_path: Path) -> None:
    """Files read side by side by two processes: the same days from several files are
    serialised per journal, so nothing is stored twice and nothing is lost."""
    from bankbridge.bootstrap import import_in_parallel

    paths = []
    for n in range(4):
        path = tmp_path / f"f{n}.sta"
        path.write_bytes(TWO_DAYS)  # the same two days four times
        paths.append(path)
    other = tmp_path / "other.sta"
    other.write_bytes(mt940([("1", "261102", "0.00", [tx("261102", "1.00"), tx("261102", "1.00")])], account=OTHER))
    report = import_in_parallel([*paths, other], settings, workers=2)
    assert not report.failed, [f.error for f in report.failed]
    assert sum(f.lines for f in report.files) == 6
    assert sum(f.duplicates for f in report.files) == 12
    assert len(lines(settings)) == 6
    assert len(statements(settings)) == 3


@pytest.mark.postgres
def test_a_worker_opens_a_transaction_only_to_store(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker of the parallel import gets the journals from the parent and leaves the
    import's last step to it: per file it opens a transaction (on SQLite: waits for the
    write lock) only to store a batch of statements, not to read the journals first or
    to finish after."""
    from bankbridge import bootstrap

    monkeypatch.setattr(bootstrap, "_CHILD", {})
    monkeypatch.setattr(importing, "COMMIT_EVERY_LINES", 1)  # a batch per statement; finishing counts from 1 line
    bootstrap._child_start(settings.database_url, _NoLock(), importing.read_router(uow_factory(settings)))
    store = bootstrap._CHILD["factory"]
    opened = []

    def counting() -> object:
        opened.append(1)
        return store()

    monkeypatch.setitem(bootstrap._CHILD, "factory", counting)
    path = tmp_path / "two.sta"
    path.write_bytes(TWO_DAYS)
    outcomes = bootstrap._child_import(str(path))
    assert [(o.error, o.lines) for o in outcomes] == [(None, 4)]
    assert len(opened) == outcomes[0].statements == 2
    assert len(lines(settings)) == 4


class _NoLock:
    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


def test_a_worker_checkpoints_beside_its_work_not_in_its_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a worker of the parallel import commits without checkpointing the
    write-ahead log (which would copy pages and wait for the disk holding the workers'
    lock); once the lock is let go, its checkpoint thread moves the log into the database.
    Read from the log's index without checkpointing: its last frame and the frames
    copied into the database so far."""
    import struct
    import time

    from bankbridge import bootstrap

    database = tmp_path / "books.db"
    settings = books(f"sqlite:///{database}", tmp_path)
    keep = engine_for(settings.database_url).connect()  # never the last to close (that checkpoints)

    def log() -> tuple[int, int]:
        index = Path(f"{database}-shm").read_bytes()
        return struct.unpack_from("=I", index, 16)[0], struct.unpack_from("=I", index, 96)[0]

    monkeypatch.setattr(bootstrap, "_CHILD", {})
    requests: list[int] = []
    monkeypatch.setattr(bootstrap._Checkpointer, "request", lambda self: requests.append(1))
    bootstrap._child_start(settings.database_url, _NoLock(), importing.read_router(uow_factory(settings)))
    with bootstrap._CHILD["factory"]().uow.engine.connect() as conn:  # the worker's own connections
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    path = tmp_path / "two.sta"
    path.write_bytes(TWO_DAYS)
    before = log()
    assert [(o.error, o.lines) for o in bootstrap._child_import(str(path))] == [(None, 4)]
    written, copied = log()
    assert written > before[0] and copied == before[1], "the commit wrote the log and did not checkpoint it"
    assert requests == [1]
    monkeypatch.undo()  # the real checkpointer from here on
    checkpointer = bootstrap._Checkpointer(str(database))
    checkpointer.request()
    deadline = time.monotonic() + 10
    while log()[1] != written and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log() == (written, written)
    assert len(lines(settings)) == 4
    keep.close()


def test_a_failed_checkpoint_waits_for_the_next_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint that fails (another connection's under way, a full disk) leaves the
    thread waiting for the next request, which checkpoints again."""
    import sqlite3
    import time

    from bankbridge import bootstrap

    tried: list[str] = []

    class Connection:
        def execute(self, sql: str) -> Connection:
            tried.append(sql)
            if len(tried) == 1:
                raise sqlite3.OperationalError("database is locked")
            return self

        def fetchall(self) -> list[tuple[int, int, int]]:
            return [(0, 0, 0)]

    monkeypatch.setattr(bootstrap.sqlite3, "connect", lambda *args, **kwargs: Connection())
    checkpointer = bootstrap._Checkpointer("books.db")
    for wanted in (1, 2):
        checkpointer.request()
        deadline = time.monotonic() + 10
        while len(tried) < wanted and time.monotonic() < deadline:
            time.sleep(0.01)
    assert tried == ["PRAGMA wal_checkpoint(PASSIVE)"] * 2
    assert checkpointer.thread is not None and checkpointer.thread.is_alive()


@pytest.mark.postgres
def test_identity_starts_with_the_transaction_date(settings: Settings) -> None:
    run(settings, TWO_DAYS)
    got = lines(settings)
    assert [str(row["identity"])[:8] for row in got] == ["20261102", "20261102", "20261102", "20261103"]
    assert all(len(str(row["identity"])) == 64 for row in got)


@pytest.mark.postgres
def test_revision_0003_rewrites_identities_read_before(settings: Settings) -> None:
    """Lines stored with full SHA-256 identities (revision 0002) are still duplicates after
    the upgrade: 0003 keeps the digest and puts the date in front."""
    run(settings, TWO_DAYS)
    engine = engine_for(settings.database_url)
    command.downgrade(alembic_config(engine), "0002")
    li, s = schema.statement_lines, schema.statements
    file_lines = tuple(li for r in read(TWO_DAYS, source="f") for st in r.result.statements for li in st.lines)
    with engine.begin() as conn:
        ids = conn.execute(
            select(li.c.id).join(s, s.c.id == li.c.statement_id).order_by(s.c.statement_date, li.c.position)
        ).scalars()
        for line_id, old in zip(ids, _identities_of_revision_0002(file_lines), strict=True):
            conn.execute(update(li).where(li.c.id == line_id).values(identity=old))
    assert all(len(str(r["identity"])) == 64 and str(r["identity"])[:8] != "20261102" for r in lines(settings))
    upgrade(engine)
    assert [str(r["identity"])[:8] for r in lines(settings)] == ["20261102", "20261102", "20261102", "20261103"]
    again = run(settings, TWO_DAYS)
    assert sum(f.lines for f in again.files) == 0
    assert sum(f.duplicates for f in again.files) == 4


def _identities_of_revision_0002(statement_lines: tuple[StatementLine, ...]) -> list[str]:
    """The full SHA-256 identities revision 0002 stored (count per basis within a day)."""
    seen: dict[str, int] = {}
    out = []
    for line in statement_lines:
        b = f"{line.booking_date}|{basis(ACCOUNT, line)}"
        seen[b] = seen.get(b, 0) + 1
        out.append(hashlib.sha256(f"{basis(ACCOUNT, line)}|{seen[b]}".encode()).hexdigest())
    return out


def _tables(settings: Settings) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables import writes, in id order."""
    names = ("statements", "statement_lines", "raw_records", "journals")
    with engine_for(settings.database_url).connect() as conn:
        return {
            name: [
                tuple(r)
                for r in conn.execute(
                    select(schema.metadata.tables[name]).order_by(*schema.metadata.tables[name].primary_key)
                )
            ]
            for name in names
        }


# A file that comes back to days it already had: the second statement repeats day 2 with
# one more line, then day 3 (continuing) and the first statement's day 2 balance again.
REVISITS = mt940(
    [
        ("1", "261102", "100.00", [tx("261102", "-2.50"), tx("261102", "-2.50"), tx("261102", "500.00", name="KLANT")]),
        ("2", "261103", "595.00", [tx("261103", "-10.00", text="lunch")]),
        (
            "3",
            "261102",
            "100.00",
            [tx("261102", "-2.50"), tx("261102", "-2.50"), tx("261102", "500.00", name="KLANT"), tx("261102", "7.00")],
        ),
        ("4", "261104", "592.00", [tx("261104", "-1.00"), tx("261104", "-1.00")]),
    ]
)


@pytest.mark.postgres
def test_a_batch_sees_its_own_lines_as_stored(settings: Settings) -> None:
    """Statements of one batch are written together at the end, yet a later statement of
    the batch sees an earlier one's lines: as duplicates, and by positions."""
    report = run(settings, REVISITS)
    assert not report.failed, report.failed[0].error
    assert (sum(f.lines for f in report.files), sum(f.duplicates for f in report.files)) == (7, 3)
    day2 = [row for row in lines(settings) if row["statement_date"] == date(2026, 11, 2)]
    assert [row["position"] for row in day2] == [1, 2, 3, 4]
    assert [row["amount_minor"] for row in day2] == [-250, -250, 50000, 700]
    assert len({row["statement_id"] for row in day2}) == 1
    assert [s["closing_minor"] for s in statements(settings)] == [60200, 58500, 59000]


@pytest.mark.postgres
def test_stored_whole_or_statement_by_statement_the_database_is_the_same(
    settings: Settings, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch path (one write at the end) and the statement-by-statement path (a
    savepoint each) leave exactly the same rows, ids included."""
    files = [
        REVISITS,
        TWO_DAYS,
        mt940([("9", "261105", "590.00", [tx("261105", "3.00")])]),
        # journal A2 numbers its vouchers from its counter
        REVISITS.replace(ACCOUNT.encode(), OTHER.encode()),
        mt940([("7", "261106", "1.00", [tx("261106", "1.00")])], account=OTHER),
    ]
    journals_before = _tables(settings)["journals"]
    for data in files:
        run(settings, data)
    whole = _tables(settings)
    other = Settings(database_url=f"sqlite:///{tmp_path / 'other.db'}") if database_url.startswith("sqlite") else None
    if other is None:  # PostgreSQL: start again on the same database
        with engine_for(settings.database_url).begin() as conn:
            for table in ("raw_records", "statement_lines", "statements"):
                conn.execute(schema.metadata.tables[table].delete())
            conn.execute(schema.journals.delete())
            conn.execute(
                schema.journals.insert(),
                [dict(zip(schema.journals.c.keys(), row, strict=True)) for row in journals_before],
            )
            for table in ("raw_records", "statement_lines", "statements"):
                conn.exec_driver_sql(f"ALTER SEQUENCE {table}_id_seq RESTART WITH 1")
        other = settings
    else:
        init_database(other)
        bundle = tmp_path / "bundle"
        load_bundle(bundle, unit_of_work(other))

    def refuse(*_args: object, **_kw: object) -> None:
        raise InputError("batch path refused for this test")

    monkeypatch.setattr(importing, "_store_whole", refuse)
    for data in files:
        run(other, data)
    assert _tables(other) == whole
    assert [row[8] for row in whole["journals"]] == [100, 4]  # A2's counter went up once per statement


@pytest.mark.postgres
def test_a_statement_that_fails_while_stored_is_reported_and_the_others_go_in(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importing._create

    def create(store: object, journal: object, statement: object, day: object, *args: object, **kw: object) -> int:
        if getattr(day, "date", None) == date(2026, 11, 3):
            raise InputError("statement refused for this test")
        return real(store, journal, statement, day, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(importing, "_create", create)
    report = run(settings, TWO_DAYS)
    (outcome,) = report.files
    assert outcome.error == "file.sta: statement refused for this test"
    assert (outcome.statements, outcome.lines) == (1, 3)
    assert [s["statement_date"] for s in statements(settings)] == [date(2026, 11, 2)]
    assert len(lines(settings)) == 3


@pytest.mark.postgres
@pytest.mark.parametrize("commit_every", [1, 2, None])
def test_the_summary_counts_each_daily_statement_once_whatever_the_batches(
    settings: Settings, commit_every: int | None
) -> None:
    """Statements stored in batches get their real ids in the outcome (a provisional id,
    the same in every batch, once made three days count as one)."""
    days = [
        (str(n), f"2611{n:02d}", "0.00", [tx(f"2611{n:02d}", "1.00"), tx(f"2611{n:02d}", "2.00")]) for n in range(2, 5)
    ]
    data = mt940([(number, day, f"{3 * k}.00", txs) for k, (number, day, _, txs) in enumerate(days)])
    report = ImportReport()
    report.files.extend(
        import_bytes(
            data, source="f.sta", uow_factory=uow_factory(settings), clock=FixedClock(), commit_every=commit_every
        )
    )
    summary = report.per_administration()["A1"]
    ids = {s["id"] for s in statements(settings)}
    assert (summary.statements, summary.lines) == (ids, 6)
    assert len(ids) == 3


@pytest.mark.postgres
@pytest.mark.parametrize("commit_every", [1, None])
def test_an_account_moved_to_another_journal_books_nothing_twice(
    settings: Settings, tmp_path: Path, commit_every: int | None
) -> None:
    """Duplicates are per account: after a bundle moves the IBAN to a new journal, the old
    file read again adds nothing (it crashed with the unique index before)."""
    run(settings, TWO_DAYS)
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "journals.csv").write_text(
        "administration,code,iban,currency,gl_account\n"
        "A1,BNK1,NL39RABO0300065264,EUR,1100\n"
        f"A1,BNK9,{ACCOUNT},EUR,1100\n"
    )
    load_bundle(moved, unit_of_work(settings))
    before = lines(settings)
    outcomes = import_bytes(
        TWO_DAYS, source="again.sta", uow_factory=uow_factory(settings), clock=FixedClock(), commit_every=commit_every
    )
    assert [o.error for o in outcomes] == [None]
    assert (sum(o.lines for o in outcomes), sum(o.duplicates for o in outcomes)) == (0, 4)
    assert lines(settings) == before


@pytest.mark.postgres
def test_a_line_in_another_currency_than_the_journal_refuses_its_statement(settings: Settings) -> None:
    """A CAMT statement without balances says no currency of its own; its entries do."""
    from bankbridge.formats.camt.writer import write as write_camt
    from bankbridge.statements.model import Statement

    day = date(2026, 11, 23)
    euro = StatementLine(Decimal("10.00"), day, day, "EUR", bank_reference="E-1")
    yen = StatementLine(Decimal("10"), day, day, "JPY", bank_reference="J-1")
    data = write_camt([Statement("camt053", ACCOUNT, "", (euro, yen), statement_number="1")])
    outcomes = import_bytes(data, source="mixed.xml", uow_factory=uow_factory(settings), clock=FixedClock())
    assert "line 2 (J-1) of the statement of NL44RABO0123456789 is in JPY, journal BNK1 of A1 in EUR" in str(
        outcomes[0].error
    )
    assert lines(settings) == [], "nothing of the statement is stored"


@pytest.mark.postgres
def test_loading_the_bundle_again_never_sets_a_voucher_counter_back(settings: Settings, tmp_path: Path) -> None:
    """R-A4: A2's counter went to 1 with its first statement; a bundle without counters
    loaded again must not make the next statement voucher 1 a second time."""
    run(settings, mt940([("1", "261102", "0.00", [tx("261102", "1.00")])], account=OTHER))
    again = tmp_path / "again"
    again.mkdir()
    (again / "journals.csv").write_text(
        f"administration,code,iban,currency,gl_account\nA1,BNK1,{ACCOUNT},EUR,1100\nA2,BNK1,{OTHER},EUR,1110\n"
    )
    load_bundle(again, unit_of_work(settings))
    run(settings, mt940([("2", "261103", "1.00", [tx("261103", "1.00")])], account=OTHER))
    vouchers = sorted(str(s["voucher_number"]) for s in statements(settings) if s["administration"] == "A2")
    assert vouchers == ["1", "2"]


@pytest.mark.postgres
def test_statements_created_in_bulk_are_those_sqlalchemy_writes(settings: Settings) -> None:
    """``StatementRepository.create_statements`` writes at driver level with ids taken
    first: the same stored values (dates and times as text on SQLite included) as
    SQLAlchemy's insert of the same statements, a left-out key takes the column's default,
    the ids come back in order, and a later insert by SQLAlchemy takes the next id."""
    s = schema.statements
    now = datetime(2026, 12, 2, 10, 20, 30, 123456, tzinfo=UTC)

    def values(day: date, **extra: object) -> dict[str, object]:
        return {
            "administration": "A1",
            "journal": "BNK1",
            "account_iban": ACCOUNT,
            "currency": "EUR",
            "statement_date": day,
            "statement_number": None,
            "sequence": "1",
            "voucher_number": "101",
            "format": "mt940",
            "opening_minor": -250,
            "opening_date": day,
            "closing_minor": None,
            "closing_date": day,
            "created_at": now,
            "updated_at": now,
            **extra,
        }

    ours = [values(date(2026, 11, 2), warnings="gap — é", source_file="a.sta"), values(date(2026, 11, 3))]
    theirs = [values(date(2026, 12, 2), warnings="gap — é", source_file="a.sta"), values(date(2026, 12, 3))]
    engine = engine_for(settings.database_url)
    with engine.begin() as conn:
        ids = StatementRepository(conn).create_statements(ours)
        for statement in theirs:
            conn.execute(s.insert(), statement)
        later = conn.execute(s.insert().returning(s.c.id), values(date(2026, 12, 9))).scalar_one()
    columns = [c for c in s.c if c.name != "id"]
    times = [cast(s.c.created_at, String), cast(s.c.updated_at, String)]
    with engine.connect() as conn:
        stored = conn.execute(
            select(s.c.id, *columns, *times, cast(s.c.statement_date, String)).order_by(s.c.statement_date)
        ).all()
    assert [r.id for r in stored[:2]] == ids == sorted(ids)
    assert later > max(r.id for r in stored[:4])
    kept = [tuple(v for v in r[1:-1] if not isinstance(v, date)) for r in stored[:4]]
    assert kept[:2] == kept[2:]  # every value but the dates (a month apart), the times' text included
    assert [r[-1] for r in stored[:4]] == ["2026-11-02", "2026-11-03", "2026-12-02", "2026-12-03"]
    assert (stored[1].dialect, stored[1].status, stored[1].warnings, stored[1].source_file) == (
        "generic",
        "in_progress",
        "",
        "",
    )
