"""Issue 19, a steady connection: a real HTTP server on a socket that, like any server with a keep-alive
timeout, closes a kept-alive connection just as the client sends its next request. An idempotent request
is sent once more on a new connection and succeeds; a POST without an Idempotency-Key is not replayed; a
server that is really gone is still said in words; the client lets go of idle connections before the
server's own keep-alive (uvicorn: 5 s)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tui.api import errors
from tui.api.client import KEEPALIVE_EXPIRY, ApiClient


class ClosingServer:
    """Answers the first request of each connection (keeping it alive) and drops the connection when a
    second request comes on it, without answering: the race of a keep-alive timeout."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.connections = 0
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        answered = False
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                fields = dict(line.lower().partition(":")[::2] for line in lines[1:] if ":" in line)
                await reader.readexactly(int(fields.get("content-length", "0")))
                self.requests.append(lines[0])
                if answered:  # the kept-alive connection's time is up: closed, nothing answered
                    break
                body = b'{"status": "ok"}'
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
                writer.write(b"content-length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
                answered = True
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"


@pytest.fixture
async def closing_server() -> AsyncIterator[ClosingServer]:
    served = ClosingServer()
    served.server = await asyncio.start_server(served.handle, "127.0.0.1", 0)
    yield served
    served.server.close()
    await served.server.wait_closed()


async def test_an_idempotent_request_is_sent_again_on_a_new_connection(closing_server):
    async with ApiClient(closing_server.url) as api:
        assert await api.health() == {"status": "ok"}
        assert await api.health() == {"status": "ok"}  # the kept-alive connection dropped: sent once more
    assert closing_server.requests == ["GET /api/v1/health HTTP/1.1"] * 3
    assert closing_server.connections == 2


async def test_a_post_without_idempotency_key_is_not_replayed(closing_server):
    async with ApiClient(closing_server.url) as api:
        await api.health()
        with pytest.raises(errors.NetworkError):
            await api.challenge()
    assert closing_server.requests == ["GET /api/v1/health HTTP/1.1", "POST /api/v1/auth/challenge HTTP/1.1"]


async def test_a_real_outage_is_still_said_in_words(closing_server):
    async with ApiClient(closing_server.url) as api:
        await api.health()
        assert closing_server.server is not None
        closing_server.server.close()
        await closing_server.server.wait_closed()
        with pytest.raises(errors.NetworkError) as raised:
            await api.health()
            await api.health()  # the kept connection's replay fails too: a new one is refused
    assert raised.value.message.startswith("Le serveur ne répond pas.")


def test_the_client_lets_go_of_idle_connections_before_the_server():
    import httpx
    import uvicorn

    api = ApiClient("http://127.0.0.1:8765")
    pool = api._http._transport._pool  # the pool httpx built with the client's limits
    assert pool._keepalive_expiry == KEEPALIVE_EXPIRY < uvicorn.Config(app=None).timeout_keep_alive
    assert isinstance(api._http, httpx.AsyncClient)
