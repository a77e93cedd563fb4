"""Where the session token is kept between two launches of the client.

In the operating system's keyring (`keyring`: Secret Service, macOS Keychain, Windows Credential
Locker) when a usable one exists; otherwise **only in memory**, so the session ends with the client.
Never in a plain-text file: the keyring's "fail" and "null" backends, a chainer with nothing to chain,
and the plain-text backends of `keyrings.alt` all count as "no usable keyring".

Tests inject `MemoryTokenStore`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import queue
import sys
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


def _platform_backend() -> type | None:
    """The one backend class this operating system can have, imported alone (keyring's own search imports
    every backend — its macOS module included — and reads its plugins' entry points); None when it cannot
    work here."""
    if sys.platform == "darwin":
        from keyring.backends import macOS

        return macOS.Keyring
    if sys.platform == "win32":
        from keyring.backends import Windows

        return Windows.WinVaultKeyring
    # Linux and the BSDs: the Secret Service (GNOME Keyring, KWallet ≥ 5.97, KeePassXC), on the session bus —
    # which its D-Bus library finds only through this variable: without it, not even the import is worth it
    # (it loads `secretstorage` and `cryptography`).
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    from keyring.backends import SecretService

    return SecretService.Keyring


def _nothing_to_open_here() -> bool:
    """Linux or a BSD with no session bus (an SSH login, a server, a CI runner) and no keyring chosen by the user:
    no keyring can open, and importing `keyring` to find that out costs 25 to 35 ms and 4 MB (it loads
    `importlib_metadata`, `email` and, through jaraco.context, `urllib.request` and `ssl`). The user's choice is
    looked for where keyring documents it: PYTHON_KEYRING_BACKEND, or
    ``$XDG_CONFIG_HOME/python_keyring/keyringrc.cfg`` (``~/.config`` without XDG_CONFIG_HOME)."""
    if sys.platform in ("darwin", "win32"):
        return False
    if os.environ.get("PYTHON_KEYRING_BACKEND") or os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return not os.path.exists(os.path.join(config_home, "python_keyring", "keyringrc.cfg"))


def usable_keyring() -> object | None:
    """The OS keyring backend if one that keeps secrets properly is available, else None.

    Measured (bench.startup_bench, issue 20): keyring's own choice (`keyring.get_keyring()`) scans its
    plugins' entry points and imports every backend; on Linux its macOS module looks for a library with
    ctypes, which launches a compiler — 55 to 135 ms of the client's start, and several megabytes. So the
    backend is chosen here: the user's own choice when they made one (keyring's documented configuration:
    the PYTHON_KEYRING_BACKEND variable or keyringrc.cfg), else this system's backend, kept only if its
    `priority` says it works here (Secret Service: a daemon answers on the session bus)."""
    if _nothing_to_open_here():
        return None
    try:
        from keyring import core
    except ImportError:
        return None
    try:
        configured = core.load_env() or core.load_config()
    except Exception:  # a backend named there that cannot load: no keyring rather than a crash
        return None
    if configured is not None:
        return configured if _usable(configured) else None
    try:
        backend_class = _platform_backend()
        if backend_class is None or backend_class.priority <= 0:  # raises RuntimeError when it cannot work
            return None
        backend = backend_class()
    except Exception:
        return None
    return backend if _usable(backend) else None


def default_token_store() -> TokenStore:
    backend = usable_keyring()
    if backend is None:
        return MemoryTokenStore(MEMORY_ONLY_NOTICE)
    return KeyringTokenStore(backend)


OPENING_DESCRIPTION = "Ouverture du trousseau du système…"


def _not_on_an_event_loop(what: str) -> None:
    """The rule of `OpeningTokenStore`: the UI loop never waits for the keyring. A wait asked from a thread
    that runs an event loop is a bug, said at once rather than a frozen screen."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{what}: waiting for the keyring on an event loop (never: see OpeningTokenStore)")


class OpeningTokenStore:
    """The system's token store of the full-screen client, kept by one background thread: the UI loop never
    waits for the keyring — neither for it to open (importing `keyring`, finding the Secret Service on the
    session bus) nor for a read or a write (a D-Bus round trip, an unlock prompt).

    - `start` (once the login form is painted) opens the store in that thread, which then reads what a
      start needs — the session kept for the server, the remembered identifier and its trusted-device
      token — and calls ``on_open`` (from the thread: post a message).
    - Reads answer from what the thread has read, at once: before the opening, nothing is known (None).
      `load` brings in other items, awaited off the loop (the login awaits its device token that way).
    - Writes and deletions are known at once and applied by the thread, in order, once the store is open;
      `aclose` lets the last ones reach the keyring before the client exits.

    Issue 20: ticking « Se souvenir de moi » before the keyring had opened used to block the UI loop until it
    opened (tests/tui/test_token_store_opening.py walks a whole login with the keyring shut)."""

    def __init__(self, open_store: Callable[[], TokenStore] = default_token_store) -> None:
        self._open_store = open_store
        self._store: TokenStore | None = None
        self._known: dict[str, str | None] = {}  # None: known to be absent
        self._lock = threading.Lock()
        self._opened = threading.Event()
        self._announced = threading.Event()  # opened, and ``on_open`` called
        self._ops: queue.SimpleQueue[Callable[[TokenStore], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self, server: str | None = None, on_open: Callable[[], None] | None = None) -> None:
        """Open the store in the background (once; a later call does nothing) and read what ``server``'s start
        needs; ``on_open`` is called from the thread when that is known."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, args=(server, on_open), name="token-store", daemon=True)
        self._thread.start()

    def _run(self, server: str | None, on_open: Callable[[], None] | None) -> None:
        try:
            store = self._open_store()
        except Exception:  # a keyring that breaks while loading is a missing keyring, said as such
            store = MemoryTokenStore(MEMORY_ONLY_NOTICE)
        if server is not None:
            self._read(store, server)
            identifier = self._read(store, server, IDENTIFIER)
            if identifier:
                self._read(store, server, device_item(identifier))
        self._store = store
        self._opened.set()
        if on_open is not None:
            with contextlib.suppress(Exception):  # the app may be gone already
                on_open()
        self._announced.set()
        while (op := self._ops.get()) is not None:
            with contextlib.suppress(Exception):  # KeyringTokenStore falls back to memory by itself
                op(store)

    def _read(self, store: TokenStore, server: str, name: str | None = None) -> str | None:
        """Read one entry into what is known (in the thread: it may take a D-Bus round trip)."""
        if name is None:
            key, value = server, store.get(server)
        else:
            key, value = _item_key(server, name), store.get_item(server, name)
        with self._lock:
            return self._known.setdefault(key, value)  # what the client wrote meanwhile is newer

    @property
    def ready(self) -> bool:
        return self._opened.is_set()

    def wait_open(self, timeout: float | None = None) -> bool:
        """Wait for the store to open and ``on_open`` to have been called, in a thread that runs no event loop
        (the tests, through `asyncio.to_thread`)."""
        _not_on_an_event_loop("wait_open")
        self.start()
        return self._announced.wait(timeout)

    @property
    def persistent(self) -> bool:
        """False until the store has opened (nothing is known to outlast the client yet)."""
        store = self._store
        return store is not None and store.persistent

    @property
    def description(self) -> str:
        store = self._store
        return store.description if store is not None else OPENING_DESCRIPTION

    def get(self, server: str) -> str | None:
        return self._known.get(server)

    def _write(self, key: str, value: str | None, op: Callable[[TokenStore], None]) -> None:
        """Known at once; applied to the store by its thread, after what was written before."""
        with self._lock:
            self._known[key] = value
        self._ops.put(op)

    def set(self, server: str, token: str) -> None:
        self._write(server, token, lambda store: store.set(server, token))

    def delete(self, server: str) -> None:
        self._write(server, None, lambda store: store.delete(server))

    def get_item(self, server: str, name: str) -> str | None:
        return self.get(_item_key(server, name))

    def set_item(self, server: str, name: str, value: str) -> None:
        self._write(_item_key(server, name), value, lambda store: store.set_item(server, name, value))

    def delete_item(self, server: str, name: str) -> None:
        self._write(_item_key(server, name), None, lambda store: store.delete_item(server, name))

    async def load(self, server: str, names: list[str], timeout: float = 10.0) -> None:
        """Read these items in the thread (once the store is open) and await them without blocking the loop;
        after ``timeout`` seconds (a keyring waiting for its unlock prompt) they stay unknown."""
        if all(_item_key(server, name) in self._known for name in names):
            return
        done: concurrent.futures.Future[None] = concurrent.futures.Future()

        def read(store: TokenStore) -> None:
            try:
                for name in names:
                    self._read(store, server, name)
            finally:
                done.set_result(None)

        self.start()
        self._ops.put(read)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.wrap_future(done), timeout)

    async def aclose(self, timeout: float = 5.0) -> None:
        """Let the writes already made reach the keyring (awaited off the loop, ``timeout`` at most), then stop
        the thread."""
        if self._thread is None and self._ops.empty():
            return
        done: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._ops.put(lambda _store: done.set_result(None))
        self._ops.put(None)
        self.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.wrap_future(done), timeout)


def is_open(store: TokenStore | None) -> bool:
    """False only while an `OpeningTokenStore` is still opening: what it holds is not known yet."""
    return not isinstance(store, OpeningTokenStore) or store.ready


async def load_items(store: TokenStore | None, server: str, names: list[str]) -> None:
    """Make ``names`` readable at once from ``store`` (awaited off the loop for an `OpeningTokenStore`)."""
    if isinstance(store, OpeningTokenStore):
        await store.load(server, names)
