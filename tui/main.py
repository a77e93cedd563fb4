"""`espace tui`: choose the face (full-screen or linear), build the API client, run.

The client must start fast: nothing here (nor in `tui.app`) imports the server, SQLModel or FastAPI;
the full-screen client's modules are imported only when it is chosen.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from tui.api import errors
from tui.api.client import DEFAULT_SERVER, ApiClient
from tui.api.token_store import OpeningTokenStore, default_token_store
from tui.flows.config import ClientConfig, load_config

if TYPE_CHECKING:
    from tui.app import EspaceApp

SERVER_ENV = "ESPACE_SERVER"


def server_url(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    return getattr(args, "server", None) or env.get(SERVER_ENV) or DEFAULT_SERVER


def wants_linear(
    args: argparse.Namespace, environ: Mapping[str, str] | None = None, stdout: TextIO | None = None
) -> bool:
    """`--linear`, or automatically when the terminal is dumb or the output is not a terminal."""
    env = os.environ if environ is None else environ
    out = stdout or sys.stdout
    if getattr(args, "linear", False) or env.get("TERM") == "dumb":
        return True
    try:
        return not out.isatty()
    except (AttributeError, ValueError):
        return True


def run(args: argparse.Namespace) -> int:
    try:
        api = ApiClient(server_url(args))
    except errors.ApiError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 2
    config = load_config()
    if wants_linear(args):
        return _run_linear(api, default_token_store(), config)
    code = full_screen_app(api, config).run()
    return int(code or 0)


def full_screen_app(api: ApiClient, config: ClientConfig) -> EspaceApp:
    """The full-screen client as `espace tui` starts it (bench.startup_bench times this very path)."""
    # Start-up speed (issue 11): no collection while the full-screen client starts. Importing Textual and
    # building the first screen allocate objects that live as long as the app, and the collector's passes
    # over them cost about as much as our own code (bench.startup_bench); once the first screen is drawn,
    # ``freeze_startup_heap`` collects once, freezes them and turns the collector back on.
    gc.disable()
    from tui.app import EspaceApp

    # The keyring opens in a thread once the login form is painted (see OpeningTokenStore).
    return EspaceApp(api, token_store=OpeningTokenStore(), config=config, freeze_heap=True)


def _run_linear(api: ApiClient, store, config) -> int:
    from tui.linear import LinearClient

    notices = list(config.warnings)
    if not store.persistent:
        notices.append(store.description)

    async def main() -> int:
        try:
            client = LinearClient(api, token_store=store, registry=config.registry(), notices=notices)
            return await client.run()
        finally:
            await api.aclose()

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        print("\nAu revoir.")
        return 130
