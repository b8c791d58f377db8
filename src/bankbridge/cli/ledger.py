"""``bankbridge init`` and ``bankbridge ledger load|dump``: the database and master data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bankbridge.cli.context import app_context
from bankbridge.errors import InputError

app = typer.Typer(help="Master data: load and dump ledger bundles (ledger-import.md).", no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)


def init(ctx: typer.Context) -> None:
    """Create or migrate the database."""
    from bankbridge import bootstrap

    settings = app_context(ctx).settings()
    revision = bootstrap.init_database(settings)
    err.print(f"database ready at schema revision {revision}")


@app.command("load")
def load(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder with the bundle's CSV files.")],
) -> None:
    """Validate a ledger bundle and store it (all or nothing)."""
    from bankbridge import bootstrap
    from bankbridge.services.ledger import load_bundle

    settings = app_context(ctx).settings()
    with bootstrap.batch_run():
        report = load_bundle(directory, bootstrap.unit_of_work(settings))
    summary = ", ".join(f"{name.removesuffix('.csv')} {count}" for name, count in report.counts.items() if count)
    err.print(f"loaded {directory}: {summary or 'nothing'}")


@app.command("dump")
def dump(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to write the bundle's CSV files to.")],
) -> None:
    """Write the master data as a ledger bundle."""
    from bankbridge import bootstrap
    from bankbridge.services.ledger import dump_bundle

    settings = app_context(ctx).settings()
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: not a directory (a ledger bundle is a folder of CSV files)")
    try:
        counts = dump_bundle(directory, bootstrap.unit_of_work(settings))
    except OSError as exc:
        raise InputError(f"{directory}: cannot write: {exc.strerror or exc}") from None
    summary = ", ".join(f"{name.removesuffix('.csv')} {count}" for name, count in counts.items())
    err.print(f"wrote {directory}: {summary}")
