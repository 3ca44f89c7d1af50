"""Webhook POSTs over keep-alive HTTP/1.1 connections, written and read on asyncio streams.

A webhook sender needs one method, a status code and connection reuse. An HTTP client library cost
the simulator more CPU per delivery than the receiver spent storing it, and when benchmarks send tens
of thousands of deliveries the simulator — not the service under test — set the pace.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from urllib.parse import urlsplit

Origin = tuple[str, str, int]
Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class ResponseMalformed(Exception):
    """The receiver's answer is not HTTP/1.x."""


class WebhookSender:
    """POSTs to any URL; idle connections are kept per origin and reused."""

    def __init__(self) -> None:
        self._idle: dict[Origin, list[Stream]] = {}

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The status of the answer; raises OSError or ResponseMalformed. The caller bounds the time
        (`asyncio.timeout`): a request cut short closes its connection."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url}")
        origin = (scheme, parts.hostname, parts.port or (443 if scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [f"POST {target} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        while True:
            stream, reused = await self._connection(origin)
            try:
                status, keep = await _exchange(stream, raw)
            except (OSError, asyncio.IncompleteReadError) as exc:
                stream[1].close()
                if reused:
                    continue  # the receiver closed a connection that sat idle: a fresh one
                raise ConnectionError(f"no answer from {origin[1]}:{origin[2]}: {exc}") from exc
            except BaseException:
                stream[1].close()  # cancelled or timed out mid-exchange: the stream is unusable
                raise
            if keep:
                self._idle.setdefault(origin, []).append(stream)
            else:
                stream[1].close()
            return status

    async def _connection(self, origin: Origin) -> tuple[Stream, bool]:
        idle = self._idle.get(origin)
        while idle:
            stream = idle.pop()
            if not stream[0].at_eof() and not stream[1].is_closing():
                return stream, True
            stream[1].close()
        scheme, host, port = origin
        context = ssl.create_default_context() if scheme == "https" else None
        return await asyncio.open_connection(host, port, ssl=context), False

    async def aclose(self) -> None:
        for streams in self._idle.values():
            for _, writer in streams:
                writer.close()
        self._idle.clear()


async def _exchange(stream: Stream, raw: bytes) -> tuple[int, bool]:
    """Send one request and read its whole answer: (status, whether the connection may be reused)."""
    reader, writer = stream
    writer.write(raw)
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    version, _, rest = head[0].partition(" ")
    if not version.startswith("HTTP/1.") or not rest[:3].isdigit():
        raise ResponseMalformed(f"not an HTTP/1.x status line: {head[0][:80]!r}")
    fields: dict[str, str] = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name:
            fields[name.strip().lower()] = value.strip()
    keep = version == "HTTP/1.1" and fields.get("connection", "").lower() != "close"
    if "chunked" in fields.get("transfer-encoding", "").lower():
        await _skip_chunks(reader)
    elif "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    else:
        await reader.read()  # the body ends with the connection
        keep = False
    return int(rest[:3]), keep


async def _skip_chunks(reader: asyncio.StreamReader) -> None:
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return
