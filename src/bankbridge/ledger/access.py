"""Who may see which administrations (R-F2): the seam every statement query goes through.

``Access.everything()`` is the system itself (CLI on the operator's machine); a web user
gets ``Access.to({...})``. Asking for an administration outside the set is answered as
if it did not exist, so nothing of other administrations leaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from bankbridge.errors import PermissionDenied


@dataclass(frozen=True, slots=True)
class Access:
    """The administrations a caller may see; ``None`` means all of them."""

    administrations: frozenset[str] | None

    @classmethod
    def everything(cls) -> Access:
        return cls(None)

    @classmethod
    def to(cls, administrations: set[str] | frozenset[str]) -> Access:
        return cls(frozenset(administrations))

    def allows(self, administration: str) -> bool:
        return self.administrations is None or administration in self.administrations

    def require(self, administration: str) -> None:
        """Raise :class:`PermissionDenied` (worded like "not found") when not allowed."""
        if not self.allows(administration):
            raise PermissionDenied(f"no administration {administration!r}")
