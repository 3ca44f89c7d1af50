"""A lean HTTP/1.1 client for the load generators: keep-alive connections, one request in flight each,
HTTP written and parsed by hand on the event loop (as `wrk` does in C).

An HTTP client library costs several times the CPU of the server it measures, and the load generators
share the machine's two cores with the service, the simulators and PostgreSQL: what they burn is
taken from what is measured. The servers here answer with a Content-Length (uvicorn does for every
complete response); chunked bodies are refused rather than half read."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any
from urllib.parse import urlencode, urlsplit


class ConnectionClosed(ConnectionError):
    """The server closed the connection before answering."""


class Connection(asyncio.Protocol):
    """One keep-alive connection; `request` sends and waits for the complete response."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.closed = False

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        _, connection = await asyncio.get_running_loop().create_connection(cls, host, port)
        return connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiter is None:
            return
        lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                self._fail(ConnectionError(f"unsupported Transfer-Encoding: {value.strip()}"))
                return
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4 : end + 4 + length])
        del self.buffer[: end + 4 + length]
        waiter, self.waiter = self.waiter, None
        if not waiter.done():
            waiter.set_result((int(lines[0].split(" ", 2)[1]), body))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(ConnectionClosed())

    def _fail(self, error: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)
        self.waiter = None

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        """Write a complete request; the response's status and body."""
        if self.closed or self.transport is None:
            raise ConnectionClosed()
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def request_bytes(method: str, host: str, target: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class JsonClient:
    """`size` connections to one JSON API, taken one request at a time; raises on a status ≥ 400."""

    def __init__(self, base_url: str, *, size: int, basic_user: str | None = None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.netloc, self.prefix = parts.netloc, parts.path.rstrip("/")
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if basic_user is not None:
            self.headers["Authorization"] = "Basic " + base64.b64encode(f"{basic_user}:".encode()).decode()
        self.size = size
        self.idle: asyncio.Queue[Connection] | None = None
        self.opened = 0
        self.calls = 0

    async def request(
        self, method: str, path: str, *, params: dict[str, str] | None = None, json_body: Any = None
    ) -> Any:
        target = self.prefix + path + (f"?{urlencode(params)}" if params else "")
        body = b"" if json_body is None else json.dumps(json_body).encode()
        raw = request_bytes(method, self.netloc, target, self.headers, body)
        connection = await self._take()
        try:
            status, answer = await connection.send(raw)
        finally:
            self._give_back(connection)
        self.calls += 1
        if status >= 400:
            raise RuntimeError(f"{method} {target} answered {status}: {answer[:200]!r}")
        return json.loads(answer) if answer else None

    async def _take(self) -> Connection:
        if self.idle is None:
            self.idle = asyncio.Queue()
        if self.idle.empty() and self.opened < self.size:
            self.opened += 1
            return await Connection.open(self.host, self.port)
        connection = await self.idle.get()
        if connection.closed:
            return await Connection.open(self.host, self.port)
        return connection

    def _give_back(self, connection: Connection) -> None:
        assert self.idle is not None
        self.idle.put_nowait(connection)

    async def aclose(self) -> None:
        while self.idle is not None and not self.idle.empty():
            self.idle.get_nowait().close()
