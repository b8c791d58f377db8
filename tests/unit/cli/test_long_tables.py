"""Long tables (``batches add`` of a year of batches) are printed as plain columns: the
same cells as Rich prints for a short one, without its per-cell layout cost."""

from __future__ import annotations

import pytest
from rich.table import Table

from bankbridge.cli import batches


def table(rows: int) -> Table:
    t = Table("file", "batch", "total", "status", box=None)
    for n in range(rows):
        t.add_row(f"file-{n % 7}.xml", f"PAY-{n:05d}", f"{n * 10}.50", "registered" if n % 3 else "already registered")
    return t


@pytest.mark.parametrize("rows", [batches.LONG_TABLE - 1, batches.LONG_TABLE, 5 * batches.LONG_TABLE])
def test_every_row_comes_out_with_its_cells(rows: int, capsys: pytest.CaptureFixture[str]) -> None:
    batches.show(table(rows))
    lines = capsys.readouterr().out.splitlines()
    cells = [line.split() for line in lines if line.strip()]
    assert cells[0] == ["file", "batch", "total", "status"]
    assert len(cells) == rows + 1
    assert cells[1] == ["file-0.xml", "PAY-00000", "0.50", "already", "registered"]
    assert cells[-1][:3] == [f"file-{(rows - 1) % 7}.xml", f"PAY-{rows - 1:05d}", f"{(rows - 1) * 10}.50"]


def test_long_tables_are_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    batches.show(table(batches.LONG_TABLE))
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    starts = {line.index("PAY-") for line in lines[1:]}
    assert starts == {lines[0].index("batch")}
