"""Benchmark of ``bankbridge import``: 1,000,000 lines over 200 accounts and 30 days
(one MT940 file per account, one statement per day), into a fresh SQLite file and a fresh
PostgreSQL database; then the same files again (every line a duplicate).

Run: ``python -m bench.import_bench [--accounts 200 --days 30 --lines 1000000]``.
Results: ``bench/results/import.json`` and ``.md``. Lines per second and peak memory of
the real CLI process (``bench.measure``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from schwifty import IBAN

from bench import databases
from bench.common import save
from bench.measure import measure

ROOT = Path(__file__).resolve().parent
WORK = ROOT / "work"
RESULTS = ROOT / "results"
BANKBRIDGE = str(Path(sys.executable).with_name("bankbridge"))
NAMES = (
    "Bakkerij de Vries",
    "Jansen Installatie",
    "Albert Heijn 1234",
    "KPN BV",
    "Belastingdienst",
    "Transport Smit",
    "Drukkerij Bos",
    "Visser Advies",
)


def _amount(rng: random.Random) -> int:
    return rng.choice((-1, 1)) * rng.randrange(100, 250_000)


def _money(cents: int) -> str:
    return f"{abs(cents) // 100},{abs(cents) % 100:02d}"


def generate(directory: Path, *, accounts: int, days: int, lines: int, seed: int = 7) -> list[str]:
    """One MT940 file per account; returns the account IBANs."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    per_statement = max(1, lines // (accounts * days))
    ibans = []
    start = date(2026, 10, 1)
    for a in range(accounts):
        iban = str(IBAN.generate("NL", bank_code="RABO", account_code=f"{3_000_000_000 + a}").compact)
        ibans.append(iban)
        out = [":940:\n"]
        balance = 1_000_000
        for d in range(days):
            day = (start + timedelta(days=d)).strftime("%y%m%d")
            mark = "C" if balance >= 0 else "D"
            out.append(f":20:{d}\n:25:{iban}\n:28C:{d + 1}\n:60F:{mark}{day}EUR{_money(balance)}\n")
            for k in range(per_statement):
                cents = _amount(rng)
                balance += cents
                name = rng.choice(NAMES)
                out.append(
                    f":61:{day}{day[2:]}{'C' if cents > 0 else 'D'}{_money(cents)}N{rng.choice(('541', '122', '102'))}"
                    f"EREF//{a}-{d}-{k}\nNL91ABNA0417164300\n"
                    f":86:/EREF/E2E{a}{d}{k}/NAME/{name}/REMI/Factuur {rng.randrange(10**7)} periode {d}\n"
                )
            mark = "C" if balance >= 0 else "D"
            out.append(f":62F:{mark}{day}EUR{_money(balance)}\n")
        (directory / f"account_{a:03d}.sta").write_text("".join(out))
    return ibans


def bundle(directory: Path, ibans: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "environments.csv").write_text("code,name,main_environment\nE,Bench,\n")
    (directory / "administrations.csv").write_text(
        "code,environment,name\n" + "".join(f"A{n},E,Adm {n}\n" for n in range(10))
    )
    (directory / "gl_accounts.csv").write_text("environment,number,name,type\nE,1100,Bank,asset\n")
    (directory / "journals.csv").write_text(
        "administration,code,iban,currency,gl_account\n"
        + "".join(f"A{n % 10},B{n:03d},{iban},EUR,1100\n" for n, iban in enumerate(ibans))
    )
    return directory


def run(accounts: int, days: int, lines: int, workers: int) -> dict[str, Any]:
    files_dir = WORK / f"import_{accounts}x{days}x{lines}"
    ibans = generate(files_dir, accounts=accounts, days=days, lines=lines)
    files = sorted(str(p) for p in files_dir.glob("*.sta"))
    total = (lines // (accounts * days)) * accounts * days
    books = bundle(WORK / f"import_bundle_{accounts}", ibans)
    results: dict[str, Any] = {"accounts": accounts, "days": days, "lines": total, "workers": workers, "runs": {}}
    for kind in databases.available():
        with databases.fresh(kind, "import_bench") as url:
            measure([BANKBRIDGE, "--database", url, "init"])
            measure([BANKBRIDGE, "--database", url, "ledger", "load", str(books)])
            first = measure([BANKBRIDGE, "--database", url, "import", "--workers", str(workers), *files])
            again = measure([BANKBRIDGE, "--database", url, "import", "--workers", str(workers), *files])
        results["runs"][kind] = {
            "first_import": first,
            "reimport": again,
            "lines_per_second_first": round(total / first["seconds"]),
            "lines_per_second_reimport": round(total / again["seconds"]),
        }
        print(kind, json.dumps(results["runs"][kind]), file=sys.stderr)
    return results


def write(results: dict[str, Any]) -> str:
    rows = [
        f"# import: {results['lines']:,} lines, {results['accounts']} accounts, {results['days']} days, "
        f"`--workers {results['workers']}`",
        "",
        "| database | first import | lines/s | peak RSS | re-import (all duplicates) | lines/s | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, r in results["runs"].items():
        rows.append(
            f"| {kind} | {r['first_import']['seconds']:.1f} s | {r['lines_per_second_first']:,} | "
            f"{r['first_import']['peak_rss_mib']:.0f} MiB | {r['reimport']['seconds']:.1f} s | "
            f"{r['lines_per_second_reimport']:,} | {r['reimport']['peak_rss_mib']:.0f} MiB |"
        )
    return save(RESULTS / "import", results, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="bankbridge import --workers")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    print(write(run(args.accounts, args.days, args.lines, args.workers)))


if __name__ == "__main__":
    main()
