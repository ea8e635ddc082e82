"""A small HTTP/1.1 client on asyncio, one per simulated browser.

The standard library carries the load: a browser here is a connection, its cookies and a
few hundred bytes of state, so thousands of them fit in one process. It is written on
asyncio's protocols rather than its streams because the simulator shares the machine with
the server it measures: a response is parsed as its bytes arrive, without waking a task
per read. A connection the server keeps alive is reused, as a browser (or nginx, in front
of gunicorn in the deployment) does; one the server wants closed is shut at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


class HttpError(Exception):
    """A transport failure or a status outside 2xx/3xx, as the bench counts errors;
    `status` is the HTTP status, None for a transport failure (what a browser retries)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _Connection(asyncio.Protocol):
    """One TCP connection; reads one response at a time into `waiter`."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self._buffer = bytearray()
        self._head: tuple[int, dict[str, str], list[str]] | None = None
        self._length = -1  # body bytes expected; -1: until the server closes

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, request: bytes, waiter: asyncio.Future[Response]) -> None:
        assert self.transport is not None
        self.waiter = waiter
        self._buffer.clear()
        self._head = None
        self._length = -1
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if self._head is None:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self._head = _parse_head(bytes(self._buffer[:end]))
            del self._buffer[: end + 4]
            status, headers, _cookies = self._head
            if "content-length" in headers:
                self._length = int(headers["content-length"])
            elif status in (204, 304):
                self._length = 0
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                self._finish_error(ValueError("chunked responses are not supported"))
                return
        if 0 <= self._length <= len(self._buffer):
            self._finish()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is None or self.waiter.done():
            return
        if self._head is not None and self._length < 0:
            self._finish()  # the body ran until the server closed
        else:
            self._finish_error(exc or ConnectionResetError("closed before the response"))

    def close(self) -> None:
        """Shut the connection now: the server sees the end at once, not when the event
        loop gets round to closing the transport."""
        if self.transport is None or self.closed:
            return
        self.closed = True
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed by the server
                sock.shutdown(socket.SHUT_RDWR)
        self.transport.close()

    def _finish(self) -> None:
        assert self._head is not None
        status, headers, cookies = self._head
        body = bytes(self._buffer[: self._length] if self._length >= 0 else self._buffer)
        headers[":set-cookie"] = "\n".join(cookies)
        if (
            headers.get("connection", "").lower() == "close"
            or headers.get(":version") == "HTTP/1.0"
            or self._length < 0
        ):
            self.close()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(Response(status, headers, body))

    def _finish_error(self, error: Exception) -> None:
        self.close()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)


def _parse_head(head: bytes) -> tuple[int, dict[str, str], list[str]]:
    lines = head.decode("latin-1").split("\r\n")
    version, _sep, rest = lines[0].partition(" ")
    headers = {":version": version}
    cookies = []
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            cookies.append(value)
        else:
            headers[name] = value
    return int(rest[:3]), headers, cookies


class Browser:
    """One examinee's browser: a connection to host:port and a cookie jar."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._connection: _Connection | None = None

    async def get(self, path: str) -> Response:
        return await self.request("GET", path)

    async def post_form(self, path: str, fields: dict[str, str]) -> Response:
        body = urlencode(fields).encode()
        return await self.request(
            "POST", path, body, "application/x-www-form-urlencoded; charset=utf-8"
        )

    async def post_json(self, path: str, data: Any) -> Response:
        body = json.dumps(data, separators=(",", ":")).encode()
        return await self.request("POST", path, body, "application/json")

    async def post_multipart(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes, str]],
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A form with files, as a browser's FormData sends it: `files` maps a field to
        (file name, content, content type)."""
        boundary = f"----sathachbench{secrets.token_hex(12)}"
        parts = []
        for name, value in fields.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(head.encode() + value.encode() + b"\r\n")
        for name, (filename, content, content_type) in files.items():
            head = (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return await self.request(
            "POST", path, body, f"multipart/form-data; boundary={boundary}", headers
        )

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        content_type: str = "",
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request and read its answer; raise HttpError on a transport failure or
        a status outside 2xx/3xx."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method != "GET" or body:
            lines.append(f"Content-Length: {len(body)}")
        if content_type:
            lines.append(f"Content-Type: {content_type}")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._exchange(request)
        except (OSError, TimeoutError, ValueError) as error:
            self.close()
            raise HttpError(f"{method} {path}: {type(error).__name__} {error}") from error
        for cookie in filter(None, response.headers.pop(":set-cookie").split("\n")):
            self._store_cookie(cookie)
        if not 200 <= response.status < 400:
            raise HttpError(f"{method} {path}: HTTP {response.status}", response.status)
        return response

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def _exchange(self, request: bytes) -> Response:
        loop = asyncio.get_running_loop()
        reused = self._connection is not None and not self._connection.closed
        if not reused:
            _transport, self._connection = await loop.create_connection(
                _Connection, self.host, self.port
            )
        assert self._connection is not None
        waiter: asyncio.Future[Response] = loop.create_future()
        self._connection.send(request, waiter)
        try:
            return await waiter
        except ConnectionError:
            if not reused:
                raise
        # The server closed a kept-alive connection while it was idle: a browser sends the
        # request again on a new connection.
        _transport, self._connection = await loop.create_connection(
            _Connection, self.host, self.port
        )
        waiter = loop.create_future()
        self._connection.send(request, waiter)
        return await waiter

    def _store_cookie(self, value: str) -> None:
        pair, *attributes = value.split(";")
        name, _sep, content = pair.strip().partition("=")
        expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if expired or content in ("", '""'):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = content
