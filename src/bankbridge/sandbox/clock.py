"""The clock the sandbox bank reads time from: passed in, never the wall clock directly.

Token and consent expiry, the 4-reads-a-day limit and payment progress are all tested
by moving a :class:`FixedClock`; the running server uses an :class:`OffsetClock`, which
ticks with real time but can be moved forward through the admin API.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable


class Clock(Protocol):
    """Anything that tells the time (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


@runtime_checkable
class MovableClock(Protocol):
    """A clock the admin API may set or move forward."""

    def now(self) -> datetime: ...

    def set(self, moment: datetime) -> None: ...

    def advance(self, delta: timedelta) -> None: ...


def as_utc(moment: datetime) -> datetime:
    """``moment`` with UTC attached when it is naive (SQLite returns naive datetimes)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SystemClock:
    """Real time; the one place in the sandbox that reads the wall clock."""

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told otherwise (tests)."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The time it was set to."""
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (naive times are taken as UTC)."""
        with self._lock:
            self._now = as_utc(moment)

    def advance(self, delta: timedelta) -> None:
        """Move forward by ``delta``."""
        with self._lock:
            self._now += delta


class OffsetClock:
    """Real time plus an offset that the admin API can change (the running server)."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Real time plus the offset."""
        with self._lock:
            return self._base.now() + self._offset

    def set(self, moment: datetime) -> None:
        """Make ``now()`` return ``moment`` from here on (and keep ticking)."""
        with self._lock:
            self._offset = as_utc(moment) - self._base.now()

    def advance(self, delta: timedelta) -> None:
        """Move forward by ``delta``."""
        with self._lock:
            self._offset += delta
