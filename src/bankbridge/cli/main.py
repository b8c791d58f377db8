"""The ``bankbridge`` command and the one place where errors become words and exit codes.

Exit codes (``interfaces.md``): 0 success, 1 user error (one clear sentence on
stderr naming file/line/field, no traceback), 2 usage error.

The command modules import the database layer, the statement readers and the matching
engine inside the commands that use them, so that ``--help``, ``parse`` and the work
list do not pay for what they do not run (``tests/e2e/test_cli_startup.py``).
"""

from __future__ import annotations

import copy
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from bankbridge.cli import batches as batches_cli
from bankbridge.cli import books as books_cli
from bankbridge.cli import demo as demo_cli
from bankbridge.cli import ledger as ledger_cli
from bankbridge.cli import sandbox as sandbox_cli
from bankbridge.cli import statements as statements_cli
from bankbridge.cli.context import AppContext
from bankbridge.errors import BankbridgeError


def _set_database(ctx: Any, _param: Any, value: str | None) -> None:
    """``--database`` given after a command name: it wins over the root's and the environment."""
    if value:
        ctx.find_root().obj = AppContext(database=value)


class _Root(TyperGroup):
    """The root command: ``--database URL`` is accepted on every command (interfaces.md),
    not only before the command name."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        root_option = next(p for p in self.params if p.name == "database")
        _add_database_option(self, root_option)
        return super().make_context(info_name, args, parent, **extra)


def _add_database_option(group: TyperGroup, root_option: Any) -> None:
    for command in group.commands.values():
        if not any(p.name == "database" for p in command.params):
            option = copy.copy(root_option)
            option.expose_value = False
            option.callback = _set_database
            command.params.append(option)
        if isinstance(command, TyperGroup):
            _add_database_option(command, root_option)


app = typer.Typer(
    name="bankbridge",
    cls=_Root,
    help="Bank files and bank APIs in, booked and reconciled bank statements out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(ledger_cli.app, name="ledger")
app.command("init")(ledger_cli.init)
app.command("sandbox-bank")(sandbox_cli.sandbox_bank)
app.command("parse")(statements_cli.parse)
app.command("convert")(statements_cli.convert)
app.command("import")(books_cli.import_)
app.command("process")(books_cli.process_)
app.command("undo")(books_cli.undo_)
app.command("lines")(books_cli.lines_)
app.command("book")(books_cli.book_)
app.command("code-from-line")(books_cli.code_from_line_)
app.command("suggest-codes")(books_cli.suggest_codes_)
app.add_typer(books_cli.export_app, name="export")
app.add_typer(batches_cli.app, name="batches")
app.command("demo")(demo_cli.demo)


@app.callback()
def _root(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option("--database", help="Database URL (default: BANKBRIDGE_DATABASE_URL or sqlite:///bankbridge.db)."),
    ] = None,
) -> None:
    ctx.obj = AppContext(database=database)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: run the app, turn our errors into exit code 1."""
    try:
        app(args=argv, standalone_mode=True)
    except BankbridgeError as exc:
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
