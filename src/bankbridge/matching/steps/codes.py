"""Bank transaction codes (R-D6) with commission and cost allocation (R-D7).

Codes are per bank (BIC compared on 8 characters) and case-sensitive (``N121`` is not
``n121``); CODA's 8-digit codes work the same. Several rows of one code are told apart
by their search value: a row whose non-empty search value occurs in the line beats the
row without one; a search value that contains another matching one is more specific;
two equally specific rows are not booked automatically. The amount goes to the row's GL
(clearing) account. With a commission account, a credit is booked gross on the clearing
account and the commission (CAMT charges, else gross/commission/net in the description)
on the cost account. Cost allocation: an allocation row of the code whose search value
occurs on the third ``:86:`` line gives the posting its axis codes; the commission leg
inherits them (the seed: "de eerste verbijzondering werkt door").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from bankbridge.ledger.model import Allocation, TransactionCode, new_posting
from bankbridge.matching.books import bank_key
from bankbridge.matching.context import LineContext
from bankbridge.matching.model import new_candidate
from bankbridge.matching.money_cases import money
from bankbridge.matching.outcome import NOTHING, Note, Verdict, new_verdict
from bankbridge.matching.text import commission_figures, contains, line_text, squash

R = TypeVar("R", TransactionCode, Allocation)


def most_specific(rows: tuple[R, ...], text: str, value: Callable[[R], str]) -> tuple[R, ...]:
    """The most specific rows whose search value occurs in ``text`` (one = a winner)."""
    hits = [r for r in rows if not value(r) or contains(text, value(r))]
    filled = [r for r in hits if value(r)]
    if not filled:
        return tuple(hits)
    keys = [squash(value(r)).casefold() for r in filled]
    return tuple(r for r, k in zip(filled, keys, strict=True) if not any(k != o and k in o for o in keys))


def match_code(ctx: LineContext) -> Verdict | Note:
    """Book the line on the GL account of its bank transaction code."""
    line = ctx.entry.line
    codes = tuple(c for c in (line.bank_code, line.iso_code) if c)
    if not codes:
        return NOTHING
    bank = bank_key(ctx.entry.bank_bic)
    env = ctx.administration.environment
    code = next((c for c in codes if (env, bank, c) in ctx.books.codes), codes[0])
    rows = ctx.books.codes.get((env, bank, code), ())
    if not rows:
        return Note(f"no transaction code {code} is set up for bank {bank or '(no BIC)'}")
    winners = most_specific(rows, line_text(line), lambda r: r.search_value)
    if not winners:
        return Note(f"transaction code {code} is set up, but none of its search values occurs in the line")
    if len(winners) > 1:
        return tie(ctx, code, winners)
    return book_code(ctx, winners[0])


def tie(ctx: LineContext, code: str, rows: tuple[TransactionCode, ...]) -> Verdict:
    """Two equally specific rows: propose each."""
    values = " and ".join(repr(r.search_value) for r in rows)
    why = f"transaction code {code} fits {len(rows)} rows equally well (search values {values})"
    cands = tuple(new_candidate(None, (), ctx.amount, 50, why, gl_account=r.gl_account) for r in rows)
    return new_verdict("proposed", "transaction_code", why, 50, candidates=cands)


def book_code(ctx: LineContext, row: TransactionCode) -> Verdict:
    """The postings of one code row: clearing account, commission, allocation."""
    foreign = foreign_account(ctx, (row.gl_account, row.commission_gl_account))
    if foreign:
        return propose_row(ctx, row, foreign)
    axes = allocation(ctx, row)
    if isinstance(axes, str):
        return propose_row(ctx, row, axes)
    commission = commission_of(ctx, row)
    if isinstance(commission, str):
        return propose_row(ctx, row, commission)
    if axes and commission and row.commission_gl_account:
        # The seed: the allocation carries through to the commission account only when
        # that account is not allocated itself; otherwise its codes are entered by hand.
        cost = ctx.books.gl_accounts.get((ctx.administration.environment, row.commission_gl_account))
        if cost is not None and cost.axes:
            why = f"the commission account {row.commission_gl_account} is allocated itself: enter its codes by hand"
            return propose_row(ctx, row, why)
    pairs = axes.axis_codes if axes else ()
    legs = [new_posting(row.gl_account, -(ctx.amount + commission), allocations=pairs)]
    if commission and row.commission_gl_account:
        legs.append(new_posting(row.commission_gl_account, commission, allocations=pairs))
    return new_verdict("booked", "transaction_code", evidence(ctx, row, commission, axes), 100, tuple(legs))


def foreign_account(ctx: LineContext, numbers: tuple[str | None, ...]) -> str | None:
    """Why a code of the environment may not book here: one of its GL accounts belongs to
    another administration (``gl_accounts.csv``'s ``administration``)."""
    env = ctx.administration.environment
    for number in numbers:
        account = ctx.books.gl_accounts.get((env, number)) if number else None
        if account is not None and account.administration and account.administration != ctx.adm:
            return f"GL account {number} is of administration {account.administration} only"
    return None


def propose_row(ctx: LineContext, row: TransactionCode, why: str) -> Verdict:
    """A code that fits, but its commission or allocation is not certain."""
    text = f"transaction code {row.code} books on {row.gl_account}, but {why}"
    cand = new_candidate(None, (), ctx.amount, 60, text, gl_account=row.gl_account)
    return new_verdict("proposed", "transaction_code", text, 60, candidates=(cand,))


def evidence(ctx: LineContext, row: TransactionCode, commission: Decimal, axes: Allocation | None) -> str:
    """``transaction code N121 ('Pin-ontvangsten') of bank RABONL2U books on 1010; …``."""
    what = f" ({row.description!r})" if row.description else ""
    refined = f" with search value {row.search_value!r}" if row.search_value else ""
    text = f"transaction code {row.code}{what} of bank {bank_key(row.bank)}{refined} books on {row.gl_account}"
    if commission:
        gross = money(ctx.amount + commission)
        text += f"; commission {money(commission)} on {row.commission_gl_account} (gross {gross})"
    if axes:
        pairs = ", ".join(f"axis {a} = {c}" for a, c in axes.axis_codes)
        text += f"; allocation {axes.search_value!r} on the third :86: line gives {pairs}"
    return text


def allocation(ctx: LineContext, row: TransactionCode) -> Allocation | str | None:
    """The allocation row whose search value is on the third ``:86:`` line (R-D7)."""
    env = ctx.administration.environment
    rows = ctx.books.allocations.get((env, bank_key(row.bank), row.code, row.search_value), ())
    detail = ctx.entry.line.detail_lines
    if not rows or len(detail) < 3:
        return None
    winners = most_specific(tuple(r for r in rows if r.search_value), detail[2], lambda r: r.search_value)
    if len(winners) > 1:
        return f"allocations {' and '.join(repr(r.search_value) for r in winners)} both fit the third :86: line"
    return winners[0] if winners else None


def commission_of(ctx: LineContext, row: TransactionCode) -> Decimal | str:
    """The commission withheld on a credit: CAMT charges, else figures in the text."""
    amount = ctx.amount
    line = ctx.entry.line
    if not row.commission_gl_account or amount <= 0:
        return Decimal(0)
    if line.charges:
        return abs(line.charges)
    figures = commission_figures(line_text(line))
    gross, comm, net = figures.gross, figures.commission, figures.net
    if net is not None and net != amount:
        return f"the net amount {money(net)} in the description is not the amount {money(amount)}"
    if comm is None and gross is None and figures.unread:
        # ``COMMISSIE 2,50%``: a commission is withheld, but its amount is not written.
        return "the description names a commission rate but no amount of it can be read"
    if comm is None:
        comm = gross - amount if gross is not None else Decimal(0)
    if comm < 0 or (gross is not None and gross - comm != amount):
        return "gross, commission and net in the description do not add up"
    return comm
