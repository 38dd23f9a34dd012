"""Settings read from the environment (prefix ``ZONESCORE_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var") / "zonescore.db"


class Settings(BaseSettings):
    """Service configuration; every field can be set as ``ZONESCORE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ZONESCORE_", extra="ignore")

    database_url: str = f"sqlite:///./{DEFAULT_SQLITE_PATH.as_posix()}"
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_batch_rows: int = Field(default=200_000, gt=0)
    earliest_year: int = Field(default=1988, ge=1900)
    log_level: str = "INFO"
    # Reads are public unless this is set; then every GET under /api/v1 needs a key (any scope).
    require_read_key: bool = False
    # Requests per minute per API key (anonymous reads: per client address); 0 turns the limit off.
    rate_limit_per_minute: int = Field(default=600, ge=0)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        # Fail at start-up, not at the first request, when the URL names a database we don't support.
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("ZONESCORE_DATABASE_URL must be an sqlite:// or postgresql:// URL")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
