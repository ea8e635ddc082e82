"""The autosave's short way through the server."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from sathach.exams.views.take import attempt_save

_SAMPLE_PK = 987654321


class AutosaveMiddleware:
    """Send the autosave straight to its view.

    Every examinee sends one for every answer, and it is authenticated by the attempt's
    token in its body: sessions, the user, CSRF, messages, the language and the rest of the
    middleware have nothing to do for it, and walking them and the URL patterns cost more
    than the save itself. Placed right after SecurityMiddleware, whose headers it keeps.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        path = reverse("attempt-save", args=[_SAMPLE_PK])
        self.pattern = re.compile("^" + re.escape(path).replace(str(_SAMPLE_PK), r"(\d+)") + "$")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            match = self.pattern.match(request.path_info)
            if match is not None:
                response = attempt_save(request, int(match[1]))
                # What CommonMiddleware would add: without it gunicorn sends chunks.
                response.headers["Content-Length"] = str(len(response.content))
                return response
        return self.get_response(request)
