"""``bankbridge batches add`` → ``import --process`` → ``export bookings`` through the real
console script (payments in transit, R-C1/R-C2/R-D8), and a refused file: exit 1, one
sentence naming file, XML path and field, no traceback, nothing stored."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from bankbridge.formats.camt.writer import write as write_camt
from bankbridge.statements.model import Balance, Statement, StatementLine
from pain_samples import Pmt, PmtSts, TxSts, pain001, pain002, pain008
from transit_books import ACCOUNT, DAY, DD, PAY, SENT, bundle

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BANKBRIDGE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def setup_books(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, text in bundle(per_item=False).items():
        (folder / name).write_text(text)
    assert run("init", cwd=tmp_path).returncode == 0
    assert run("ledger", "load", str(folder), cwd=tmp_path).returncode == 0


def statement_file(path: Path) -> None:
    lines = (
        StatementLine(Decimal("350.00"), DAY, DAY, "EUR", bank_reference="T-DD", batch_id=DD.batch_id),
        StatementLine(Decimal("-345.50"), DAY, DAY, "EUR", bank_reference="T-PAY", batch_id=PAY.batch_id),
    )
    statement = Statement(
        "camt053",
        ACCOUNT,
        "EUR",
        lines,
        opening_balance=Balance(DAY, Decimal(0), "EUR"),
        closing_balance=Balance(DAY, Decimal("4.50"), "EUR"),
        statement_number="327",
    )
    path.write_bytes(write_camt([statement]))


def test_batches_add_then_import_process_and_export(tmp_path: Path) -> None:
    setup_books(tmp_path)
    (tmp_path / "dd.xml").write_bytes(pain008([DD]))
    (tmp_path / "pay.xml").write_bytes(pain001([PAY], version="pain.001.001.09"))
    added = run("batches", "add", "dd.xml", "pay.xml", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    rows = [line.split() for line in added.stdout.splitlines()]
    assert ["dd.xml", "DD-2026-11", "A1", "BNK1", "direct", "debit", "2", "350.00", "registered"] in rows
    assert ["pay.xml", "PAY-2026-11", "A1", "BNK1", "payment", "2", "345.50", "registered"] in rows
    again = run("batches", "add", "dd.xml", cwd=tmp_path)
    assert again.returncode == 0
    assert "already registered" in again.stdout
    assert "warning: dd.xml: direct-debit batch DD-2026-11 is registered already; nothing changed" in again.stderr
    statement_file(tmp_path / "statement.xml")
    imported = run("import", "--process", "statement.xml", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert next(line.split() for line in imported.stdout.splitlines() if line.strip().startswith("A1")) == [
        "A1",
        "1",
        "2",
        "0",
        "2",
        "0",
    ]
    exported = run("export", "bookings", cwd=tmp_path)
    records = {r["bank_reference"]: r for r in map(json.loads, exported.stdout.splitlines())}
    dd = records["T-DD"]
    assert (dd["status"], dd["rule"]) == ("booked", "in_transit")
    assert "batch id DD-2026-11 is direct-debit batch DD-2026-11 with total 350.00" in dd["evidence"]
    assert [(p["gl_account"], p["amount"]) for p in dd["postings"]] == [("1650", "350.00")]
    assert [(p["gl_account"], p["amount"]) for p in records["T-PAY"]["postings"]] == [("1650", "-345.50")]
    listed = run("batches", "list", "--status", "cleared", cwd=tmp_path)
    assert listed.returncode == 0
    assert ["A1", "BNK1", "DD-2026-11", "direct", "debit", SENT.isoformat(), "2/2", "-", "350.00", "-", "cleared"] in [
        line.split() for line in listed.stdout.splitlines()
    ]
    assert "DD-2026-11" not in run("batches", "list", "--status", "sent", cwd=tmp_path).stdout


def test_a_refused_file_exits_1_with_one_sentence_and_stores_nothing(tmp_path: Path) -> None:
    setup_books(tmp_path)
    (tmp_path / "bad.xml").write_bytes(pain001([PAY, Pmt("PAY-X", "NL91ABNA0417164300", SENT, PAY.txs)]))
    (tmp_path / "broken.xml").write_bytes(pain008([DD]).replace(b"</Nm>", b"</Name>", 1))
    result = run("batches", "add", "bad.xml", "broken.xml", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0].startswith("error: bad.xml:")
    assert errors[0].endswith(
        "Document/CstmrCdtTrfInitn/PmtInf[2]: DbtrAcct/Id/IBAN: no bank journal owns account "
        "NL91ABNA0417164300; add it to journals.csv first"
    )
    assert errors[1].startswith("error: broken.xml:")
    assert "broken XML" in errors[1]
    listed = run("batches", "list", cwd=tmp_path)
    assert "PAY-2026-11" not in listed.stdout


def test_batches_status_takes_a_rejected_item_out_of_transit(tmp_path: Path) -> None:
    setup_books(tmp_path)
    (tmp_path / "pay.xml").write_bytes(pain001([PAY]))
    assert run("batches", "add", "pay.xml", cwd=tmp_path).returncode == 0
    report = pain002(
        "MSG-PAY-1",
        (PmtSts("PAY-2026-11", "PART", (TxSts("E2E-PAY-2", "RJCT", "AC04", "Rekening opgeheven"),)),),
        group_status="PART",
    )
    (tmp_path / "sts.xml").write_bytes(report)
    applied = run("batches", "status", "sts.xml", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    rows = [line.split() for line in applied.stdout.splitlines()]
    assert ["sts.xml", "PAY-2026-11", "A1", "payment", "PART", "1", "(45.50)", "sent"] in rows
    assert [
        "PAY-2026-11",
        "2",
        "E2E-PAY-2",
        "20002",
        "INK-7002",
        "45.50",
        "AC04",
        "closed",
        "account",
        "(Rekening",
        "opgeheven)",
    ] in rows
    listed = run("batches", "list", cwd=tmp_path)
    assert ["A1", "BNK1", "PAY-2026-11", "payment", SENT.isoformat(), "0/2", "1", "345.50", "PART", "sent"] in [
        line.split() for line in listed.stdout.splitlines()
    ]
    again = run("batches", "status", "sts.xml", cwd=tmp_path)
    assert again.returncode == 0
    assert "warning: sts.xml: report STS-1 changes nothing (applied before?)" in again.stderr
    (tmp_path / "unknown.xml").write_bytes(pain002("MSG-NOPE", group_status="RJCT"))
    (tmp_path / "garbage.xml").write_bytes(b"\x00\xffnot xml")
    refused = run("batches", "status", "unknown.xml", "garbage.xml", cwd=tmp_path)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    errors = [line for line in refused.stderr.splitlines() if line.startswith("error: ")]
    assert errors[0] == (
        "error: unknown.xml:15: Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts: OrgnlMsgId: no registered batch comes "
        "from message MSG-NOPE; register the sent file with `bankbridge batches add` first"
    )
    assert errors[1].startswith("error: garbage.xml:")
