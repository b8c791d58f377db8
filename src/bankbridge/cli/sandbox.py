"""``bankbridge sandbox-bank``: run the sandbox bank (its own SQLite database, demo seed)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bankbridge.sandbox.settings import SandboxSettings


def sandbox_bank(
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8600,
    database: Annotated[
        str, typer.Option("--database", help="The sandbox bank's own SQLite database URL.")
    ] = "sqlite:///sandbox-bank.db",
    seed: Annotated[Path | None, typer.Option(help="YAML/JSON seed file (default: the demo seed).")] = None,
    verify_signatures: Annotated[
        bool, typer.Option(help="Require signed /v1 requests (Digest, Signature, certificate).")
    ] = False,
) -> None:
    """Run the sandbox bank: OAuth2 consent, account information and payments, for tests and demos."""
    import uvicorn

    from bankbridge.sandbox import logs
    from bankbridge.sandbox.app import create_app
    from bankbridge.sandbox.clock import OffsetClock

    settings = SandboxSettings(
        database_url=database, host=host, port=port, seed_file=seed, verify_signatures=verify_signatures
    )
    logs.configure()
    app = create_app(settings, OffsetClock())
    uvicorn.run(app, host=settings.host, port=settings.port, log_config=None)
