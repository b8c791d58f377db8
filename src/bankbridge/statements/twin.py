"""Fast construction of the model's frozen, slotted dataclasses.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``
(~100 ns a field: 3 us for a ``StatementLine``, as much as parsing a third of its
entry). :func:`twin_of` makes a mutable class with the very same slots; an object
filled through it and then given the frozen class (``__class__`` assignment, which
Python allows between classes of the same layout) is exactly the object the frozen
class's constructor makes: equal, same hash, frozen, of that class. When that cannot
be guaranteed (a ``__post_init__``, a default factory, slots that differ, or a sample
that does not come out equal) the frozen class's own constructor is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Twin(Generic[T]):
    """How to make ``cls`` objects fast."""

    cls: type[T]
    make: Callable[..., T]
    """Constructor with ``cls``'s signature (``cls`` itself when there is no twin)."""
    twin: type | None
    """The mutable class with ``cls``'s slots (``None``: use ``make``)."""
    defaults: dict[str, Any]
    """Default of each field (fields without one are absent)."""
    names: tuple[str, ...]
    """Field names in order."""


def _plain(cls: type[T]) -> Twin[T]:
    return Twin(cls, cls, None, {}, tuple(f.name for f in fields(cls)))  # type: ignore[arg-type]


def twin_of(cls: type[T]) -> Twin[T]:
    """The :class:`Twin` of the frozen, slotted dataclass ``cls``."""
    info = fields(cls)  # type: ignore[arg-type]
    names = tuple(f.name for f in info)
    if names != getattr(cls, "__slots__", None) or hasattr(cls, "__post_init__"):
        return _plain(cls)
    if any(f.default_factory is not MISSING for f in info):
        return _plain(cls)
    defaults = {f.name: f.default for f in info if f.default is not MISSING}
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": names})
    params = ", ".join(name if name not in defaults else f"{name}=_d_{name}" for name in names)
    body = "".join(f"    obj.{name} = {name}\n" for name in names)
    text = f"def make({params}):\n    obj = new(twin)\n{body}    obj.__class__ = cls\n    return obj\n"
    scope: dict[str, Any] = {"new": object.__new__, "twin": twin, "cls": cls}
    scope |= {f"_d_{name}": value for name, value in defaults.items()}
    # The text holds only the dataclass's own field names, as dataclasses' own code does.
    exec(text, scope)  # noqa: S102
    make: Callable[..., T] = scope["make"]
    try:
        sample = {name: f"v{i}" for i, name in enumerate(names)}
        made, real = make(**sample), cls(**sample)
        same = made == real and hash(made) == hash(real) and type(made) is cls
    except TypeError:
        same = False
    if not same:
        return _plain(cls)
    return Twin(cls, make, twin, defaults, names)
