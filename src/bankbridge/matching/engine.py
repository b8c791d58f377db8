"""``decide``: every line of a batch to a :class:`Decision`, in a canonical order.

Per line: payments in transit first (our own batches, by id); then the relation steps in
the seed's order (R-D1) — BSN → payment reference → IBAN → invoice numbers — where the
first step that finds something decides; then bank transaction codes, unless a relation
step already points at specific open items (that would be conflicting evidence). A
typo'd payment reference vetoes any automatic booking. Open amounts, batches and added
bank accounts consumed by a line are not used again by later lines of the batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from bankbridge.errors import InputError, UnbalancedEntry
from bankbridge.identifiers import iban as iban_id
from bankbridge.ledger.model import BankAccountStatus, RelationBankAccount, new_posting
from bankbridge.matching.books import Books
from bankbridge.matching.context import BatchState, LineContext
from bankbridge.matching.model import Candidate, Decision, LineInput, new_candidate
from bankbridge.matching.outcome import Note, Verdict, new_verdict
from bankbridge.matching.steps.bsn import match_bsn
from bankbridge.matching.steps.codes import match_code
from bankbridge.matching.steps.iban import match_iban
from bankbridge.matching.steps.invoice import match_invoice_numbers
from bankbridge.matching.steps.reference import match_reference
from bankbridge.matching.steps.transit import match_in_transit
from bankbridge.statements.identity import line_date
from bankbridge.statements.twin import twin_of

Step = Callable[[LineContext], Verdict | Note]
RELATION_STEPS: tuple[Step, ...] = (match_bsn, match_reference, match_iban, match_invoice_numbers)


def decide(lines: Sequence[LineInput], books: Books) -> list[Decision]:
    """Decide every line; pure, deterministic, independent of the order of ``lines``:
    they are decided by date (booking date, else value date), then by line id; the
    decisions come back in line id order."""
    dupes = [i for i, n in Counter(e.line_id for e in lines).items() if n > 1]
    if dupes:
        raise InputError(f"line ids must be unique in a batch; repeated: {sorted(dupes)[:5]}")
    state = BatchState()
    order = sorted(lines, key=lambda e: (line_date(e.line) or date.min, e.line_id))
    decisions = [decide_line(entry, books, state) for entry in order]
    return sorted(decisions, key=lambda d: d.line_id)


def decide_line(entry: LineInput, books: Books, state: BatchState) -> Decision:
    """Decide one line and record what it consumed in ``state``."""
    adm = books.administrations.get(entry.administration)
    journal = books.journals.get((entry.administration, entry.journal))
    if adm is None or journal is None:
        why = f"administration {entry.administration} has no bank journal {entry.journal}"
        return Decision(entry.line_id, "open", None, why, 0)
    if entry.line.amount == 0:
        return Decision(entry.line_id, "open", None, "the line's amount is zero", 0)
    if entry.currency != journal.currency:
        why = f"the line is in {entry.currency}, bank journal {journal.code} in {journal.currency}"
        return Decision(entry.line_id, "open", None, why, 0)
    ctx = LineContext.of(entry, adm, journal, books, state)
    return apply(ctx, choose(ctx))


def choose(ctx: LineContext) -> Verdict:
    """Run the steps and pick the verdict (see the module docstring)."""
    transit = match_in_transit(ctx)
    if isinstance(transit, Verdict) and (transit.status == "booked" or is_return(ctx)):
        return transit
    notes = [transit] if isinstance(transit, Note) else []
    found: Verdict | None = None
    for step in RELATION_STEPS:
        result = step(ctx)
        if isinstance(result, Verdict):
            found = result
            break
        notes.append(result)
    verdict = with_notes(pick(ctx, found, transit if isinstance(transit, Verdict) else None, notes), notes)
    if verdict.status != "booked":
        return verdict
    veto = next((n for n in notes if n.veto), None)
    return downgrade(ctx, verdict, veto.text) if veto else verdict


def with_notes(verdict: Verdict, notes: list[Note]) -> Verdict:
    """An ``open`` verdict also says what the earlier steps noticed."""
    if verdict.status != "open":
        return verdict
    texts = [n.text for n in notes if n.text and n.text not in verdict.evidence]
    if not texts:
        return verdict
    return replace(verdict, evidence="; ".join((*texts, verdict.evidence)))


def is_return(ctx: LineContext) -> bool:
    """A returned or reversed direct debit."""
    return bool(ctx.entry.line.return_reason or ctx.entry.line.reversal)


def pick(ctx: LineContext, found: Verdict | None, transit: Verdict | None, notes: list[Note]) -> Verdict:
    """Relation booking, else a transaction code (without conflicting item evidence), else the best proposal."""
    if found is not None and found.status == "booked":
        return found
    code = match_code(ctx)
    if isinstance(code, Note):
        notes.append(code)
    elif found is not None and found.names_items and code.status == "booked":
        return new_verdict(
            "proposed",
            found.rule,
            f"{code.evidence}, but {found.evidence}",
            40,
            candidates=(*found.candidates, *as_candidates(ctx, code, 40)),
        )
    elif found is None or found.status == "open" or code.status == "booked":
        return transit if code.status == "open" and transit is not None else code
    if found is not None and (found.status != "open" or transit is None):
        return found
    if transit is not None:
        return transit
    reasons = "; ".join(n.text for n in notes if n.text)
    return new_verdict(
        "open", None, f"no rule found a match: {reasons}" if reasons else "no rule applies to this line", 0
    )


def as_candidates(ctx: LineContext, verdict: Verdict, score: int) -> tuple[Candidate, ...]:
    """A booking turned into a proposal."""
    numbers = tuple(s.invoice_number for s in verdict.settlements)
    leg = verdict.legs[0] if verdict.legs else None
    relation = verdict.settlements[0].relation if numbers else leg.relation if leg else None
    gl = None if numbers or leg is None else leg.gl_account
    return (new_candidate(relation, numbers, ctx.amount, score, verdict.evidence, gl_account=gl),)


def downgrade(ctx: LineContext, verdict: Verdict, why: str) -> Verdict:
    """A booking vetoed by a typo'd reference becomes a proposal."""
    text = f"{why}, so this is only proposed: {verdict.evidence}"
    return new_verdict("proposed", verdict.rule, text, 50, candidates=as_candidates(ctx, verdict, 50))


def apply(ctx: LineContext, verdict: Verdict) -> Decision:
    """The decision; a booking consumes open amounts, batch parts and new IBANs."""
    entry = ctx.entry
    if verdict.status != "booked":
        return _DECISION.make(
            line_id=entry.line_id,
            status=verdict.status,
            rule=verdict.rule,
            evidence=verdict.evidence,
            score=verdict.score,
            candidates=verdict.candidates,
        )
    bank = new_posting(ctx.journal.gl_account, ctx.amount)
    if sum((leg.amount for leg in verdict.legs), ctx.amount) != 0:
        raise UnbalancedEntry(f"line {entry.line_id}: the postings of rule {verdict.rule} do not balance")
    consume(ctx, verdict)
    return _DECISION.make(
        line_id=entry.line_id,
        status="booked",
        rule=verdict.rule,
        evidence=verdict.evidence,
        score=verdict.score,
        postings=(bank, *verdict.legs),
        settlements=verdict.settlements,
        new_bank_account=new_bank_account(ctx, verdict),
        transit_used=verdict.transit_used,
    )


_DECISION = twin_of(Decision)
"""One per line: made without the frozen ``__init__`` (:mod:`bankbridge.statements.twin`)."""


def consume(ctx: LineContext, verdict: Verdict) -> None:
    """Record what a booked line used: open amounts and sent batch parts."""
    state = ctx.state
    for s in verdict.settlements:
        key = (ctx.adm, s.invoice_number)
        left = ctx.view(ctx.books.items[key]).remaining - s.amount
        state.remaining[key] = left
        if left == 0:
            state.paid_by[key] = ctx.entry.line_id
    state.transit_used.update(verdict.transit_used)
    state.transit_touched.update(u[:2] for u in verdict.transit_used)


def new_bank_account(ctx: LineContext, verdict: Verdict) -> RelationBankAccount | None:
    """R-C6: the unknown counter IBAN of a line booked on a relation, when the journal says so."""
    rel = verdict.relation
    iban = ctx.counter_iban
    if rel is None or verdict.rule in ("bsn", "in_transit", "transaction_code") or iban is None:
        return None
    key = (ctx.adm, iban)
    if not ctx.journal.auto_add_bank_account or key in ctx.books.relations_by_iban or key in ctx.state.added_ibans:
        return None
    if not iban_id.is_valid(iban):
        return None
    ctx.state.added_ibans.add(key)
    status = BankAccountStatus.UNDER_REVIEW if ctx.journal.approval_workflow else BankAccountStatus.APPROVED
    return RelationBankAccount(ctx.adm, rel.number, iban, status)
