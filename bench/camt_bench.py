"""CAMT benchmark: parse a generated 1,000,000-entry CAMT.053 file, report entries/s and
peak memory, write ``bench/results/camt.json`` and ``camt.md``.

Run as ``.venv/bin/python -m bench.camt_bench [--entries N]``. Each measurement runs
in a fresh interpreter so its peak RSS (``VmHWM``) is its own:

* ``stream``: :func:`bankbridge.formats.camt.iter_items` over the file on disk (lines
  yielded and dropped, as an importer that stores them does) — the memory goal;
* ``parse``: ``FORMAT.parse(bytes)`` on a smaller file, which by its contract holds the
  whole file and every parsed line (with its raw XML) in memory at once;
* ``profile``: microseconds of CPU per entry by phase on the smaller file, each phase
  measured by running the reader's steps up to it (best of three).

Rates are given per wall second and per CPU second (``time.process_time``): the
machine is shared, so wall time includes waiting for a core.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.camt_gen import generate

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
GOAL_RATE = 40_000
GOAL_MIB = 100

_PEAK = """
def peak_mib():
    # VmHWM: this process image's own peak RSS (ru_maxrss would carry the parent's
    # high-water mark across fork and exec).
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_STREAM = (
    _PEAK
    + """
import json, sys, time
from bankbridge.formats.camt import iter_items
from bankbridge.statements.model import StatementLine
path = sys.argv[1]
start, cpu = time.perf_counter(), time.process_time()
entries = items = statements = 0
with open(path, "rb") as stream:
    for item in iter_items(stream, source=path):
        if isinstance(item, StatementLine):
            entries += 1
            items += len(item.items)
        elif hasattr(item, "account"):
            statements += 1
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
peak = peak_mib()
print(json.dumps({"entries": entries, "items": items, "statements": statements,
                  "seconds": seconds, "cpu_seconds": cpu_seconds, "peak_rss_mib": peak}))
"""
)

_PARSE = (
    _PEAK
    + """
import json, sys, time
from pathlib import Path
from typing import Any
from bankbridge.formats.camt import FORMAT
data = Path(sys.argv[1]).read_bytes()
start, cpu = time.perf_counter(), time.process_time()
result = FORMAT.parse(data, source=sys.argv[1])
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
entries = sum(len(s.lines) for s in result.statements)
peak = peak_mib()
print(json.dumps({"entries": entries, "seconds": seconds, "cpu_seconds": cpu_seconds,
                  "peak_rss_mib": peak, "file_mib": len(data) / 2**20}))
"""
)


_PROFILE = """
import io, json, sys, time
from lxml import etree
from bankbridge.formats.camt import iter_items
from bankbridge.formats.camt.fast import Shapes, fast_entry
data = open(sys.argv[1], "rb").read()
def entries():
    # as the reader: start events; an entry is complete when the next one starts
    previous = None
    for _, element in etree.iterparse(io.BytesIO(data), events=("start",), tag="{*}Ntry", resolve_entities=False,
                                      no_network=True, load_dtd=False, remove_comments=True, remove_pis=True):
        if previous is not None:
            yield previous
            parent = previous.getparent(); previous.clear(); parent.remove(previous)
        previous = element
    if previous is not None:
        yield previous
def parse():
    for _ in entries(): pass
def serialise():
    for entry in entries(): etree.tostring(entry, encoding="unicode", with_tail=False)
def fast():
    shapes = Shapes()
    for entry in entries(): fast_entry(entry, shapes, "f", "p", entry.sourceline)
def reader():
    for _ in iter_items(io.BytesIO(data), source="f"): pass
n = sum(1 for _ in entries())
out = {}
for name, run in (("parse", parse), ("serialise", serialise), ("fast", fast), ("reader", reader)):
    best = None
    for _ in range(3):
        start = time.process_time(); run(); spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    out[name] = best / n * 1e6
print(json.dumps({"entries": n, "us_per_entry": {
    "libxml2 parse, element clearing (iterparse)": out["parse"],
    "raw serialisation (etree.tostring)": out["serialise"] - out["parse"],
    "fields and StatementLine (fast_entry, less raw)": out["fast"] - out["serialise"],
    "reader loop, paths, statements": out["reader"] - out["fast"],
    "total (iter_items)": out["reader"],
}}))
"""


def _fresh(script: str, path: Path) -> dict[str, float]:
    """Run ``script`` on ``path`` in a new interpreter and return its JSON report."""
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _file(entries: int) -> Path:
    path = WORK / f"camt053_{entries}.xml"
    if not path.exists():
        start = time.perf_counter()
        generate(path, entries=entries)
        print(f"generated {path.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path


def main() -> None:
    """Generate (once), measure in fresh interpreters, write the results."""
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--entries", type=int, default=1_000_000)
    args.add_argument("--parse-entries", type=int, default=100_000)
    opts = args.parse_args()
    big = _file(opts.entries)
    stream = _fresh(_STREAM, big)
    stream["entries_per_s"] = stream["entries"] / stream["seconds"]
    stream["entries_per_cpu_s"] = stream["entries"] / stream["cpu_seconds"]
    stream["file_mib"] = big.stat().st_size / 2**20
    small = _file(opts.parse_entries)
    whole = _fresh(_PARSE, small)
    whole["entries_per_s"] = whole["entries"] / whole["seconds"]
    whole["entries_per_cpu_s"] = whole["entries"] / whole["cpu_seconds"]
    profile = _fresh(_PROFILE, small)
    report = {
        "command": ".venv/bin/python -m bench.camt_bench",
        "python": sys.version.split()[0],
        "goal": {"entries_per_s": GOAL_RATE, "peak_rss_mib": GOAL_MIB},
        "stream": stream,
        "parse": whole,
        "profile": profile,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "camt.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    (RESULTS / "camt.md").write_text(_markdown(report), "utf-8")
    print(json.dumps(report, indent=2))


def _markdown(report: dict[str, Any]) -> str:
    stream, whole, profile = report["stream"], report["parse"], report["profile"]
    rows = "".join(
        f"| {name} | {run['entries']:,} | {run['file_mib']:.0f} | {run['seconds']:.1f} | "
        f"{run['entries_per_s']:,.0f} | {run['cpu_seconds']:.1f} | {run['entries_per_cpu_s']:,.0f} | "
        f"{run['peak_rss_mib']:.0f} |\n"
        for name, run in (("stream (`iter_items`)", stream), ("parse (`FORMAT.parse`, all in memory)", whole))
    )
    phases = "".join(f"| {phase} | {us:.1f} |\n" for phase, us in profile["us_per_entry"].items())
    met = stream["entries_per_s"] >= GOAL_RATE and stream["peak_rss_mib"] < GOAL_MIB
    return (
        "# CAMT benchmark\n\n"
        f"`{report['command']}` (Python {report['python']}, shared 2-core machine).\n\n"
        "| run | entries | file MiB | wall s | entries/s (wall) | CPU s | entries/s (CPU) | peak RSS MiB |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"{rows}\n"
        f"Goal: >= {GOAL_RATE:,} entries/s and < {GOAL_MIB} MiB peak at 1,000,000 entries "
        f"(streaming): {'met' if met else 'not met'} in this run. Every 40th entry is a batch of "
        "three transactions.\n\n"
        f"CPU per entry by phase ({profile['entries']:,} entries, best of three):\n\n"
        "| phase | us per entry |\n|---|---|\n"
        f"{phases}\n"
        "Timings on this shared machine vary between runs (other work competes for the two "
        "cores); the CPU figures vary less than the wall ones.\n"
    )


if __name__ == "__main__":
    main()
