"""The sandbox clocks: fixed and offset clocks move as told; naive times count as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bankbridge.sandbox.bank import bank_day
from bankbridge.sandbox.clock import FixedClock, MovableClock, OffsetClock, SystemClock


def test_fixed_clock_stands_still_until_moved():
    clock = FixedClock(datetime(2026, 3, 2, 9, 0))
    assert clock.now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock.advance(timedelta(hours=15))
    assert clock.now() == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    assert clock.now().year == 2027


def test_offset_clock_ticks_with_its_base_plus_the_offset():
    base = FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    clock = OffsetClock(base)
    clock.advance(timedelta(days=2))
    base.advance(timedelta(minutes=5))
    assert clock.now() == datetime(2026, 3, 4, 9, 5, tzinfo=UTC)
    clock.set(datetime(2026, 6, 1, tzinfo=UTC))
    base.advance(timedelta(seconds=30))
    assert clock.now() == datetime(2026, 6, 1, 0, 0, 30, tzinfo=UTC)


def test_only_settable_clocks_are_movable():
    assert isinstance(FixedClock(datetime(2026, 1, 1)), MovableClock)
    assert isinstance(OffsetClock(), MovableClock)
    assert not isinstance(SystemClock(), MovableClock)


def test_the_bank_day_is_amsterdam_time():
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert bank_day(late, "Europe/Amsterdam").isoformat() == "2026-03-03"
    assert bank_day(late, "UTC").isoformat() == "2026-03-02"
