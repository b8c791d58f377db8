"""What a step says about a line: a :class:`Verdict` (it decided) or a :class:`Note`
(it looked, found nothing certain, and says why, so the next step may try).

Also the postings of a booking (the legs besides the bank account leg) and the shared
completion of a match: once a step has found the open items, :func:`complete` checks
relation, payment state, currency and conflicting IBAN evidence, then settles the money.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bankbridge.ledger.model import OpenItem, Posting, Relation, RelationKind, Settlement, new_posting
from bankbridge.matching.context import LineContext, label, labels
from bankbridge.matching.model import Candidate, Rule, Status, new_candidate
from bankbridge.matching.money_cases import Fit, ItemView, Misfit, numbers, settle_identified
from bankbridge.money import ZERO
from bankbridge.statements.twin import twin_of


@dataclass(frozen=True, slots=True)
class Note:
    """A step found nothing certain. ``veto``: no other step may book the line either."""

    text: str = ""
    veto: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """A step's decision: the legs besides the bank leg, settlements, or candidates."""

    status: Status
    rule: Rule | None
    evidence: str
    score: int
    legs: tuple[Posting, ...] = ()
    settlements: tuple[Settlement, ...] = ()
    candidates: tuple[Candidate, ...] = ()
    transit_used: tuple[tuple[str, str, int], ...] = ()
    relation: Relation | None = None
    """The relation booked on: its unknown counter IBAN may be added (R-C6)."""
    weak: bool = False
    """Candidates are only the closest items: no evidence against a transaction code."""

    @property
    def names_items(self) -> bool:
        """True when the verdict is about specific open items (not only a GL account)."""
        return bool(self.settlements) or (not self.weak and any(c.invoice_numbers for c in self.candidates))


new_verdict = twin_of(Verdict).make
"""``Verdict(…)``, the same arguments, made without the frozen ``__init__``
(:mod:`bankbridge.statements.twin`): every line gets one or more."""

NOTHING = Note()
"""What a step that does not apply to the line says (one object for all of them)."""


def relation_legs(ctx: LineContext, fit: Fit) -> tuple[Posting, ...]:
    """Relation legs (one per relation, minus what the bank received) and the write-off."""
    totals: dict[str, Decimal] = {}
    for s in fit.settlements:
        rel = ctx.relation(s.relation)
        bank_value = s.amount if rel is None or rel.kind is RelationKind.DEBTOR else -s.amount
        totals[s.relation] = totals.get(s.relation, ZERO) - bank_value
    legs = [
        new_posting(ctx.books.control_account(_kind(ctx, number)), amount, relation=number)
        for number, amount in totals.items()
        if amount
    ]
    if fit.difference and ctx.administration.payment_difference_gl_account:
        legs.append(new_posting(ctx.administration.payment_difference_gl_account, -fit.difference))
    return tuple(legs)


def _kind(ctx: LineContext, number: str) -> RelationKind:
    rel = ctx.relation(number)
    return rel.kind if rel else RelationKind.DEBTOR


def candidates(groups: Iterable[tuple[ItemView, ...]], *, score: int, reason: str) -> tuple[Candidate, ...]:
    """Proposals from groups of items, best first, each scored a little lower."""
    out = []
    for rank, views in enumerate(groups):
        amount = sum((v.bank_value for v in views), ZERO)
        out.append(
            new_candidate(
                views[0].item.relation,
                tuple(v.item.invoice_number for v in views),
                amount,
                max(score - 5 * rank, 1),
                reason,
            )
        )
    return tuple(out)


def proposed(
    rule: Rule, evidence: str, groups: Iterable[tuple[ItemView, ...]], *, score: int = 60, weak: bool = False
) -> Verdict:
    """A proposal (or ``open`` when there is nothing to propose)."""
    score = score // 2 if weak else score
    cands = candidates(groups, score=score, reason=evidence)
    if not cands:
        return new_verdict("open", None, evidence, 0)
    return new_verdict("proposed", rule, evidence, score, candidates=cands, weak=weak)


def booked(ctx: LineContext, rule: Rule, evidence: str, fit: Fit, *, score: int = 100) -> Verdict:
    """A booking on the relation(s) of ``fit``."""
    first = ctx.relation(fit.settlements[0].relation) if fit.settlements else None
    return new_verdict("booked", rule, evidence, score, relation_legs(ctx, fit), fit.settlements, relation=first)


def complete(ctx: LineContext, rule: Rule, found: str, items: Sequence[OpenItem], *, score: int = 100) -> Verdict:
    """Finish a match on the items a step found (``found`` says how, in words)."""
    views = tuple(ctx.view(i) for i in items)
    problem = _problem(ctx, views)
    if problem is not None:
        return proposed(rule, f"{found}, but {problem}", (views,) if any(v.remaining for v in views) else ())
    fit = settle_identified(ctx.amount, views, tolerance=ctx.tolerance)
    if isinstance(fit, Misfit):
        return proposed(rule, f"{found}, but {fit.reason}", fit.groups)
    return booked(ctx, rule, f"{found}; {fit.case}", fit, score=score)


def _problem(ctx: LineContext, views: tuple[ItemView, ...]) -> str | None:
    """Why the found items cannot be booked automatically, or ``None``."""
    numbers_ = tuple(dict.fromkeys(v.item.relation for v in views))
    rels = tuple(r for r in (ctx.relation(n) for n in numbers_) if r is not None)
    if len(rels) < len(numbers_):
        return f"relation {numbers_[0]} of invoice {views[0].item.invoice_number} is unknown"
    if len(rels) > 1:
        return f"the invoices belong to {labels(rels)}"
    if rels[0].blocked:
        return f"{label(rels[0])} is blocked"
    return _item_problem(ctx, views) or _iban_conflict(ctx, rels[0])


def _item_problem(ctx: LineContext, views: tuple[ItemView, ...]) -> str | None:
    paid = [v for v in views if v.remaining == 0]
    if paid:
        return ctx.paid_note(paid[0].item)
    foreign = [v.item for v in views if v.item.currency != ctx.entry.currency]
    if foreign:
        return f"invoice {foreign[0].invoice_number} is in {foreign[0].currency}, the line in {ctx.entry.currency}"
    return None


def _iban_conflict(ctx: LineContext, rel: Relation) -> str | None:
    by_iban = ctx.iban_relations()
    if by_iban and rel not in by_iban:
        return f"IBAN {ctx.counter_iban} belongs to {labels(by_iban)}"
    return None


def describe_items(views: tuple[ItemView, ...]) -> str:
    """``invoice 20260001 of debtor 10001`` / ``invoices A, B of …``."""
    word = "invoice" if len(views) == 1 else "invoices"
    return f"{word} {numbers(views)}"
