"""The real client pauses the collector while it starts and freezes its start-up heap once the first
screen is drawn, then collects again; test apps never do."""

from __future__ import annotations

import argparse
import gc

import pytest

import tui.app
from tui.app import EspaceApp
from tui.main import run


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # frozen objects are never collected: give the rest of the session its heap back
    gc.enable()


async def test_the_start_up_heap_is_frozen_only_when_asked(api, unfrozen):
    async with EspaceApp(api).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.get_freeze_count() == 0
    gc.disable()  # as the real client starts (tui.main.run)
    async with EspaceApp(api, freeze_heap=True).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert gc.get_freeze_count() > 0
        assert gc.isenabled()  # the collector is back once the start-up heap is frozen


def test_the_real_client_asks_for_it(monkeypatch, unfrozen):
    made = {}

    class Recorded(EspaceApp):
        def __init__(self, *args, **kwargs):
            made.update(kwargs, collecting=gc.isenabled())

        def run(self, *args, **kwargs):
            return 0

    monkeypatch.setattr(tui.app, "EspaceApp", Recorded)
    args = argparse.Namespace(server="http://127.0.0.1:8000", linear=False, plain=False)
    monkeypatch.setattr("tui.main.wants_linear", lambda _args: False)
    monkeypatch.setattr("tui.main.server_url", lambda _args: "http://127.0.0.1:8000")
    assert run(args) == 0
    assert made["freeze_heap"] is True
    assert made["collecting"] is False  # paused from before the client's import until the heap is frozen
