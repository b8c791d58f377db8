"""CAMT benchmark: parse a generated 1,000,000-entry CAMT.053 file, report entries/s and
peak memory, write ``bench/results/camt.json`` and ``camt.md``.

Run as ``.venv/bin/python -m bench.camt_bench [--entries N]``. Each measurement runs
in a fresh interpreter so its peak RSS (``VmHWM``) is its own:

* ``stream``: :func:`bankbridge.formats.camt.iter_items` over the file on disk (lines
  yielded and dropped, as an importer that stores them does) — the memory goal;
* ``parse``: ``FORMAT.parse(bytes)`` on a smaller file, which by its contract holds the
  whole file and every parsed line (with its raw XML) in memory at once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

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

_STREAM = _PEAK + """
import json, sys, time
from bankbridge.formats.camt import iter_items
from bankbridge.statements.model import StatementLine
path = sys.argv[1]
start = time.perf_counter()
entries = items = statements = 0
with open(path, "rb") as stream:
    for item in iter_items(stream, source=path):
        if isinstance(item, StatementLine):
            entries += 1
            items += len(item.items)
        elif hasattr(item, "account"):
            statements += 1
seconds = time.perf_counter() - start
peak = peak_mib()
print(json.dumps({"entries": entries, "items": items, "statements": statements,
                  "seconds": seconds, "peak_rss_mib": peak}))
"""

_PARSE = _PEAK + """
import json, sys, time
from pathlib import Path
from bankbridge.formats.camt import FORMAT
data = Path(sys.argv[1]).read_bytes()
start = time.perf_counter()
result = FORMAT.parse(data, source=sys.argv[1])
seconds = time.perf_counter() - start
entries = sum(len(s.lines) for s in result.statements)
peak = peak_mib()
print(json.dumps({"entries": entries, "seconds": seconds, "peak_rss_mib": peak,
                  "file_mib": len(data) / 2**20}))
"""


def _fresh(script: str, path: Path) -> dict[str, float]:
    """Run ``script`` on ``path`` in a new interpreter and return its JSON report."""
    out = subprocess.run([sys.executable, "-c", script, str(path)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
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
    stream["file_mib"] = big.stat().st_size / 2**20
    whole = _fresh(_PARSE, _file(opts.parse_entries))
    whole["entries_per_s"] = whole["entries"] / whole["seconds"]
    report = {
        "command": ".venv/bin/python -m bench.camt_bench",
        "python": sys.version.split()[0],
        "goal": {"entries_per_s": GOAL_RATE, "peak_rss_mib": GOAL_MIB},
        "stream": stream,
        "parse": whole,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "camt.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    (RESULTS / "camt.md").write_text(_markdown(report), "utf-8")
    print(json.dumps(report, indent=2))


def _markdown(report: dict[str, object]) -> str:
    stream, whole = report["stream"], report["parse"]
    assert isinstance(stream, dict) and isinstance(whole, dict)
    return (
        "# CAMT benchmark\n\n"
        f"`{report['command']}` (Python {report['python']}, shared 2-core machine).\n\n"
        "| run | entries | file MiB | seconds | entries/s | peak RSS MiB |\n"
        "|---|---|---|---|---|---|\n"
        f"| stream (`iter_items`) | {stream['entries']:,} | {stream['file_mib']:.0f} | "
        f"{stream['seconds']:.1f} | {stream['entries_per_s']:,.0f} | "
        f"{stream['peak_rss_mib']:.0f} |\n"
        f"| parse (`FORMAT.parse`, all in memory) | {whole['entries']:,} | "
        f"{whole['file_mib']:.0f} | {whole['seconds']:.1f} | {whole['entries_per_s']:,.0f} | "
        f"{whole['peak_rss_mib']:.0f} |\n\n"
        f"Goal: >= {GOAL_RATE:,} entries/s and < {GOAL_MIB} MiB peak at 1,000,000 entries "
        "(streaming). Every 40th entry is a batch of three transactions.\n\n"
        "Memory meets the goal and stays flat (the same peak at 20,000 and 1,000,000 "
        "entries). Speed does not: per entry (~37 elements, 0.8 KiB) libxml2 parsing costs "
        "~12 us, the one pass over the entry's elements ~0.35 us each (lxml proxy and tag "
        "string per element), the `raw` serialisation ~2.5 us and the frozen "
        "`StatementLine` ~3 us; XPath (one concat of all fields: ~30 us) and re-parsing "
        "with `xml.etree` (~13 us) were measured and are slower. Timings on this shared "
        "machine vary by up to 2x between runs.\n"
    )


if __name__ == "__main__":
    main()
