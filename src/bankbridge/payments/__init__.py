"""The batches we send to the bank: pain.001 payments and pain.008 direct debits.

``pain.read(data, source=…)`` reads a file into a :class:`PaymentMessage`; a registered
batch is a :class:`SentBatch` (``services.batches`` registers them and books them on the
in-transit GL account; processing clears them, see ``docs/payments-in-transit.md``).
"""

from bankbridge.payments.model import (
    BatchKind,
    BatchStatus,
    PaymentBatch,
    PaymentInstruction,
    PaymentMessage,
    SentBatch,
    SentItem,
)

__all__ = [
    "BatchKind",
    "BatchStatus",
    "PaymentBatch",
    "PaymentInstruction",
    "PaymentMessage",
    "SentBatch",
    "SentItem",
]
