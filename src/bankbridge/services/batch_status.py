"""The bank's status reports about the batches we sent (pain.002): what was rejected is
taken out of transit and its open items are open again.

A registered batch settled its open items against the in-transit GL account when it was
sent (:mod:`bankbridge.services.batches`). When the bank then rejects the whole message,
a batch, or single instructions (``RJCT``; ``CANC`` for a cancelled one), that booking
must be undone for exactly what was rejected: one reversing journal entry per batch and
report (the rejected items' legs negated, the in-transit account credited back), the
items' settlements reopened so their invoices are open again, and the items marked
``rejected`` with the bank's reason. The bank will not report them on a statement, so
processing no longer expects them: a batch total is what is left, a batch with nothing
left is ``rejected``.

Any other status (``RCVD``, ``ACTC``, ``ACCP``, ``ACSP``, ``ACSC``, ``ACWC``, ``PDNG``,
``PART`` for the batch as a whole …) is only recorded as the batch's bank status.

One report is one transaction: applied whole or not at all. The same report twice
changes nothing the second time and says so. A report about a message, batch or
end-to-end id that was never registered, or rejecting an item a statement line already
cleared (the bank booked it), is refused with file, line, XML path and field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bankbridge.errors import BankbridgeError
from bankbridge.ledger.access import Access
from bankbridge.ledger.model import JournalEntry, Posting
from bankbridge.money import format_amount
from bankbridge.payments.model import (
    NOT_EXECUTED,
    BatchStatusReport,
    SentBatch,
    SentItem,
    StatusReport,
    TransactionStatus,
)
from bankbridge.payments.reasons import describe
from bankbridge.payments.status_report import read_status
from bankbridge.services.batches import kind_words, located
from bankbridge.services.ports import Clock, UnitOfWork


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """One instruction taken out of transit by this report."""

    position: int
    end_to_end_id: str | None
    relation: str | None
    invoice_number: str | None
    amount: Decimal
    reason: str


@dataclass(slots=True)
class BatchStatusOutcome:
    """What one report did to one registered batch."""

    batch_id: str
    administration: str
    kind: str
    bank_status: str | None
    rejected: list[RejectedItem] = field(default_factory=list)
    already_rejected: int = 0
    status: str = "sent"
    """The batch's own status afterwards: ``sent``, ``cleared`` or ``rejected``."""


@dataclass(slots=True)
class StatusOutcome:
    """What happened to one report (file)."""

    source: str
    original_message_id: str = ""
    batches: list[BatchStatusOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def apply_status(
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    report: StatusReport,
    *,
    administration: str | None = None,
    access: Access | None = None,
    actor: str = "bankbridge",
) -> StatusOutcome:
    """Apply one pain.002 report to the batches registered from its original message;
    raises (and changes nothing) when any part of it cannot be applied."""
    access = access or Access.everything()
    source = report.source.file if report.source else "<report>"
    outcome = StatusOutcome(source, report.original_message_id)
    with uow_factory() as uow:
        batches = uow.batches.of_message(report.original_message_id)
        if batches:
            # A line that clears an item is decided by processing: read the batches again
            # once no run decides their administrations' lines (a cleared item is refused).
            uow.bookings.lock_deciding({b.administration for b in batches})
            batches = uow.batches.of_message(report.original_message_id)
        if not batches:
            raise located(
                f"no registered batch comes from message {report.original_message_id}; "
                "register the sent file with `bankbridge batches add` first",
                report.original_source,
                field="OrgnlMsgId",
            )
        batches = _of_one_administration(report, batches, administration)
        for b in batches:
            access.require(b.administration)
        plan = _plan(report, batches)
        audit = []
        for batch in batches:
            status, rejections = plan.get(batch.batch_id, (None, {}))
            done = _apply(uow, report, batch, status, rejections)
            outcome.batches.append(done)
            if done.rejected or (status and status != batch.bank_status):
                audit.append((batch, done))
        if audit:
            uow.bookings.audit(
                [
                    {
                        "at": clock.now(),
                        "actor": actor,
                        "administration": batch.administration,
                        "action": "batch_status",
                        "subject": f"{kind_words(batch.kind)} {batch.batch_id}",
                        "detail": f"{source}: {done.bank_status or '-'}, {len(done.rejected)} items rejected",
                    }
                    for batch, done in audit
                ]
            )
        uow.commit()
    if not audit:
        outcome.warnings.append(f"{source}: report {report.message_id} changes nothing (applied before?)")
    silent = [b.batch_id for b in outcome.batches if b.bank_status == "PART" and not (b.rejected or b.already_rejected)]
    if silent or (report.group_status == "PART" and not any(b.rejected or b.already_rejected for b in outcome.batches)):
        what = f"batch {', '.join(silent)}" if silent else f"message {report.original_message_id}"
        outcome.warnings.append(
            f"{source}: the bank says {what} was partly accepted (PART) but names no rejected instruction; "
            "nothing was taken out of transit"
        )
    return outcome


def _of_one_administration(
    report: StatusReport, batches: list[SentBatch], administration: str | None
) -> list[SentBatch]:
    """The batches the report is about: message ids are the sender's own, so two clients'
    messages may share one; then the administration must be named."""
    found = sorted({b.administration for b in batches})
    if administration is not None:
        mine = [b for b in batches if b.administration == administration]
        if not mine:
            raise located(
                f"message {report.original_message_id} was registered in administration {', '.join(found)}, "
                f"not {administration}",
                report.original_source,
                field="OrgnlMsgId",
            )
        return mine
    if len(found) > 1:
        raise located(
            f"message {report.original_message_id} was registered in administrations {', '.join(found)}; "
            "name the one this report is about with --administration",
            report.original_source,
            field="OrgnlMsgId",
        )
    return batches


Rejections = dict[int, str]
"""Item position → the reason in words."""


def _plan(report: StatusReport, batches: Sequence[SentBatch]) -> dict[str, tuple[str | None, Rejections]]:
    """Per batch id: the status the bank gives it and the items it rejects."""
    by_id = {b.batch_id: b for b in batches}
    plan: dict[str, tuple[str | None, Rejections]] = {}
    group_words = describe(report.group_reasons)
    for b in batches:
        rejections = _all(b, group_words) if report.group_status in NOT_EXECUTED else {}
        plan[b.batch_id] = (report.group_status, rejections)
    for block in report.batches:
        batch = by_id.get(block.batch_id)
        if batch is None:
            known = ", ".join(sorted(by_id))
            raise located(
                f"batch {block.batch_id} is not one of the registered batches of message "
                f"{report.original_message_id} ({known})",
                block.source,
                field="OrgnlPmtInfId",
            )
        status, rejections = plan[batch.batch_id]
        words = describe(block.reasons) if block.reasons else group_words
        if block.status in NOT_EXECUTED:
            rejections.update(_all(batch, words))
        for tx in block.transactions:
            item = _item(batch, tx, block)
            if tx.status in NOT_EXECUTED:
                rejections[item.position] = describe(tx.reasons) if tx.reasons else words
        plan[batch.batch_id] = (block.status or status, rejections)
    return plan


def _all(batch: SentBatch, words: str) -> Rejections:
    return {i.position: words for i in batch.items}


def _item(batch: SentBatch, tx: TransactionStatus, block: BatchStatusReport) -> SentItem:
    """The registered item a ``TxInfAndSts`` is about: by end-to-end id (and amount when
    the id is not unique in the batch)."""
    if tx.end_to_end_id is None:
        raise located(
            f"names no end-to-end id; cannot tell which item of batch {block.batch_id} it is about",
            tx.source,
            field="OrgnlEndToEndId",
        )
    found = [i for i in batch.items if i.end_to_end_id == tx.end_to_end_id]
    if len(found) > 1 and tx.amount is not None:
        found = [i for i in found if i.amount == tx.amount]
    if len(found) > 1:
        open_ones = [i for i in found if i.status != "rejected"]
        found = open_ones[:1] if len({(i.amount, i.relation) for i in open_ones}) == 1 else found
    if not found:
        raise located(
            f"end-to-end id {tx.end_to_end_id} is not an item of {kind_words(batch.kind)} {batch.batch_id}",
            tx.source,
            field="OrgnlEndToEndId",
        )
    if len(found) > 1:
        raise located(
            f"end-to-end id {tx.end_to_end_id} is used by {len(found)} different items of batch {batch.batch_id}; "
            "cannot tell which one the bank means",
            tx.source,
            field="OrgnlEndToEndId",
        )
    return found[0]


def _apply(
    uow: UnitOfWork, report: StatusReport, batch: SentBatch, status: str | None, rejections: Rejections
) -> BatchStatusOutcome:
    assert batch.id is not None
    done = BatchStatusOutcome(batch.batch_id, batch.administration, batch.kind, status or batch.bank_status)
    now: list[tuple[SentItem, str]] = []
    for item in batch.items:
        words = rejections.get(item.position)
        if words is None:
            continue
        if item.status == "rejected":
            done.already_rejected += 1
            continue
        _refuse_cleared(report, batch, item)
        if item.postings is None:
            raise located(
                f"item {item.position} of {kind_words(batch.kind)} {batch.batch_id} was registered before items kept "
                "their own booking (revision 0004) and shares its relation with another item; "
                "reverse it by hand",
                report.original_source,
                field="OrgnlPmtInfId",
            )
        now.append((item, words))
    if now:
        uow.batches.reject(batch, now, _reversal(uow, report, batch, now))
        done.rejected = [
            RejectedItem(i.position, i.end_to_end_id, i.relation, i.invoice_number, i.amount, why) for i, why in now
        ]
    if status and status != batch.bank_status:
        uow.batches.set_bank_status(batch.id, status)
    states = {i.status for i in batch.items if i.position not in {r.position for r in done.rejected}}
    states |= {"rejected"} if done.rejected else set()
    if states == {"rejected"}:
        done.status = "rejected"
    else:
        done.status = "cleared" if "sent" not in states else "sent"
    return done


def _refuse_cleared(report: StatusReport, batch: SentBatch, item: SentItem) -> None:
    """An item a statement line cleared was carried out: the report cannot reject it."""
    line = item.cleared_line or batch.cleared_line
    if item.status == "cleared" and line is not None:
        raise located(
            f"item {item.position} ({item.end_to_end_id or 'no end-to-end id'}, {format_amount(item.amount)}) of "
            f"{kind_words(batch.kind)} {batch.batch_id} was cleared by statement line {line}: the bank booked it. "
            f"Undo that line first (`bankbridge undo {line}`) if the booking was wrong",
            report.original_source,
            field="TxSts",
        )


def _reversal(
    uow: UnitOfWork, report: StatusReport, batch: SentBatch, rejected: Sequence[tuple[SentItem, str]]
) -> JournalEntry:
    """The rejected items' legs negated, the in-transit account given back their sum."""
    assert batch.id is not None
    legs = [Posting(p.gl_account, -p.amount, p.relation, p.allocations) for i, _ in rejected for p in i.postings or ()]
    total = sum((i.amount for i, _ in rejected), Decimal(0))
    gl = uow.batches.in_transit_account(batch.id)
    back = -sum((p.amount for p in legs), Decimal(0))
    reasons = sorted({why for _, why in rejected})
    items = "all items" if len(rejected) == len(batch.items) else f"{len(rejected)} of {len(batch.items)} items"
    return JournalEntry(
        administration=batch.administration,
        journal=batch.journal,
        voucher_number=batch.batch_id,
        entry_date=max(report.created, batch.date),
        currency=batch.currency,
        postings=(*legs, Posting(gl, back)),
        description=f"{kind_words(batch.kind)} {batch.batch_id}: {items} ({format_amount(total)}) rejected by the "
        f"bank ({'; '.join(reasons)}), report {report.message_id}; off the in-transit account {gl}",
    )


def status_files(
    paths: Sequence[Path],
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    *,
    administration: str | None = None,
) -> list[StatusOutcome]:
    """Read and apply each pain.002 file in its own transaction; a failing file is
    reported and the others go on."""
    outcomes = []
    for path in paths:
        try:
            report = read_status(path.read_bytes(), source=str(path))
            outcomes.append(apply_status(uow_factory, clock, report, administration=administration))
        except OSError as exc:
            outcomes.append(StatusOutcome(str(path), error=f"{path}: cannot read: {exc.strerror}"))
        except BankbridgeError as exc:
            text = str(exc)
            outcomes.append(StatusOutcome(str(path), error=text if str(path) in text else f"{path}: {text}"))
    return outcomes
