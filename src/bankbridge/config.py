"""Settings: one pydantic-settings class, built at the entry points and passed down."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///bankbridge.db"


class Settings(BaseSettings):
    """bankbridge's settings, read from ``BANKBRIDGE_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="BANKBRIDGE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
