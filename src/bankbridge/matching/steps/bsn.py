"""Step 1, BSN (R-D2, settings R-C5), exactly as the seed describes it.

The counter IBAN is the tax office's and the search value occurs in the description;
after the word ``nr.`` up to 9 digits are taken, zero-padded to 9 and checked with the
11-test; exactly one non-blocked debtor must carry that BSN. With *match open invoice*
on, that debtor's only open item is settled when the credit equals or is smaller than
it; otherwise the payment is booked on the debtor's account. When no debtor is found,
the normal matching goes on.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from bankbridge.identifiers import bsn as bsn_id
from bankbridge.identifiers import iban as iban_id
from bankbridge.ledger.model import Relation, RelationKind, new_posting
from bankbridge.matching.context import LineContext, label
from bankbridge.matching.money_cases import Fit, money, settle_identified
from bankbridge.matching.outcome import NOTHING, Note, Verdict, booked, describe_items, new_verdict
from bankbridge.matching.text import bsn_after_nr, contains


def match_bsn(ctx: LineContext) -> Verdict | Note:
    """Find the debtor by the BSN in a tax office payment."""
    adm = ctx.administration
    if not adm.tax_office_iban or not adm.bsn_search_value:
        return NOTHING
    if ctx.amount <= 0 or ctx.counter_iban != _compact(adm.tax_office_iban):
        return NOTHING
    text = ctx.entry.line.description or ""
    if not contains(text, adm.bsn_search_value):
        return Note(f"the tax office paid, but {adm.bsn_search_value!r} is not in the description")
    found = find_debtor(ctx, text)
    if isinstance(found, str):
        return Note(found)
    return settle_debtor(ctx, found[0], found[1])


@lru_cache(maxsize=1024)
def _compact(iban: str) -> str:
    """The tax office IBAN of an administration, compact (asked for every line)."""
    return iban_id.compact(iban)


_valid_bsn = lru_cache(maxsize=65_536)(bsn_id.is_valid)
"""The 11-test of a BSN, remembered: a debtor's BSN comes back with each payment for it
(stdnum's check costs about as much as the rest of the step for such a line)."""


def find_debtor(ctx: LineContext, text: str) -> tuple[Relation, str] | str:
    """The one non-blocked debtor with the BSN after ``nr.``, or why there is none."""
    bsn = bsn_after_nr(text)
    if bsn is None:
        return "the tax office paid, but no number follows 'nr.' in the description"
    if not _valid_bsn(bsn):
        return f"the tax office paid, but {bsn} after 'nr.' is not a valid BSN (11-test)"
    rels = ctx.books.relations_by_bsn.get((ctx.adm, bsn), ())
    debtors = [r for r in rels if r.kind is RelationKind.DEBTOR and not r.blocked]
    if len(debtors) != 1:
        many = "no non-blocked debtor" if not debtors else f"{len(debtors)} debtors"
        return f"the tax office paid for BSN {bsn}, but {many} has that BSN"
    return debtors[0], bsn


def settle_debtor(ctx: LineContext, debtor: Relation, bsn: str) -> Verdict:
    """Settle the debtor's only open invoice (R-D2), else book on the debtor's account."""
    found = f"BSN {bsn} in the tax office payment identifies {label(debtor)}"
    views = ctx.open_views((debtor,))
    if not ctx.administration.bsn_match_open_invoice:
        why = "match open invoice is off"
    elif len(views) != 1:
        why = f"{label(debtor)} has {len(views)} open items, not one"
    elif not 0 < ctx.amount <= views[0].bank_value:
        why = f"the amount exceeds the {money(views[0].bank_value)} open on invoice {views[0].item.invoice_number}"
    else:
        # The seed: an amount equal to the open item, or smaller (the rest stays open) —
        # no small-difference write-off here.
        fit = settle_identified(ctx.amount, views, tolerance=Decimal(0))
        if isinstance(fit, Fit):
            return booked(ctx, "bsn", f"{found}; {describe_items(views)}, {fit.case}", fit)
        why = fit.reason
    leg = new_posting(ctx.books.control_account(debtor.kind), -ctx.amount, relation=debtor.number)
    return new_verdict(
        "booked", "bsn", f"{found}; {why}, so it is booked on the debtor's account", 100, (leg,), relation=debtor
    )
