"""The instruction-count benchmark reads valgrind's count and the command's own summary
right, and shares the difference out over the lines."""

from __future__ import annotations

from types import ModuleType

import pytest

BENCH = "bench.instructions"


def test_the_count_is_read_from_cachegrinds_report(bench: ModuleType) -> None:
    report = "==14965== \n==14965== I   refs:      9,549,286,261\n"
    assert bench.refs(report) == 9_549_286_261
    with pytest.raises(RuntimeError, match="no instruction count"):
        bench.refs("==1== ERROR SUMMARY: 0 errors")


def test_lines_are_counted_from_the_process_summary(bench: ModuleType) -> None:
    summary = (
        " administration  booked  proposed  open \n"
        " A3              6497    1164      2319 \n"
        " A4              10      0         1 \n"
        "3 statements processed\n"
    )
    assert bench.lines_of(summary) == 6497 + 1164 + 2319 + 11


def test_instructions_per_line_are_the_difference_shared_out(bench: ModuleType) -> None:
    assert bench.per_line(12_000, 2_000, 4) == 2_500
    with pytest.raises(ValueError, match="no lines"):
        bench.per_line(12_000, 2_000, 0)


def test_lines_imported_are_read_from_the_import_summary(bench: ModuleType) -> None:
    summary = (
        " administration  statements  lines  duplicates  booked  open \n"
        " A1              580         16224  0           0       16224 \n"
        " A2              3           7      2           0       7 \n"
    )
    assert bench.lines_imported(summary) == 16224 + 7


def test_a_line_imported_costs_the_slope_between_two_sizes(bench: ModuleType) -> None:
    assert bench.slope((9_000, 40), (5_000, 20)) == 200
    with pytest.raises(ValueError, match="more lines"):
        bench.slope((9_000, 20), (5_000, 20))
