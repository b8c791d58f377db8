"""The bulk commands run with a less eager cycle collector, and leave it as they found it."""

from __future__ import annotations

import gc

import pytest

from bankbridge.bootstrap import batch_run


def test_thresholds_are_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with batch_run():
        assert gc.get_threshold()[0] >= 100_000
    assert gc.get_threshold() == before


def test_thresholds_are_restored_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), batch_run():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
