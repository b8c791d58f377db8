"""Step 3, IBAN (R-D4): the counter IBAN identifies the relation; then its open items
are searched, first by invoice numbers named in the description, else by amount
(one item, a unique combination, or one item within the tolerance).

An invoice number of *another* relation in the description is conflicting evidence:
the line is then only proposed.
"""

from __future__ import annotations

from bankbridge.ledger.model import OpenItem, Relation
from bankbridge.matching.context import LineContext, labels
from bankbridge.matching.money_cases import Misfit, settle_by_amount
from bankbridge.matching.outcome import Note, Verdict, booked, complete, new_verdict, proposed
from bankbridge.matching.text import in_range, words


def named_items(ctx: LineContext, rels: tuple[Relation, ...]) -> tuple[tuple[OpenItem, ...], tuple[OpenItem, ...]]:
    """Open items whose invoice number is a word of the description: those of the IBAN's
    relations ``rels`` by every word of at least 4 characters with a digit or in the invoice
    number range, and those of other relations (conflicting evidence) by the words in the
    range when one is set (R-C4), else by the same words.

    The range limits the search through *all* open items of the environment, used when
    the IBAN found no relation (step 5). Here the relation is known: a purchase invoice's
    number — the supplier's own numbering, outside our sales range — names its item just
    as well; but a word outside the range is no evidence that another relation is meant.
    """
    adm = ctx.administration
    low, high = adm.invoice_range_from, adm.invoice_range_to
    ranged = bool(low and high)
    own: list[OpenItem] = []
    others: list[OpenItem] = []
    mine = {r.number for r in rels}  # a blocked one too: its invoice is not another's to book
    for w in words(ctx.entry.line.description):
        in_the_range = ranged and in_range(w, low, high)  # type: ignore[arg-type]
        plain = len(w) >= 4 and not w.isalpha() and any(c.isdigit() for c in w)  # a letter is never a digit
        if not (in_the_range or plain):
            continue
        for item in ctx.books.items_by_word.get((adm.code, w.upper()), ()):
            if item.relation in mine:
                own.append(item)
            elif in_the_range or not ranged:
                others.append(item)
    return tuple(dict.fromkeys(own)), tuple(dict.fromkeys(others))


def match_iban(ctx: LineContext) -> Verdict | Note:
    """Find the relation by the counter IBAN, then its open items."""
    iban = ctx.counter_iban
    if iban is None:
        return Note("the line has no counter IBAN")
    rels = ctx.iban_relations()
    if not rels:
        return Note(f"IBAN {iban} is not known")
    found = f"IBAN {iban} belongs to {labels(rels)}"
    active = tuple(r for r in rels if not r.blocked)
    if not active:
        return new_verdict("open", None, f"{found}, which is blocked", 0)
    return by_text(ctx, found, rels, active) or by_amount(ctx, found, active)


def by_text(ctx: LineContext, found: str, rels: tuple[Relation, ...], active: tuple[Relation, ...]) -> Verdict | None:
    """Invoice numbers in the description: the relation's own, or a conflict."""
    own, others = named_items(ctx, rels)
    if others:
        who = tuple(r for r in (ctx.relation(i.relation) for i in others) if r is not None)
        whose = f"of {labels(tuple(dict.fromkeys(who)))}" if who else "of another relation"
        word = "invoice number" if len(others) == 1 else "invoice numbers"
        evidence = f"{found} but the {word} {', '.join(i.invoice_number for i in others)} in the text is {whose}"
        same = tuple(v.item for v in ctx.open_views(active) if v.bank_value == ctx.amount)
        named_views = (ctx.view(i) for i in dict.fromkeys((*others, *own, *same)))
        groups = tuple((v,) for v in named_views if v.remaining)
        return proposed("iban", evidence, groups, score=50)
    if own:
        word = "invoice" if len(own) == 1 else "invoices"
        numbers = ", ".join(i.invoice_number for i in own)
        return complete(ctx, "iban", f"{found}; {word} {numbers} named in the description", own)
    return None


def by_amount(ctx: LineContext, found: str, active: tuple[Relation, ...]) -> Verdict:
    """The relation's open items by amount alone."""
    views = ctx.open_views(active)
    if not views:
        return new_verdict("open", None, f"{found}, who has no open items in {ctx.entry.currency}", 0)
    fit = settle_by_amount(ctx.amount, views, tolerance=ctx.tolerance)
    if isinstance(fit, Misfit):
        return proposed("iban", f"{found}, but {fit.reason}", fit.groups, score=50, weak=fit.weak)
    owners = tuple(dict.fromkeys(s.relation for s in fit.settlements))
    if len(owners) > 1:
        # An IBAN of several relations: a combination of items of more than one of them
        # is not certain (which of them paid, or a netting of their items?).
        paid = {s.invoice_number for s in fit.settlements}
        group = tuple(v for v in views if v.item.invoice_number in paid)
        whose = labels(tuple(r for r in active if r.number in owners))
        return proposed("iban", f"{found}, but {fit.case} takes invoices of {whose}", (group,), score=50)
    return booked(ctx, "iban", f"{found}; {fit.case}", fit, score=95 if len(fit.settlements) == 1 else 90)
