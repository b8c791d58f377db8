"""Reading and writing the CSV files of a ledger bundle, row by row.

Reading yields ``(line, record)`` pairs and collects a :class:`LedgerImportError` per bad
row (so one bad row does not hide the next); writing is deterministic (rows sorted by
key, ``\\n`` line ends, minimal quoting), so a dump loads back and dumps byte-identically.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from bankbridge.errors import LedgerImportError
from bankbridge.ledger.bundle import FileSpec, record_from_row, row_from_record

MAX_FIELD = 64 * 1024


class RowReader:
    """Reads one bundle file; bad rows become errors in :attr:`errors`."""

    def __init__(self, path: Path, spec: FileSpec, errors: list[LedgerImportError]) -> None:
        self.path = path
        self.spec = spec
        self.errors = errors

    def _error(self, line: int | None, column: str | None, message: str) -> None:
        self.errors.append(LedgerImportError(self.spec.name, line, column, message))

    def _check_header(self, header: list[str]) -> bool:
        ok = True
        known = set(self.spec.header)
        seen: set[str] = set()
        for name in header:
            if name not in known:
                allowed = ", ".join(self.spec.header)
                self._error(1, name, f"unknown column (the columns are: {allowed})")
                ok = False
            if name in seen:
                self._error(1, name, "column appears twice in the header")
                ok = False
            seen.add(name)
        for col in self.spec.columns:
            if col.required and col.name not in seen:
                self._error(1, col.name, "required column is missing from the header")
                ok = False
        return ok

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            self._error(None, None, f"cannot open: {exc.strerror}")
            return
        with handle:
            try:
                yield from self._rows(_decoded(handle))
            except _BadEncoding as exc:
                self._error(exc.line, None, f"not valid UTF-8 ({exc.reason} at column {exc.column})")

    def _rows(self, lines: Iterator[str]) -> Iterator[tuple[int, Any]]:
        reader = csv.reader(lines, strict=True)
        try:
            header = next(reader, None)
            if header is None:
                self._error(1, None, "file is empty (a header row is required)")
                return
            if not self._check_header(header):
                return
            for cells in reader:
                line = reader.line_num
                if not any(cells):
                    continue
                if len(cells) != len(header):
                    self._error(line, None, f"row has {len(cells)} cells, the header {len(header)}")
                    continue
                if any(len(cell) > MAX_FIELD for cell in cells):
                    self._error(line, None, "a cell is longer than 64 KiB")
                    continue
                record, problems = record_from_row(self.spec, dict(zip(header, cells, strict=True)))
                for column, problem in problems:
                    self._error(line, column, problem)
                if record is not None:
                    yield line, record
        except csv.Error as exc:
            self._error(reader.line_num, None, f"broken CSV: {exc}")


class _BadEncoding(Exception):
    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.column, self.reason = line, column, reason


def _decoded(handle: BinaryIO) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a bad byte has a line number."""
    for number, raw in enumerate(handle, start=1):
        data = raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw
        try:
            yield data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _BadEncoding(number, exc.start + 1, exc.reason) from exc


def write_file(path: Path, spec: FileSpec, records: Iterable[Any]) -> None:
    """Write one bundle file; ``records`` come in key order (the store sorts them)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(spec.header)
        for record in records:
            writer.writerow(row_from_record(spec, record))
