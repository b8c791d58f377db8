"""Benchmark of ``bankbridge ledger load``: a generated bundle with 100,000 relations and
1,000,000 open items, loaded into a fresh SQLite file and a fresh PostgreSQL database, then
loaded again (every row an update). Wall time and peak memory of the real CLI process.

Run: ``python -m bench.ledger_bench [--relations N --items-per-relation X]``.
Results: ``bench/results/ledger_load.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path
from typing import Any

from bankbridge.demo.generate import Shape, generate
from bench import databases
from bench.common import save, shape_of, shape_options
from bench.measure import measure

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


def run(shape: Shape) -> dict[str, Any]:
    bundle = WORK / f"ledger_{shape.administrations}x{shape.relations_per_administration}x{shape.items_per_relation}"
    if not (bundle / "open_items.csv").exists():
        generate(bundle, shape)
    rows = sum(1 for _ in (bundle / "open_items.csv").open()) - 1
    relations = sum(1 for _ in (bundle / "relations.csv").open()) - 1
    results: dict[str, Any] = {"relations": relations, "open_items": rows, "machine": platform.platform(), "runs": {}}
    for kind in databases.available():
        with databases.fresh(kind, "ledger_bench") as url:
            measure([BANKBRIDGE, "--database", url, "init"])
            first = measure([BANKBRIDGE, "--database", url, "ledger", "load", str(bundle)])
            again = measure([BANKBRIDGE, "--database", url, "ledger", "load", str(bundle)])
            dump = measure([BANKBRIDGE, "--database", url, "ledger", "dump", str(WORK / f"dump_{kind}")])
        results["runs"][kind] = {
            "first_load": first,
            "reload": again,
            "dump": dump,
            "open_items_per_second_first_load": round(rows / first["seconds"]),
        }
        print(kind, json.dumps(results["runs"][kind]), file=sys.stderr)
    return results


def write(results: dict[str, Any]) -> str:
    lines = [
        f"# ledger load: {results['relations']:,} relations, {results['open_items']:,} open items",
        "",
        "| database | first load | reload (all updates) | dump | open items/s (first) | peak RSS (first load) |",
        "|---|---|---|---|---|---|",
    ]
    for kind, run_ in results["runs"].items():
        lines.append(
            f"| {kind} | {run_['first_load']['seconds']:.1f} s | {run_['reload']['seconds']:.1f} s | "
            f"{run_['dump']['seconds']:.1f} s | {run_['open_items_per_second_first_load']:,} | "
            f"{run_['first_load']['peak_rss_mib']:.0f} MiB |"
        )
    return save(RESULTS / "ledger_load", results, lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    shape_options(parser, administrations=4, relations=25_000, items_per_relation=10.0)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    print(write(run(shape_of(args))))


if __name__ == "__main__":
    main()
