"""Opaque tokens (sessions, trusted devices, mail links): 256 random bits, stored only as their
SHA-256 (they carry their own entropy, so no key is needed); short codes are drawn by ``secrets``
and stored HMAC'd (``server.security.crypto.keyed_hash``) because they are guessable offline."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_digits(length: int = 6) -> str:
    return f"{secrets.randbelow(10**length):0{length}d}"


def new_recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


ACCESS_CODE_LETTERS = 8


def new_access_code() -> str:
    """A code d'accès (letters only, as printed in the welcome letter: « Un code d'accès de 8 lettres »)."""
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(ACCESS_CODE_LETTERS))
