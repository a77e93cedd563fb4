"""One settings object (pydantic-settings), read from ``ESPACE_*`` environment variables.

The database URL also honours the plain ``DATABASE_URL`` variable (PostgreSQL in production);
``ESPACE_DATABASE_URL`` wins when both are set.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "demo-secret-key-change-me"
DEFAULT_DATABASE_URL = "sqlite:///./.demo/espace.db"


def normalise_database_url(url: str) -> str:
    """``postgres://`` and ``postgresql://`` (as hosting platforms give them) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESPACE_", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("ESPACE_DATABASE_URL", "DATABASE_URL"),
    )
    demo_mode: bool = False
    secret_key: str = DEFAULT_SECRET_KEY

    session_idle_timeout: timedelta = timedelta(minutes=15)
    session_absolute_lifetime: timedelta = timedelta(hours=12)

    host: str = "127.0.0.1"
    port: int = 8765

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Espace Adhérent <ne-pas-repondre@mutuelle.example>"
    outbox_batch_size: int = 50
    outbox_retry_base: timedelta = timedelta(seconds=30)
    outbox_retry_max: timedelta = timedelta(hours=1)
    jobs_interval_seconds: float = 5.0

    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536  # KiB
    argon2_parallelism: int = 4

    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Self:
        if not self.demo_mode and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError(
                "La clé secrète par défaut n'est acceptée qu'en mode démonstration : définissez "
                'ESPACE_SECRET_KEY (une longue valeur aléatoire, par exemple `python -c "import secrets; '
                'print(secrets.token_urlsafe(48))"`), ou ESPACE_DEMO_MODE=1 pour une démonstration.'
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
