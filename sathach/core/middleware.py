from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Vietnamese for everyone unless they chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many commune
    computers run an English browser; the interface must stay Vietnamese for them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """The Content-Security-Policy of settings.CONTENT_SECURITY_POLICY on every response
    (Django 5.2 has none of its own): scripts and styles from our static files only, no
    plugin, no foreign frame or form target. `frame-ancestors` follows the response's
    X-Frame-Options ('self' where a view allows SAMEORIGIN, 'none' otherwise), so the two
    headers never disagree.

    PDFs are left without it: Chromium shows a PDF through its viewer plugin, which the
    policy's `object-src 'none'` would block inside the e-office pages' frames; a PDF runs
    none of our script, and X-Frame-Options and nosniff still apply to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        policy = dict(settings.CONTENT_SECURITY_POLICY)
        self.header = _policy(policy)
        self.framed = _policy({**policy, "frame-ancestors": "'self'"})

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response.headers or response.get(
            "Content-Type", ""
        ).startswith("application/pdf"):
            return response
        same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = self.framed if same_origin else self.header
        return response


def _policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


class _CheckedStream:
    """The request body, raising UnreadablePostError when it ends before Content-Length:
    a POST cut off mid-body is never executed with what arrived (a name saved as
    "Nguyễn Văn Đức Tr%E")."""

    def __init__(self, stream: Any, length: int) -> None:
        self.stream = stream
        self.length = length
        self.seen = 0

    def _cut_off(self) -> UnreadablePostError:
        return UnreadablePostError("the body is shorter than its Content-Length")

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.length - self.seen
        if size is not None and size >= 0:
            wanted = min(size, wanted)
        chunks = []
        got = 0
        # A stream may return less than asked; only an empty read is its end.
        while got < wanted:
            chunk = self.stream.read(wanted - got)
            if not chunk:
                raise self._cut_off()
            chunks.append(chunk)
            got += len(chunk)
        self.seen += got
        return b"".join(chunks)

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self.length - self.seen
        if size is not None and size >= 0:
            wanted = min(size, wanted)
        line = self.stream.readline(wanted) if wanted else b""
        if wanted and not line:
            raise self._cut_off()
        self.seen += len(line)
        return bytes(line)

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


def _refusal(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyMiddleware:
    """Bounds and checks every request body before a view reads it: larger than
    REQUEST_MAX_BYTES (anyone) or ANONYMOUS_MAX_BYTES (nobody signed in) is refused from its
    Content-Length alone, without reading it (413); one shorter than its Content-Length is
    refused (400) and nothing is executed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return _refusal(_("The request's length is not a number."), 400)
        if length:
            refused = self._too_large(request, length)
            if refused is not None:
                return refused
            request._stream = _CheckedStream(request._stream, length)  # type: ignore[attr-defined,assignment]
            try:
                if request.content_type == "multipart/form-data":
                    request.POST  # noqa: B018 parsed here, to refuse a cut-off body
                    request.FILES  # noqa: B018
                else:
                    request.body  # noqa: B018
            except (UnreadablePostError, MultiPartParserError):
                return _refusal(
                    _(
                        "The data sent were cut off before their end, so nothing was done. "
                        "Check the connection and send again."
                    ),
                    400,
                )
        return self.get_response(request)

    def _too_large(self, request: HttpRequest, length: int) -> HttpResponse | None:
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        limit = int(settings.REQUEST_MAX_BYTES if signed_in else settings.ANONYMOUS_MAX_BYTES)
        if length <= limit:
            return None
        size = f"{limit / 2**20:.3g} MB" if limit >= 2**20 else f"{limit / 2**10:.3g} KB"
        return _refusal(
            _("The data sent are larger than %(size)s and were refused unread.") % {"size": size},
            413,
        )
