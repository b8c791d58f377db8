"""The pure matching engine: lines + open items + rules + settings → decisions with reasons.

Public interface::

    books = Books.build(administrations=…, journals=…, gl_accounts=…, relations=…,
                        relation_bank_accounts=…, open_items=…, transaction_codes=…,
                        allocations=…, in_transit=…)
    decisions = decide(lines, books)      # one Decision per LineInput, by line_id

    state = BatchState()                  # or line by line, in line_id order (chunks):
    decision = decide_line(entry, books, state)

See ``docs/matching.md`` for the pipeline, the rules and the evidence sentences.
"""

from bankbridge.matching.books import Books
from bankbridge.matching.context import BatchState
from bankbridge.matching.engine import decide, decide_line
from bankbridge.matching.model import (
    BatchKind,
    Candidate,
    Decision,
    InTransitBatch,
    InTransitItem,
    LineInput,
    Rule,
    Status,
)

__all__ = [
    "BatchKind",
    "BatchState",
    "Books",
    "Candidate",
    "Decision",
    "InTransitBatch",
    "InTransitItem",
    "LineInput",
    "Rule",
    "Status",
    "decide",
    "decide_line",
]
