"""How a line's amount settles open items: exact, partial, combined, within tolerance.

Signs: a line amount is credit positive (money in). An open item's ``remaining`` is in
the item's direction (positive = to receive from a debtor or to pay to a creditor,
negative = a credit note). Its *bank value* is what the bank would show when it is paid:
``+remaining`` for a debtor, ``-remaining`` for a creditor. A line settles a set of items
when its amount equals the sum of their bank values (credit notes net out).

Two entry points: :func:`settle_identified` for items the evidence named (reference,
invoice numbers, BSN) and :func:`settle_by_amount` for a relation's open items when only
the amount can tell (single item, then a unique combination, then tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bankbridge.ledger.model import OpenItem, RelationKind, Settlement, new_settlement
from bankbridge.money import ZERO, format_amount

SUBSET_MAX_ITEMS = 24
SUBSET_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class ItemView:
    """An open item with what is still open of it in this batch, and its relation's kind."""

    item: OpenItem
    kind: RelationKind
    remaining: Decimal

    @property
    def bank_value(self) -> Decimal:
        """The line amount that pays this item exactly."""
        return self.remaining if self.kind is RelationKind.DEBTOR else -self.remaining

    def settle(self, bank_amount: Decimal) -> Settlement:
        """A settlement of ``bank_amount`` (line direction) on this item."""
        amount = bank_amount if self.kind is RelationKind.DEBTOR else -bank_amount
        return new_settlement(self.item.invoice_number, self.item.relation, amount)


@dataclass(frozen=True, slots=True)
class Fit:
    """One certain way to settle: the settlements, a difference to write off (line
    direction: line amount minus what was settled) and the money case in words."""

    settlements: tuple[Settlement, ...]
    difference: Decimal
    case: str


@dataclass(frozen=True, slots=True)
class Misfit:
    """No certain settlement: why not, and the item groups worth proposing."""

    reason: str
    groups: tuple[tuple[ItemView, ...], ...] = ()
    weak: bool = False
    """True when the groups are only the closest items, not items that fit."""


def money(amount: Decimal) -> str:
    """An amount for evidence sentences: ``100.00`` (sign dropped)."""
    return format_amount(abs(amount))


def numbers(views: tuple[ItemView, ...]) -> str:
    """``20260001, 20260002``."""
    return ", ".join(v.item.invoice_number for v in views)


def full(views: tuple[ItemView, ...], amount: Decimal, case: str | None = None) -> Fit:
    """Settle every item in full; what is left of ``amount`` is the difference."""
    total = sum((v.bank_value for v in views), ZERO)
    if case is None:
        case = "amount equal" if len(views) == 1 else f"combined payment of {numbers(views)}"
        if any(v.remaining < 0 for v in views):
            case += " (credit note netted)"
    return Fit(tuple(v.settle(v.bank_value) for v in views), amount - total, case)


def settle_identified(amount: Decimal, views: tuple[ItemView, ...], *, tolerance: Decimal) -> Fit | Misfit:
    """Settle the items the evidence named: exact, within tolerance, or one item partly."""
    total = sum((v.bank_value for v in views), ZERO)
    diff = amount - total
    if diff == 0:
        return full(views, amount)
    if abs(diff) <= tolerance:
        return full(views, amount, f"difference {money(diff)} written off")
    if total == 0 or (amount > 0) != (total > 0):
        return Misfit(f"the amount goes the other way than the open {money(total)}", (views,))
    if abs(amount) > abs(total):
        return Misfit(f"amount {money(amount)} exceeds the open {money(total)} by {money(diff)}", (views,))
    if len(views) > 1:
        return Misfit(f"amount {money(amount)} is less than the {money(total)} open on {numbers(views)}", (views,))
    rest = money(total - amount)
    return Fit((views[0].settle(amount),), ZERO, f"partial payment, {rest} stays open")


def settle_by_amount(amount: Decimal, views: tuple[ItemView, ...], *, tolerance: Decimal) -> Fit | Misfit:
    """Settle a relation's open items by amount alone; booked only when one reading fits."""
    singles = tuple(v for v in views if v.bank_value == amount)
    if len(singles) == 1:
        return full(singles, amount)
    if singles:
        return Misfit(f"{len(singles)} open items of {money(amount)}", tuple((v,) for v in singles))
    combos, complete = subsets(amount, views)
    if len(combos) == 1 and complete:
        return full(combos[0], amount)
    if combos:
        why = "several combinations" if complete else "too many open items to be sure which combination"
        return Misfit(f"{why} of open items sum to {money(amount)}", tuple(combos))
    return near(amount, views, tolerance)


def near(amount: Decimal, views: tuple[ItemView, ...], tolerance: Decimal) -> Fit | Misfit:
    """A single item within tolerance, else the closest items as proposals."""
    close = tuple(v for v in views if abs(amount - v.bank_value) <= tolerance)
    if len(close) == 1 and tolerance > 0:
        diff = amount - close[0].bank_value
        return full(close, amount, f"difference {money(diff)} written off")
    ranked = sorted(views, key=lambda v: (abs(amount - v.bank_value), v.item.invoice_number))
    groups = tuple((v,) for v in ranked[:3] if (v.bank_value > 0) == (amount > 0))
    if len(close) > 1:
        return Misfit(f"{len(close)} open items within the tolerance of {money(amount)}", groups)
    why = f"amount {money(amount)} fits no open item or combination of {len(views)} open items"
    return Misfit(why, groups, weak=True)


def subsets(amount: Decimal, views: tuple[ItemView, ...]) -> tuple[list[tuple[ItemView, ...]], bool]:
    """Combinations of two or more items whose bank values sum to ``amount``.

    Returns up to two (enough to know a combination is not unique) and whether the
    bounded search was complete. Depth-first over the items in their given order, each
    combination once, pruned by the range the remaining items can still reach.
    """
    if len(views) < 2 or len(views) > SUBSET_MAX_ITEMS:
        return [], len(views) < 2
    values = [v.bank_value for v in views]
    pos = _suffix(values, positive=True)
    neg = _suffix(values, positive=False)
    found: list[tuple[int, ...]] = []
    budget = [SUBSET_BUDGET]

    def walk(start: int, total: Decimal, chosen: tuple[int, ...]) -> None:
        for j in range(start, len(values)):
            if len(found) > 1 or budget[0] <= 0 or not (total + neg[j] <= amount <= total + pos[j]):
                return
            budget[0] -= 1
            picked = (*chosen, j)
            if total + values[j] == amount and len(picked) > 1:
                found.append(picked)
            walk(j + 1, total + values[j], picked)

    walk(0, ZERO, ())
    return [tuple(views[i] for i in combo) for combo in found], budget[0] > 0 or len(found) > 1


def _suffix(values: list[Decimal], *, positive: bool) -> list[Decimal]:
    out = [ZERO] * (len(values) + 1)
    for i in range(len(values) - 1, -1, -1):
        v = values[i]
        out[i] = out[i + 1] + (v if (v > 0) == positive else ZERO)
    return out
