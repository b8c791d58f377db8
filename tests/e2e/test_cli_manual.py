"""Manual work through the real console script: ``bankbridge lines`` shows what processing
left with the line ids, ``book`` books one by hand, ``undo --statement`` undoes a whole
statement (R-D9, R-G3); user mistakes exit 1 with one sentence, no traceback."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from bankbridge.formats.camt.writer import write as write_camt
from bankbridge.statements.model import Balance, Statement, StatementLine
from transit_books import ACCOUNT, DAY, IBAN_10001, bundle

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BANKBRIDGE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.splitlines() if line.strip()]


def test_lines_book_and_undo_a_statement(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    for name, text in bundle(per_item=False).items():
        (folder / name).write_text(text)
    assert run("init", cwd=tmp_path).returncode == 0
    assert run("ledger", "load", str(folder), cwd=tmp_path).returncode == 0
    lines = (
        StatementLine(
            Decimal("100.00"),
            DAY,
            DAY,
            "EUR",
            bank_reference="T-1",
            counterparty_iban=IBAN_10001,
            counterparty_name="Lotte de Vries",
            payment_reference="2000000020260001",
        ),
        StatementLine(Decimal("-12.50"), DAY, DAY, "EUR", bank_reference="T-2", counterparty_name="Onbekend"),
    )
    statement = Statement(
        "camt053",
        ACCOUNT,
        "EUR",
        lines,
        opening_balance=Balance(DAY, Decimal(0), "EUR"),
        closing_balance=Balance(DAY, Decimal("87.50"), "EUR"),
        statement_number="327",
    )
    (tmp_path / "statement.xml").write_bytes(write_camt([statement]))
    assert run("import", "--process", "statement.xml", cwd=tmp_path).returncode == 0

    left = run("lines", cwd=tmp_path)
    assert left.returncode == 0, left.stderr
    table = rows(left.stdout)
    assert table[0][:4] == ["line", "statement", "administration", "journal"]
    (open_row,) = table[1:]
    line_id, statement_id = open_row[0], open_row[1]
    assert open_row[2:8] == ["A1", "BNK1", DAY.isoformat(), "-12.50", "Onbekend", "open"]
    assert "1 lines" in left.stderr

    booked = run("book", line_id, "--gl", "1650", cwd=tmp_path)
    assert booked.returncode == 0, booked.stderr
    assert rows(run("lines", cwd=tmp_path).stdout)[1:] == []
    both = rows(run("lines", "--status", "booked", "--statement", statement_id, cwd=tmp_path).stdout)[1:]
    assert len(both) == 2 and all(r[1] == statement_id and "booked" in r for r in both)

    undone = run("undo", "--statement", statement_id, cwd=tmp_path)
    assert undone.returncode == 0, undone.stderr
    assert f"statement {statement_id}: 2 booked lines open again" in undone.stderr
    reopened = rows(run("lines", "--status", "open", cwd=tmp_path).stdout)[1:]
    assert sorted(r[0] for r in reopened) == sorted(r[0] for r in both)

    for args, message in (
        (("undo",), "name either a line id or --statement ID"),
        (("undo", "--statement", "999"), "no statement 999"),
        (("undo", line_id), f"statement line {line_id} is not booked; nothing to undo"),
    ):
        failed = run(*args, cwd=tmp_path)
        assert failed.returncode == 1, args
        assert message in failed.stderr
        assert "Traceback" not in failed.stderr
