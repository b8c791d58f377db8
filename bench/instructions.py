"""Instructions per processed line, counted: a measure of the engine's work that does not
drift with the machine.

Wall and CPU time of the same run drift by ±10–15 % on the machines this project is
measured on (docs/processing.md), which hides any change of a few per cent. Valgrind's
``cachegrind`` (``--cache-sim=no``) counts the instructions a command executes; with
string hashing fixed (``PYTHONHASHSEED=0``) the count is the same within 0.1 % from run
to run (object hashes by address, the clock and the paths remain), so a change to the
engine, the read-back or the storing can be weighed on its own.

The command counted is ``bankbridge process --workers 1`` (one process: the work, not the
overlap) on a database whose lines are imported but not processed, made once per shape
and kept in ``bench/work``: the goal bench's snapshot of the books (``init / ledger load /
batches add``), then ``import`` of its statement files. The same command on the snapshot
without lines (it starts, finds nothing pending, stops) is counted too; the difference,
divided by the lines, is the instructions per line (reading the books once included).
The import is counted as well (``--no-import``: not): ``import --workers 1`` of the same
statement files and of those of half as many days, each into a copy of the books
snapshot; the slope between the two is the instructions per line imported.

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
from bench.common import name_option, save, shape_of, shape_options
from bench.goal_bench import prepared
from bench.quality_bench import BANKBRIDGE, RESULTS, ROOT, WORK, bundle_dir, write_files

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
    return slope((total, lines), (baseline, 0))


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


PROCESS = ("process", "--workers", "1")


def count(source: Path, *, src: str | None, args: tuple[str, ...] = PROCESS) -> tuple[int, str]:
    """Instructions of ``bankbridge ARGS`` (``process --workers 1``) on a fresh copy of
    ``source``; its summary."""
    db = WORK / "instructions_run.db"
    for old in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(source, db)
    env = dict(os.environ, PYTHONHASHSEED="0")  # str hashes, and so dict probes, the same every run
    if src:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    url = f"sqlite:///{db}"
    subprocess.run([BANKBRIDGE, "--database", url, "init"], check=True, capture_output=True, env=env)
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    cmd += [str(Path(BANKBRIDGE).with_name("python")), BANKBRIDGE, "--database", url, *args]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=str(ROOT.parent))
    db.unlink()
    if out.returncode != 0:
        raise RuntimeError(f"{args[0]} under valgrind exited {out.returncode}: {out.stderr[-2000:]}")
    return refs(out.stderr), out.stdout


def _counts(summary: str, width: int) -> list[list[int]]:
    """The figures of each administration's row of a summary table ``width`` cells wide
    (the code, then figures only)."""
    rows = (row.split() for row in summary.splitlines())
    table = (cells for cells in rows if len(cells) == width and all(c.isdigit() for c in cells[1:]))
    return [[int(c) for c in cells[1:]] for cells in table]


def lines_of(summary: str) -> int:
    """Lines decided, from ``process``'s summary table (booked + proposed + open)."""
    return sum(sum(figures) for figures in _counts(summary, 4))


def lines_imported(summary: str) -> int:
    """Lines stored, from ``import``'s summary table (administration, statements, lines,
    duplicates, booked, open)."""
    return sum(figures[1] for figures in _counts(summary, 6))


def slope(big: tuple[int, int], small: tuple[int, int]) -> int:
    """Instructions per line between two runs ``(instructions, lines)`` of the same command
    on more and on fewer lines: what one more line costs, start-up and per-run work out."""
    (i_big, n_big), (i_small, n_small) = big, small
    if n_big <= n_small:
        raise ValueError("the larger run must have more lines")
    return round((i_big - i_small) / (n_big - n_small))


def run_import(shape: Shape, days: int, *, src: str | None) -> dict[str, Any]:
    """Instructions per line of ``import --workers 1``: the statement files of ``days``
    days and of half as many, each imported into a copy of the books snapshot (an import
    without lines is no command: the slope between the two sizes is the cost of a line,
    its statement's share included)."""
    snapshot, files, _ = prepared(shape, days)
    half = WORK / f"instructions_{snapshot.stem}_half"
    listing = half.with_name(half.name + ".json")
    if not listing.exists():
        listing.write_text(json.dumps(write_files(bundle_dir(shape), half, days=days // 2)[0]))
    runs = {}
    for name, chosen in (("big", files), ("small", json.loads(listing.read_text()))):
        total, summary = count(snapshot, src=src, args=("import", "--workers", "1", *chosen))
        runs[name] = (total, lines_imported(summary))
    return {
        "command": "bankbridge import --workers 1",
        "src": src or "this checkout",
        "administrations": shape.administrations,
        "lines": runs["big"][1],
        "lines_of_the_smaller_run": runs["small"][1],
        "instructions": runs["big"][0],
        "instructions_of_the_smaller_run": runs["small"][0],
        "instructions_per_line": slope(runs["big"], runs["small"]),
    }


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


def write(result: dict[str, Any], imported_: dict[str, Any] | None = None, name: str = "instructions") -> str:
    rows = [
        f"# instructions per line ({result['src']})",
        "",
        "| measure | value |",
        "|---|---|",
        f"| `{result['command']}`: lines processed ({result['administrations']} administration(s)) | "
        f"{result['lines']:,} |",
        f"| instructions, the run | {result['instructions']:,} |",
        f"| instructions, the same command without lines | {result['instructions_without_lines']:,} |",
        f"| **instructions per line processed** (reading the books once included) | "
        f"**{result['instructions_per_line']:,}** |",
    ]
    if imported_:
        rows += [
            f"| `{imported_['command']}`: lines imported, the two runs | {imported_['lines']:,} and "
            f"{imported_['lines_of_the_smaller_run']:,} |",
            f"| instructions, the two runs | {imported_['instructions']:,} and "
            f"{imported_['instructions_of_the_smaller_run']:,} |",
            f"| **instructions per line imported** (the slope between them) | "
            f"**{imported_['instructions_per_line']:,}** |",
        ]
    return save(RESULTS / name, {"process": result, "import": imported_}, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    shape_options(parser, administrations=1, relations=2500, items_per_relation=4, days=580)
    parser.add_argument("--src", default=None, help="count another checkout's src directory instead of this one")
    parser.add_argument("--no-import", action="store_true", help="count processing only")
    name_option(parser, "instructions")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    shape = shape_of(args)
    result = run(shape, args.days, src=args.src)
    print(write(result, None if args.no_import else run_import(shape, args.days, src=args.src), args.name))


if __name__ == "__main__":
    main()
