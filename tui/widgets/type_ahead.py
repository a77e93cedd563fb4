"""Type-ahead (issue 19, item 8): keys typed faster than the screen follows reach it in order, in the right field.

Textual decides where a key goes (``app.focused or app.screen``) the moment the app reads it, but the widget
handles it later, in its own task, and what the key changes happens later still: a Tab moves the focus only
once it has bubbled up to the app's bindings; Entrée in a field posts ``Submitted``, whose handler moves the
focus through a callback queued on the app (``Widget.focus``); a pushed screen is current at once while its
fields are mounted by its own task and its ``on_mount`` focuses one later. Keys read in between went to the
field the focus was leaving, to the screen itself (lost), or to the field Textual's auto-focus picked before
``on_mount`` moved it: the password in the identifier field, « RIMONLéa » in one field of the identity form.

So the app hands the widgets one key at a time. After a key is forwarded, a marker follows it up the same
path (the widget, its parents, the screen, the app) and round again, twice through each queue so that what
the key posted there (the bubbled key, then ``Submitted`` from the binding the app ran) is handled first; once
the marker is back on the app, after the focus moves queued meanwhile, the next key goes. A pushed screen
holds the keys the same way until it has mounted, the focus moves of its ``on_mount`` have run and the first
data it reads has arrived (at most ``GIVE_UP_SECONDS``: Échap is not held up by a slow server). Keys read
while waiting are kept here, then given back in the order typed, before any key read after them. Typing at
human speed, nothing waits: a key is done long before the next arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.worker import Worker

GIVE_UP_SECONDS = 1.0
"""A marker lost with its widget (a key that closed the screen it was typed in) would hold the keys for
ever: after this long without news, what was kept goes to the screen shown."""


class _Marker:
    """Follows one key along its path: twice, because a binding's action run by the app (Entrée in a field)
    posts on that path a message (``Submitted``) whose handler moves the focus."""

    def __init__(self, target: DOMNode) -> None:
        self.target = target
        self.rounds = 2


class TypeAhead:
    def __init__(self, app: App[object], deliver: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.deliver = deliver  # the app's own handling of a key, which calls ``follow`` when it forwards one
        self.opening: list[Screen[object]] = []
        self.kept: list[events.Key] = []
        self.in_flight: _Marker | None = None  # the marker following the key being handled, if any
        self._loading: set[asyncio.Future[None]] = set()
        self._valve: Timer | None = None

    # -- holding ------------------------------------------------------------------------------------------

    def hold(self, screen: Screen[object]) -> None:
        """``screen`` was just pushed: keys wait for it. Its own queue runs the callback once it has composed
        and mounted (``on_mount`` included); the app's queue then runs ``_opened`` after the focus moves
        ``on_mount`` queued there."""
        if screen not in self.opening:
            self.opening.append(screen)
            screen.call_later(self.app.call_later, self._opened, screen)

    def holding(self) -> bool:
        """Keys wait while a key is being handled, or while the screen shown is still opening."""
        self.opening = [s for s in self.opening if s in self.app.screen_stack]
        return self.in_flight is not None or (bool(self.opening) and self.app.screen in self.opening)

    def keep(self, event: events.Key) -> bool:
        """True when the key is kept for later (something is still under way, or keys kept before it wait)."""
        if not (self.kept or self.holding()):
            return False
        self.kept.append(event)
        if not self.holding():  # the screen left before it opened: what waits goes to the one shown
            self.app.call_later(self._release)
        elif self._valve is None:
            self._valve = self.app.set_timer(GIVE_UP_SECONDS, self._give_up, name="type-ahead")
        return True

    # -- following a key ----------------------------------------------------------------------------------

    def follow(self, target: DOMNode) -> None:
        """The key was just forwarded to ``target``: the next one waits until it has been handled."""
        marker = self.in_flight = _Marker(target)
        self._visit(target, marker, again=True)

    def _visit(self, node: DOMNode, marker: _Marker, *, again: bool) -> None:
        if marker is not self.in_flight:
            return  # given up on (see _give_up)
        if node is self.app:
            if marker.rounds > 1:  # what the app did with the key (a binding's action) posted on the path
                marker.rounds -= 1
                self._visit(marker.target, marker, again=True)
            else:  # after what the key did on the app, then after the focus moves queued there
                self.app.call_later(self.app.call_later, self._landed, marker)
            return
        nxt, nxt_again = (node, False) if again else (node._parent, True)
        if not isinstance(nxt, DOMNode) or nxt is self.app:
            self._visit(self.app, marker, again=True)
        elif not nxt.call_later(self._visit, nxt, marker, again=nxt_again):
            self._visit(nxt, marker, again=False)  # a closing widget: the rest of the path still counts

    async def _landed(self, marker: _Marker) -> None:
        if marker is self.in_flight:
            self.in_flight = None
            await self._release()

    # -- giving back ----------------------------------------------------------------------------------------

    async def _opened(self, screen: Screen[object]) -> None:
        """Mounted and focused. A screen still reading its first data (a worker its ``on_mount`` started) holds
        the keys until that has arrived: the list it fills is what a Bas then Entrée typed ahead are for."""
        loading = [w for w in self.app.workers if w.node is screen and not w.is_finished]
        if loading and screen in self.opening:
            waiting = asyncio.ensure_future(self._after_loading(screen, loading))
            self._loading.add(waiting)  # kept until done (a task only weakly referenced may vanish)
            waiting.add_done_callback(self._loading.discard)
            return
        await self._ready(screen)

    async def _after_loading(self, screen: Screen[object], workers: list[Worker[object]]) -> None:
        for worker in workers:
            with contextlib.suppress(Exception):  # failed or cancelled: the screen says so itself; keys go on
                await worker.wait()
        # after the message the worker posted to the screen, then after the focus moves its handler queued
        if not screen.call_later(self.app.call_later, self._ready, screen):
            self.app.call_later(self._ready, screen)

    async def _ready(self, screen: Screen[object]) -> None:
        if screen in self.opening:
            self.opening.remove(screen)
        await self._release()

    async def _release(self) -> None:
        while self.kept and not self.holding():
            await self.deliver(self.kept.pop(0))
        if not self.kept and self._valve is not None:
            self._valve.stop()
            self._valve = None

    async def _give_up(self) -> None:
        self._valve = None
        self.in_flight = None
        self.opening.clear()
        await self._release()
