"""Instructions per processed line, counted: a measure of the engine's work that does not
drift with the machine.

Wall and CPU time of the same run drift by ±10–15 % on the machines this project is
measured on (docs/processing.md), which hides any change of a few per cent. Valgrind's
``cachegrind`` (``--cache-sim=no``) counts the instructions a command executes, exactly
and the same from run to run, so a change to the engine, the read-back or the storing can
be weighed on its own.

The command counted is ``bankbridge process --workers 1`` (one process: the work, not the
overlap) on a database whose lines are imported but not processed, made once per shape
and kept in ``bench/work``: the goal bench's snapshot of the books (``init / ledger load /
batches add``), then ``import`` of its statement files. The same command on the snapshot
without lines (it starts, finds nothing pending, stops) is counted too; the difference,
divided by the lines, is the instructions per line (reading the books once included).

``python -m bench.instructions`` (needs ``valgrind``) writes
``bench/results/instructions.{json,md}``; ``--src DIR`` counts another checkout's
``src`` (for example a ``git worktree`` of an older commit) on the same database; the
shape with ``--administrations``, ``--relations``, ``--items-per-relation`` and ``--days``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from bankbridge.demo.generate import Shape
from bench.goal_bench import prepared
from bench.quality_bench import BANKBRIDGE, RESULTS, ROOT, WORK

_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def refs(report: str) -> int:
    """The instruction count in cachegrind's closing report."""
    found = _REFS.search(report)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's report: {report[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_line(total: int, baseline: int, lines: int) -> int:
    """Instructions per line: the run with lines less the run without, shared out."""
    if lines <= 0:
        raise ValueError("no lines were processed")
    return round((total - baseline) / lines)


def imported(shape: Shape, days: int) -> tuple[Path, Path]:
    """The books snapshot, and a copy of it with the statement files imported (not processed)."""
    snapshot, files, _ = prepared(shape, days)
    db = WORK / f"instructions_{snapshot.stem}.db"
    if not db.exists():
        building = db.with_name(db.name + ".building")
        shutil.copyfile(snapshot, building)
        url = f"sqlite:///{building}"
        subprocess.run([BANKBRIDGE, "--database", url, "init"], check=True, capture_output=True)
        cmd = [BANKBRIDGE, "--database", url, "import", "--workers", "1", *files]
        subprocess.run(cmd, check=True, capture_output=True)
        building.rename(db)
    return snapshot, db


def count(source: Path, *, src: str | None) -> tuple[int, str]:
    """Instructions of ``process --workers 1`` on a fresh copy of ``source``; its summary."""
    db = WORK / "instructions_run.db"
    for old in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(source, db)
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    url = f"sqlite:///{db}"
    subprocess.run([BANKBRIDGE, "--database", url, "init"], check=True, capture_output=True, env=env)
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    cmd += [str(Path(BANKBRIDGE).with_name("python")), BANKBRIDGE, "--database", url, "process", "--workers", "1"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=str(ROOT.parent))
    db.unlink()
    if out.returncode != 0:
        raise RuntimeError(f"process under valgrind exited {out.returncode}: {out.stderr[-2000:]}")
    return refs(out.stderr), out.stdout


def lines_of(summary: str) -> int:
    """Lines decided, from ``process``'s summary table (booked + proposed + open)."""
    total = 0
    for row in summary.splitlines():
        cells = row.split()
        if len(cells) == 4 and all(c.isdigit() for c in cells[1:]):
            total += sum(int(c) for c in cells[1:])
    return total


def run(shape: Shape, days: int, *, src: str | None) -> dict[str, Any]:
    snapshot, db = imported(shape, days)
    baseline, _ = count(snapshot, src=src)
    total, summary = count(db, src=src)
    lines = lines_of(summary)
    return {
        "command": "bankbridge process --workers 1",
        "src": src or "this checkout",
        "administrations": shape.administrations,
        "lines": lines,
        "instructions": total,
        "instructions_without_lines": baseline,
        "instructions_per_line": per_line(total, baseline, lines),
    }


def write(result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "instructions.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        f"# instructions per line: `{result['command']}` ({result['src']})",
        "",
        "| measure | value |",
        "|---|---|",
        f"| lines processed ({result['administrations']} administration(s)) | {result['lines']:,} |",
        f"| instructions, the run | {result['instructions']:,} |",
        f"| instructions, the same command without lines | {result['instructions_without_lines']:,} |",
        f"| **instructions per line** (reading the books once included) | **{result['instructions_per_line']:,}** |",
    ]
    (RESULTS / "instructions.md").write_text("\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--administrations", type=int, default=1)
    parser.add_argument("--relations", type=int, default=2500, help="per administration")
    parser.add_argument("--items-per-relation", type=float, default=4)
    parser.add_argument("--days", type=int, default=580)
    parser.add_argument("--src", default=None, help="count another checkout's src directory instead of this one")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    shape = Shape(args.administrations, args.relations, args.items_per_relation)
    result = run(shape, args.days, src=args.src)
    write(result)
    print((RESULTS / "instructions.md").read_text())


if __name__ == "__main__":
    main()
