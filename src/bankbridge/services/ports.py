"""What the use cases need from storage, as protocols (the db layer implements them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any, Protocol, Self

from bankbridge.ledger.model import LedgerBundle


class LedgerStore(Protocol):
    """Master data of the books."""

    def upsert(self, spec_name: str, records: Sequence[Any], environment_of: Callable[[str], str | None]) -> None:
        """Insert or update records of one bundle file (``environment_of`` maps an
        administration to its environment)."""

    def records(self, spec_name: str) -> Iterator[Any]: ...

    def master_data(self) -> LedgerBundle: ...


class UnitOfWork(Protocol):
    """One transaction: everything done through it is committed together or not at all."""

    @property
    def ledger(self) -> LedgerStore: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
