"""The speed goal's benchmark measures what it says: the whole process tree of the
interface command (``import --process``), its lines and bookings, on a tiny shape."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bankbridge.demo.generate import Shape

BENCH = "bench.goal_bench"


def test_the_tree_holds_children_and_grandchildren(bench: ModuleType) -> None:
    sleeper = "import time; time.sleep(30)"
    code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {sleeper!r}]); time.sleep(30)"
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        for _ in range(100):
            pids = bench.tree(parent.pid)
            if len(pids) == 2:
                break
            time.sleep(0.05)
        assert len(pids) == 2 and pids[0] == parent.pid
        pss, rss, largest = bench.tree_memory(parent.pid)
        assert 0 < largest < rss and 0 < pss <= rss
    finally:
        for pid in reversed(bench.tree(parent.pid)):
            subprocess.run(["kill", str(pid)], check=False)
        parent.wait()


def test_a_run_that_does_not_finish_in_time_is_stopped_with_its_tree(bench: ModuleType, tmp_path: Path) -> None:
    """The command and the child it started are killed when the limit passes, and the bench
    says so instead of waiting for ever (as on a run that hung)."""
    sleeper = "import time; time.sleep(60)"
    code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {sleeper!r}]); time.sleep(60)"
    started = time.perf_counter()
    with pytest.raises(RuntimeError, match="did not finish within 2 s"):
        bench.run_measured([sys.executable, "-c", code], stdout=tmp_path / "out.txt", limit=2)
    assert time.perf_counter() - started < 30


def test_a_run_within_its_limit_is_measured(bench: ModuleType, tmp_path: Path) -> None:
    result = bench.run_measured([sys.executable, "-c", "print('done')"], stdout=tmp_path / "out.txt", limit=60)
    assert result["seconds"] < 60 and (tmp_path / "out.txt").read_text() == "done\n"


def test_counts_read_the_summary_table(bench: ModuleType) -> None:
    table = (
        " administration  statements  lines  duplicates  booked  open \n"
        " A1              1160        16229  0           10452   5777 \n"
        " A10             580         9965   0           6482    3483 \n"
    )
    assert bench.counts(table) == (26194, 16934)


@pytest.mark.slow
def test_a_tiny_goal_run_times_the_command_and_counts_its_bookings(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    quality = importlib.import_module("bench.quality_bench")
    for module in (bench, quality):
        monkeypatch.setattr(module, "WORK", tmp_path / "work")
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "results")
    speeds = iter((0.5, 0.7))

    def stick(*, repeat: int = 2) -> dict[str, Any]:
        return {"speed_of_goal_machine": next(speeds)}

    monkeypatch.setattr(bench.yardstick, "measure_apart", stick)
    (tmp_path / "work").mkdir()
    result = bench.run(Shape(administrations=2, relations_per_administration=30), 4, workers=2)
    bench.write(result)
    assert result["lines"] > 0 and 0 < result["booked"] < result["lines"]
    assert result["peak_pss_mib"] > 0 and result["largest_process_mib"] <= result["peak_rss_sum_mib"]
    assert result["cpu_seconds"] > 0
    assert result["estimate_on_goal_machine_seconds"] == round(result["seconds"] * 0.6, 1)
    assert set(result["setup"]) == {"ledger_load", "batches_add"}
    assert not (tmp_path / "work" / "goal_run.db").exists()
    assert "import --process --workers 2" in (tmp_path / "results" / "goal.md").read_text()


@pytest.mark.slow
def test_a_tiny_goal_run_on_postgresql_copies_a_kept_template_and_counts_the_servers_cpu(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_admin: str
) -> None:
    quality = importlib.import_module("bench.quality_bench")
    for module in (bench, quality):
        monkeypatch.setattr(module, "WORK", tmp_path / "work")
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(bench.databases, "PG_ADMIN", postgres_admin)
    monkeypatch.setattr(bench.yardstick, "measure_apart", lambda *, repeat=2: {"speed_of_goal_machine": 1.0})
    (tmp_path / "work").mkdir()
    shape = Shape(administrations=2, relations_per_administration=30)
    template = bench.pg_template(shape, 4)
    ours = (template, f"{template}_run", f"{template}_building")

    def databases() -> set[str]:
        return {row[0] for row in bench._pg("SELECT datname FROM pg_database")} & set(ours)

    try:
        first = bench.run(shape, 4, workers=2, postgres=True)
        assert databases() == {template}  # the template is kept, its copy dropped
        second = bench.run(shape, 4, workers=2, postgres=True)  # on a fresh copy of the same template
        text = bench.write(second)
    finally:
        for name in ours:  # only this test's: a real run's template stays
            bench._pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert first["database"] == "postgresql" and first["lines"] > 0
    assert (first["lines"], first["booked"]) == (second["lines"], second["booked"])
    assert second["server_cpu_seconds"] > 0
    assert "PostgreSQL" in text and "CPU time of the PostgreSQL server" in text
    assert (tmp_path / "results" / "goal_postgresql.md").read_text() == text
    assert not (tmp_path / "results" / "goal.md").exists()
