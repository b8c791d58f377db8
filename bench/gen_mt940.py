"""Generate large, realistic Dutch MT940 files (Rabobank "MT940 Structured" layout).

Deterministic for a given seed: several accounts, one statement per account per day of
a few hundred entries each, SEPA transfers, iDEAL, direct debits with mandate and
creditor id, returned debits, structured payment references, batch debits. Written
line by line, so files of millions of transactions need no memory.

    python -m bench.gen_mt940 OUT.sta --transactions 100000 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ACCOUNTS = ("NL44RABO0123456789", "NL91ABNA0417164300", "NL69INGB0123456789", "NL02RABO0987654321")
NAMES = (
    "Bakkerij Jansen",
    "Webwinkel BV",
    "Gemeente Utrecht",
    "J. de Vries",
    "Stichting Derden Mollie",
    "Belastingdienst",
    "Vitens NV",
    "KPN B.V.",
    "A.B. van den Berg",
    "Coolblue B.V.",
)
COUNTER_IBANS = (
    "NL91ABNA0417164300",
    "NL86INGB0002445588",
    "NL44RABO0123456789",
    "NL20INGB0001234567",
    "NL39RABO0300065264",
    "NL13TEST0123456789",
    "NL55ABNA0123456789",
)
WIDTH = 65


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}".rjust(15, "0")


def _wrap(text: str) -> list[str]:
    return [text[i : i + WIDTH] for i in range(0, len(text), WIDTH)]


def _entry(rng: random.Random, day: date, seq: int) -> tuple[int, list[str]]:
    kind = rng.random()
    cents = rng.randint(100, 250_000)
    name = rng.choice(NAMES)
    iban = rng.choice(COUNTER_IBANS)
    e2e = f"E2E-{day:%Y%m%d}-{seq:06d}"
    if kind < 0.45:  # incoming transfer with a payment reference
        sign, code, label = 1, "N541", "EREF"
        ref = f"{rng.randint(10**15, 10**16 - 1)}"
        info = f"/EREF/{e2e}/ORDP//NAME/{name}/REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/{ref}"
    elif kind < 0.65:  # outgoing transfer
        sign, code, label = -1, "N586", "EREF"
        info = f"/EREF/{e2e}/BENM//NAME/{name}/REMI/Factuur F{day:%Y}-{seq:05d} klant {seq % 977}"
    elif kind < 0.80:  # direct debit
        sign, code, label = -1, "N065", "EREF"
        info = (
            f"/EREF/{e2e}/MARF/MND-{seq % 5000:05d}/CSID/NL98ZZZ999999999999/BENM//NAME/{name}"
            f"/REMI/Termijn {day:%m-%Y} contract {seq % 313}/ISDT/{day:%Y-%m-%d}"
        )
    elif kind < 0.92:  # iDEAL received
        sign, code, label = 1, "N100", "EREF"
        info = (
            f"/EREF/{day:%d-%m-%Y} 10:{seq % 60:02d} 0030001{seq:09d}/ORDP//NAME/{name}"
            f"/REMI/{seq:07d} 0030001{seq:09d} Order {seq}"
        )
    elif kind < 0.97:  # returned direct debit
        sign, code, label = -1, "N111", "EREF"
        info = f"/RTRN/MS03/EREF/{e2e}/MARF/MND-{seq % 5000:05d}/BENM//NAME/{name}/REMI/Retour"
    else:  # batch booking
        sign, code, label = -1, "N214", "PREF"
        iban = "0000000000"
        info = f"/PREF/PMTINF-{day:%Y-%m-%d}-{seq:04d}/NRTX/{rng.randint(2, 40)}"
    mark = "C" if sign > 0 else "D"
    lines = [f":61:{day:%y%m%d}{mark}{_amount(cents)}{code}{label}//{day:%y%m%d}{seq:010d}", iban]
    chunks = _wrap(info)
    lines.append(":86:" + chunks[0])
    lines.extend(chunks[1:])
    return sign * cents, lines


def generate(transactions: int, *, seed: int = 1, per_statement: int = 250) -> Iterator[str]:
    """The lines of a file with ``transactions`` entries."""
    rng = random.Random(seed)
    balances = dict.fromkeys(ACCOUNTS, 1_000_000)
    day, done, seq = date(2025, 1, 1), 0, 0
    yield ":940:"
    while done < transactions:
        for account in ACCOUNTS:
            count = min(rng.randint(per_statement // 2, per_statement * 3 // 2), transactions - done)
            if count <= 0:
                break
            opening = balances[account]
            body: list[str] = []
            for _ in range(count):
                seq += 1
                cents, lines = _entry(rng, day, seq)
                balances[account] += cents
                body.extend(lines)
            done += count
            yield from _statement(account, day, opening, balances[account], body)
        day += timedelta(days=1)


def _statement(account: str, day: date, opening: int, closing: int, body: list[str]) -> Iterator[str]:
    def bal(tag: str, cents: int, when: date) -> str:
        return f":{tag}:{'C' if cents >= 0 else 'D'}{when:%y%m%d}EUR{_amount(abs(cents))}"

    yield f":20:940S{day:%y%m%d}"
    yield f":25:{account}"
    yield f":28C:{day.timetuple().tm_yday}"
    yield bal("60F", opening, day - timedelta(days=1))
    yield from body
    yield bal("62F", closing, day)


def write(path: Path, transactions: int, *, seed: int = 1) -> Path:
    """Write a generated file (CRLF line endings, as banks deliver them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\r\n") as handle:
        for line in generate(transactions, seed=seed):
            handle.write(line + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.out, args.transactions, seed=args.seed)


if __name__ == "__main__":
    main()
