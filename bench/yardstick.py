"""The machine's yardstick for the matching speed goal (issue #5, item 10).

The goal — import + match + book of 1,000,000 lines in under 60 s — was set on a machine
where "a pure-Python hash join of 1,000,000 lines against 1,000,000 invoices with regex
extraction of references runs at ~450,000 lines/s". Session machines differ by a factor
of three and more, so this benchmark runs that same kind of join here: figures of the
1M runs can then be read against the machine they were measured on (``quality_bench``
measures it in the same run).

The join: 1,000,000 invoice numbers in a dict; 1,000,000 descriptions in the shapes the
quality bench writes (an invoice number, a 16-digit payment reference, a customer number
and words); every run of 6 to 16 digits is taken out by one regular expression and
looked up. Only the join is timed (best of ``--repeat``, with the cycle collector off, so
that what else the process holds does not count); the data are made first, from a fixed
seed. Other benchmarks measure it in a fresh process (:func:`measure_apart`).

``python -m bench.yardstick`` writes ``bench/results/yardstick.{json,md}``.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
GOAL_MACHINE_LINES_PER_SECOND = 450_000
"""The yardstick as the issue measured it on the machine the 60 s goal was set on."""
_DIGITS = re.compile(r"(?<!\d)\d{6,16}(?!\d)")
_WORDS = ("betaling", "factuur", "termijn", "klant", "order", "inzake", "huur", "rest", "nota", "ref")


def data(lines: int, invoices: int, *, seed: int = 2026) -> tuple[dict[str, int], list[str]]:
    """``invoices`` invoice numbers and ``lines`` descriptions, about four in five of
    which name an existing invoice."""
    rng = random.Random(seed)
    numbers = [f"2026{n:07d}" for n in range(invoices)]
    index = {number: n for n, number in enumerate(numbers)}
    descriptions = []
    for _ in range(lines):
        number = numbers[rng.randrange(invoices)] if rng.random() < 0.8 else f"2027{rng.randrange(10**7):07d}"
        reference = f"{rng.randrange(10**15, 10**16)}"
        words = rng.sample(_WORDS, 3)
        descriptions.append(f"{words[0]} {number} {words[1]} {rng.randrange(10**5)} {words[2]} {reference}")
    return index, descriptions


def join(index: dict[str, int], descriptions: list[str]) -> int:
    """Lines whose text names exactly one known invoice."""
    found = 0
    get = index.get
    for text in descriptions:
        hits = [hit for hit in _DIGITS.findall(text) if get(hit) is not None]
        if len(hits) == 1:
            found += 1
    return found


def measure(lines: int = 1_000_000, invoices: int = 1_000_000, *, repeat: int = 3) -> dict[str, Any]:
    """Best of ``repeat`` timed joins."""
    index, descriptions = data(lines, invoices)
    best = float("inf")
    found = 0
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            found = join(index, descriptions)
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    rate = round(lines / best)
    return {
        "lines": lines,
        "invoices": invoices,
        "matched": found,
        "seconds": round(best, 3),
        "lines_per_second": rate,
        "goal_machine_lines_per_second": GOAL_MACHINE_LINES_PER_SECOND,
        "speed_of_goal_machine": round(rate / GOAL_MACHINE_LINES_PER_SECOND, 2),
    }


def measure_apart(*, repeat: int = 2) -> dict[str, Any]:
    """:func:`measure` in a fresh Python process (what the caller holds does not slow it)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.yardstick", "--json", "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(Path(__file__).resolve().parents[1]),
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def write(result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "yardstick.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        "# yardstick: the pure-Python hash join the 1M speed goal was set against",
        "",
        "| measure | value |",
        "|---|---|",
        f"| join of {result['lines']:,} lines against {result['invoices']:,} invoices (best run) | "
        f"{result['seconds']:.2f} s, {result['lines_per_second']:,} lines/s |",
        f"| the goal's machine | {result['goal_machine_lines_per_second']:,} lines/s |",
        f"| this machine against the goal's | {result['speed_of_goal_machine']:.2f} × |",
    ]
    (RESULTS / "yardstick.md").write_text("\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the result as JSON, write no files")
    args = parser.parse_args()
    result = measure(args.lines, args.invoices, repeat=args.repeat)
    if args.json:
        print(json.dumps(result))
        return
    write(result)
    print((RESULTS / "yardstick.md").read_text())


if __name__ == "__main__":
    main()
