"""Quality and speed of matching: statements with known truth through the real CLI.

A generated ledger bundle (``bankbridge.demo.generate``) and statements drawn from it
with a known right answer per line (``bankbridge.demo.scenarios``: exact, partial,
combined, third party, typo'd reference, conflicting evidence, already paid, ambiguous
amounts, BSN (valid, 8 digits, invalid), PIN with cost allocation, card commission, bank
costs, creditor payments, batches in transit (one total or item by item), a returned
direct debit, unknown) are written as MT940 (Rabobank journals) and CAMT.053 (other
banks), with the sent batches as pain.001 / pain.008 files; then ``bankbridge init /
ledger load / batches add / import / process / export bookings`` run as separate
processes, and the export is scored against the truth:

* precision of automatic bookings: booked lines whose rule and settled invoices are the
  right ones (goal: 100 %, zero wrong); a line booked on the in-transit account or on a
  transaction code must settle nothing;
* share of bookable lines booked (goal ≥ 97 %);
* booked / lines per kind, hit rate per rule; lines per second of import + process
  (registering the batches is timed on its own).

Run: ``python -m bench.quality_bench [--administrations 20 --relations 400 --days 40]``.
Results: ``bench/results/quality.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bankbridge.demo.generate import Shape, generate
from bankbridge.demo.scenarios import Truth, scenario
from bankbridge.formats.camt import FORMAT as CAMT
from bankbridge.formats.mt940 import FORMAT as MT940
from bench import databases, yardstick
from bench.common import name_option, save, shape_of, shape_options
from bench.measure import measure

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))
BUNDLE_VERSION = 2
"""Part of the cached bundle's directory name: raise it when the generator changes."""
NO_SETTLEMENTS = frozenset({"in_transit", "transaction_code"})
"""Rules whose bookings must settle no open item."""


def bundle_dir(shape: Shape) -> Path:
    """Where the bundle of ``shape`` is cached."""
    return WORK / (
        f"quality_bundle_v{BUNDLE_VERSION}_{shape.administrations}x{shape.relations_per_administration}"
        f"x{shape.items_per_relation}s{shape.seed}"
    )


def write_files(bundle: Path, out: Path, *, days: int) -> tuple[list[str], list[str], dict[str, Truth]]:
    """Statement files per journal, the sent batches' pain files, and the truth per bank
    reference."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        old.unlink()
    per_journal: dict[str, list[Any]] = {}
    truth: dict[str, Truth] = {}
    rabo: dict[str, bool] = {}
    made = scenario(bundle, days=days)
    for journal, statement, truths in made.statements:
        key = f"{journal.administration}-{journal.code}"
        per_journal.setdefault(key, []).append(statement)
        rabo[key] = journal.bic == "RABONL2U"
        for line, t in zip(statement.lines, truths, strict=True):
            truth[str(line.bank_reference)] = t
    files = []
    for key, stmts in per_journal.items():
        path = out / (f"{key}.sta" if rabo[key] else f"{key}.xml")
        path.write_bytes((MT940 if rabo[key] else CAMT).write(stmts))
        files.append(str(path))
    pain_files = []
    for pain in made.pain_files:
        path = out / pain.name
        path.write_bytes(pain.data)
        pain_files.append(str(path))
    return sorted(files), sorted(pain_files), truth


def score(records: list[dict[str, Any]], truth: dict[str, Truth]) -> dict[str, Any]:
    """Precision, recall of bookable lines, and hits per rule and per kind of line."""
    booked = wrong = bookable = booked_bookable = 0
    per_kind: Counter[str] = Counter()
    kind_truth: dict[str, set[str]] = {}
    per_kind_proposed: Counter[str] = Counter()
    per_kind_booked: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    wrong_examples: list[dict[str, Any]] = []
    for r in records:
        t = truth[r["bank_reference"]]
        per_kind[t.kind] += 1
        kind_truth.setdefault(t.kind, set()).add(t.status)
        if t.status == "booked":
            bookable += 1
        if r["status"] == "proposed":
            per_kind_proposed[t.kind] += 1
        if r["status"] != "booked":
            continue
        booked += 1
        per_kind_booked[t.kind] += 1
        per_rule[r["rule"]] += 1
        settled = tuple(sorted(s["invoice_number"] for s in r["settlements"]))
        checked = bool(t.invoices) or t.rule in NO_SETTLEMENTS
        right = t.status == "booked" and r["rule"] == t.rule and (not checked or settled == tuple(sorted(t.invoices)))
        if right:
            booked_bookable += 1
        else:
            wrong += 1
            if len(wrong_examples) < 5:
                wrong_examples.append({"kind": t.kind, "rule": r["rule"], "evidence": r["evidence"]})
    return {
        "lines": len(records),
        "bookable": bookable,
        "booked": booked,
        "wrong": wrong,
        "precision": round(100 * (booked - wrong) / booked, 3) if booked else None,
        "bookable_booked_percent": round(100 * booked_bookable / bookable, 2) if bookable else None,
        "booked_per_rule": dict(sorted(per_rule.items())),
        "booked_per_kind": {k: f"{per_kind_booked[k]}/{n}" for k, n in sorted(per_kind.items())},
        "proposed_per_kind": {k: per_kind_proposed[k] for k in sorted(per_kind)},
        "truth_per_kind": {k: "/".join(sorted(v)) for k, v in sorted(kind_truth.items())},
        "wrong_examples": wrong_examples,
    }


def run(shape: Shape, days: int, *, workers: int = 1) -> dict[str, Any]:
    bundle = bundle_dir(shape)
    if not (bundle / "open_items.csv").exists():
        generate(bundle, shape)
    files, pain_files, truth = write_files(bundle, WORK / "quality_files", days=days)
    runs: dict[str, Any] = {}
    before = yardstick.measure_apart(repeat=2)  # the machine's speed drifts: measured before and after
    for kind in databases.available():
        with databases.fresh(kind, "quality_bench") as url:
            export = WORK / "quality_export.jsonl"
            runs[kind] = run_flow(url, bundle, files, pain_files, truth, export=export, workers=workers)
    result = dict(runs["sqlite"])
    result["open_items"] = sum(1 for _ in (bundle / "open_items.csv").open()) - 1
    result["pain_files"] = len(pain_files)
    result["workers"] = workers
    result["yardstick"] = {"before": before, "after": yardstick.measure_apart(repeat=2)}
    result["quality"] = {
        kind: {k: r[k] for k in ("booked", "wrong", "precision", "bookable", "bookable_booked_percent")}
        for kind, r in runs.items()
    }
    result["speed"] = {
        kind: {
            "batches_add": r["batches_add"],
            "import": r["import"],
            "process": r["process"],
            "lines_per_second": r["lines_per_second"],
        }
        for kind, r in runs.items()
    }
    return result


def run_flow(
    url: str,
    bundle: Path,
    files: list[str],
    pain_files: list[str],
    truth: dict[str, Truth],
    *,
    export: Path,
    workers: int = 1,
) -> dict[str, Any]:
    """``init / ledger load / batches add / import / process / export bookings`` on the
    database at ``url``, each step measured; the export scored against ``truth``."""

    def step(*args: str) -> dict[str, Any]:
        return measure([BANKBRIDGE, "--database", url, *args], cwd=str(ROOT.parent))

    step("init")
    step("ledger", "load", str(bundle))
    registered = step("batches", "add", *pain_files) if pain_files else None
    imported = step("import", "--workers", str(workers), *files)
    processed = step("process", "--workers", str(workers))
    step("export", "bookings", "--output", str(export))
    records = [json.loads(line) for line in export.open(encoding="utf-8")]
    result = score(records, truth)
    seconds = imported["seconds"] + processed["seconds"]
    result.update(
        {
            "batches_add": registered,
            "import": imported,
            "process": processed,
            "lines_per_second": round(len(records) / seconds),
        }
    )
    return result


def write(result: dict[str, Any], name: str = "quality") -> str:
    rows = [
        f"# matching quality: {result['lines']:,} lines against {result['open_items']:,} open items (SQLite)",
        "",
        f"import and process with `--workers {result.get('workers', 1)}`.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| precision of automatic bookings | {result['precision']} % "
        f"({result['wrong']} wrong of {result['booked']}) |",
        f"| bookable lines booked | {result['bookable_booked_percent']} % of {result['bookable']} |",
        *[
            f"| {kind}: precision / booked | {r['precision']} % ({r['wrong']} wrong of {r['booked']}) / "
            f"{r['bookable_booked_percent']} % of {r['bookable']} |"
            for kind, r in result.get("quality", {}).items()
            if kind != "sqlite"
        ],
        *[
            f"| {kind}: import / process | {r['import']['seconds']:.1f} s ({r['import']['peak_rss_mib']:.0f} MiB) / "
            f"{r['process']['seconds']:.1f} s ({r['process']['peak_rss_mib']:.0f} MiB); "
            f"{r['lines_per_second']:,} lines/s |"
            for kind, r in result["speed"].items()
        ],
        *(
            [
                "| yardstick (`bench.yardstick`, before / after the flow): this machine against the goal's | "
                + " / ".join(
                    f"{result['yardstick'][when]['speed_of_goal_machine']:.2f} × "
                    f"({result['yardstick'][when]['lines_per_second']:,} lines/s)"
                    for when in ("before", "after")
                )
                + " |"
            ]
            if "yardstick" in result
            else []
        ),
        *[
            f"| {kind}: batches add ({result['pain_files']} pain files, not in lines/s) | "
            f"{r['batches_add']['seconds']:.1f} s ({r['batches_add']['peak_rss_mib']:.0f} MiB) |"
            for kind, r in result["speed"].items()
            if r["batches_add"]
        ],
        "",
        "| kind of line | truth | booked / lines | proposed |",
        "|---|---|---|---|",
        *[
            f"| {k} | {result['truth_per_kind'][k]} | {v} | {result['proposed_per_kind'][k]} |"
            for k, v in result["booked_per_kind"].items()
        ],
        "",
        "| rule | lines booked |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in result["booked_per_rule"].items()],
    ]
    return save(RESULTS / name, result, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    shape_options(parser, administrations=20, relations=400, items_per_relation=2.5, days=40)
    parser.add_argument("--workers", type=int, default=1, help="import --workers and process --workers")
    name_option(parser, "quality")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    print(write(run(shape_of(args), args.days, workers=args.workers), args.name))


if __name__ == "__main__":
    main()
