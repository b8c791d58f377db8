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


def test_suggested_code_rules_are_learnt_from_lines_booked_by_hand(tmp_path: Path) -> None:
    """R-G4 through the console script: the demo's bank files, three lines of an unknown
    party booked by hand, the rule `suggest-codes` proposes, created with the command it
    prints, books the party's other lines on the next run."""
    import shlex

    assert run("demo", cwd=tmp_path).returncode == 0
    none = run("suggest-codes", cwd=tmp_path)
    assert none.returncode == 0 and "no suggestions" in none.stderr
    left = run("lines", "--administration", "A1", cwd=tmp_path)
    party = [
        row.split()[0]
        for row in left.stdout.splitlines()
        if "Onbekende Partij" in row and " BNK1 " in row and row.split()[0].isdigit()
    ]
    assert len(party) == 5, left.stdout
    for line_id in party[:3]:
        shown = next(row for row in left.stdout.splitlines() if row.split()[:1] == [line_id])
        amount = shown.split()[5]
        booked = run("book", line_id, "--gl", f"8000={amount}", cwd=tmp_path)
        assert booked.returncode == 0, booked.stderr

    found = run("suggest-codes", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    (row,) = [r for r in found.stdout.splitlines() if "NMSC" in r]
    assert "Onbekende Partij" in row and " 8000 " in row and "3 of 3" in row
    command = shlex.split(row[row.index("bankbridge code-from-line") :])
    assert command[:3] == ["bankbridge", "code-from-line", party[0]]
    made = run(*command[1:], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "NMSC" in made.stderr and "Onbekende Partij" in made.stderr

    again = run("process", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    after = run("lines", "--administration", "A1", "--status", "booked", cwd=tmp_path)
    booked_now = {r.split()[0] for r in after.stdout.splitlines() if r.split()[:1] and r.split()[0] in party[3:]}
    assert booked_now == set(party[3:])
    assert "no suggestions" in run("suggest-codes", cwd=tmp_path).stderr  # the rule exists now

    wrong = run("suggest-codes", "--administration", "NOPE", cwd=tmp_path)
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: ") and "Traceback" not in wrong.stderr
