"""Keyed hashes (HMAC-SHA256) and encryption at rest (AES-256-GCM), keys from the settings.

- ``keyed_hash(settings, purpose, value)``: HMAC keyed by a sub-key of the secret key, one sub-key per
  purpose, so a hash made for one use (an access code) cannot stand for another (a login identifier).
- ``encrypt``/``decrypt``: AES-GCM with a random 96-bit nonce, stored as ``v1:<base64(nonce|ct)>``. The
  key is ``settings.encryption_key``; demo mode derives one from the secret key when it is missing
  (the settings refuse a missing key outside demo mode).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from server.settings import Settings

PREFIX = "v1:"


@lru_cache(maxsize=8)
def _subkey(secret_key: str, purpose: str) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), f"espace/{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(settings: Settings, purpose: str, value: str) -> str:
    return hmac.new(_subkey(settings.secret_key, purpose), value.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@lru_cache(maxsize=8)
def _aes_key(encryption_key: str | None, secret_key: str) -> bytes:
    if encryption_key:
        padded = encryption_key + "=" * (-len(encryption_key) % 4)
        key = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
        if len(key) != 32:
            raise ValueError("ESPACE_ENCRYPTION_KEY doit faire 32 octets (base64)")
        return key
    return _subkey(secret_key, "encryption-demo")


def _cipher(settings: Settings) -> AESGCM:
    if not settings.encryption_key and not settings.demo_mode:
        raise RuntimeError("encryption key missing outside demo mode")
    return AESGCM(_aes_key(settings.encryption_key, settings.secret_key))


def encrypt(settings: Settings, plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = _cipher(settings).encrypt(nonce, plaintext.encode("utf-8"), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(settings: Settings, stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
    return _cipher(settings).decrypt(raw[:12], raw[12:], None).decode("utf-8")


def encrypt_optional(settings: Settings, plaintext: str | None) -> str | None:
    return None if plaintext is None else encrypt(settings, plaintext)


def decrypt_optional(settings: Settings, stored: str | None) -> str | None:
    return None if stored is None else decrypt(settings, stored)


def nir_lookup_hash(settings: Settings, nir: str) -> str:
    """The keyed hash stored beside an encrypted NIR (searches by NIR compare this). A NIR typed without
    its 2-digit key (13 characters, as on some forms) is hashed with its computed key, so it finds the
    stored 15-character one."""
    compact = nir.replace(" ", "").replace(".", "").upper()
    if len(compact) == 13:
        digits = compact[:5] + {"2A": "19", "2B": "18"}.get(compact[5:7], compact[5:7]) + compact[7:]  # Corsica
        if digits.isdigit():
            compact += f"{97 - int(digits) % 97:02d}"
    return keyed_hash(settings, "nir", compact)


def access_code_hash(settings: Settings, code: str) -> str:
    return keyed_hash(settings, "access-code", code.strip().lower())
