"""``bankbridge demo``: demo books, a week of bank statements, imported — ready to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bankbridge.cli.books import print_report
from bankbridge.cli.context import app_context
from bankbridge.errors import InputError
from bankbridge.ledger.access import Access

err = Console(stderr=True, soft_wrap=True)


def write_demo_files(directory: Path) -> list[Path]:
    """The demo statements as files: MT940 for Rabobank journals, CAMT.053 for the others."""
    from bankbridge.demo import BUNDLE
    from bankbridge.demo.scenarios import statements
    from bankbridge.formats.camt import FORMAT as CAMT
    from bankbridge.formats.mt940 import FORMAT as MT940

    directory.mkdir(parents=True, exist_ok=True)
    by_journal: dict[str, list[object]] = {}
    journals = {}
    for journal, statement, _truth in statements(BUNDLE):
        key = f"{journal.administration}-{journal.code}"
        by_journal.setdefault(key, []).append(statement)
        journals[key] = journal
    paths = []
    for key, stmts in sorted(by_journal.items()):
        rabo = journals[key].bic == "RABONL2U"
        path = directory / (f"{key}.sta" if rabo else f"{key}.xml")
        path.write_bytes((MT940 if rabo else CAMT).write(stmts))  # type: ignore[arg-type]
        paths.append(path)
    return paths


def demo(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Option("--files", help="Where to write the demo statement files.")] = Path(
        "demo-statements"
    ),
) -> None:
    """Set up the demo books (SQLite by default), write a week of statements and import them."""
    from bankbridge import bootstrap
    from bankbridge.demo import BUNDLE
    from bankbridge.services.importing import import_files
    from bankbridge.services.ledger import load_bundle
    from bankbridge.services.processing import process

    settings = app_context(ctx).settings()
    bootstrap.init_database(settings)
    err.print(f"database: {settings.database_url}")
    report = load_bundle(BUNDLE, bootstrap.unit_of_work(settings))
    err.print(f"demo books loaded: {sum(report.counts.values())} rows from {BUNDLE}")
    try:
        paths = write_demo_files(directory)
    except OSError as exc:
        raise InputError(f"{directory}: cannot write the demo statements: {exc.strerror or exc}") from None
    err.print(f"wrote {len(paths)} statement files to {directory}/")
    factory = bootstrap.uow_factory(settings)
    clock = bootstrap.SystemClock()
    result = import_files(paths, factory, clock)
    processed = process(
        factory, clock, access=Access.everything(), journals=result.journals_to_process(everything=True)
    )
    print_report(result, processed)
    err.print("next: `bankbridge export bookings` shows every line with its status, rule and the reason why;")
    err.print("      `bankbridge lines` what is left for manual work (`book`, `undo`), with the line ids")
