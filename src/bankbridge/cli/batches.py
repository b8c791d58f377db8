"""``bankbridge batches``: register sent pain.001/pain.008 batches (payments in transit),
apply the bank's pain.002 status reports about them, and list them."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bankbridge.cli.context import app_context
from bankbridge.ledger.access import Access
from bankbridge.money import format_amount

if TYPE_CHECKING:  # the commands import the database and the services when they run
    from bankbridge.services.batch_status import StatusOutcome
    from bankbridge.services.batches import RegisterOutcome

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
PIPE_WIDTH = 250
"""Tables written to a pipe or file are not squeezed to 80 columns (ids stay whole)."""


LONG_TABLE = 200
"""From this many rows on a table is printed as plain aligned columns: Rich lays out every
cell first, about 0.4 ms a row (7,014 registered batches: 3 s of an 18 s run)."""


def show(table: Table) -> None:
    """Print a table: as wide as the terminal, or unsqueezed when piped; a long one as
    plain columns (same cells, two spaces apart, no wrapping)."""
    if table.row_count >= LONG_TABLE:
        columns = [[str(c.header), *(str(cell) for cell in c.cells)] for c in table.columns]
        widths = [max(len(cell) for cell in column) for column in columns]
        lines = zip(*columns, strict=True)
        rows = ("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in lines)
        out.file.write("".join(f"{row}\n" for row in rows))
        return
    (out if out.is_terminal else Console(soft_wrap=True, width=PIPE_WIDTH)).print(table)


app = typer.Typer(help="Payment and direct-debit batches sent to the bank (payments in transit).", no_args_is_help=True)


class Status(StrEnum):
    sent = "sent"
    cleared = "cleared"
    rejected = "rejected"


@app.command("add")
def add(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="pain.001 (credit transfers) or pain.008 (direct debits) files.")],
    administration: Annotated[
        str | None, typer.Option("--administration", help="Refuse batches of any other administration.")
    ] = None,
) -> None:
    """Register sent batches: settle their open items against the in-transit GL account,
    so that the bank's report of them clears it (R-C1, R-C2, R-D8)."""
    from bankbridge import bootstrap
    from bankbridge.services.batches import register_files

    settings = app_context(ctx).settings()
    factory = bootstrap.uow_factory(settings, writer=True)
    with bootstrap.batch_run():
        outcomes = register_files(files, factory, bootstrap.SystemClock(), administration=administration)
    print_outcomes(outcomes)
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


def print_outcomes(outcomes: list[RegisterOutcome]) -> None:
    """Warnings and errors on stderr, one row per batch on stdout."""
    table = Table("file", "batch", "administration", "journal", "kind", "items", "total", "status", box=None)
    for o in outcomes:
        for w in o.warnings:
            err.print(f"warning: {w}", markup=False, highlight=False)
        for b in o.batches:
            status = "registered" if b.registered else "already registered"
            kind = b.kind.replace("_", " ")
            table.add_row(
                o.source, b.batch_id, b.administration, b.journal, kind, str(b.items), format_amount(b.total), status
            )
    show(table)
    for o in outcomes:
        if o.error:
            err.print(f"error: {o.error}", markup=False, highlight=False)


@app.command("status")
def status_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="pain.002 payment status reports from the bank.")],
    administration: Annotated[
        str | None, typer.Option("--administration", help="Refuse reports about batches of any other administration.")
    ] = None,
) -> None:
    """Apply the bank's status reports: rejected batches or items are reversed off the
    in-transit account and their open items are open again."""
    from bankbridge import bootstrap
    from bankbridge.services.batch_status import status_files

    settings = app_context(ctx).settings()
    factory = bootstrap.uow_factory(settings, writer=True)
    outcomes = status_files(files, factory, bootstrap.SystemClock(), administration=administration)
    print_status(outcomes)
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


def print_status(outcomes: list[StatusOutcome]) -> None:
    """One row per batch, then one per item rejected now; warnings and errors on stderr."""
    batches = Table("file", "batch", "administration", "kind", "bank status", "rejected now", "status", box=None)
    items = Table("batch", "item", "end-to-end id", "relation", "invoice", "amount", "reason", box=None)
    for o in outcomes:
        for w in o.warnings:
            err.print(f"warning: {w}", markup=False, highlight=False)
        for b in o.batches:
            now = format_amount(sum((r.amount for r in b.rejected), Decimal(0))) if b.rejected else "-"
            count = f"{len(b.rejected)} ({now})" if b.rejected else "-"
            kind = b.kind.replace("_", " ")
            batches.add_row(o.source, b.batch_id, b.administration, kind, b.bank_status or "-", count, b.status)
            for r in b.rejected:
                items.add_row(
                    b.batch_id,
                    str(r.position),
                    r.end_to_end_id or "-",
                    r.relation or "-",
                    r.invoice_number or "-",
                    format_amount(r.amount),
                    r.reason,
                )
    show(batches)
    if items.row_count:
        out.print()
        show(items)
    for o in outcomes:
        if o.error:
            err.print(f"error: {o.error}", markup=False, highlight=False)


@app.command("list")
def list_(
    ctx: typer.Context,
    administration: Annotated[str | None, typer.Option("--administration", help="Only this administration.")] = None,
    status: Annotated[Status | None, typer.Option("--status", help="sent (in transit), cleared or rejected.")] = None,
) -> None:
    """Registered batches: how many items are cleared, and the batch status."""
    from bankbridge import bootstrap
    from bankbridge.services.batches import list_batches

    settings = app_context(ctx).settings()
    batches = list_batches(
        bootstrap.uow_factory(settings),
        access=Access.everything(),
        administration=administration,
        status=None if status is None else status.value,
    )
    table = Table(
        "administration",
        "journal",
        "batch",
        "kind",
        "date",
        "items cleared",
        "rejected",
        "total",
        "bank status",
        "status",
        box=None,
    )
    for b in batches:
        cleared = sum(1 for i in b.items if i.status == "cleared")
        rejected = sum(1 for i in b.items if i.status == "rejected")
        table.add_row(
            b.administration,
            b.journal,
            b.batch_id,
            b.kind.replace("_", " "),
            b.date.isoformat(),
            f"{cleared}/{len(b.items)}",
            str(rejected) if rejected else "-",
            format_amount(b.total),
            b.bank_status or "-",
            b.status,
        )
    show(table)
