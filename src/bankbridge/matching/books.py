"""The books as the engine sees them: ledger records plus indexes built once per batch.

Every look-up the steps need is a dictionary access (reference → items, IBAN →
relations, invoice number → items, BSN → relations, bank + code → rules), so matching a
batch is a set of hash joins, never a scan of the open items per line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain
from typing import Any, TypeVar

from bankbridge.errors import InvalidIdentifier
from bankbridge.identifiers import iban as iban_id
from bankbridge.identifiers import references
from bankbridge.ledger.model import (
    Administration,
    Allocation,
    GLAccount,
    Journal,
    LedgerBundle,
    OpenItem,
    Relation,
    RelationBankAccount,
    RelationKind,
    TransactionCode,
)
from bankbridge.matching.model import InTransitBatch, InTransitItem

TransitHit = tuple[InTransitBatch, int, InTransitItem]
"""A batch, the index of one of its items, and the item."""
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def group(pairs: Iterable[tuple[K, V]]) -> dict[K, tuple[V, ...]]:
    """``[(k, v), …]`` → ``{k: (v, …)}``, keeping the order of ``pairs``."""
    out: defaultdict[K, list[V]] = defaultdict(list)
    for key, value in pairs:
        out[key].append(value)
    return {key: tuple(values) for key, values in out.items()}


class LazyIndex(Mapping[K, V]):
    """A mapping made on first use: an index that only some lines need (the invoice numbers
    of the environment's other administrations) costs nothing for a run that never
    looks (a day's statement against books of a million open items)."""

    __slots__ = ("_data", "_load")

    def __init__(self, load: Callable[[], Mapping[K, V]]) -> None:
        self._load: Callable[[], Mapping[K, V]] | None = load
        self._data: Mapping[K, V] | None = None

    def _made(self) -> Mapping[K, V]:
        if self._data is None:
            assert self._load is not None
            self._data, self._load = self._load(), None
        return self._data

    def __getitem__(self, key: K) -> V:
        return self._made()[key]

    def get(self, key: K, default: Any = None) -> Any:  # the steps' one call: skip Mapping's KeyError round
        return self._made().get(key, default)

    def __iter__(self) -> Iterator[K]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())

    @property
    def made(self) -> bool:
        """Whether the index has been made (read) yet."""
        return self._data is not None


def bank_key(bic: str | None) -> str:
    """Transaction codes are per bank: compare BICs on their first 8 characters."""
    return (bic or "").strip().upper()[:8]


_NOT_DIGITS = re.compile(r"\D+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def digit_key(text: str) -> str:
    """The digits of ``text`` without leading zeros: how an invoice number cut out of a
    payment reference (R-C3) is compared with the invoice numbers of open items."""
    return _NOT_DIGITS.sub("", text).lstrip("0")


def number_digits(invoice_number: str) -> str:
    """The key an invoice number is found by when a payment reference carries it (R-C3):
    its digits without leading zeros (``2026-0012`` → ``20260012``), but nothing for a
    number with letters — ``CR20260001`` is another series than ``20260001``, and a
    reference's digits cannot tell which one is meant."""
    if invoice_number.isascii():
        if invoice_number.isdigit():
            return invoice_number.lstrip("0")  # the common case, without the regexes
        if _ASCII_LETTER.search(invoice_number):  # what isalpha() finds in ASCII text
            return ""
    elif any(c.isalpha() for c in invoice_number):
        return ""
    return digit_key(invoice_number)


def reference_key(text: str) -> str:
    """A stored payment reference in the compact form ``references.parse`` gives."""
    if text.isalnum() and text.isascii() and text == text.upper():
        return text  # already compact (the ledger bundle stores references so): same result, no re-check
    try:
        return references.parse(text).compact
    except InvalidIdentifier:  # a stored reference that does not parse is kept as typed
        return "".join(text.split()).upper()


@dataclass(frozen=True, slots=True)
class Books:
    """Master data and open items of the environment(s) being processed, indexed."""

    administrations: Mapping[str, Administration]
    journals: Mapping[tuple[str, str], Journal]
    gl_accounts: Mapping[tuple[str, str], GLAccount]
    relations: Mapping[tuple[str, str], Relation]
    relations_by_iban: Mapping[tuple[str, str], tuple[Relation, ...]]
    relations_by_bsn: Mapping[tuple[str, str], tuple[Relation, ...]]
    items: Mapping[tuple[str, str], OpenItem]
    items_by_word: Mapping[tuple[str, str], Sequence[OpenItem]]
    items_by_reference: Mapping[tuple[str, str], Sequence[OpenItem]]
    items_by_digits: Mapping[tuple[str, str], Sequence[OpenItem]]
    items_of_relation: Mapping[tuple[str, str], Sequence[OpenItem]]
    items_in_environment: Mapping[tuple[str, str], tuple[tuple[str, str], ...]]
    """``(environment, INVOICE NUMBER)`` → ``(administration, invoice number)`` of every
    open item of the environment (to say that a number in the text is another
    administration's invoice)."""
    codes: Mapping[tuple[str, str, str], tuple[TransactionCode, ...]]
    allocations: Mapping[tuple[str, str, str, str], tuple[Allocation, ...]]
    in_transit: tuple[InTransitBatch, ...]
    batches_by_id: Mapping[tuple[str, str], tuple[InTransitBatch, ...]]
    transit_by_e2e: Mapping[tuple[str, str], tuple[TransitHit, ...]]
    transit_by_relation: Mapping[tuple[str, str], tuple[TransitHit, ...]]
    batches_by_total: Mapping[tuple[str, str, Decimal], tuple[InTransitBatch, ...]]
    debtors_gl_account: str = "1300"
    creditors_gl_account: str = "1600"

    @classmethod
    def build(
        cls,
        *,
        administrations: Sequence[Administration] = (),
        journals: Sequence[Journal] = (),
        gl_accounts: Sequence[GLAccount] = (),
        relations: Sequence[Relation] = (),
        relation_bank_accounts: Sequence[RelationBankAccount] = (),
        open_items: Sequence[OpenItem] = (),
        transaction_codes: Sequence[TransactionCode] = (),
        allocations: Sequence[Allocation] = (),
        in_transit: Sequence[InTransitBatch] = (),
        neighbour_invoices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]] = (),
        environment_index: Mapping[tuple[str, str], tuple[tuple[str, str], ...]] | None = None,
        debtors_gl_account: str = "1300",
        creditors_gl_account: str = "1600",
    ) -> Books:
        """Index plain sequences of ledger records (done once per batch of lines).
        ``neighbour_invoices`` are ``(administration, invoice number)`` of open items of
        other administrations of the environment, whose lines are not being decided (or a
        function that reads them: then ``items_in_environment`` is made on first use);
        ``environment_index`` is an ``items_in_environment`` made before for the same
        environments (invoice numbers do not change), used instead of making it again."""
        rels = {(r.administration, r.number): r for r in relations}
        items = sorted(open_items, key=lambda i: (i.administration, i.invoice_number))
        envs = {a.code: a.environment for a in administrations}
        by_iban, by_bsn = _relation_indexes(rels, relation_bank_accounts)
        item_indexes = _item_indexes(items)
        in_environment: Mapping[tuple[str, str], tuple[tuple[str, str], ...]]
        if environment_index is not None:
            in_environment = environment_index
        elif callable(neighbour_invoices):
            read = neighbour_invoices
            in_environment = LazyIndex(lambda: _environment_index(items, envs, read()))
        else:
            in_environment = _environment_index(items, envs, neighbour_invoices)
        ordered = tuple(sorted(in_transit, key=lambda b: (b.administration, b.batch_id)))
        return cls(
            administrations={a.code: a for a in administrations},
            journals={(j.administration, j.code): j for j in journals},
            gl_accounts={(g.environment, g.number): g for g in gl_accounts},
            relations=rels,
            relations_by_iban=by_iban,
            relations_by_bsn=by_bsn,
            **item_indexes,
            items_in_environment=in_environment,
            codes=group(((t.environment, bank_key(t.bank), t.code), t) for t in transaction_codes),
            allocations=group(((a.environment, bank_key(a.bank), a.code, a.code_search_value), a) for a in allocations),
            in_transit=ordered,
            batches_by_id=group(((b.administration, b.batch_id), b) for b in ordered),
            transit_by_e2e=group(
                ((b.administration, item.end_to_end_id), (b, n, item))
                for b in ordered
                for n, item in enumerate(b.items)
                if item.end_to_end_id
            ),
            transit_by_relation=group(
                ((b.administration, item.relation), (b, n, item)) for b in ordered for n, item in enumerate(b.items)
            ),
            batches_by_total=group(((b.administration, b.kind, b.total), b) for b in ordered),
            debtors_gl_account=debtors_gl_account,
            creditors_gl_account=creditors_gl_account,
        )

    @classmethod
    def of_bundle(
        cls,
        bundle: LedgerBundle,
        open_items: Sequence[OpenItem],
        *,
        in_transit: Sequence[InTransitBatch] = (),
        neighbour_invoices: Sequence[tuple[str, str]] | Callable[[], Sequence[tuple[str, str]]] = (),
        environment_index: Mapping[tuple[str, str], tuple[tuple[str, str], ...]] | None = None,
    ) -> Books:
        """:meth:`build` from a ledger bundle's master data and the open items."""
        return cls.build(
            administrations=bundle.administrations,
            journals=bundle.journals,
            gl_accounts=bundle.gl_accounts,
            relations=bundle.relations,
            relation_bank_accounts=bundle.relation_bank_accounts,
            open_items=open_items,
            transaction_codes=bundle.transaction_codes,
            allocations=bundle.allocations,
            in_transit=in_transit,
            neighbour_invoices=neighbour_invoices,
            environment_index=environment_index,
        )

    def control_account(self, kind: RelationKind) -> str:
        """The GL account a relation of ``kind`` is booked on (debtors or creditors)."""
        return self.debtors_gl_account if kind is RelationKind.DEBTOR else self.creditors_gl_account


def _item_indexes(items: Sequence[OpenItem]) -> dict[str, Mapping[tuple[str, str], Any]]:
    """The open items by ``(administration, invoice number)``, and by word, stored
    reference, digits and relation, in one pass (this runs over every open item of the
    administrations being processed). The lists are the index's values as they are:
    nothing changes them once made. Where an index's key equals the item's own key (an
    invoice number in capitals already, or all digits without leading zeros), the same
    tuple is used: a million open items hold a million fewer keys."""
    by_key: dict[tuple[str, str], OpenItem] = {}
    by_word: dict[tuple[str, str], list[OpenItem]] = {}
    by_reference: dict[tuple[str, str], list[OpenItem]] = {}
    by_digits: dict[tuple[str, str], list[OpenItem]] = {}
    of_relation: dict[tuple[str, str], list[OpenItem]] = {}
    for item in items:
        adm = item.administration
        number = item.invoice_number
        key = (adm, number)
        by_key[key] = item
        upper = number.upper()
        _add(by_word, key if upper == number else (adm, upper), item)
        if item.payment_reference:
            _add(by_reference, (adm, reference_key(item.payment_reference)), item)
        digits = number_digits(number)
        if digits:
            _add(by_digits, key if digits == number else (adm, digits), item)
        _add(of_relation, (adm, item.relation), item)
    return {
        "items": by_key,
        "items_by_word": by_word,
        "items_by_reference": by_reference,
        "items_by_digits": by_digits,
        "items_of_relation": of_relation,
    }


def _add(index: dict[tuple[str, str], list[OpenItem]], key: tuple[str, str], item: OpenItem) -> None:
    """Add ``item`` under ``key``: a key's first item in a list of exactly one (64 bytes;
    appending to an empty list makes room for four, 88 bytes). Most keys name one item:
    a worker's 500,000 open items hold some 1.5 million of these lists."""
    found = index.get(key)
    if found is None:
        index[key] = [item]
    else:
        found.append(item)


def environment_index(
    environment: str, invoices: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """:attr:`Books.items_in_environment` of one environment, from ``(administration,
    invoice number)`` of every open item of its administrations."""
    return environments_index((environment, adm, number) for adm, number in invoices)


def environments_index(
    invoices: Iterable[tuple[str, str, str]],
) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """:attr:`Books.items_in_environment` from ``(environment, administration, invoice
    number)`` of open items, of one environment or several."""
    return group(((env, number.upper()), (adm, number)) for env, adm, number in invoices)


def _environment_index(
    items: Sequence[OpenItem], envs: Mapping[str, str], neighbours: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """``(environment, INVOICE NUMBER)`` → ``(administration, invoice number)`` of the open
    items and of the neighbours' invoice numbers."""
    own = ((i.administration, i.invoice_number) for i in items)
    return environments_index((envs.get(adm, ""), adm, number) for adm, number in chain(own, neighbours))


def _relation_indexes(
    rels: Mapping[tuple[str, str], Relation], accounts: Sequence[RelationBankAccount]
) -> tuple[dict[tuple[str, str], tuple[Relation, ...]], dict[tuple[str, str], tuple[Relation, ...]]]:
    by_iban = group(
        ((a.administration, iban_id.compact(a.iban)), rels[(a.administration, a.relation)])
        for a in accounts
        if (a.administration, a.relation) in rels
    )
    by_bsn = group(((r.administration, r.bsn.strip().zfill(9)), r) for r in rels.values() if r.bsn)
    return by_iban, by_bsn
