"""A WSGI application served to an ASGI server from a pool of threads.

gunicorn's asyncio worker runs sathach.asgi: the exam's autosave is answered on the event
loop (sathach.exams.autosave) and every other request goes to Django's WSGI handler here,
in one of a few threads, as gunicorn's threaded worker ran it before. Django's own ASGI
handler was measured and not kept (docs/PERFORMANCE.md): it runs every synchronous view of
a process in one thread, so a sign-in's 0.3 s password check held up every page of its
process, and it keeps database connections per request, not per thread. Here each thread
keeps its own context, hence its own persistent database connection (CONN_MAX_AGE), and
Django, whitenoise and the middleware see the WSGI requests they were written for.

The request body is read whole before the application runs (nginx limits it, and so does
MAX_BODY); the response is sent as the application yields it, in pieces of at least 64 KiB,
the thread waiting for each to be sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
StartResponse = Callable[..., Any]
WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

CHUNK = 64 * 1024
_ERROR_500 = b"Internal Server Error"


class ThreadedWSGI:
    """ASGI: HTTP requests to `application` in `threads` threads; the pool's threads are
    also lent to other synchronous work of the process (run_sync)."""

    def __init__(self, application: WSGIApplication, *, threads: int, max_body: int) -> None:
        self.application = application
        self.max_body = max_body
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")

    async def run_sync(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in one of the threads, with the thread's own context (not the
        caller's: asyncio's executor does not copy it), hence its database connection."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no WebSockets here
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1000})
            return
        body = await read_body(scope, receive, self.max_body)
        if body is None:
            await _plain(send, 413, b"Request Entity Too Large")
            return
        loop = asyncio.get_running_loop()
        environ = _environ(scope, body)
        with contextlib.suppress(_ClientGone):
            await self.run_sync(self._respond, environ, loop, send)

    def _respond(
        self, environ: dict[str, Any], loop: asyncio.AbstractEventLoop, send: Send
    ) -> None:
        """In a thread: run the application and send its response through the loop."""
        response = _Response(loop, send)
        try:
            iterable = self.application(environ, response.start_response)
        except Exception:
            logger.exception("The WSGI application failed")
            response.fail()
            return
        try:
            for chunk in iterable:
                response.write(chunk)
            response.finish()
        except _ClientGone:
            raise
        except Exception:
            logger.exception("The WSGI response failed")
            response.fail()
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()  # Django's request_finished: its database connections are tended


class _ClientGone(Exception):
    """The client closed the connection while the response was being sent."""


class _Response:
    def __init__(self, loop: asyncio.AbstractEventLoop, send: Send) -> None:
        self.loop = loop
        self.send = send
        self.start: dict[str, Any] | None = None
        self.started = False
        self.buffer = bytearray()

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None and self.started:
            raise exc_info[1].with_traceback(exc_info[2])
        self.start = {
            "type": "http.response.start",
            "status": int(status.split(" ", 1)[0]),
            "headers": [
                (name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers
            ],
        }
        return self.write

    def write(self, chunk: bytes) -> None:
        self.buffer += chunk
        if len(self.buffer) >= CHUNK:
            self._send(more=True)

    def finish(self) -> None:
        self._send(more=False)

    def fail(self) -> None:
        if self.started:
            return  # the client sees a cut response
        self.start = _plain_start(500, _ERROR_500)
        self.buffer = bytearray(_ERROR_500)
        self._send(more=False)

    def _send(self, *, more: bool) -> None:
        messages = []
        if not self.started:
            if self.start is None:
                raise RuntimeError("The WSGI application did not call start_response")
            messages.append(self.start)
            self.started = True
        messages.append(
            {"type": "http.response.body", "body": bytes(self.buffer), "more_body": more}
        )
        self.buffer.clear()
        future = asyncio.run_coroutine_threadsafe(_send_all(self.send, messages), self.loop)
        try:
            future.result()
        except Exception as error:
            raise _ClientGone from error


async def _send_all(send: Send, messages: list[dict[str, Any]]) -> None:
    for message in messages:
        await send(message)


def _plain_start(status: int, text: bytes) -> dict[str, Any]:
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(text))],
    }


async def _plain(send: Send, status: int, text: bytes) -> None:
    await send(_plain_start(status, text))
    await send({"type": "http.response.body", "body": text})


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is (or says it is) longer than `limit`."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            return None
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return bytes(body)
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            return bytes(body)


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP scope (PEP 3333: strings as latin-1 bytes)."""
    script_name = scope.get("root_path", "").encode("utf-8").decode("latin1")
    path_info = scope["path"].encode("utf-8").decode("latin1")
    if script_name and path_info.startswith(script_name):
        path_info = path_info[len(script_name) :]
    server_name, server_port = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin1"),
        "SERVER_NAME": str(server_name),
        "SERVER_PORT": str(server_port or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in scope.get("headers", ()):
        if b"_" in raw_name:  # X_Forwarded_For would pass for X-Forwarded-For
            continue
        name = raw_name.decode("latin1").upper().replace("-", "_")
        key = name if name in ("CONTENT_LENGTH", "CONTENT_TYPE") else "HTTP_" + name
        value = raw_value.decode("latin1")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    if "CONTENT_LENGTH" not in environ:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ
