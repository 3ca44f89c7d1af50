"""The Lever simulator's webhook sender against a raw TCP receiver: answers with a length, chunked or
ending with the connection; connections kept and reused; one the receiver closed while idle replaced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from hirebridge.sims.lever.sender import ResponseMalformed, WebhookSender

HEADERS = {"User-Agent": "Lever-Webhooks", "Content-Type": "application/json"}


class Receiver:
    """Answers each request with the next scripted response; counts connections and requests."""

    def __init__(self, answers: list[bytes]) -> None:
        self.answers = answers
        self.connections = 0
        self.bodies: list[bytes] = []
        self.close_after_each = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
                length = int(
                    next(h for h in head.split("\r\n") if h.lower().startswith("content-length"))[15:]
                )
                self.bodies.append(await reader.readexactly(length))
                writer.write(self.answers.pop(0))
                await writer.drain()
                if self.close_after_each:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


@pytest.fixture
async def served() -> AsyncIterator[tuple[Receiver, str]]:
    receiver = Receiver([])
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield receiver, f"http://127.0.0.1:{port}/hooks/lever?x=1"


async def test_answers_of_every_framing_on_one_kept_connection(served: tuple[Receiver, str]) -> None:
    receiver, url = served
    receiver.answers = [
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        b"HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\n\r\n",
        b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
    ]
    sender = WebhookSender()
    statuses = [await sender.post(url, b'{"n": %d}' % n, HEADERS) for n in range(3)]
    await sender.aclose()
    assert statuses == [200, 500, 302]  # a redirect is answered, not followed
    assert receiver.connections == 1 and receiver.bodies == [b'{"n": 0}', b'{"n": 1}', b'{"n": 2}']


async def test_connection_close_and_closed_idle_connections_get_a_fresh_one(
    served: tuple[Receiver, str],
) -> None:
    receiver, url = served
    receiver.close_after_each = True  # as a receiver whose keep-alive ran out would
    receiver.answers = [b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"] * 2
    receiver.answers.append(b"HTTP/1.0 200 OK\r\n\r\nthe body ends with the connection")
    sender = WebhookSender()
    statuses = []
    for _ in range(3):
        statuses.append(await sender.post(url, b"{}", HEADERS))
        await asyncio.sleep(0.05)  # the receiver's close reaches the idle connection
    await sender.aclose()
    assert statuses == [204, 204, 200] and receiver.connections == 3


async def test_what_is_not_http_is_an_error(served: tuple[Receiver, str]) -> None:
    receiver, url = served
    receiver.answers = [b"SSH-2.0-OpenSSH\r\n\r\n"]
    with pytest.raises(ResponseMalformed):
        await WebhookSender().post(url, b"{}", HEADERS)
    with pytest.raises(ConnectionError):
        await WebhookSender().post("http://127.0.0.1:9/hook", b"{}", HEADERS)
