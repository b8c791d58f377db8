"""``bankbridge import``: statement files into the books, with a summary per administration."""

from __future__ import annotations

import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from bankbridge.cli.batches import show
from bankbridge.cli.context import app_context, is_terminal
from bankbridge.errors import InputError
from bankbridge.ledger.access import Access
from bankbridge.money import format_amount, parse_decimal

if TYPE_CHECKING:  # the commands import the database and the services when they run
    from bankbridge.config import Settings
    from bankbridge.services.importing import FileOutcome, ImportReport
    from bankbridge.services.manual import Part
    from bankbridge.services.processing import ProcessReport

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Statement files (MT940, MT942, CAMT, CODA, OFX, zip).")],
    process_now: Annotated[
        bool, typer.Option("--process", help="Process the imported statements right away (all journals).")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=16,
            help="Processes that read and store files (and, with --process, decide lines); "
            "default: the machine's cores (up to 4) for large jobs, else one.",
        ),
    ] = None,
) -> None:
    """Read statement files, route each statement to its bank journal by IBAN, skip what was
    read before, and keep the original lines."""
    from rich.progress import Progress

    from bankbridge import bootstrap

    settings = app_context(ctx).settings()
    clock = bootstrap.SystemClock()
    with bootstrap.batch_run():
        if is_terminal() and len(files) > 1:
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("importing", total=len(files))
                report = bootstrap.import_in_parallel(
                    files, settings, workers=workers, on_file=lambda _f: progress.advance(task)
                )
        else:
            report = bootstrap.import_in_parallel(files, settings, workers=workers)
        journals = report.journals_to_process(everything=process_now)
        processed = None
        if journals:
            processed = bootstrap.process_in_parallel(
                settings, clock, workers=workers, access=Access.everything(), journals=journals
            )
    print_report(report, processed)
    if report.failed:
        raise typer.Exit(1)


def known_administration(settings: Settings, administration: str | None) -> None:
    """``--administration`` must name an administration of the books: a typo would
    otherwise process, export or list nothing and still succeed."""
    if administration is None:
        return
    from bankbridge import bootstrap

    with bootstrap.unit_of_work(settings) as uow:
        known = {a.code for a in uow.ledger.records("administrations.csv")}
    if administration not in known:
        hint = f" (the books hold {', '.join(sorted(known)[:10])}{', …' if len(known) > 10 else ''})" if known else ""
        raise InputError(f"--administration: no administration {administration!r}{hint}")


def print_report(report: ImportReport, processed: ProcessReport | None = None) -> None:
    """Warnings and errors on stderr, the summary per administration on stdout."""
    for f in report.files:
        for warning in f.warnings:
            err.print(f"warning: {f.source}: {warning}", markup=False, highlight=False)
    table = Table("administration", "statements", "lines", "duplicates", "booked", "open", box=None)
    for adm, s in sorted(report.per_administration().items()):
        booked = processed.booked.get(adm, 0) if processed else 0
        table.add_row(adm, str(len(s.statements)), str(s.lines), str(s.duplicates), str(booked), str(s.lines - booked))
    out.print(table)
    for f in report.failed:
        err.print(f"error: {_first(f)}", markup=False, highlight=False)


def _first(outcome: FileOutcome) -> str:
    return outcome.error or ""


export_app = typer.Typer(help="Export what bankbridge has booked.", no_args_is_help=True)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


@export_app.command("bookings")
def export_bookings(
    ctx: typer.Context,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl (default) or csv.")] = ExportFormat.jsonl,
    output: Annotated[Path | None, typer.Option("--output", help="File to write (default: stdout).")] = None,
    administration: Annotated[str | None, typer.Option("--administration", help="Only this administration.")] = None,
) -> None:
    """Every statement line with its outcome: status, rule, evidence, settlements, postings."""
    from bankbridge import bootstrap
    from bankbridge.services import export

    settings = app_context(ctx).settings()
    known_administration(settings, administration)
    with bootstrap.unit_of_work(settings) as uow:
        records = export.bookings(uow.statements, Access.everything(), administration=administration)
        chunks = export.jsonl(records) if fmt is ExportFormat.jsonl else export.csv_lines(records)
        if output is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
        else:
            try:
                handle = output.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None
            with handle:
                handle.writelines(chunks)


def process_(
    ctx: typer.Context,
    administration: Annotated[str | None, typer.Option("--administration", help="Only this administration.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=16,
            help="Processes that decide lines side by side (per administration); "
            "default: the machine's cores (up to 4) from 20,000 pending lines on, else one.",
        ),
    ] = None,
) -> None:
    """Automatic processing of every statement in progress: match, book, explain."""
    from bankbridge import bootstrap

    settings = app_context(ctx).settings()
    known_administration(settings, administration)
    with bootstrap.batch_run():
        report = bootstrap.process_in_parallel(
            settings,
            bootstrap.SystemClock(),
            workers=workers,
            access=Access.everything(),
            administration=administration,
        )
    table = Table("administration", "booked", "proposed", "open", box=None)
    for adm in sorted(set(report.booked) | set(report.proposed) | set(report.open)):
        table.add_row(
            adm, str(report.booked.get(adm, 0)), str(report.proposed.get(adm, 0)), str(report.open.get(adm, 0))
        )
    out.print(table)
    err.print(f"statements processed: {report.processed_statements}")


def undo_(
    ctx: typer.Context,
    line: Annotated[int | None, typer.Argument(help="The statement line id (see `bankbridge lines`).")] = None,
    statement: Annotated[
        int | None, typer.Option("--statement", help="Undo every booked line of this statement instead.")
    ] = None,
) -> None:
    """Undo the processing of one line, or of a whole statement: bookings reversed, settled
    open items reopened, batches back in transit, added bank accounts removed (R-G3)."""
    if (line is None) == (statement is None):
        raise InputError("name either a line id or --statement ID")
    from bankbridge import bootstrap
    from bankbridge.services.processing import undo
    from bankbridge.services.worklist import undo_statement

    settings = app_context(ctx).settings()
    factory, clock = bootstrap.uow_factory(settings, writer=True), bootstrap.SystemClock()
    if line is not None:
        undo(factory, clock, access=Access.everything(), line_id=line)
        err.print(f"line {line} is open again")
        return
    assert statement is not None
    undone = undo_statement(factory, clock, access=Access.everything(), statement_id=statement)
    err.print(
        f"statement {statement}: {len(undone)} booked lines open again"
        if undone
        else f"statement {statement}: no booked line"
    )


class LineStatus(StrEnum):
    open = "open"
    proposed = "proposed"
    booked = "booked"


def lines_(
    ctx: typer.Context,
    status: Annotated[
        list[LineStatus] | None, typer.Option("--status", help="Only these (repeatable); default open and proposed.")
    ] = None,
    administration: Annotated[str | None, typer.Option("--administration", help="Only this administration.")] = None,
    statement: Annotated[int | None, typer.Option("--statement", help="Only this statement (id).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many lines.", min=1)] = None,
) -> None:
    """The work list: statement lines with their ids (for `book`, `code-from-line`, `undo`),
    the outcome of processing, why, and the best candidate."""
    from bankbridge import bootstrap
    from bankbridge.services import worklist

    settings = app_context(ctx).settings()
    known_administration(settings, administration)
    found = worklist.lines(
        bootstrap.uow_factory(settings),
        access=Access.everything(),
        administration=administration,
        statement_id=statement,
        statuses=tuple(s.value for s in status) if status else worklist.NOT_BOOKED,
        limit=limit,
    )
    table = Table(
        "line",
        "statement",
        "administration",
        "journal",
        "date",
        "amount",
        "counterparty",
        "status",
        "why",
        "candidate",
        box=None,
    )
    for x in found:
        table.add_row(
            str(x.line_id),
            str(x.statement_id),
            x.administration,
            x.journal,
            x.date.isoformat() if x.date else "-",
            format_amount(x.amount),
            x.counterparty or "-",
            x.status,
            x.evidence,
            x.candidate or "-",
        )
    show(table)
    err.print(f"{len(found)} lines")


def _parts(invoices: list[str], gl_accounts: list[str]) -> list[tuple[str, str, str | None]]:
    out: list[tuple[str, str, str | None]] = []
    for kind, values in (("invoice", invoices), ("gl", gl_accounts)):
        for value in values:
            target, sep, amount = value.partition("=")
            out.append((kind, target, amount if sep else None))
    return out


def book_(
    ctx: typer.Context,
    line: Annotated[int, typer.Argument(help="The statement line id.")],
    invoice: Annotated[list[str], typer.Option("--invoice", help="NUMBER[=AMOUNT]: settle an open item.")] = [],  # noqa: B006
    gl: Annotated[list[str], typer.Option("--gl", help="ACCOUNT[=AMOUNT]: book on a GL account.")] = [],  # noqa: B006
) -> None:
    """Book a line by hand on open items and/or GL accounts (several parts split the line).
    Amounts are signed like the line; one part may leave its amount out and takes the rest."""
    from bankbridge import bootstrap
    from bankbridge.services.manual import book_by_hand

    settings = app_context(ctx).settings()
    factory = bootstrap.uow_factory(settings, writer=True)  # SQLite: wait for another writer, not fail
    raw = _parts(invoice, gl)
    with factory() as uow:
        found = uow.bookings.pending([line])
        line_amount = found[0].line.amount if found else Decimal(0)
    parts = manual_parts(raw, line_amount)
    evidence = book_by_hand(factory, bootstrap.SystemClock(), access=Access.everything(), line_id=line, parts=parts)
    err.print(evidence, markup=False, highlight=False)


def manual_parts(raw: list[tuple[str, str, str | None]], line_amount: Decimal) -> list[Part]:
    """Parts from ``(kind, target, amount or None)``; one part without amount takes the rest."""
    from bankbridge.services.manual import Part

    missing = [r for r in raw if r[2] is None]
    if len(missing) > 1:
        raise InputError("only one part may leave out its amount")
    given = sum((parse_decimal(r[2]) for r in raw if r[2] is not None), Decimal(0))
    parts = []
    for kind, target, amount in raw:
        value = parse_decimal(amount) if amount is not None else line_amount - given
        parts.append(Part(value, invoice_number=target) if kind == "invoice" else Part(value, gl_account=target))
    return parts


def code_from_line_(
    ctx: typer.Context,
    line: Annotated[int, typer.Argument(help="The statement line id.")],
    gl: Annotated[str, typer.Option("--gl", help="GL (clearing) account the code books on.")],
    search_value: Annotated[str, typer.Option("--search-value", help="Text that must occur in the line.")] = "",
    commission_gl: Annotated[str | None, typer.Option("--commission-gl", help="Cost account for commission.")] = None,
) -> None:
    """Create a bank transaction code from a line: bank, code and description come from the line."""
    from bankbridge import bootstrap
    from bankbridge.services.manual import code_from_line

    settings = app_context(ctx).settings()
    code = code_from_line(
        bootstrap.uow_factory(settings),
        access=Access.everything(),
        line_id=line,
        gl_account=gl,
        search_value=search_value,
        commission_gl_account=commission_gl,
    )
    err.print(
        f"transaction code {code.code} of bank {code.bank} in {code.environment} now books on {code.gl_account}"
        f"{' (search value ' + repr(code.search_value) + ')' if code.search_value else ''}; "
        "run `bankbridge process` to use it",
        markup=False,
        highlight=False,
    )


def suggest_codes_(
    ctx: typer.Context,
    administration: Annotated[str | None, typer.Option("--administration", help="Only this administration.")] = None,
    min_lines: Annotated[
        int, typer.Option("--min-lines", help="Lines booked by hand on one account before a rule is suggested.", min=1)
    ] = 3,
) -> None:
    """Transaction code rules learnt from the lines booked by hand (R-G4): a bank's code whose
    lines went to one GL account, with the search value that tells them apart, and the
    `code-from-line` command that creates it."""
    import shlex

    from bankbridge import bootstrap
    from bankbridge.services.manual import suggest_codes

    settings = app_context(ctx).settings()
    known_administration(settings, administration)
    found = suggest_codes(
        bootstrap.uow_factory(settings), access=Access.everything(), administration=administration, min_lines=min_lines
    )
    table = Table("bank", "code", "search value", "gl", "booked by hand", "would book", "create with", box=None)
    for x in found:
        value = f" --search-value {shlex.quote(x.search_value)}" if x.search_value else ""
        table.add_row(
            x.bank,
            x.code,
            x.search_value or "(the code alone)",
            x.gl_account,
            f"{len(x.lines)} of {x.manual_lines}",
            str(len(x.would_book)),
            f"bankbridge code-from-line {x.example} --gl {x.gl_account}{value}",
        )
    if found:
        show(table)
    err.print(
        f"{len(found)} suggestion{'' if len(found) == 1 else 's'}"
        if found
        else "no suggestions: too few lines booked by hand alike"
    )
