"""``bankbridge import`` through the real console script: summary per administration,
exit 1 for a failed file while the others are imported, pending CAMT.052 entries left
out with a warning, and a crash (kill -9) in the middle of an import that leaves the
database consistent and is completed by a rerun."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))
ACCOUNT = "NL44RABO0123456789"
BUNDLE = {
    "environments.csv": "code,name,main_environment\nE,Env,\n",
    "administrations.csv": "code,environment,name\nA1,E,One\n",
    "gl_accounts.csv": "environment,number,name,type,administration,axes\nE,1100,Bank,asset,,\n",
    "journals.csv": f"administration,code,iban,currency,gl_account\nA1,BNK1,{ACCOUNT},EUR,1100\n",
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BANKBRIDGE, *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def setup_books(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name, text in BUNDLE.items():
        (bundle / name).write_text(text)
    assert run("init", cwd=tmp_path).returncode == 0
    assert run("ledger", "load", str(bundle), cwd=tmp_path).returncode == 0


def big_file(path: Path, *, days: int, per_day: int) -> int:
    """An MT940 file with one statement per day, ``per_day`` lines each; returns the line count."""
    start = date(2024, 1, 1)
    out = [":940:\n"]
    balance = 0
    for n in range(days):
        day = (start + timedelta(days=n)).strftime("%y%m%d")
        out.append(f":20:{n}\n:25:{ACCOUNT}\n:28C:{n}\n:60F:C{day}EUR{balance // 100},{balance % 100:02d}\n")
        for k in range(per_day):
            cents = 100 + k
            out.append(f":61:{day}{day[2:]}C{cents // 100},{cents % 100:02d}N541REF{n}-{k}//B{n}-{k}\n")
            out.append(f":86:/NAME/KLANT {k}/REMI/factuur {n}-{k}\n")
            balance += cents
        out.append(f":62F:C{day}EUR{balance // 100},{balance % 100:02d}\n")
    path.write_text("".join(out))
    return days * per_day


def test_summary_and_exit_code_with_an_unknown_iban(tmp_path: Path) -> None:
    setup_books(tmp_path)
    good = tmp_path / "good.sta"
    big_file(good, days=2, per_day=3)
    bad = tmp_path / "bad.sta"
    bad.write_text(good.read_text().replace(ACCOUNT, "NL91ABNA0417164300"))
    result = run("import", str(bad), str(good), cwd=tmp_path)
    assert result.returncode == 1
    assert "bad.sta: no bank journal owns account NL91ABNA0417164300" in result.stderr
    assert "Traceback" not in result.stderr
    row = next(line.split() for line in result.stdout.splitlines() if line.strip().startswith("A1"))
    assert row == ["A1", "2", "6", "0", "0", "6"]
    again = run("import", str(good), cwd=tmp_path)
    assert again.returncode == 0
    assert next(line.split() for line in again.stdout.splitlines() if line.strip().startswith("A1"))[1:4] == [
        "0",
        "0",
        "6",
    ]


def test_pending_entries_of_an_intraday_report_are_left_out_with_a_warning(tmp_path: Path) -> None:
    setup_books(tmp_path)
    entries = "".join(
        f"<Ntry><Amt Ccy='EUR'>{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>{status}</Sts>{booked}"
        f"<ValDt><Dt>2026-11-02</Dt></ValDt><AcctSvcrRef>{ref}</AcctSvcrRef></Ntry>"
        for amount, status, booked, ref in [
            ("10.00", "BOOK", "<BookgDt><Dt>2026-11-02</Dt></BookgDt>", "B-1"),
            ("25.00", "PDNG", "", "P-1"),
        ]
    )
    report = tmp_path / "intraday.xml"
    report.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02">'
        "<BkToCstmrAcctRpt><GrpHdr><MsgId>M</MsgId></GrpHdr><Rpt><Id>R1</Id>"
        f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}</Rpt></BkToCstmrAcctRpt></Document>"
    )
    result = run("import", str(report), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        f"warning: {report}: statement R1 of {ACCOUNT}: 1 entry not stored: 1 pending (PDNG), not booked at the bank"
        in " ".join(result.stderr.split())
    )
    row = next(line.split() for line in result.stdout.splitlines() if line.strip().startswith("A1"))
    assert row == ["A1", "1", "1", "0", "0", "1"]
    parsed = run("parse", str(report), cwd=tmp_path)
    assert parsed.returncode == 0, parsed.stderr
    (record,) = [json.loads(line) for line in parsed.stdout.splitlines() if line.strip()]
    assert len(record["lines"]) == 2, "parse still shows the pending entry"


def _consistent(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT s.id, s.opening_minor, s.closing_minor, COALESCE(SUM(l.amount_minor), 0), COUNT(l.id) "
            "FROM statements s LEFT JOIN statement_lines l ON l.statement_id = s.id GROUP BY s.id"
        ).fetchall()
        for sid, opening, closing, total, count in rows:
            assert count > 0, f"statement {sid} without lines"
            assert closing - opening == total, f"statement {sid} half stored"
        return int(conn.execute("SELECT COUNT(*) FROM statement_lines").fetchone()[0])
    finally:
        conn.close()


def test_kill_9_during_import_leaves_a_consistent_database_and_a_rerun_completes(tmp_path: Path) -> None:
    setup_books(tmp_path)
    big = tmp_path / "big.sta"
    expected = big_file(big, days=400, per_day=60)
    db = tmp_path / "bankbridge.db"
    proc = subprocess.Popen(
        [BANKBRIDGE, "import", str(big)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            conn = sqlite3.connect(db, timeout=1)
            stored = int(conn.execute("SELECT COUNT(*) FROM statement_lines").fetchone()[0])
            conn.close()
        except sqlite3.OperationalError:
            continue
        if stored > 0:
            break
    assert proc.poll() is None, "the import ended before it could be killed; make the file bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _consistent(db)
    assert 0 < partial < expected
    assert partial % 60 == 0, "only whole statements are stored"
    result = run("import", str(big), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _consistent(db) == expected
