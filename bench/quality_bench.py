"""Quality and speed of matching: statements with known truth through the real CLI.

A generated ledger bundle (``bankbridge.demo.generate``) and statements drawn from it
with a known right answer per line (``bankbridge.demo.scenarios``: exact, partial, third
party, typo'd reference, BSN, PIN with cost allocation, bank costs, creditor payments,
unknown …) are written as MT940 (Rabobank journals) and CAMT.053 (other banks), then
``bankbridge init / ledger load / import / process / export bookings`` run as separate
processes, and the export is scored against the truth:

* precision of automatic bookings: booked lines whose rule and settled invoices are the
  right ones (goal: 100 %, zero wrong);
* share of bookable lines booked (goal ≥ 97 %);
* hit rate per rule; lines per second of import + process.

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
from bankbridge.demo.scenarios import Truth, statements
from bankbridge.formats.camt import FORMAT as CAMT
from bankbridge.formats.mt940 import FORMAT as MT940
from bench import databases
from bench.measure import measure

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))


def write_files(bundle: Path, out: Path, *, days: int) -> tuple[list[str], dict[str, Truth]]:
    """Statement files per journal, and the truth per bank reference."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*"):
        old.unlink()
    per_journal: dict[str, list[Any]] = {}
    truth: dict[str, Truth] = {}
    rabo: dict[str, bool] = {}
    for journal, statement, truths in statements(bundle, days=days):
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
    return sorted(files), truth


def score(records: list[dict[str, Any]], truth: dict[str, Truth]) -> dict[str, Any]:
    """Precision, recall of bookable lines, and hits per rule and per kind of line."""
    booked = wrong = bookable = booked_bookable = 0
    per_kind: Counter[str] = Counter()
    per_kind_booked: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    wrong_examples = []
    for r in records:
        t = truth[r["bank_reference"]]
        per_kind[t.kind] += 1
        if t.status == "booked":
            bookable += 1
        if r["status"] != "booked":
            continue
        booked += 1
        per_kind_booked[t.kind] += 1
        per_rule[r["rule"]] += 1
        settled = tuple(sorted(s["invoice_number"] for s in r["settlements"]))
        right = (
            t.status == "booked" and r["rule"] == t.rule and (not t.invoices or settled == tuple(sorted(t.invoices)))
        )
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
        "wrong_examples": wrong_examples,
    }


def run(shape: Shape, days: int) -> dict[str, Any]:
    bundle = WORK / f"quality_bundle_{shape.administrations}x{shape.relations_per_administration}"
    if not (bundle / "open_items.csv").exists():
        generate(bundle, shape)
    files, truth = write_files(bundle, WORK / "quality_files", days=days)
    runs: dict[str, Any] = {}
    for kind in databases.available():
        with databases.fresh(kind, "quality_bench") as url:
            runs[kind] = _run_on(url, bundle, files, truth)
    result = dict(runs["sqlite"])
    result["open_items"] = sum(1 for _ in (bundle / "open_items.csv").open()) - 1
    result["speed"] = {
        kind: {"import": r["import"], "process": r["process"], "lines_per_second": r["lines_per_second"]}
        for kind, r in runs.items()
    }
    return result


def _run_on(url: str, bundle: Path, files: list[str], truth: dict[str, Truth]) -> dict[str, Any]:
    measure([BANKBRIDGE, "--database", url, "init"])
    measure([BANKBRIDGE, "--database", url, "ledger", "load", str(bundle)])
    imported = measure([BANKBRIDGE, "--database", url, "import", *files])
    processed = measure([BANKBRIDGE, "--database", url, "process"])
    export = WORK / "quality_export.jsonl"
    measure([BANKBRIDGE, "--database", url, "export", "bookings", "--output", str(export)])
    records = [json.loads(line) for line in export.open(encoding="utf-8")]
    result = score(records, truth)
    seconds = imported["seconds"] + processed["seconds"]
    result.update({"import": imported, "process": processed, "lines_per_second": round(len(records) / seconds)})
    return result


def write(result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quality.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        f"# matching quality: {result['lines']:,} lines against {result['open_items']:,} open items (SQLite)",
        "",
        "| measure | value |",
        "|---|---|",
        f"| precision of automatic bookings | {result['precision']} % "
        f"({result['wrong']} wrong of {result['booked']}) |",
        f"| bookable lines booked | {result['bookable_booked_percent']} % of {result['bookable']} |",
        *[
            f"| {kind}: import / process | {r['import']['seconds']:.1f} s ({r['import']['peak_rss_mib']:.0f} MiB) / "
            f"{r['process']['seconds']:.1f} s ({r['process']['peak_rss_mib']:.0f} MiB); "
            f"{r['lines_per_second']:,} lines/s |"
            for kind, r in result["speed"].items()
        ],
        "",
        "| kind of line | booked / lines |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in result["booked_per_kind"].items()],
        "",
        "| rule | lines booked |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in result["booked_per_rule"].items()],
    ]
    (RESULTS / "quality.md").write_text("\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--administrations", type=int, default=20)
    parser.add_argument("--relations", type=int, default=400, help="per administration")
    parser.add_argument("--items-per-relation", type=float, default=2.5)
    parser.add_argument("--days", type=int, default=40)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    write(run(Shape(args.administrations, args.relations, args.items_per_relation), args.days))
    print((RESULTS / "quality.md").read_text())


if __name__ == "__main__":
    main()
