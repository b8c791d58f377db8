"""Use cases for master data: load a ledger bundle (validate all, then store all) and
dump it back.

Loading reads every file except ``open_items.csv`` into memory, checks each row and
every reference across files (against the bundle and what is already stored), then
streams the open items in batches. Nothing is committed unless the whole bundle is
clean; with any error the transaction is rolled back and all errors are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bankbridge.errors import InputError, LedgerImportError
from bankbridge.ledger import validate as v
from bankbridge.ledger.bundle import FILES, SPECS, FileSpec, key_of
from bankbridge.ledger.bundle_files import RowReader, write_file
from bankbridge.ledger.model import LedgerBundle
from bankbridge.services.ports import UnitOfWork

MAX_REPORTED = 50
OPEN_ITEMS = "open_items.csv"


class BundleRejected(InputError):
    """A bundle with bad rows; ``errors`` holds every one (``file:line: column: problem``)."""

    def __init__(self, errors: list[LedgerImportError]) -> None:
        self.errors = errors
        shown = [str(e) for e in errors[:MAX_REPORTED]]
        more = len(errors) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
        super().__init__(text)


@dataclass(slots=True)
class LoadReport:
    """Rows read per file."""

    counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Loaded:
    """The records of one small file with their line numbers."""

    records: list[Any] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _read(path: Path, spec: FileSpec, errors: list[LedgerImportError]) -> _Loaded:
    loaded = _Loaded()
    seen: dict[tuple[str, ...], int] = {}
    for line, record in RowReader(path, spec, errors):
        key = key_of(spec, record)
        if key in seen:
            errors.append(
                LedgerImportError(
                    spec.name, line, spec.key[-1], f"duplicate key {'/'.join(key)} (first on line {seen[key]})"
                )
            )
            continue
        seen[key] = line
        loaded.records.append(record)
        loaded.lines.append(line)
    return loaded


def _check(
    spec: FileSpec, loaded: _Loaded, errors: list[LedgerImportError], check: Callable[[Any], v.Problems]
) -> None:
    for line, record in zip(loaded.lines, loaded.records, strict=True):
        errors.extend(LedgerImportError(spec.name, line, column, problem) for column, problem in check(record))


def _cross_check(files: dict[str, _Loaded], stored: LedgerBundle, errors: list[LedgerImportError]) -> v.MasterIndex:
    new = LedgerBundle(**{name.removesuffix(".csv"): tuple(files[name].records) for name in files})
    idx = v.MasterIndex()
    idx.add(stored)
    stored_admins = dict(idx.administrations)
    idx.add(new)
    replaced_j = {(j.administration, j.code) for j in new.journals}
    replaced_r = {(r.administration, r.number) for r in new.relations}
    iban_owner, bsn_owner = v.owners(
        [j for j in stored.journals if (j.administration, j.code) not in replaced_j],
        [r for r in stored.relations if (r.administration, r.number) not in replaced_r],
        idx,
    )
    checks: dict[str, Callable[[Any], v.Problems]] = {
        "environments.csv": lambda r: v.check_environment(r, idx),
        "administrations.csv": lambda r: v.check_administration(r, idx, stored_admins.get(r.code)),
        "gl_accounts.csv": lambda r: v.check_gl_account(r, idx),
        "journals.csv": lambda r: _claim(
            v.check_journal(r, idx, iban_owner), iban_owner, r.iban, (r.administration, r.code)
        ),
        "relations.csv": lambda r: _claim_bsn(r, idx, bsn_owner),
        "relation_bank_accounts.csv": lambda r: v.check_bank_account(r, idx),
        "transaction_codes.csv": lambda r: v.check_transaction_code(r, idx),
        "allocations.csv": lambda r: v.check_allocation(r, idx),
    }
    for name, check in checks.items():
        _check(SPECS[name], files[name], errors, check)
    _recheck_stored(files, stored, idx, iban_owner, errors)
    return idx


STORED_DEPENDENTS = (
    "environments.csv",
    "administrations.csv",
    "gl_accounts.csv",
    "journals.csv",
    "transaction_codes.csv",
    "allocations.csv",
)
"""The kinds of stored record that a bundle can make wrong without touching them: a
sub environment whose main becomes a sub itself, a journal, administration or
transaction code whose GL account moves to another administration or stops being an
asset, an allocation whose GL account loses an axis. (Relations, bank accounts and open
items refer only to administrations and relations, which a bundle cannot remove.)"""


def _recheck_stored(
    files: dict[str, _Loaded],
    stored: LedgerBundle,
    idx: v.MasterIndex,
    iban_owner: dict[str, tuple[str, str]],
    errors: list[LedgerImportError],
) -> None:
    """Check the stored records the bundle leaves as they are against the merged master
    data: a change that breaks one is reported on the file of that record's kind, with
    the stored record's key (it has no line in the bundle)."""
    checks: dict[str, Callable[[Any], v.Problems]] = {
        "environments.csv": lambda r: v.check_environment(r, idx),
        "administrations.csv": lambda r: v.check_administration(r, idx, r),
        "gl_accounts.csv": lambda r: v.check_gl_account(r, idx),
        "journals.csv": lambda r: v.check_journal(r, idx, iban_owner),
        "transaction_codes.csv": lambda r: v.check_transaction_code(r, idx),
        "allocations.csv": lambda r: v.check_allocation(r, idx),
    }
    for name in STORED_DEPENDENTS:
        spec = SPECS[name]
        replaced = {key_of(spec, record) for record in files[name].records}
        for record in getattr(stored, name.removesuffix(".csv")):
            key = key_of(spec, record)
            if key in replaced:
                continue
            errors.extend(
                LedgerImportError(
                    name,
                    None,
                    column,
                    f"the stored row {'/'.join(key)} would become wrong: {problem}; "
                    "this bundle must change that row too, or leave out the change that breaks it",
                )
                for column, problem in checks[name](record)
            )


def _claim(problems: v.Problems, owner: dict[Any, Any], key: Any, value: Any) -> v.Problems:
    if not problems:
        owner.setdefault(key, value)
    return problems


def _claim_bsn(rel: Any, idx: v.MasterIndex, bsn_owner: dict[tuple[str, str], tuple[str, str]]) -> v.Problems:
    problems = v.check_relation(rel, idx, bsn_owner)
    env = idx.environment_of(rel.administration)
    if not problems and rel.bsn is not None and env is not None:
        bsn_owner.setdefault((env, rel.bsn), (rel.administration, rel.number))
    return problems


def load_bundle(directory: Path, uow: UnitOfWork, *, progress: Callable[[int], None] | None = None) -> LoadReport:
    """Validate and store the bundle in ``directory``; raises :class:`BundleRejected`."""
    if not directory.is_dir():
        raise InputError(f"{directory}: not a directory (a ledger bundle is a folder of CSV files)")
    unknown = sorted(p.name for p in directory.glob("*.csv") if p.name not in SPECS)
    errors = [
        LedgerImportError(name, None, None, "unknown file in the bundle (see ledger-import.md)") for name in unknown
    ]
    files = {
        spec.name: _read(directory / spec.name, spec, errors) if (directory / spec.name).exists() else _Loaded()
        for spec in FILES
        if spec.name != OPEN_ITEMS
    }
    report = LoadReport({name: len(loaded.records) for name, loaded in files.items()})
    with uow:
        # Open amounts are what deciding a line reads and lowers: no run decides meanwhile
        # (one that had read an item as open would lower it again after the load).
        uow.bookings.lock_deciding(None)
        idx = _cross_check(files, uow.ledger.master_data(), errors)
        for spec in FILES:
            if spec.name != OPEN_ITEMS and not errors:
                uow.ledger.upsert(spec.name, files[spec.name].records, idx.environment_of)
        report.counts[OPEN_ITEMS] = _load_open_items(directory / OPEN_ITEMS, uow, idx, errors, progress)
        if errors:
            uow.rollback()
            raise BundleRejected(errors)
        uow.commit()
    return report


def _load_open_items(
    path: Path,
    uow: UnitOfWork,
    idx: v.MasterIndex,
    errors: list[LedgerImportError],
    progress: Callable[[int], None] | None,
) -> int:
    if not path.exists():
        return 0
    spec = SPECS[OPEN_ITEMS]
    seen: dict[tuple[str, str], int] = {}
    batch: list[Any] = []
    count = 0
    for line, item in RowReader(path, spec, errors):
        key = (item.administration, item.invoice_number)
        problems = v.check_open_item(item, idx)
        if key in seen:
            problems.append(("invoice_number", f"duplicate key {'/'.join(key)} (first on line {seen[key]})"))
        else:
            seen[key] = line
        errors.extend(LedgerImportError(spec.name, line, column, problem) for column, problem in problems)
        if errors:
            continue
        batch.append(item)
        count += 1
        if len(batch) >= 20_000:
            uow.ledger.upsert(OPEN_ITEMS, batch, idx.environment_of)
            batch.clear()
            if progress:
                progress(count)
    if batch and not errors:
        uow.ledger.upsert(OPEN_ITEMS, batch, idx.environment_of)
    return count


def dump_bundle(directory: Path, uow: UnitOfWork) -> dict[str, int]:
    """Write every bundle file to ``directory`` (created when missing); counts per file."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with uow:
        for spec in FILES:
            counter = _Counter(uow.ledger.records(spec.name))
            write_file(directory / spec.name, spec, counter)
            counts[spec.name] = counter.count
    return counts


class _Counter:
    """Counts what passes through an iterator (open items are streamed, not held)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Any:
        for item in self.items:
            self.count += 1
            yield item
