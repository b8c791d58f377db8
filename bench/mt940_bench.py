"""MT940 parse throughput and peak memory: bankbridge vs the ``mt-940`` package.

Generates (once) realistic Dutch MT940 files of 100,000 and 1,000,000 transactions under
``bench/work/`` and parses each with every parser in a fresh subprocess. Peak RSS is
``getrusage(RUSAGE_CHILDREN)`` of a launcher process whose only child is the parser
process. bankbridge streams (``FORMAT.iter_file``); ``mt-940`` parses the whole file
(``mt940.parse``). "bankbridge-bytes" (``FORMAT.parse`` of the whole file, keeping every
statement) is measured at 100,000 for context.

The machine is shared and its speed drifts between runs (seen: the same parser 15 %
apart in two runs a minute apart), so each size is measured ``--repeat`` times with the
parsers interleaved (ours, theirs, ours, theirs, …): both see the same conditions, and
each parser's *best* run is its figure (as ``timeit`` advises: slower runs measure the
interference, not the code). The median run of each is reported beside it, and the goal
is judged on both.

    python -m bench.mt940_bench [--sizes 100000 1000000] [--repeat 3]

Writes ``bench/results/mt940.json`` and ``bench/results/mt940.md``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.gen_mt940 import write

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "results"
GOAL_SPEED, GOAL_MEMORY = 5.0, 0.1


def _import_bankbridge() -> Any:
    from bankbridge.formats.mt940 import FORMAT

    return FORMAT


def _count_bankbridge(fmt: Any, path: Path) -> int:
    return sum(len(statement.lines) for statement in fmt.iter_file(path))


def _count_bankbridge_bytes(fmt: Any, path: Path) -> int:
    result = fmt.parse(path.read_bytes(), source=path.name)
    return sum(len(statement.lines) for statement in result.statements)


def _import_mt940() -> Any:
    import mt940

    return mt940


def _count_mt940(module: Any, path: Path) -> int:
    return len(module.parse(str(path)))


WORKERS = {
    "bankbridge": (_import_bankbridge, _count_bankbridge),
    "bankbridge-bytes": (_import_bankbridge, _count_bankbridge_bytes),
    "mt-940": (_import_mt940, _count_mt940),
}


def worker(parser: str, path: Path) -> None:
    """Import the parser, then parse ``path`` once; print transactions and the seconds of
    both as JSON."""
    load, count_with = WORKERS[parser]
    start, cpu = time.perf_counter(), time.process_time()
    module = load()
    imported, imported_cpu = time.perf_counter(), time.process_time()
    count = count_with(module, path)
    end, end_cpu = time.perf_counter(), time.process_time()
    print(
        json.dumps(
            {
                "transactions": count,
                "seconds": end - start,
                "cpu_seconds": end_cpu - cpu,
                "import_seconds": imported - start,
                "parse_seconds": end - imported,
                "parse_cpu_seconds": end_cpu - imported_cpu,
            }
        )
    )


def launch(parser: str, path: Path) -> None:
    """Run one worker as the only child and add its peak RSS (KiB) to its output."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.mt940_bench", "--worker", parser, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    out = json.loads(done.stdout)
    out["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps(out))


def measure(parser: str, path: Path) -> dict[str, Any]:
    """One fresh launcher process per measurement."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.mt940_bench", "--launch", parser, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE.parent,
    )
    out: dict[str, Any] = json.loads(done.stdout)
    out["tx_per_s"] = out["transactions"] / out["seconds"]
    out["tx_per_cpu_s"] = out["transactions"] / out["cpu_seconds"]
    out["parse_tx_per_s"] = out["transactions"] / out["parse_seconds"]
    out["parse_tx_per_cpu_s"] = out["transactions"] / out["parse_cpu_seconds"]
    out["peak_rss_mib"] = out["peak_rss_kib"] / 1024
    return out


def ensure_file(size: int) -> Path:
    path = WORK / f"mt940_{size}.sta"
    if not path.exists():
        write(path, size)
    return path


def _ratios(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float]:
    return {
        "speed": ours["tx_per_s"] / theirs["tx_per_s"],
        "speed_cpu": ours["tx_per_cpu_s"] / theirs["tx_per_cpu_s"],
        "parse_speed": ours["parse_tx_per_s"] / theirs["parse_tx_per_s"],
        "parse_speed_cpu": ours["parse_tx_per_cpu_s"] / theirs["parse_tx_per_cpu_s"],
        "memory": ours["peak_rss_kib"] / theirs["peak_rss_kib"],
    }


def _median_run(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time (the lower middle one of an even number)."""
    ordered = sorted(results, key=lambda r: r["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def compile_sources() -> None:
    """Both parsers import from bytecode, as installed packages do: pip compiled mt-940's
    modules when it installed them; bankbridge's (an editable install, and this machine
    sets ``PYTHONDONTWRITEBYTECODE``) are compiled here, next to their sources in the
    usual ``__pycache__`` (``py_compile`` writes them whatever that setting says)."""
    import bankbridge

    compileall.compile_dir(str(Path(bankbridge.__file__).parent), quiet=1)


def run(sizes: list[int], repeat: int = 3) -> dict[str, Any]:
    compile_sources()
    runs: list[dict[str, Any]] = []
    ratios: dict[str, dict[str, float]] = {}
    medians: dict[str, dict[str, float]] = {}
    for size in sizes:
        path = ensure_file(size)
        parsers = ["bankbridge", "mt-940"] + (["bankbridge-bytes"] if size <= 100_000 else [])
        by_parser: dict[str, list[dict[str, Any]]] = {parser: [] for parser in parsers}
        for attempt in range(1, repeat + 1):
            for parser in parsers:
                result = measure(parser, path) | {
                    "parser": parser,
                    "size": size,
                    "file_bytes": path.stat().st_size,
                    "attempt": attempt,
                }
                assert result["transactions"] == size, result
                by_parser[parser].append(result)
                print(
                    f"{size:>9} {parser:<17} run {attempt}: {result['tx_per_s']:>10,.0f} tx/s "
                    f"{result['tx_per_cpu_s']:>10,.0f} tx/cpu-s {result['peak_rss_mib']:>8.1f} MiB"
                )
        best = {}
        for parser, results in by_parser.items():
            fastest = min(results, key=lambda r: r["seconds"])
            runs.append(
                fastest
                | {
                    "runs": len(results),
                    "median_tx_per_s": _median_run(results)["tx_per_s"],
                    "slowest_tx_per_s": max(results, key=lambda r: r["seconds"])["tx_per_s"],
                    # the worst peak of all runs (memory does not drift with load)
                    "peak_rss_kib": max(r["peak_rss_kib"] for r in results),
                    "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
                }
            )
            best[parser] = runs[-1]
        ratios[str(size)] = _ratios(best["bankbridge"], best["mt-940"])
        medians[str(size)] = _ratios(_median_run(by_parser["bankbridge"]), _median_run(by_parser["mt-940"]))
    met = all(
        min(r["speed"], r["speed_cpu"], m["speed"]) >= GOAL_SPEED and r["memory"] <= GOAL_MEMORY
        for r, m in zip(ratios.values(), medians.values(), strict=True)
    )
    return {
        "command": "python -m bench.mt940_bench --sizes " + " ".join(map(str, sizes)) + f" --repeat {repeat}",
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {platform.system()}",
        "goal": {"speed_ratio_at_least": GOAL_SPEED, "memory_ratio_at_most": GOAL_MEMORY},
        "repeat": repeat,
        "runs": runs,
        "ratios": ratios,
        "median_ratios": medians,
        "goal_met": met,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# MT940 parser benchmark",
        "",
        f"`{report['command']}` (Python {report['python']}, {report['machine']}). Generated Dutch",
        "Rabobank-layout files (`bench/gen_mt940.py`); each parser in a fresh process; peak RSS",
        "via `getrusage(RUSAGE_CHILDREN)`. bankbridge streams the statements; mt-940 parses the",
        "whole file; bankbridge-bytes keeps every statement (`FORMAT.parse`).",
        "",
        f"Each parser ran {report['repeat']} times, interleaved with the others; the tables give",
        "each parser's fastest run (its peak memory: the highest of its runs) and the median run's",
        "speed. tx per CPU second (`time.process_time`) is the steadier figure on a shared machine.",
        "The headline figures count the parser's import too (both from bytecode, as installed",
        "packages: pip compiled mt-940's, `compile_sources` compiles bankbridge's before the runs);",
        "*parse only* starts the clock after the import, for both.",
        "",
        "| transactions | parser | tx/s (wall) | tx/CPU-s | seconds | of which import | parse only, tx/s "
        "| median run, tx/s | peak RSS (MiB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["runs"]:
        lines.append(
            f"| {r['size']:,} | {r['parser']} | {r['tx_per_s']:,.0f} | {r['tx_per_cpu_s']:,.0f} "
            f"| {r['seconds']:.2f} | {r['import_seconds']:.3f} | {r['parse_tx_per_s']:,.0f} "
            f"| {r['median_tx_per_s']:,.0f} | {r['peak_rss_mib']:.1f} |"
        )
    lines += [
        "",
        "| transactions | speed, wall (bankbridge / mt-940) | speed, CPU | parse only, wall / CPU "
        "| median runs, wall | peak memory (bankbridge / mt-940) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, ratio in report["ratios"].items():
        median = report["median_ratios"][size]
        lines.append(
            f"| {int(size):,} | {ratio['speed']:.2f}x | {ratio['speed_cpu']:.2f}x "
            f"| {ratio['parse_speed']:.2f}x / {ratio['parse_speed_cpu']:.2f}x | {median['speed']:.2f}x "
            f"| {ratio['memory']:.3f} |"
        )
    goal = report["goal"]
    verdict = "met" if report["goal_met"] else "NOT met"
    wanted = f">= {goal['speed_ratio_at_least']}x speed, <= {goal['memory_ratio_at_most']} memory"
    lines += ["", f"Goal ({wanted}): {verdict}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each parser per size (best counts)")
    parser.add_argument("--worker", nargs=2, metavar=("PARSER", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--launch", nargs=2, metavar=("PARSER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]))
        return
    if args.launch:
        launch(args.launch[0], Path(args.launch[1]))
        return
    report = run(args.sizes, max(1, args.repeat))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mt940.json").write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    (RESULTS / "mt940.md").write_text(markdown(report), "utf-8")
    print(json.dumps({"best": report["ratios"], "median": report["median_ratios"]}, indent=1))


if __name__ == "__main__":
    main()
