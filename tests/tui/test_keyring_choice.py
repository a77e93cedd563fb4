"""Which keyring the client uses (issue 20): chosen without keyring's plugin scan — the user's own choice
(PYTHON_KEYRING_BACKEND, keyringrc.cfg), else this system's backend when it works here (the Secret Service
on Linux, the macOS and Windows backends only there) — and the in-memory store where there is none, never
a plain-text file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import keyring.backend
import pytest
from keyring.backend import KeyringBackend
from keyring.compat import properties

from tui.api import token_store
from tui.api.token_store import MEMORY_ONLY_NOTICE, KeyringTokenStore, MemoryTokenStore, default_token_store

ROOT = Path(__file__).resolve().parents[2]
NOBODY = "unix:path=/nonexistent/espace-test-bus"  # a session bus address where nothing listens


class WorkingKeyring(KeyringBackend):
    """A backend that says it works here (priority > 0), keeping its secrets in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class AbsentKeyring(WorkingKeyring):
    """A backend whose daemon does not answer: keyring's `priority` raises, as the Secret Service's does."""

    @properties.classproperty
    def priority(cls) -> float:  # type: ignore[override]
        raise RuntimeError("The Secret Service daemon is neither running nor activatable through D-Bus")


@pytest.fixture(autouse=True)
def no_user_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No keyring configured by the user, a session bus where nobody answers (tests that want none remove it),
    and keyring's own search made to fail loudly if it ever ran."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", NOBODY)

    def scan(*_args: object) -> list[KeyringBackend]:
        raise AssertionError("keyring's plugin scan ran")

    monkeypatch.setattr(keyring.backend, "get_all_keyring", scan)
    monkeypatch.setattr(keyring.backend, "_load_plugins", scan)
    return tmp_path


def test_the_systems_backend_is_used_when_it_works_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_store, "_platform_backend", lambda: WorkingKeyring)
    store = default_token_store()
    assert isinstance(store, KeyringTokenStore) and store.persistent
    store.set("https://x", "jeton")
    assert store.get("https://x") == "jeton"
    assert "WorkingKeyring" in store.description


def test_a_backend_that_does_not_work_here_leaves_the_session_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(token_store, "_platform_backend", lambda: AbsentKeyring)
    store = default_token_store()
    assert isinstance(store, MemoryTokenStore) and not store.persistent
    assert store.description == MEMORY_ONLY_NOTICE


@pytest.mark.parametrize(
    ("platform", "backend"),
    [
        ("linux", "keyring.backends.SecretService.Keyring"),
        ("freebsd14", "keyring.backends.SecretService.Keyring"),
        ("darwin", "keyring.backends.macOS.Keyring"),
        ("win32", "keyring.backends.Windows.WinVaultKeyring"),
    ],
)
def test_each_system_has_its_own_backend(monkeypatch: pytest.MonkeyPatch, platform: str, backend: str) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    chosen = token_store._platform_backend()
    assert chosen is not None and f"{chosen.__module__}.{chosen.__qualname__}" == backend


def test_without_a_session_bus_linux_has_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    assert token_store._platform_backend() is None  # the Secret Service is reached only through that variable
    assert isinstance(default_token_store(), MemoryTokenStore)


def test_a_session_bus_where_nobody_answers_means_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    assert isinstance(default_token_store(), MemoryTokenStore)


@pytest.mark.parametrize(
    "backend",
    ["keyring.backends.null.Keyring", "keyring.backends.fail.Keyring", "keyring.backends.chainer.ChainerBackend"],
)
def test_a_configured_backend_that_keeps_nothing_properly_is_refused(monkeypatch: pytest.MonkeyPatch, backend) -> None:
    monkeypatch.setattr(token_store, "_platform_backend", lambda: WorkingKeyring)  # not asked: the user chose
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    assert isinstance(default_token_store(), MemoryTokenStore)


def test_the_users_keyringrc_choice_comes_first(monkeypatch: pytest.MonkeyPatch, no_user_choice: Path) -> None:
    monkeypatch.setattr(token_store, "_platform_backend", lambda: WorkingKeyring)
    config = no_user_choice / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir()
    config.write_text("[backend]\ndefault-keyring=keyring.backends.null.Keyring\n", encoding="utf-8")
    assert isinstance(default_token_store(), MemoryTokenStore)  # their choice, refused: it keeps nothing


def chosen_in_a_fresh_interpreter(tmp_path: Path, **environ: str) -> tuple[str, set[str]]:
    """The store `default_token_store` gives in a new interpreter, and the keyring modules it loaded."""
    probe = (
        "import json, sys\n"
        "sys.platform = 'linux'\n"  # Linux's rules, whatever runs the tests
        "from tui.api.token_store import default_token_store\n"
        "store = default_token_store()\n"
        "print(json.dumps([type(store).__name__, sorted(m for m in sys.modules if m.startswith('keyring'))]))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), **environ}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    store, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return store, set(loaded)


def test_without_a_session_bus_nor_a_choice_keyring_is_not_even_imported(tmp_path: Path) -> None:
    store, loaded = chosen_in_a_fresh_interpreter(tmp_path)
    assert (store, loaded) == ("MemoryTokenStore", set())


def test_choosing_imports_no_other_systems_backend(tmp_path: Path) -> None:
    """keyring's own search imported every backend (its macOS module launched a compiler on Linux)."""
    store, loaded = chosen_in_a_fresh_interpreter(tmp_path, DBUS_SESSION_BUS_ADDRESS=NOBODY)
    assert store == "MemoryTokenStore"  # nobody answers on that bus
    others = {"macOS", "Windows", "kwallet", "libsecret"}
    assert loaded & {f"keyring.backends.{name}" for name in others} == set()
    assert "keyring.backends.SecretService" in loaded


def test_a_keyringrc_file_is_a_choice_even_without_a_session_bus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert token_store._nothing_to_open_here()
    config = tmp_path / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir()
    config.write_text("[backend]\ndefault-keyring=tests.tui.test_keyring_choice.WorkingKeyring\n", encoding="utf-8")
    assert not token_store._nothing_to_open_here()
    store = default_token_store()
    assert isinstance(store, KeyringTokenStore) and "WorkingKeyring" in store.description
