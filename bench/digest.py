"""A digest of what processing decided and booked in a SQLite database, independent of the
ids the rows happened to get: two runs that decided the same are equal here, whichever
worker stored first or in which order the decisions were written.

Every row is keyed by its statement line's ``(account IBAN, identity)`` instead of its
line id (a journal entry by its line, a settlement and a posting by their entry's line,
a sent batch by its administration and batch id), and ``line N`` in a sentence is
replaced by that key. Covered: the lines' decisions, the journal entries with their
postings and settlements, the bank accounts added by a line, the sent batches and their
items, and the statements' statuses and balances.

``python -m bench.digest DATABASE.db`` prints the digest and the rows it covers per part;
``--parts`` prints each part's own digest, to see which part two runs differ in.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

_LINE = re.compile(r"\bline (\d+)")

Row = tuple[Any, ...]


def _keys(conn: sqlite3.Connection) -> dict[int, str]:
    return {
        i: f"{iban}/{ident}"
        for i, iban, ident in conn.execute("SELECT id, account_iban, identity FROM statement_lines")
    }


def _entries(conn: sqlite3.Connection, line_key: Callable[[int | None], str]) -> dict[int, str]:
    """Each journal entry's key: its line's, or for an entry without a line its own content."""
    out: dict[int, str] = {}
    for entry_id, line_id, adm, journal, voucher, day in conn.execute(
        "SELECT id, statement_line_id, administration, journal, voucher_number, entry_date FROM journal_entries"
    ):
        out[entry_id] = line_key(line_id) if line_id is not None else f"entry {adm}/{journal}/{voucher}/{day}"
    return out


def parts(path: Path) -> dict[str, list[Row]]:
    """The rows of each part, with ids replaced by keys, sorted."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        keys = _keys(conn)

        def line_key(line_id: int | None) -> str:
            return "" if line_id is None else keys.get(line_id, f"missing line {line_id}")

        def text(value: str | None) -> str | None:
            return None if value is None else _LINE.sub(lambda m: f"line {line_key(int(m.group(1)))}", value)

        entries = _entries(conn, line_key)

        def entry_key(entry_id: int | None) -> str:
            return "" if entry_id is None else entries.get(entry_id, f"missing entry {entry_id}")

        batches = {
            i: f"{adm}/{batch}"
            for i, adm, batch in conn.execute("SELECT id, administration, batch_id FROM sent_batches")
        }
        out: dict[str, list[Row]] = {
            "decisions": [
                (line_key(line_id), status, rule, text(evidence), score, text(candidates))
                for line_id, status, rule, evidence, score, candidates in conn.execute(
                    "SELECT line_id, status, rule, evidence, score, candidates FROM line_decisions"
                )
            ],
            "entries": [
                (entries[i], adm, journal, voucher, day, currency, text(description), reversed_at is not None, rule)
                for i, adm, journal, voucher, day, currency, description, reversed_at, rule in conn.execute(
                    "SELECT id, administration, journal, voucher_number, entry_date, currency, description,"
                    " reversed_at, rule FROM journal_entries"
                )
            ],
            "postings": [
                (entry_key(e), gl, rel, amount, allocations)
                for e, gl, rel, amount, allocations in conn.execute(
                    "SELECT entry_id, gl_account, relation, amount_minor, allocations FROM postings"
                )
            ],
            "settlements": [
                (entry_key(e), adm, number, rel, amount, reopened)
                for e, adm, number, rel, amount, reopened in conn.execute(
                    "SELECT entry_id, administration, invoice_number, relation, amount_minor, reopened FROM settlements"
                )
            ],
            "bank_accounts": [
                (adm, rel, iban, status, line_key(line_id))
                for adm, rel, iban, status, line_id in conn.execute(
                    "SELECT administration, relation, iban, status, added_by_line FROM relation_bank_accounts"
                )
            ],
            "batches": [
                (batches[i], status, entry_key(e), line_key(line_id), bank_status)
                for i, status, e, line_id, bank_status in conn.execute(
                    "SELECT id, status, entry_id, cleared_line_id, bank_status FROM sent_batches"
                )
            ],
            "batch_items": [
                (batches[b], position, status, line_key(line_id), text(booking), entry_key(rejected))
                for b, position, status, line_id, booking, rejected in conn.execute(
                    "SELECT sent_batch_id, position, status, cleared_line_id, booking, rejected_entry_id"
                    " FROM sent_batch_items"
                )
            ],
            "statements": [
                tuple(row)
                for row in conn.execute(
                    "SELECT administration, journal, statement_date, voucher_number, opening_minor, closing_minor,"
                    " status FROM statements"
                )
            ],
        }
    finally:
        conn.close()
    return {name: sorted(rows, key=repr) for name, rows in out.items()}


def digest(rows: Iterable[Row]) -> str:
    """A short hash of rows in their order."""
    h = hashlib.blake2b(digest_size=8)
    for row in rows:
        h.update(repr(row).encode())
        h.update(b"\n")
    return h.hexdigest()


def summary(found: dict[str, list[Row]]) -> str:
    """The whole digest: of every part's digest, in the parts' order."""
    return digest((name, digest(rows), len(rows)) for name, rows in found.items())


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.digest", description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a SQLite database file")
    parser.add_argument("--parts", action="store_true", help="each part's digest too")
    args = parser.parse_args(argv)
    found = parts(args.database)
    print(f"{summary(found)}  ({', '.join(f'{len(rows):,} {name}' for name, rows in found.items())})")
    if args.parts:
        for name, rows in found.items():
            print(f"{name:>14}  {digest(rows)}  {len(rows):,}")


if __name__ == "__main__":
    main()
