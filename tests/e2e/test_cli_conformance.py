"""Conformance of the console script with ``interfaces.md``, checked as a black-box user
would: ``--database URL`` on any command (also after the command name), user errors on
output paths exit 1 with one ``error:`` line and no traceback, and the ``export
bookings`` record with exactly the fields and types of the spec."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from bankbridge.demo import BUNDLE

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))

EXPORT_FIELDS = [
    "administration", "journal", "account_iban", "currency", "statement_number", "statement_date",
    "booking_date", "value_date", "amount", "counterparty_iban", "counterparty_name", "bank_reference",
    "end_to_end_id", "description", "bank_code", "status", "rule", "evidence", "settlements", "postings",
]  # fmt: skip
RULES = {"bsn", "payment_reference", "iban", "invoice_number", "transaction_code", "in_transit", "manual", None}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT = re.compile(r"^-?\d+\.\d+$")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "BANKBRIDGE_DATABASE_URL"}
    environment.update(env or {})
    return subprocess.run(
        [BANKBRIDGE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False, env=environment
    )


def one_user_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[-1]


def test_database_option_is_accepted_after_the_command_name(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'after.db'}"
    init = run("init", "--database", db, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "after.db").exists()
    assert not (tmp_path / "bankbridge.db").exists()
    # on a nested command, after the argument, and winning over the environment
    env = {"BANKBRIDGE_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}"}
    loaded = run("ledger", "load", str(BUNDLE), "--database", db, cwd=tmp_path, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert not (tmp_path / "env.db").exists()
    dumped = run("ledger", "dump", "out", f"--database={db}", cwd=tmp_path)
    assert dumped.returncode == 0, dumped.stderr
    assert (tmp_path / "out" / "relations.csv").read_bytes() == (BUNDLE / "relations.csv").read_bytes()
    exported = run("export", "bookings", "--database", db, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == ""
    assert not (tmp_path / "bankbridge.db").exists()


def test_database_option_after_the_command_still_needs_a_value(tmp_path: Path) -> None:
    assert run("init", "--database", cwd=tmp_path).returncode == 2


def test_export_to_an_unwritable_path_is_a_user_error(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).returncode == 0
    missing = tmp_path / "no" / "such" / "folder" / "bookings.jsonl"
    one_user_error(run("export", "bookings", "--output", str(missing), cwd=tmp_path), str(missing), "cannot write")
    one_user_error(run("export", "bookings", "--output", str(tmp_path), cwd=tmp_path), "cannot write")


def test_ledger_dump_onto_a_file_is_a_user_error(tmp_path: Path) -> None:
    assert run("init", cwd=tmp_path).returncode == 0
    (tmp_path / "taken").write_text("not a folder\n")
    one_user_error(run("ledger", "dump", "taken", cwd=tmp_path), "taken", "not a directory")
    assert (tmp_path / "taken").read_text() == "not a folder\n"
    one_user_error(run("ledger", "dump", "taken/inside", cwd=tmp_path), "cannot write")


def test_demo_files_onto_a_file_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("")
    one_user_error(run("demo", "--files", "taken", cwd=tmp_path), "taken")


def test_export_bookings_record_has_exactly_the_fields_and_types_of_the_spec(tmp_path: Path) -> None:
    demo = run("demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    exported = run("export", "bookings", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert records
    statuses = set()
    for record in records:
        assert list(record) == EXPORT_FIELDS
        statuses.add(record["status"])
        assert record["rule"] in RULES
        assert (record["rule"] is None) == (record["status"] == "open")
        for field in ("statement_date", "booking_date", "value_date"):
            assert DATE.match(record[field]), record
        assert AMOUNT.match(record["amount"])
        assert isinstance(record["evidence"], str) and record["evidence"]
        for settlement in record["settlements"]:
            assert list(settlement) == ["invoice_number", "relation", "amount"]
            assert AMOUNT.match(settlement["amount"])
        for posting in record["postings"]:
            assert list(posting) == ["gl_account", "relation", "amount", "allocations"]
            assert AMOUNT.match(posting["amount"])
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in posting["allocations"].items())
        assert bool(record["postings"]) == (record["status"] == "booked")
        if record["postings"]:
            # interfaces.md: the contra legs in the line's sign, adding up to the line amount
            assert sum(Decimal(p["amount"]) for p in record["postings"]) == Decimal(record["amount"]), record
    assert statuses == {"booked", "proposed", "open"}
    as_csv = run("export", "bookings", "--format", "csv", cwd=tmp_path)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == EXPORT_FIELDS
    assert len(rows) == len(records) + 1
    written = run("export", "bookings", "--output", "bookings.jsonl", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "bookings.jsonl").read_text(encoding="utf-8") == exported.stdout


def test_an_unknown_administration_is_a_user_error(tmp_path: Path) -> None:
    """``--administration`` with a typo used to process, export or list nothing and exit 0."""
    db = f"sqlite:///{tmp_path / 'adm.db'}"
    assert run("--database", db, "init", cwd=tmp_path).returncode == 0
    assert run("--database", db, "ledger", "load", str(BUNDLE), cwd=tmp_path).returncode == 0
    for command in (("process",), ("export", "bookings"), ("lines",)):
        one_user_error(run("--database", db, *command, "--administration", "A9", cwd=tmp_path), "'A9'", "A1")
    assert run("--database", db, "process", "--administration", "A1", cwd=tmp_path).returncode == 0
    listed = run("--database", db, "lines", "--administration", "A1", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
