"""What every route of one sandbox bank shares: settings, clock, store, templates, injections."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from bankbridge.sandbox.bank import bank_day
from bankbridge.sandbox.clock import Clock
from bankbridge.sandbox.settings import SandboxSettings
from bankbridge.sandbox.store import Store


@dataclass(frozen=True, slots=True)
class Injection:
    """A queued error: answer the next ``times`` calls under ``path_prefix`` with ``code``."""

    code: str
    path_prefix: str
    times: int


@dataclass
class Injections:
    """The admin queue of errors to inject (thread-safe)."""

    queue: deque[Injection] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, injection: Injection) -> None:
        """Queue an injection."""
        with self.lock:
            self.queue.append(injection)

    def take(self, path: str) -> str | None:
        """The code to answer ``path`` with, consuming one use of the first matching injection."""
        with self.lock:
            for i, item in enumerate(self.queue):
                if path.startswith(item.path_prefix):
                    if item.times <= 1:
                        del self.queue[i]
                    else:
                        self.queue[i] = Injection(item.code, item.path_prefix, item.times - 1)
                    return item.code
        return None


@dataclass
class SandboxContext:
    """The sandbox bank's shared parts, kept on ``app.state.sandbox``."""

    settings: SandboxSettings
    clock: Clock
    store: Store
    templates: Jinja2Templates
    injections: Injections = field(default_factory=Injections)

    def today(self) -> date:
        """The bank's day now."""
        return bank_day(self.clock.now(), self.settings.timezone)


def templates() -> Jinja2Templates:
    """The consent and customer pages' templates (package data)."""
    folder = resources.files("bankbridge.sandbox") / "templates"
    return Jinja2Templates(directory=Path(str(folder)))


def sandbox(request: Request) -> SandboxContext:
    """The context of the app serving ``request``."""
    ctx: SandboxContext = request.app.state.sandbox
    return ctx
