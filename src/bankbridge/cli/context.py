"""What every command gets from the root callback: the settings, built once."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from bankbridge.config import Settings


@dataclass(frozen=True, slots=True)
class AppContext:
    """Options of the root command, passed down to the subcommands."""

    database: str | None = None

    def settings(self) -> Settings:
        """The settings, with ``--database`` taking precedence over the environment."""
        from bankbridge.config import Settings  # pydantic-settings: only for commands that need settings

        base = Settings()
        if self.database:
            return base.model_copy(update={"database_url": self.database})
        return base


def app_context(ctx: typer.Context) -> AppContext:
    """The :class:`AppContext` of the root command (a default one when run standalone)."""
    root = ctx.find_root()
    obj = root.obj
    return obj if isinstance(obj, AppContext) else AppContext()


def is_terminal() -> bool:
    """Progress bars only on a terminal."""
    return sys.stderr.isatty()
