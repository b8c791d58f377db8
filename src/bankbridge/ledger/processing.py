"""Records of processing: a line waiting for a decision, what is written back for it,
and the journal entry of a booked line."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

from bankbridge.ledger.model import Posting, Settlement
from bankbridge.money import to_minor
from bankbridge.statements.model import StatementLine


class PendingIds(Sequence[tuple[int, str]]):
    """``(line id, administration)`` pairs of the lines waiting for a decision, held
    compactly: the ids in an array of 64-bit integers, the administrations as references
    to one string per code. A million pairs as tuples held about 90 MiB in the process
    that reads them, and as much again in each processing worker forked from it (reading
    a tuple writes its reference count, so the worker copies the page); as arrays they
    hold 16 MiB, and the workers read them without copying."""

    __slots__ = ("administrations", "ids")

    def __init__(self, pairs: Iterable[tuple[int, str]] = ()) -> None:
        self.ids = array("q")
        self.administrations: list[str] = []
        for line_id, administration in pairs:
            self.append(line_id, administration)

    def append(self, line_id: int, administration: str) -> None:
        self.ids.append(line_id)
        self.administrations.append(administration)

    def extend(self, other: PendingIds) -> None:
        self.ids.extend(other.ids)
        self.administrations.extend(other.administrations)

    def by_administration(self) -> dict[str, PendingIds]:
        """The pairs per administration, in the order of each one's first pair; each
        administration's pairs keep their order."""
        out: dict[str, PendingIds] = {}
        for line_id, administration in self:
            found = out.get(administration)
            if found is None:
                found = out[administration] = PendingIds()
            found.append(line_id, administration)
        return out

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> tuple[int, str]: ...

    @overload
    def __getitem__(self, index: slice) -> PendingIds: ...

    def __getitem__(self, index: int | slice) -> tuple[int, str] | PendingIds:
        if isinstance(index, slice):
            part = PendingIds()
            part.ids = self.ids[index]
            part.administrations = self.administrations[index]
            return part
        return self.ids[index], self.administrations[index]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return zip(self.ids, self.administrations, strict=True)

    def __repr__(self) -> str:
        return f"PendingIds({list(self)!r})"


@dataclass(frozen=True, slots=True)
class PendingLine:
    """A stored statement line not booked yet, with its statement's voucher number."""

    line_id: int
    statement_id: int
    administration: str
    journal: str
    bank_bic: str | None
    account_iban: str
    currency: str
    voucher_number: str
    line: StatementLine
    status: str = "open"


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """What is written back on a line: status, rule, evidence, score, candidates (JSON)."""

    line_id: int
    status: str
    rule: str | None
    evidence: str
    score: int
    candidates: str = "[]"


@dataclass(frozen=True, slots=True)
class Booking:
    """The journal entry of one booked line (R-D9)."""

    line_id: int
    administration: str
    journal: str
    voucher_number: str
    entry_date: date
    currency: str
    rule: str | None
    postings: tuple[Posting, ...]
    settlements: tuple[Settlement, ...] = ()
    description: str = ""


AddedAccount = tuple[int, str, str, str, str]
"""A bank account a booking added to a relation (R-C6), as it is stored: the line whose
booking added it, administration, relation, IBAN and status (``under_review`` or
``approved``). Plain values: a processing worker sends hundreds of thousands of them (as a
frozen dataclass with an enum, one took ten times as long to pickle and unpickle)."""


@dataclass(frozen=True, slots=True)
class SaveRows:
    """Decisions as the storage layer writes them: plain tuples (line id first where the
    journal entry's id is only known once stored), cheap to send between processes."""

    statuses: list[tuple[Any, ...]]
    entries: list[tuple[Any, ...]]
    postings: list[tuple[Any, ...]]
    settlements: list[tuple[Any, ...]]


def save_rows(outcomes: Sequence[LineOutcome], bookings: Sequence[Booking]) -> SaveRows:
    """Decisions as the rows the storage layer writes (pure: a processing worker makes
    them and sends them, as plain tuples, to the process that stores them). Entries:
    administration, journal, voucher, date, currency, line id, description, reversed at,
    rule; postings and settlements start with the line id of their entry."""
    rows = SaveRows([], [], [], [])
    for o in outcomes:
        rows.statuses.append((o.line_id, o.status, o.rule, o.evidence, o.score, o.candidates))
    for b in bookings:
        add_entry(
            rows,
            line_id=b.line_id,
            administration=b.administration,
            journal=b.journal,
            voucher_number=b.voucher_number,
            entry_date=b.entry_date,
            currency=b.currency,
            rule=b.rule,
            postings=b.postings,
            settlements=b.settlements,
            description=b.description,
        )
    return rows


def add_entry(
    rows: SaveRows,
    *,
    line_id: int,
    administration: str,
    journal: str,
    voucher_number: str,
    entry_date: date | None,
    currency: str,
    rule: str | None,
    postings: Sequence[Posting],
    settlements: Sequence[Settlement],
    description: str,
) -> None:
    """The rows of one line's journal entry (a :class:`Booking`'s fields): processing adds
    them straight from the engine's decision, without the :class:`Booking` in between.
    ``entry_date``: the line's booking date, else its value date (every reader gives a
    line a value date; the column refuses none)."""
    rows.entries.append(
        (administration, journal, voucher_number, entry_date, currency, line_id, description, None, rule)
    )
    rows.postings.extend(
        (
            line_id,
            p.gl_account,
            p.relation,
            to_minor(p.amount, currency),
            "|".join(f"{a}={c}" for a, c in p.allocations) if p.allocations else "",
        )
        for p in postings
    )
    if settlements:
        rows.settlements.extend(
            (line_id, administration, st.invoice_number, st.relation, to_minor(st.amount, currency), False)
            for st in settlements
        )
