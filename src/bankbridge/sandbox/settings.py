"""The sandbox bank's settings: one frozen record, built by the CLI (or a test) and passed in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    """Where the sandbox bank listens, where it keeps its state, and its lifetimes.

    The defaults follow the standards brief (§1.3.3): authorization codes 300 s and
    single use, access tokens 3600 s, refresh tokens 30 days and rotated, PSD2 consents
    180 days, 4 unattended reads per account per day.
    """

    database_url: str = "sqlite:///sandbox-bank.db"
    host: str = "127.0.0.1"
    port: int = 8600
    seed_file: Path | None = None
    """A YAML/JSON seed; ``None`` loads the demo seed shipped with the package."""
    generate_history: bool = True
    """On first start, book the seed's generated history (``generate: {days, seed}``)."""
    secret: str = "sandbox-bank-not-secret"  # noqa: S105 - a test bank; override per run
    """Signs pagination cursors and the customer-page session cookie."""
    code_lifetime: int = 300
    access_token_lifetime: int = 3600
    refresh_token_lifetime: int = 30 * 86400
    consent_days: int = 180
    history_days: int = 90
    frequency_per_day: int = 4
    page_size: int = 50
    rate_limit_per_second: int | None = None
    """Calls per second per client before 429 with ``Retry-After``; ``None`` = no limit."""
    timezone: str = "Europe/Amsterdam"
    """The bank's day boundary (access counting, "today" for balances and payments)."""
    verify_signatures: bool = False
    """Require signed ``/v1`` requests (Digest, Signature, certificate header)."""
    payment_validation_delay: int = 60
    payment_sign_delay: int = 3600
    """Seconds after upload before a valid batch moves from ``ACTC`` to ``ACSP``."""
