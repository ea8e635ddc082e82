from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
