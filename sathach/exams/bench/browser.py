"""One simulated examinee of the fault drill: a thread whose saves follow the exam page.

It behaves as static/exams/exam.js does: every answer is kept until the server acknowledges
its sequence number (or a newer one) and all the kept ones go with each save; a change is
sent at once; after a failed save (a 503, a cut connection) the next try waits 2 s, then
twice as long each time up to 15 s, unless the examinee changes an answer first; a 200
resets the wait. Its browser also reloads the test page now and then, as examinees do, and
retries a request once on a new connection when a kept-alive one fails, as browsers do.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sathach.exams.bench.load import BEGIN, CSRF, TOKEN, _questions
from sathach.exams.bench.stats import recovery

FIRST_RETRY, LAST_RETRY = 2.0, 15.0  # exam.js: retryMs doubled from 1000, at most 15000
MAX_PER_SAVE = 50  # exam.js: a.slice(0, 50)
MAX_SAMPLES = 10
RELOAD_503_SECONDS = 3  # core.views.RETRY_AFTER_SECONDS: the 503 page's own reload


class SignInError(Exception):
    """The examinee could not reach the test page."""


@dataclass
class Tally:
    """What the examinee saw: requests refused with an error, the 503s that the page
    handles (a save it sends again, a page that loads again by itself), cut connections,
    and every acknowledged save (sent, answered)."""

    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    retries_503: int = 0
    transport: int = 0
    saves: list[tuple[float, float]] = field(default_factory=list)


class Examinee(threading.Thread):
    def __init__(
        self,
        *,
        port: int,
        username: str,
        password: str,
        access_code: str,
        think_seconds: float,
        reload_seconds: float,
        seed: int,
    ) -> None:
        super().__init__(name=f"examinee-{username}", daemon=True)
        self.port = port
        self.username = username
        self.password = password
        self.access_code = access_code
        self.think_seconds = think_seconds
        self.reload_seconds = reload_seconds
        self.rng = random.Random(seed)  # noqa: S311 - a simulation
        self.stopping = threading.Event()
        self.drain_seconds = 30.0
        self.tally = Tally()
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.attempt_id = 0
        self.token = ""
        self.choices: dict[int, list[int]] = {}
        self.seq = 0
        self.sent: dict[tuple[int, int], Any] = {}  # (position, seq) -> response
        self.pending: dict[int, tuple[int, Any]] = {}  # position -> (seq, response)
        self.acknowledged: dict[int, int] = {}  # position -> highest seq acknowledged

    # HTTP --------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> tuple[int, str, str]:
        """(status, body, Location); raises OSError or HTTPException when the connection
        fails twice (a kept-alive one, then a new one)."""
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        for again in (True, False):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request(method, path, body=body or None, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = None
                if reused and again:
                    continue
                raise
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _sep, value = cookie.split(";", 1)[0].strip().partition("=")
                self.cookies[name] = value
            location = response.headers.get("Location", "")
            return response.status, data.decode("utf-8", errors="replace"), location
        raise AssertionError("unreachable")

    def _form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        body = urlencode(fields).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")

    # Before the clock: sign in, type the access code, open the test -------------------

    def start_test(self) -> None:
        login = "/accounts/login/?next=/thi/"
        _status, page, _location = self.request("GET", login)
        csrf = CSRF.search(page)
        if csrf is None:
            raise SignInError(f"{self.username}: no CSRF token on the login page")
        fields = {"csrfmiddlewaretoken": csrf[1], "username": self.username, "next": "/thi/"}
        status, _page, location = self._form(login, {**fields, "password": self.password})
        if status != 302 or location != "/thi/":
            raise SignInError(f"{self.username}: sign-in refused (HTTP {status})")
        _status, tests, _location = self.request("GET", "/thi/?part=list")
        begin, csrf = BEGIN.search(tests), CSRF.search(tests)
        if begin is None or csrf is None:
            raise SignInError(f"{self.username}: no access-code form on My tests")
        self.attempt_id = int(begin[1])
        fields = {"csrfmiddlewaretoken": csrf[1], "code": self.access_code}
        # The code's answer is the test page itself (a refused code sends back to My tests).
        status, page, location = self._form(f"/thi/{self.attempt_id}/bat-dau/", fields)
        if status != 200:
            raise SignInError(f"{self.username}: access code refused (to {location!r})")
        token = TOKEN.search(page)
        if token is None:
            raise SignInError(f"{self.username}: no token on the test page")
        self.token = token[1]
        self.choices = {position: values for position, _kind, values in _questions(page)}

    @property
    def page_url(self) -> str:
        return f"/thi/{self.attempt_id}/"

    # The test ----------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._take_test()
        finally:
            if self.connection is not None:
                self.connection.close()

    def _take_test(self) -> None:
        now = time.monotonic()
        next_change = now + self._think()
        next_reload = now + self.rng.uniform(0, self.reload_seconds)
        retry_at: float | None = None
        retry_wait = FIRST_RETRY / 2
        drain_until = float("inf")
        while True:
            now = time.monotonic()
            if self.stopping.is_set():
                drain_until = min(drain_until, now + self.drain_seconds)
                if not self.pending or now >= drain_until:
                    return
            send = False
            if not self.stopping.is_set() and now >= next_change:
                self._change()
                next_change = now + self._think()
                send = True
            if self.pending and (send or (retry_at is not None and now >= retry_at)):
                if self._flush():
                    retry_wait = FIRST_RETRY / 2
                    retry_at = time.monotonic() if self.pending else None
                else:
                    retry_wait = min(retry_wait * 2, LAST_RETRY)
                    retry_at = time.monotonic() + retry_wait
            if not self.stopping.is_set() and now >= next_reload:
                self._reload()
                next_reload = now + self.reload_seconds
            wake = min(next_change, next_reload, retry_at or float("inf"), drain_until)
            self.stopping.wait(max(0.0, wake - time.monotonic()))

    def _think(self) -> float:
        return self.rng.uniform(0.5, 1.5) * self.think_seconds

    def _change(self) -> None:
        position = self.rng.choice(sorted(self.choices))
        self.seq += 1
        response = {"choice": self.rng.choice(self.choices[position])}
        self.sent[(position, self.seq)] = response
        self.pending[position] = (self.seq, response)

    def _flush(self) -> bool:
        """Send the kept answers; True when the server answered with its acknowledgements."""
        batch = [
            {"p": position, "s": seq, "r": response, "f": False}
            for position, (seq, response) in list(self.pending.items())[:MAX_PER_SAVE]
        ]
        body = json.dumps({"t": self.token, "a": batch}).encode()
        sent = time.monotonic()
        try:
            status, text, _location = self.request(
                "POST", f"/thi/{self.attempt_id}/luu/", body, "application/json"
            )
        except (OSError, http.client.HTTPException):
            self.tally.transport += 1
            return False
        if status == 503:
            self.tally.retries_503 += 1
            return False
        data = json.loads(text) if status == 200 else {}
        if data.get("state") != "open" or data.get("bad"):
            self._error(f"save: HTTP {status} {text[:100]!r}")
            return False
        for key, seq in data.get("ack", {}).items():
            position = int(key)
            self.acknowledged[position] = max(self.acknowledged.get(position, 0), seq)
            if position in self.pending and self.pending[position][0] <= seq:
                del self.pending[position]
        self.tally.saves.append((sent, time.monotonic()))
        return True

    def _reload(self) -> None:
        for _try in range(5):
            try:
                status, text, _location = self.request("GET", self.page_url)
            except (OSError, http.client.HTTPException):
                self.tally.transport += 1
                return
            if status != 503 or 'http-equiv="refresh"' not in text:
                break
            # The page says the server is reconnecting and loads again by itself.
            self.tally.retries_503 += 1
            time.sleep(RELOAD_503_SECONDS)
        token = TOKEN.search(text) if status == 200 else None
        if token is None:
            self._error(f"page: HTTP {status} {text[:100]!r}")
            return
        # The page hands the attempt to itself; its script sends the kept answers with the
        # new token.
        self.token = token[1]

    def _error(self, message: str) -> None:
        self.tally.errors += 1
        if len(self.tally.error_samples) < MAX_SAMPLES:
            self.tally.error_samples.append(f"{self.username} {message}")

    # The result --------------------------------------------------------------------------

    def expected(self) -> dict[str, list[Any]]:
        """Each acknowledged position's (seq, response), as steps.verify compares them."""
        return {
            str(position): [seq, self.sent[(position, seq)]]
            for position, seq in self.acknowledged.items()
        }

    def recovery(self, fault: float) -> float | None:
        """Seconds from `fault` to the answer of the first save sent after it."""
        return recovery(self.tally.saves, fault)
