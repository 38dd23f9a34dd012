"""Settings read from the environment (prefix ``ZONESCORE_``)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.services.bounded import ParserBounds
from app.services.import_problems import ImportLimits
from app.services.problem_log import DEFAULT_MAX_PROBLEMS

DEFAULT_SQLITE_PATH = Path("var") / "zonescore.db"
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_HOST = re.compile(r"^(\*\.)?[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$")


class Settings(BaseSettings):
    """Service configuration; every field can be set as ``ZONESCORE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ZONESCORE_", extra="ignore")

    database_url: str = f"sqlite:///./{DEFAULT_SQLITE_PATH.as_posix()}"
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_batch_rows: int = Field(default=200_000, gt=0)
    earliest_year: int = Field(default=1988, ge=1900)
    log_level: str = "INFO"
    # Downloads (?format=csv|xlsx, `zonescore export`) are not paged; this bounds their memory use.
    max_export_rows: int = Field(default=500_000, gt=0)
    # json: one object per line for log collectors; text: for a developer's terminal.
    log_format: Literal["json", "text"] = "json"
    # Browser origins (portals) allowed to call the API cross-site; comma-separated; none by default.
    cors_origins: Annotated[list[str], NoDecode] = []
    # Reads are public unless this is set; then every read of data (/api/v1, /ui) needs a key (any scope).
    require_read_key: bool = False
    # Signs the /ui sign-in cookie; the same value on every worker and replica. Unset: no sign-in form.
    session_secret: SecretStr | None = Field(default=None, min_length=32)
    # Requests per minute per API key (anonymous requests: per client address); 0 turns the limit off.
    rate_limit_per_minute: int = Field(default=600, ge=0)
    # Shared state of several processes (rate-limit counters); unset: each process counts on its own.
    redis_url: str | None = None
    # Prefix of every Redis key, so several services (or test runs) can share one Redis.
    redis_prefix: str = Field(default="zonescore:", min_length=1, max_length=100)
    # When set, GET /metrics needs "Authorization: Bearer <token>".
    metrics_token: SecretStr | None = Field(default=None, min_length=16)
    # Host headers the service answers (exact names, "*.example.org" for subdomains); empty: any host.
    allowed_hosts: Annotated[list[str], NoDecode] = []
    # Origins (portals) whose pages may show the /ui pages in a frame; none by default.
    frame_ancestors: Annotated[list[str], NoDecode] = []
    # Connection bounds of `zonescore serve`: time for a request's headers to arrive, for its body,
    # for an idle keep-alive connection, and the open connections per worker process.
    header_timeout_seconds: float = Field(default=10.0, gt=0)
    body_timeout_seconds: float = Field(default=60.0, gt=0)
    keep_alive_seconds: int = Field(default=5, ge=1)
    max_connections: int = Field(default=1000, ge=1)
    # Webhook deliveries: attempts per run and receiver, the first retry delay (doubling after each
    # failure) and the per-request timeout. Receivers on loopback/private addresses are refused unless
    # allowed, so a registered URL cannot make the service probe its own intranet.
    webhook_attempts: int = Field(default=3, ge=1, le=10)
    webhook_backoff_seconds: float = Field(default=2.0, ge=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_allow_private: bool = False
    # Import files: what a file may hold, checked on the workbook's own declarations and cell references
    # before any spreadsheet library allocates for them (README "Upload limits"); defaults in ImportLimits.
    import_max_cells: int = Field(default=ImportLimits.max_cells, gt=0)
    import_max_columns: int = Field(default=ImportLimits.max_columns, gt=0)
    import_max_rows: int = Field(default=ImportLimits.max_rows, gt=0)
    import_max_shared_strings_bytes: int = Field(default=ImportLimits.max_shared_strings_bytes, gt=0)
    import_max_uncompressed_bytes: int = Field(default=ImportLimits.max_uncompressed_bytes, gt=0)
    # ... and the hard bounds of the child process an XLSX file is parsed in (ParserBounds).
    import_parser_memory_bytes: int = Field(default=ParserBounds.memory_bytes, ge=64 * 1024 * 1024)
    import_parser_cpu_seconds: int = Field(default=ParserBounds.cpu_seconds, ge=1)
    import_parser_timeout_seconds: float = Field(default=ParserBounds.timeout_seconds, gt=0)
    import_parser_parallel: int = Field(default=ParserBounds.parallel, ge=1)
    # Problems listed in a 422 (files and JSON batches); the rest are counted per code in error_totals.
    max_problems: int = Field(default=DEFAULT_MAX_PROBLEMS, ge=1)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        # Fail at start-up, not at the first request, when the URL names a database we don't support.
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("ZONESCORE_DATABASE_URL must be an sqlite:// or postgresql:// URL")
        return value

    @field_validator("cors_origins", "allowed_hosts", "frame_ancestors", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        # An env var holds "a.example,b.example"; a list passes through unchanged.
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("cors_origins", "frame_ancestors")
    @classmethod
    def _exact_origins(cls, value: list[str], info: ValidationInfo) -> list[str]:
        # An allow-list must name origins exactly (scheme://host[:port]); "*" or a path is a mistake
        # that would either open the API to every site or silently match nothing.
        origins = [o.removesuffix("/") for o in value]  # browsers send the origin without a slash
        bad = [o for o in origins if not _ORIGIN.match(o)]
        if bad:
            variable = f"ZONESCORE_{(info.field_name or '').upper()}"
            raise ValueError(f"{variable} entries must look like https://portal.example[:port]: {bad}")
        return origins

    @field_validator("allowed_hosts")
    @classmethod
    def _host_patterns(cls, value: list[str]) -> list[str]:
        # A host name, an address, "*.example.org" or "*" alone; a scheme, port or path is a mistake.
        hosts = [h.lower() for h in value]
        bad = [h for h in hosts if h != "*" and not _HOST.match(h)]
        if bad:
            raise ValueError(f"ZONESCORE_ALLOWED_HOSTS entries must be host names such as api.example.org, "
                             f"*.example.org or 127.0.0.1: {bad}")
        return hosts


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
