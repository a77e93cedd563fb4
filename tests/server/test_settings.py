"""Settings: the default secret is refused outside demo mode; DATABASE_URL is honoured."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.settings import DEFAULT_DATABASE_URL, Settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("DATABASE_URL", "ESPACE_DATABASE_URL", "ESPACE_DEMO_MODE", "ESPACE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_default_secret_is_refused_outside_demo_mode():
    with pytest.raises(ValidationError) as refused:
        Settings(demo_mode=False)
    assert "ESPACE_SECRET_KEY" in str(refused.value)
    assert "mode démonstration" in str(refused.value)
    assert Settings(demo_mode=True).demo_mode
    assert Settings(demo_mode=False, secret_key="x" * 48, encryption_key="A" * 43).secret_key == "x" * 48


def test_database_url_from_plain_database_url_and_espace_prefix(monkeypatch):
    assert Settings(demo_mode=True).database_url == DEFAULT_DATABASE_URL
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/espace")
    assert Settings(demo_mode=True).database_url == "postgresql+psycopg://u@db:5432/espace"
    monkeypatch.setenv("ESPACE_DATABASE_URL", "sqlite:///autre.db")
    assert Settings(demo_mode=True).database_url == "sqlite:///autre.db"


def test_session_lifetimes_default_to_15_minutes_idle_and_12_hours(monkeypatch):
    monkeypatch.setenv("ESPACE_DEMO_MODE", "1")
    settings = Settings()
    assert settings.session_idle_timeout.total_seconds() == 15 * 60
    assert settings.session_absolute_lifetime.total_seconds() == 12 * 3600
    assert (settings.host, settings.port) == ("127.0.0.1", 8765)
