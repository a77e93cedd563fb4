"""Argon2id password (and access code) hashing, parameters from the settings."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from server.settings import Settings


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher_for(settings: Settings) -> PasswordHasher:
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism)


def hash_password(settings: Settings, password: str) -> str:
    return hasher_for(settings).hash(password)


def verify_password(settings: Settings, password_hash: str | None, password: str) -> bool:
    """False on mismatch, on a missing hash and on a malformed one. With no hash, a dummy hash is
    still verified so that an unknown identifier costs the same time as a wrong password."""
    hasher = hasher_for(settings)
    if password_hash is None:
        password_hash = _dummy_hash(settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism)
        verify = False
    else:
        verify = True
    try:
        hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return verify


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_cost, parallelism).hash("not-a-password-of-anyone")


def needs_rehash(settings: Settings, password_hash: str) -> bool:
    return hasher_for(settings).check_needs_rehash(password_hash)
