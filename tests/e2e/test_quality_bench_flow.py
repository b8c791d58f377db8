"""The matching quality benchmark's flow on a tiny shape, through the real console script
(``init / ledger load / batches add / import / process / export bookings``): zero wrong
bookings, every batch in transit cleared (one total by batch id in MT940 and CAMT, item
by item by end-to-end id), ambiguous amounts and a returned direct debit only proposed.

Three administrations: A1 books batches item by item (Rabobank MT940 and ING CAMT), A2
(ABN AMRO CAMT) and A3 (Rabobank MT940) as one total."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from bankbridge.demo.generate import Shape, generate

BENCH = "bench.quality_bench"


def counts(value: str) -> tuple[int, int]:
    booked, lines = value.split("/")
    return int(booked), int(lines)


@pytest.mark.slow
def test_small_benchmark_books_nothing_wrongly_and_clears_every_batch(tmp_path: Path, bench: ModuleType) -> None:
    bundle = tmp_path / "bundle"
    generate(bundle, Shape(administrations=3, relations_per_administration=40))
    files, pain_files, truth = bench.write_files(bundle, tmp_path / "files", days=5)
    assert any(f.endswith(".sta") for f in files) and any(f.endswith(".xml") for f in files)
    assert len(pain_files) == 8  # a pain.001 and a pain.008 per bank journal
    result = bench.run_flow(
        f"sqlite:///{tmp_path / 'quality.db'}", bundle, files, pain_files, truth, export=tmp_path / "export.jsonl"
    )
    assert result["wrong"] == 0, result["wrong_examples"]
    assert result["precision"] == 100.0
    assert result["batches_add"]["returncode"] == 0
    per_kind = result["booked_per_kind"]
    for kind in ("in_transit_total", "in_transit_item"):
        booked, lines = counts(per_kind[kind])
        assert lines > 0 and booked == lines, (kind, per_kind[kind])
    for kind in ("ambiguous", "returned_direct_debit"):
        booked, lines = counts(per_kind[kind])
        assert lines > 0 and booked == 0, (kind, per_kind[kind])
        assert result["proposed_per_kind"][kind] == lines, (kind, result["proposed_per_kind"])
    assert result["booked_per_rule"]["in_transit"] == sum(
        counts(per_kind[k])[0] for k in ("in_transit_total", "in_transit_item")
    )
