"""What every step works with: the line in its setting, the books, and the batch state.

:class:`BatchState` is the only mutable thing in the engine: what earlier lines of the
same batch already consumed (open amounts, in-transit batches, added bank accounts).
Lines are processed in a canonical order, so the state does not depend on input order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bankbridge.identifiers import iban as iban_id
from bankbridge.ledger.model import Administration, Journal, OpenItem, Relation, RelationKind
from bankbridge.matching.books import Books
from bankbridge.matching.model import LineInput
from bankbridge.matching.money_cases import ItemView
from bankbridge.money import ZERO
from bankbridge.statements.twin import twin_of


@dataclass(slots=True)
class BatchState:
    """What the lines decided so far in this batch have consumed."""

    remaining: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    paid_by: dict[tuple[str, str], int] = field(default_factory=dict)
    transit_used: set[tuple[str, str, int]] = field(default_factory=set)
    transit_touched: set[tuple[str, str]] = field(default_factory=set)
    added_ibans: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class LineContext:
    """One line with its administration, journal and the shared books and state."""

    entry: LineInput
    administration: Administration
    journal: Journal
    books: Books
    state: BatchState
    counter_iban: str | None
    """The counterparty's IBAN, compact, or ``None``."""
    adm: str
    """The administration code."""
    amount: Decimal
    """The line amount, credit (money in) positive."""

    @classmethod
    def of(
        cls, entry: LineInput, administration: Administration, journal: Journal, books: Books, state: BatchState
    ) -> LineContext:
        """The context of ``entry`` (its counter IBAN made compact once)."""
        raw = entry.line.counterparty_iban
        iban = iban_id.compact(raw) if raw and raw.strip() else None
        return _CONTEXT.make(  # once per line: without the frozen __init__ (statements.twin)
            entry=entry,
            administration=administration,
            journal=journal,
            books=books,
            state=state,
            counter_iban=iban,
            adm=administration.code,  # fields, not properties: the steps read them about nine times a line
            amount=entry.line.amount,
        )

    @property
    def tolerance(self) -> Decimal:
        """The payment difference written off automatically (0 without a GL account)."""
        adm = self.administration
        return adm.payment_difference_tolerance if adm.payment_difference_gl_account else ZERO

    def relation(self, number: str) -> Relation | None:
        """A relation of this administration."""
        return self.books.relations.get((self.adm, number))

    def view(self, item: OpenItem, kind: RelationKind | None = None) -> ItemView:
        """The item with what is still open of it after earlier lines of the batch
        (``kind``: its relation's, when the caller has it)."""
        if kind is None:
            kind = self.kind_of(item.relation)
        left = self.state.remaining.get((item.administration, item.invoice_number), item.amount)
        return _VIEW.make(item=item, kind=kind, remaining=left)  # ItemView, several per line

    def kind_of(self, number: str) -> RelationKind:
        """The kind of a relation of this administration (a debtor when unknown)."""
        rel = self.relation(number)
        return rel.kind if rel else RelationKind.DEBTOR

    def open_views(self, relations: tuple[Relation, ...]) -> tuple[ItemView, ...]:
        """Still-open items in the line's currency of these relations, by invoice number
        (:meth:`view` of each, with the relation looked up once per relation, not per item:
        the items of ``(administration, number)`` are that relation's)."""
        adm, cur = self.adm, self.entry.currency
        found: list[ItemView] = []
        for rel in relations:
            kind = self.kind_of(rel.number)
            for item in self.books.items_of_relation.get((adm, rel.number), ()):
                if item.currency == cur and (view := self.view(item, kind)).remaining != 0:
                    found.append(view)
        found.sort(key=_invoice_number)
        return tuple(found)

    def iban_relations(self) -> tuple[Relation, ...]:
        """The relations whose bank accounts include the counter IBAN."""
        iban = self.counter_iban
        return self.books.relations_by_iban.get((self.adm, iban), ()) if iban else ()

    def paid_note(self, item: OpenItem) -> str:
        """Why a named invoice has nothing open: paid earlier in the batch, or before."""
        by = self.state.paid_by.get((item.administration, item.invoice_number))
        if by is not None:
            return f"invoice {item.invoice_number} is already paid by line {by} of this batch"
        return f"invoice {item.invoice_number} is already paid"


def _invoice_number(view: ItemView) -> str:
    return view.item.invoice_number


_CONTEXT = twin_of(LineContext)
_VIEW = twin_of(ItemView)


def label(rel: Relation) -> str:
    """``debtor 10023``."""
    return f"{rel.kind.value} {rel.number}"


def labels(rels: tuple[Relation, ...]) -> str:
    """``debtor 10023 and creditor 20023``."""
    names = [label(r) for r in rels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
