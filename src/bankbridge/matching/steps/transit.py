"""Payments in transit (R-C1, R-C2, R-D8) and returned direct debits.

A sent batch's open items were settled when it was made; its amount waits on the
administration's in-transit GL account. A line clears it: in *one total* mode (setting
off) the line is the batch total, found by its batch id (by amount alone it is only
proposed); in *item by item* mode (setting on) the line is one item, found by its
end-to-end id (by amount and the relation of the counter IBAN it is only proposed), or
still the whole batch by its id (an item line that repeats its batch's id is still that
item). Direct debits come in (credit), payments and refunds go out (debit).
A returned or reversed direct debit is never booked automatically.
"""

from __future__ import annotations

from bankbridge.ledger.model import new_posting
from bankbridge.matching.books import TransitHit
from bankbridge.matching.context import LineContext
from bankbridge.matching.model import InTransitBatch, new_candidate
from bankbridge.matching.money_cases import money
from bankbridge.matching.outcome import NOTHING, Note, Verdict, new_verdict

WHOLE = -1


def kind_words(batch: InTransitBatch) -> str:
    """``direct-debit batch B1``."""
    return f"{'direct-debit' if batch.kind == 'direct_debit' else 'payment'} batch {batch.batch_id}"


def match_in_transit(ctx: LineContext) -> Verdict | Note:
    """Clear the in-transit account with a batch total or one of its items."""
    line = ctx.entry.line
    if line.return_reason or line.reversal:
        return returned(ctx)
    gl = ctx.administration.in_transit_gl_account
    if not gl or not ctx.books.in_transit:
        return NOTHING
    kind = "direct_debit" if ctx.amount > 0 else "payment"
    adm = ctx.administration
    per_item = adm.direct_debit_in_transit if kind == "direct_debit" else adm.payments_in_transit
    verdict = by_batch_id(ctx, kind, gl)
    if per_item and (verdict is None or verdict.status != "booked"):
        # An item line may repeat its batch's id: its end-to-end id then still clears that item.
        item = by_item(ctx, kind, gl)
        if verdict is None or (item is not None and item.status == "booked" and of_line_batch(ctx, item)):
            verdict = item
    if verdict is None and not per_item:
        verdict = by_total(ctx, kind, gl)
    return verdict or NOTHING


def free(ctx: LineContext, batch: InTransitBatch, index: int) -> bool:
    """True when neither the batch as a whole nor this part was cleared earlier."""
    key = (batch.administration, batch.batch_id)
    if index == WHOLE:
        return key not in ctx.state.transit_touched
    used = ctx.state.transit_used
    return (*key, WHOLE) not in used and (*key, index) not in used


def clear(ctx: LineContext, gl: str, why: str, batch: InTransitBatch, index: int) -> Verdict:
    """Book the line against the in-transit account."""
    leg = new_posting(gl, -ctx.amount)
    text = f"{why}; cleared on the in-transit account {gl}"
    used = ((batch.administration, batch.batch_id, index),)
    return new_verdict("booked", "in_transit", text, 100, (leg,), transit_used=used)


def by_batch_id(ctx: LineContext, kind: str, gl: str) -> Verdict | None:
    """The batch total, by the line's batch id."""
    batch_id = ctx.entry.line.batch_id or batch_of_items(ctx)
    batches = ctx.books.batches_by_id.get((ctx.adm, batch_id), ()) if batch_id else ()
    batch = next((b for b in batches if b.kind == kind and free(ctx, b, WHOLE)), None)
    if batch is None:
        return None
    if batch.total != abs(ctx.amount):
        why = f"batch id {batch_id} is {kind_words(batch)} of {money(batch.total)}, not {money(ctx.amount)}"
        cand = new_candidate(None, (), ctx.amount, 60, why, gl_account=gl)
        return new_verdict("proposed", "in_transit", why, 60, candidates=(cand,))
    return clear(ctx, gl, f"batch id {batch_id} is {kind_words(batch)} with total {money(batch.total)}", batch, WHOLE)


def of_line_batch(ctx: LineContext, verdict: Verdict) -> bool:
    """True when the parts a verdict clears belong to the batch id the line carries."""
    batch_id = ctx.entry.line.batch_id
    return not batch_id or all(used[1] == batch_id for used in verdict.transit_used)


def batch_of_items(ctx: LineContext) -> str | None:
    """The one sent batch all of a batch entry's item end-to-end ids belong to."""
    items = ctx.entry.line.items
    if not items:  # most lines: no list made
        return None
    e2e = [i.end_to_end_id for i in items]
    if not all(e2e):
        return None
    index = ctx.books.transit_by_e2e
    ids = {hit[0].batch_id for e in e2e for hit in index.get((ctx.adm, e or ""), ())}
    found = all((ctx.adm, e or "") in index for e in e2e)
    return ids.pop() if found and len(ids) == 1 else None


def by_total(ctx: LineContext, kind: str, gl: str) -> Verdict | None:
    """One-total mode without a batch id: a total of equal amount is only proposed."""
    batches = ctx.books.batches_by_total.get((ctx.adm, kind, abs(ctx.amount)), ())
    fits = [b for b in batches if free(ctx, b, WHOLE)]
    if not fits:
        return None
    why = f"the amount equals the total of {', '.join(kind_words(b) for b in fits)}, but the line has no batch id"
    cands = tuple(new_candidate(None, (), ctx.amount, 70, why, gl_account=gl) for _ in fits[:1])
    return new_verdict("proposed", "in_transit", why, 70, candidates=cands)


def by_item(ctx: LineContext, kind: str, gl: str) -> Verdict | None:
    """Item-by-item mode: the item by end-to-end id (booked); else by amount and the
    relation of the counter IBAN, which is only proposed — an ordinary transfer of the
    same relation and amount (another invoice, paid by hand) looks just the same."""
    e2e = ctx.entry.line.end_to_end_id
    pairs = ctx.books.transit_by_e2e.get((ctx.adm, e2e), ()) if e2e else ()
    hits = [h for h in pairs if h[0].kind == kind and free(ctx, h[0], h[1])]
    if not hits:
        hits = by_relation(ctx, kind)
        if not hits:
            return None
        batch, _, item = hits[0]
        how = f"amount {money(ctx.amount)} and relation {item.relation} fit"
        if len(hits) == 1:
            why = f"{how} an item of {kind_words(batch)}, but the line does not carry its end-to-end id"
            return ambiguous(ctx, hits, gl, why)
        return ambiguous(ctx, hits, gl)
    if len(hits) != 1:
        return ambiguous(ctx, hits, gl)
    batch, index, item = hits[0]
    how = f"end-to-end id {e2e}"
    if item.amount != abs(ctx.amount):
        why = f"{how} is in {kind_words(batch)} for {money(item.amount)}, not {money(ctx.amount)}"
        return ambiguous(ctx, hits, gl, why)
    invoice = f", invoice {item.invoice_number}" if item.invoice_number else ""
    return clear(ctx, gl, f"{how} is an item of {kind_words(batch)} (relation {item.relation}{invoice})", batch, index)


def by_relation(ctx: LineContext, kind: str) -> list[TransitHit]:
    """Items of free batches for a relation of the counter IBAN with the line's amount."""
    index, adm = ctx.books.transit_by_relation, ctx.adm
    hits: list[TransitHit] = []
    for r in ctx.iban_relations():
        found = index.get((adm, r.number))
        if found:  # most relations have no item in transit: nothing more to do per line
            amount = abs(ctx.amount)
            hits.extend(h for h in found if h[0].kind == kind and h[2].amount == amount and free(ctx, h[0], h[1]))
    return hits


def ambiguous(ctx: LineContext, hits: list[TransitHit], gl: str, why: str = "") -> Verdict | None:
    """Several items fit (or one with another amount): propose them."""
    if not hits:
        return None
    why = why or f"{len(hits)} items of sent batches fit the amount {money(ctx.amount)} and relation"
    cands = tuple(
        new_candidate(i.relation, (i.invoice_number,) if i.invoice_number else (), ctx.amount, 60, why, gl_account=gl)
        for _, _, i in hits
    )
    return new_verdict("proposed", "in_transit", why, 60, candidates=cands)


def returned(ctx: LineContext) -> Verdict:
    """A returned, refunded or reversed direct debit: proposed with its original item."""
    line = ctx.entry.line
    reason = f" (reason {line.return_reason})" if line.return_reason else ""
    what = f"returned or reversed direct debit{reason}"
    pairs = ctx.books.transit_by_e2e.get((ctx.adm, line.end_to_end_id), ()) if line.end_to_end_id else ()
    if not pairs:
        return new_verdict("open", None, f"{what}: a return is never booked automatically", 0)
    why = f"{what} of end-to-end id {line.end_to_end_id}: a return is never booked automatically"
    cands = tuple(
        new_candidate(i.relation, (i.invoice_number,) if i.invoice_number else (), ctx.amount, 60, why)
        for _, _, i in pairs
    )
    return new_verdict("proposed", "in_transit", why, 60, candidates=cands)
