from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

View = TypeVar("View", bound=Callable[..., Any])


def session_free(view: View) -> View:
    """Mark a view that authenticates by other means than the session (the exam's autosave
    carries the attempt's token): the middlewares then leave the session and the user
    unread, which spares the busiest request of the test day two queries."""
    view.session_free = True  # type: ignore[attr-defined]
    return view


class ForcePasswordChangeMiddleware:
    """Send an account that still has its one-time password to the password form.

    The check runs once the view is known, so that a session-free view skips it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "session_free", False):
            return None
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("password_change"), reverse("logout"), reverse("set_language")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("password_change")
        return None
