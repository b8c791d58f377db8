"""``bankbridge parse`` and ``bankbridge convert``: statement files without touching the books.

``parse FILE…`` prints one JSON object per statement per line (the ``parse`` record of
``interfaces.md``). ``convert FILE… --to camt053|mt940 [--output DIR]`` writes the
statements of each readable file in another format. Both read every file even when
one fails: a bad file gives ``error: file:line: …`` on stderr and exit code 1 at the
end; warnings (a balance that does not add up, a bad check digit …) go to stderr too.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bankbridge.errors import BankbridgeError, ConfigurationError, InputError

if TYPE_CHECKING:
    from bankbridge.formats import registry
    from bankbridge.statements.model import Diagnostic


class OutputFormat(StrEnum):
    """Output of ``parse``."""

    jsonl = "jsonl"


class Target(StrEnum):
    """Formats ``convert`` writes, with the registry format and the file suffix."""

    camt053 = "camt053"
    mt940 = "mt940"

    @property
    def format_name(self) -> str:
        return "camt" if self is Target.camt053 else "mt940"

    @property
    def suffix(self) -> str:
        return ".xml" if self is Target.camt053 else ".sta"


@contextmanager
def _reader_may_stop() -> Iterator[None]:
    """``bankbridge parse … | head``: a closed stdout ends the command quietly."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


def _say(kind: str, text: str) -> None:
    sys.stderr.write(f"{kind}: {text}\n")


def _where(diagnostic: Diagnostic, fallback: str) -> str:
    source = diagnostic.source
    if source is None:
        return fallback
    where = source.file or fallback
    if source.line is not None:
        where += f":{source.line}"
    return where


def _warn(found: registry.FileResult) -> None:
    """Diagnostics of one file, plus the balance check, each once."""
    from bankbridge.statements.checks import check_balance

    diagnostics = list(found.result.diagnostics)
    diagnostics += [d for st in found.result.statements if (d := check_balance(st))]
    seen: set[str] = set()
    for diagnostic in diagnostics:
        if diagnostic.message not in seen:
            seen.add(diagnostic.message)
            _say("warning", f"{_where(diagnostic, found.source)}: {diagnostic.message}")


def _read(path: Path) -> list[registry.FileResult]:
    from bankbridge.formats import registry  # the readers only when a file is read

    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a statement file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return registry.read(data, source=str(path))


def _each(files: list[Path]) -> Iterator[tuple[Path, list[registry.FileResult] | None]]:
    """Every file's results; ``None`` (after printing the error) for a file that fails."""
    for path in files:
        try:
            results = _read(path)
        except BankbridgeError as exc:
            _say("error", str(exc))
            yield path, None
            continue
        for found in results:
            _warn(found)
        yield path, results


def parse(
    files: Annotated[list[Path], typer.Argument(help="Statement files (MT940, CAMT, CODA, OFX, zip).")],
    output_format: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = OutputFormat.jsonl,
) -> None:
    """Read statement files and print one JSON object per statement (nothing is stored)."""
    from bankbridge.statements.record import statement_record

    failed = False
    with _reader_may_stop():
        for _, results in _each(files):
            if results is None:
                failed = True
                continue
            for found in results:
                for statement in found.result.statements:
                    record = statement_record(statement, file=found.source)
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    if failed:
        raise typer.Exit(1)


def _writer(target: Target) -> Callable[..., bytes]:
    from bankbridge.formats import registry
    from bankbridge.formats.base import Writer

    try:
        fmt = registry.by_name(target.format_name)
    except ImportError as exc:
        raise ConfigurationError(f"the {target.value} writer is not available: {exc}") from None
    if not isinstance(fmt, Writer):
        raise ConfigurationError(f"the {target.value} format cannot write statements")
    return fmt.write


def _output_name(source: str, target: Target) -> str:
    member = source.rsplit("!", 1)[-1]
    return Path(member).stem + target.suffix


def _convert_one(path: Path, results: list[registry.FileResult], *, target: Target, output: Path | None) -> None:
    write = _writer(target)
    for found in results:
        data = write(list(found.result.statements))
        if output is None:
            sys.stdout.buffer.write(data)
            continue
        destination = output / _output_name(found.source, target)
        if destination.resolve() == path.resolve():
            raise InputError(f"{destination}: would overwrite the input file; choose another --output")
        try:
            destination.write_bytes(data)
        except OSError as exc:
            raise InputError(f"{destination}: cannot write: {exc.strerror or exc}") from None
        _say("wrote", f"{destination} ({len(found.result.statements)} statements)")


def convert(
    files: Annotated[list[Path], typer.Argument(help="Statement files of any readable format.")],
    to: Annotated[Target, typer.Option("--to", help="Format to write.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Folder for the written files (default: stdout)."),
    ] = None,
) -> None:
    """Write the statements of each file in another format (camt053 or mt940)."""
    if output is not None and not output.is_dir():
        raise InputError(f"{output}: --output must be an existing folder")
    failed = False
    with _reader_may_stop():
        for path, results in _each(files):
            if results is None:
                failed = True
                continue
            try:
                _convert_one(path, results, target=to, output=output)
            except BankbridgeError as exc:
                _say("error", f"{path}: {exc}" if str(path) not in str(exc) else str(exc))
                failed = True
    if failed:
        raise typer.Exit(1)
