"""Pending ``(line id, administration)`` pairs held compactly behave as the sequence of
pairs they stand for (property-based), and hold no object per pair."""

from __future__ import annotations

import pickle
import sys

from hypothesis import given
from hypothesis import strategies as st

from bankbridge.ledger.processing import PendingIds

PAIRS = st.lists(st.tuples(st.integers(1, 2**62), st.sampled_from(["A1", "A2", "B"])), max_size=40)


@given(PAIRS, st.integers(-45, 45), st.integers(-45, 45))
def test_the_pairs_read_back_as_given(pairs: list[tuple[int, str]], start: int, stop: int) -> None:
    pending = PendingIds(pairs)
    assert len(pending) == len(pairs) and bool(pending) == bool(pairs)
    assert list(pending) == pairs
    assert [pending[i] for i in range(-len(pairs), len(pairs))] == pairs[-len(pairs) :] + pairs
    assert list(pending[start:stop]) == pairs[start:stop]
    assert list(pickle.loads(pickle.dumps(pending))) == pairs
    more = PendingIds(pairs)
    more.extend(pending)
    assert list(more) == pairs + pairs


def test_a_million_pairs_hold_about_sixteen_bytes_each() -> None:
    codes = [f"A{n}" for n in range(100)]
    pending = PendingIds()
    for n in range(1_000_000):
        pending.append(n + 2**31, codes[n % 100])
    held = sys.getsizeof(pending.ids) + sys.getsizeof(pending.administrations)
    assert held < 20 * 1_000_000  # as tuples of a new int and a shared str: about 90 bytes a pair
