"""Where the session token is kept between two launches of the client.

In the operating system's keyring (`keyring`: Secret Service, macOS Keychain, Windows Credential
Locker) when a usable one exists; otherwise **only in memory**, so the session ends with the client.
Never in a plain-text file: the keyring's "fail" and "null" backends, a chainer with nothing to chain,
and the plain-text backends of `keyrings.alt` all count as "no usable keyring".

Tests inject `MemoryTokenStore`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Protocol

SERVICE = "espace-adherent"

MEMORY_ONLY_NOTICE = (
    "Aucun trousseau de mots de passe du système n'est disponible : votre session est gardée en mémoire "
    "seulement et se termine à la fermeture du client (rien n'est écrit sur le disque)."
)
REMEMBER_MEMORY_ONLY = (
    "Aucun trousseau de mots de passe du système n'est disponible : votre identifiant et cet appareil "
    "de confiance sont retenus en mémoire seulement, jusqu'à la fermeture du client (rien n'est écrit "
    "sur le disque)."
)

# Backends that would write the secret in clear, or not at all.
_REFUSED_BACKENDS = {
    ("keyring.backends.fail", "Keyring"),
    ("keyring.backends.null", "Keyring"),
    ("keyrings.alt.file", "PlaintextKeyring"),
    ("keyrings.alt.file", "EncryptedKeyring"),  # asks a password on a terminal it does not own
}


class TokenStore(Protocol):
    persistent: bool
    """True when a token survives the end of the client."""

    description: str
    """One French sentence saying where the token is kept."""

    def get(self, server: str) -> str | None: ...

    def set(self, server: str, token: str) -> None: ...

    def delete(self, server: str) -> None: ...

    # "Se souvenir de moi": the identifier and the trusted-device token, beside the session token.

    def get_item(self, server: str, name: str) -> str | None: ...

    def set_item(self, server: str, name: str, value: str) -> None: ...

    def delete_item(self, server: str, name: str) -> None: ...


IDENTIFIER = "identifier"
"""Item name of the remembered identifier ("Se souvenir de moi")."""


def device_item(identifier: str) -> str:
    """Item name of the trusted-device token of one identifier (several members may share a computer)."""
    return f"trusted-device:{identifier.strip().lower()}"


def _item_key(server: str, name: str) -> str:
    return f"{server}#{name}"


class MemoryTokenStore:
    persistent = False

    def __init__(self, description: str = "Session gardée en mémoire seulement.") -> None:
        self.description = description
        self._tokens: dict[str, str] = {}

    def get(self, server: str) -> str | None:
        return self._tokens.get(server)

    def set(self, server: str, token: str) -> None:
        self._tokens[server] = token

    def delete(self, server: str) -> None:
        self._tokens.pop(server, None)

    def get_item(self, server: str, name: str) -> str | None:
        return self._tokens.get(_item_key(server, name))

    def set_item(self, server: str, name: str, value: str) -> None:
        self._tokens[_item_key(server, name)] = value

    def delete_item(self, server: str, name: str) -> None:
        self._tokens.pop(_item_key(server, name), None)


class KeyringTokenStore:
    """The OS keyring; if it fails at run time (locked, bus gone) the token falls back to memory."""

    persistent = True

    def __init__(self, backend: object, service: str = SERVICE) -> None:
        self._backend = backend
        self._service = service
        self._fallback = MemoryTokenStore(MEMORY_ONLY_NOTICE)
        self.description = f"Session gardée dans le trousseau du système ({_backend_name(backend)})."

    def _failed(self) -> None:
        self.persistent = False
        self.description = MEMORY_ONLY_NOTICE

    def get(self, server: str) -> str | None:
        if not self.persistent:
            return self._fallback.get(server)
        try:
            return self._backend.get_password(self._service, server)  # type: ignore[attr-defined]
        except Exception:  # keyring.errors.KeyringError and D-Bus errors alike
            self._failed()
            return None

    def set(self, server: str, token: str) -> None:
        if self.persistent:
            try:
                self._backend.set_password(self._service, server, token)  # type: ignore[attr-defined]
                return
            except Exception:
                self._failed()
        self._fallback.set(server, token)

    def delete(self, server: str) -> None:
        self._fallback.delete(server)
        if self.persistent:
            # Nothing stored, or the keyring went away: either way no token is left behind.
            with contextlib.suppress(Exception):
                self._backend.delete_password(self._service, server)  # type: ignore[attr-defined]

    def get_item(self, server: str, name: str) -> str | None:
        return self.get(_item_key(server, name))

    def set_item(self, server: str, name: str, value: str) -> None:
        self.set(_item_key(server, name), value)

    def delete_item(self, server: str, name: str) -> None:
        self.delete(_item_key(server, name))


def _backend_name(backend: object) -> str:
    return getattr(backend, "name", None) or type(backend).__name__


def _usable(backend: object) -> bool:
    cls = type(backend)
    if (cls.__module__, cls.__name__) in _REFUSED_BACKENDS:
        return False
    if cls.__module__.startswith("keyrings.alt"):
        return False  # file-based backends of keyrings.alt: never a file
    if cls.__module__ == "keyring.backends.chainer":
        chained = [b for b in getattr(backend, "backends", []) if _usable(b)]
        return bool(chained)
    return True


def usable_keyring() -> object | None:
    """The OS keyring backend if one that keeps secrets properly is available, else None."""
    try:
        import keyring  # imported here: a few entry points are scanned, only when needed
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    return backend if _usable(backend) else None


def default_token_store() -> TokenStore:
    backend = usable_keyring()
    if backend is None:
        return MemoryTokenStore(MEMORY_ONLY_NOTICE)
    return KeyringTokenStore(backend)


class OpeningTokenStore:
    """The system's token store, opened in a thread once the first screen is painted (the full-screen client).

    Measured (bench.startup_bench, issue 11): importing `keyring` and letting it find its backend took 85 to
    135 ms on Linux — it scans its plugins' entry points, and its macOS module, imported everywhere, looks
    for a library with ctypes (which runs a compiler). That was a third of the client's start. The login
    form is painted meanwhile; whoever uses the store first waits for it to open, so nothing is read or
    written in another store than the one that lasts."""

    def __init__(self, open_store: Callable[[], TokenStore] = default_token_store) -> None:
        self._open_store = open_store
        self._store: TokenStore | None = None
        self._opened = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin opening in the background (once; a later call does nothing)."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._open, name="token-store", daemon=True)
                self._thread.start()

    def _open(self) -> None:
        try:
            self._store = self._open_store()
        except Exception:  # a keyring that breaks while loading is a missing keyring, said as such
            self._store = MemoryTokenStore(MEMORY_ONLY_NOTICE)
        finally:
            self._opened.set()

    @property
    def ready(self) -> bool:
        return self._opened.is_set()

    def opened(self) -> TokenStore:
        """The store itself, waiting for it to open (and starting it if nobody had)."""
        self.start()
        self._opened.wait()
        assert self._store is not None  # set before the event, even when opening failed
        return self._store

    @property
    def persistent(self) -> bool:
        return self.opened().persistent

    @property
    def description(self) -> str:
        return self.opened().description

    def get(self, server: str) -> str | None:
        return self.opened().get(server)

    def set(self, server: str, token: str) -> None:
        self.opened().set(server, token)

    def delete(self, server: str) -> None:
        self.opened().delete(server)

    def get_item(self, server: str, name: str) -> str | None:
        return self.opened().get_item(server, name)

    def set_item(self, server: str, name: str, value: str) -> None:
        self.opened().set_item(server, name, value)

    def delete_item(self, server: str, name: str) -> None:
        self.opened().delete_item(server, name)


def is_open(store: TokenStore | None) -> bool:
    """False only while an `OpeningTokenStore` is still opening: reading it now would wait."""
    return not isinstance(store, OpeningTokenStore) or store.ready
