"""Step 2, payment reference (R-D3, settings R-C3).

The line's structured reference (or one written in the description) is validated with
its check digits. A valid one identifies open items by the reference stored on the
item, or by the invoice number cut out of it at the administration's start position and
length. A reference that looks structured (and is not typed ``OTHER`` by the bank) but
fails its check digit is a typo: the line is then never booked automatically, whatever
the other steps find.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bankbridge.identifiers import references
from bankbridge.ledger.model import OpenItem
from bankbridge.matching.books import digit_key, reference_key
from bankbridge.matching.context import LineContext, label
from bankbridge.matching.outcome import NOTHING, Note, Verdict, complete, proposed
from bankbridge.matching.text import references_in_text

_STRUCTURED = re.compile(r"^(?:\d{7,16}|RF\d{2}[0-9A-Z]+|[+*]{3}\d{3}/\d{4}/\d{5}[+*]{3}|\d{12})$")


def looks_structured(raw: str) -> bool:
    """True for text shaped like a Dutch, RF or OGM reference (digits, ``RFnn…``, ``+++…+++``)."""
    return bool(_STRUCTURED.match(re.sub(r"[\s.\-]", "", raw).upper()))


_IDEAL = re.compile(r"\bIDEAL\b", re.IGNORECASE)
"""An iDEAL payment's text carries the bank's 16-digit transaction numbers (``0050000534527978``):
machine-made ids, not references typed by a payer, so they are no typo'd reference."""


def match_reference(ctx: LineContext) -> Verdict | Note:
    """Identify open items by the line's payment reference: the structured one, else
    the first valid one written in the description (else the first written there)."""
    line = ctx.entry.line
    from_text = not line.payment_reference
    candidates = references_in_text(line.description) if from_text else (line.payment_reference or "",)
    if not candidates or not candidates[0].strip():
        return NOTHING
    for candidate in candidates:  # each parsed once; the first valid one counts
        ref = references.recognise(candidate)
        if ref is not None:
            return by_items(ctx, ref.compact, f" ({check_words(ref)})", items_for(ctx, ref))
    raw = candidates[0]
    if from_text and raw.isdigit() and _IDEAL.search(line.description or ""):
        return NOTHING
    if looks_structured(raw) and line.payment_reference_type != "OTHER":
        return Note(f"payment reference {raw.strip()} fails its check digit (a typo?)", veto=True)
    return by_items(ctx, raw.strip(), "", ctx.books.items_by_reference.get((ctx.adm, reference_key(raw)), ()))


def check_words(ref: references.Reference) -> str:
    """How the reference was checked, in words."""
    if ref.kind == "nl" and len(ref.compact) == 7:
        return "7 digits, no check digit"
    return "check digit valid" if ref.kind == "nl" else "check digits valid"


def items_for(ctx: LineContext, ref: references.Reference) -> tuple[OpenItem, ...]:
    """Items by stored reference, plus the item whose number the reference carries (R-C3)."""
    adm = ctx.administration
    stored = ctx.books.items_by_reference.get((adm.code, ref.compact), ())
    cut = references.invoice_number(ref, start=adm.invoice_ref_start, length=adm.invoice_ref_length)
    key = digit_key(cut) if cut else ""
    by_number = ctx.books.items_by_digits.get((adm.code, key), ()) if key else ()
    return tuple(dict.fromkeys((*stored, *by_number)))


def by_items(ctx: LineContext, ref: str, how: str, items: Sequence[OpenItem]) -> Verdict | Note:
    """Complete the match on the items the reference names."""
    if not items:
        return Note(f"payment reference {ref}{how} matches no open item")
    rel = ctx.relation(items[0].relation)
    whose = f" of {label(rel)}" if rel and all(i.relation == rel.number for i in items) else ""
    word = "invoice" if len(items) == 1 else "invoices"
    found = f"payment reference {ref}{how} identifies {word} {', '.join(i.invoice_number for i in items)}{whose}"
    if len(items) > 1:
        views = tuple((ctx.view(i),) for i in items if ctx.view(i).remaining)
        return proposed("payment_reference", f"{found}: which one is meant is not certain", views)
    return complete(ctx, "payment_reference", found, items)
