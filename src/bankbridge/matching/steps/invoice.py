"""Step 4, invoice numbers in the description (R-D5, range R-C4).

Runs only when the administration has an invoice number range. Words of the
description inside the range (plain string comparison) are looked up among the open
items; they name the relation, so this also works when a third party paid from an
unknown IBAN. Invoices of several relations, or of another administration, are not
booked automatically.
"""

from __future__ import annotations

from bankbridge.matching.context import LineContext, label
from bankbridge.matching.outcome import NOTHING, Note, Verdict, complete
from bankbridge.matching.text import invoice_words


def match_invoice_numbers(ctx: LineContext) -> Verdict | Note:
    """Find open items by invoice numbers written in the description."""
    adm = ctx.administration
    if not adm.invoice_range_from or not adm.invoice_range_to:
        return NOTHING
    found_words = invoice_words(ctx.entry.line.description, adm.invoice_range_from, adm.invoice_range_to)
    if not found_words:
        return Note("no invoice number of the range is in the description")
    books = ctx.books
    items = tuple(
        dict.fromkeys(item for w in found_words for item in books.items_by_word.get((adm.code, w.upper()), ()))
    )
    if not items:
        return Note(elsewhere(ctx, found_words))
    rel = ctx.relation(items[0].relation)
    whose = f" of {label(rel)}" if rel and all(i.relation == rel.number for i in items) else ""
    word = "invoice" if len(items) == 1 else "invoices"
    third = "" if ctx.counter_iban is None or ctx.iban_relations() else " (paid from an unknown IBAN)"
    found = f"{word} {', '.join(i.invoice_number for i in items)}{whose} named in the description{third}"
    return complete(ctx, "invoice_number", found, items, score=95)


def elsewhere(ctx: LineContext, found_words: tuple[str, ...]) -> str:
    """Why the invoice numbers in the text are not open here."""
    for w in found_words:
        for adm, number in ctx.books.items_in_environment.get((ctx.administration.environment, w.upper()), ()):
            if adm != ctx.adm:
                return f"invoice {number} in the description is of administration {adm}"
    return f"{', '.join(found_words)} in the description is no open invoice (paid or unknown)"
