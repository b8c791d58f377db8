"""``bench.digest`` compares what two runs decided, not the ids their rows happened to get:
the demo's processed books with every id moved give the same digest, and one changed
decision does not."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


BENCH = "bench.digest"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("digest")
    db = work / "demo.db"
    subprocess.run(
        [BANKBRIDGE, "--database", f"sqlite:///{db}", "demo", "--files", str(work / "files")],
        check=True,
        capture_output=True,
        cwd=work,
    )
    return db


def _move_ids(db: Path, by_line: int, by_entry: int) -> None:
    """Every line id and journal entry id moved, wherever it is kept (text included)."""
    conn = sqlite3.connect(db)  # foreign keys are not enforced on this plain connection
    with conn:
        conn.execute("UPDATE statement_lines SET id = id + ?", (by_line,))
        conn.execute("UPDATE line_decisions SET line_id = line_id + ?", (by_line,))
        conn.execute("UPDATE relation_bank_accounts SET added_by_line = added_by_line + ?", (by_line,))
        for table in ("sent_batches", "sent_batch_items"):
            conn.execute(f"UPDATE {table} SET cleared_line_id = cleared_line_id + ?", (by_line,))
        conn.execute(
            "UPDATE journal_entries SET id = id + ?, statement_line_id = statement_line_id + ?", (by_entry, by_line)
        )
        for table in ("postings", "settlements"):
            conn.execute(f"UPDATE {table} SET entry_id = entry_id + ?", (by_entry,))
        conn.execute("UPDATE sent_batches SET entry_id = entry_id + ?", (by_entry,))
        conn.execute("UPDATE sent_batch_items SET rejected_entry_id = rejected_entry_id + ?", (by_entry,))
        moved = lambda text: re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + by_line}", text)  # noqa: E731
        conn.create_function("moved", 1, lambda t: None if t is None else moved(t))
        conn.execute("UPDATE line_decisions SET evidence = moved(evidence), candidates = moved(candidates)")
    conn.close()


def test_the_same_decisions_under_other_ids_give_the_same_digest(bench: ModuleType, demo_db: Path) -> None:
    found = bench.parts(demo_db)
    assert len(found["decisions"]) > 50 and len(found["entries"]) > 20 and found["settlements"]
    twin = demo_db.with_name("twin.db")
    shutil.copy(demo_db, twin)
    _move_ids(twin, by_line=1000, by_entry=500)
    with sqlite3.connect(twin) as conn:
        assert conn.execute("SELECT min(id) FROM statement_lines").fetchone()[0] > 1000
    assert bench.summary(bench.parts(twin)) == bench.summary(found)


def test_one_changed_decision_changes_the_digest_and_its_part(bench: ModuleType, demo_db: Path) -> None:
    other = demo_db.with_name("other.db")
    shutil.copy(demo_db, other)
    with sqlite3.connect(other) as conn:
        conn.execute(
            "UPDATE line_decisions SET evidence = evidence || '.'"
            " WHERE line_id = (SELECT min(line_id) FROM line_decisions)"
        )
    before, after = bench.parts(demo_db), bench.parts(other)
    assert bench.summary(after) != bench.summary(before)
    assert [name for name in before if bench.digest(before[name]) != bench.digest(after[name])] == ["decisions"]


def test_the_command_prints_the_digest_and_the_parts(
    bench: ModuleType, demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench.main([str(demo_db), "--parts"])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(bench.summary(bench.parts(demo_db)))
    assert [line.split()[0] for line in out[1:]] == list(bench.parts(demo_db))
