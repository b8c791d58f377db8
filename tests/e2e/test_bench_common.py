"""The benches' shared writing of results and shape options."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import ModuleType

BENCH = "bench.common"


def test_a_result_is_written_as_json_and_markdown(bench: ModuleType, tmp_path: Path) -> None:
    stem = tmp_path / "results" / "ledger_load"  # the folder is made
    text = bench.save(stem, {"seconds": 1.5}, ["# title", "", "| a |"])
    assert text == "# title\n\n| a |\n"
    assert (tmp_path / "results" / "ledger_load.md").read_text() == text
    assert json.loads((tmp_path / "results" / "ledger_load.json").read_text()) == {"seconds": 1.5}


def test_shape_options_give_their_defaults_and_take_values(bench: ModuleType) -> None:
    parser = argparse.ArgumentParser()
    bench.shape_options(parser, administrations=4, relations=25_000, items_per_relation=10.0)
    shape = bench.shape_of(parser.parse_args(["--relations", "7"]))
    assert (shape.administrations, shape.relations_per_administration, shape.items_per_relation) == (4, 7, 10.0)
    assert not hasattr(parser.parse_args([]), "days")  # --days only when a default is given
    with_days = argparse.ArgumentParser()
    bench.shape_options(with_days, administrations=1, relations=1, items_per_relation=1, days=580)
    assert with_days.parse_args(["--days", "3"]).days == 3


def test_the_results_name_is_an_option_with_a_default(bench: ModuleType) -> None:
    parser = argparse.ArgumentParser()
    bench.name_option(parser, "quality")
    assert parser.parse_args([]).name == "quality"
    assert parser.parse_args(["--name", "quality_1m"]).name == "quality_1m"
