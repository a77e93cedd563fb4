"""The linear mode's messagerie, "Mes démarches" and notifications: same flows as the full screen
(``tui.flows.messaging``), as numbered lists and labelled lines; dates read out in full. The composer and
the démarches are the flows' forms, asked by the ``LinearFace``: nothing is asked here."""

from __future__ import annotations

from typing import Any

from models.domain.dates import format_date_long
from tui.api import errors
from tui.api.messaging import MessagingApi
from tui.flows import messaging as flow
from tui.flows.session import AuthenticatedSession
from tui.linear.face import LinearFace

BACK = "Revenir au menu"
WRITE = "Écrire un nouveau message"


async def show_inbox(client: Any, session: AuthenticatedSession) -> None:
    api = MessagingApi(session.api)
    if not hasattr(client, "drafts"):
        client.drafts = flow.Drafts()  # kept in memory for the session
    while True:
        try:
            inbox = await api.inbox()
        except errors.ApiError as exc:
            client.error(exc.message)
            return
        client.heading(f"{flow.MESSAGING_HEADING} ({len(inbox.threads)})")
        client.say(flow.inbox_summary(inbox))
        options = [flow.thread_line(t, format_date_long) for t in inbox.threads] + [WRITE, BACK]
        choice = await client.pick("Ouvrir une conversation", options)
        if choice == len(options) - 1:
            return
        if choice == len(options) - 2:
            await write(client, api, flow.NEW)
            continue
        await read_thread(client, api, inbox.threads[choice].id)


async def read_thread(client: Any, api: MessagingApi, thread_id: int) -> None:
    try:
        thread = await api.thread(thread_id)
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    client.heading(f"Conversation : {thread.subject}")
    for line in flow.thread_lines(thread, format_date_long):
        client.say(line)
    for block in flow.message_lines(thread, format_date_long):
        client.say("-- " + block[0])
        for line in block[1:]:
            client.say(line)
    if await client.pick("Et maintenant ?", ["Répondre", BACK]) == 0:
        await write(client, api, thread_id)


async def write(client: Any, api: MessagingApi, key: int) -> None:
    """The composer of ``tui.flows.messaging`` asked by the ``LinearFace`` (a recap before sending)."""
    if not hasattr(client, "drafts"):
        client.drafts = flow.Drafts()  # kept in memory for the session
    thread = await flow.write(api, LinearFace(client), client.drafts, key)
    if thread is not None:
        for line in flow.thread_lines(thread, format_date_long)[1:]:
            client.say(line)


async def show_requests(client: Any, session: AuthenticatedSession) -> None:
    from tui.flows.request_forms import NEW_REQUEST
    from tui.linear.request_forms import new_request

    api = MessagingApi(session.api)
    while True:
        try:
            listing = await api.requests()
        except errors.ApiError as exc:
            client.error(exc.message)
            return
        client.heading(f"{flow.REQUESTS_HEADING} ({len(listing.items)})")
        client.say(flow.requests_summary(listing))  # the summary first, then the lines
        options = [flow.request_line(r, format_date_long) for r in listing.items] + [NEW_REQUEST, BACK]
        choice = await client.pick("Voir le détail d'une démarche, ou en créer une", options)
        if choice == len(options) - 1:
            return
        if choice == len(options) - 2:
            await new_request(client, session)
            continue
        try:
            detail = await api.request(listing.items[choice].id)
        except errors.ApiError as exc:
            client.error(exc.message)
            return
        for line in flow.request_detail_lines(detail, format_date_long):
            client.say(line)


async def show_notifications(client: Any, session: AuthenticatedSession) -> None:
    api = MessagingApi(session.api)
    try:
        items = await api.notifications()
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    client.heading(f"{flow.NOTIFICATIONS_HEADING} ({len(items.items)})")
    client.say(flow.notifications_summary(items))
    if not items.items:
        client.say(flow.NO_NOTIFICATIONS)
    for n in items.items:
        for line in flow.notification_line(n, format_date_long).splitlines():
            client.say(line)
    for n in items.items:
        if not n.read:
            try:
                await api.mark_read(n.id)
            except errors.ApiError as exc:
                client.error(exc.message)
                return
    if any(not n.read for n in items.items):
        client.say("Les notifications affichées sont maintenant marquées comme lues.")
