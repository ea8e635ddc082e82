"""The simulated examinees: N browsers on one asyncio loop, in a process of their own.

`python -m sathach.exams.bench.load PLAN RESULT` reads the plan (JSON), checks everyone in,
prints `checked-in` on stdout and waits for `open` on stdin (the proctor opens the session
meanwhile), then runs the test and writes the result (JSON). It never imports Django: what
it knows of the server is what a browser gets over HTTP.

Each examinee:
1. checks in before the opening: signs in through the login page (at most `login_slots`
   sign-ins in flight: one per server worker) and lands on "My tests", where the code box
   waits; the list refreshes itself every `refresh_seconds` (60 s, as the page does) from a
   moment of its own;
2. at the opening the proctor reads the code out, and the examinee types it at a moment of
   its own within the following minute (`opening_seconds`: "2,000 examinees entering the
   access code within the same minute", issue 17 point 8), its list still refreshing until
   then; the code's answer is the test page itself (timed as "page"); then answers every
   question through the autosave
   endpoint, one answer per request with a think time before each, and changes a fifth of
   them afterwards with a newer sequence number; the page's heartbeat is sent as the
   browser sends it, after 30 s without an answer from the server;
3. once everyone has answered, submits at a random moment within one minute and opens the
   review page.

With a practical task on the form (`--practical`), each examinee, midway through its
answers, downloads the task's file (timed as "download"), changes a phrase of its body
(the XML of the .docx, edited here: the attempt's mark in docProps/custom.xml stays) and
uploads it (timed as "upload"), a new connection and one more try after a network error,
as the page does; a fifth of them (the change ratio) upload a second version after their
last answer. The SHA-256 of the last file the server acknowledged for each slot is in the
result, for the check that it is the one kept and graded.

Think times are drawn uniformly between half and one and a half times T, so that the
examinees do not move in lockstep. With T = 0 the run measures capacity, phase by phase:
everyone starts, then everyone answers, then everyone submits at once, so that the rate of
saves is not mixed with the opening, and everyone sends the code at once after the
opening. The waiting room's refreshes are timed as "waiting" (reported beside the
contract's document, docs/PERFORMANCE.md).

Every status outside 2xx/3xx, every transport failure and every save the server did not
acknowledge counts as an error; with `resend_saves` (faults injected), a failed save is
sent again as the page does and counted apart (bench.autosave).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import random
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sathach.exams.bench.autosave import FIRST_RETRY, Autosave, error_kind
from sathach.exams.bench.http import Browser, HttpError, Response

WINDOW_S = 10
SLOW_MS = 100  # the exam day's target for the save p99 (docs/PERFORMANCE.md)

HOST = "127.0.0.1"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BEGIN = re.compile(r'action="/thi/(\d+)/bat-dau/"')
TOKEN = re.compile(r'data-token="([^"]+)"')
FIELDSET = re.compile(r'<fieldset class="q" id="q\d+" data-pos="(\d+)" data-type="(\w+)"')
MAX_ERROR_SAMPLES = 20
CHANGE_RATIO = 0.2  # the share of answers changed afterwards
# The page's practical tasks: their fieldsets hold a file box or a typing box, not options.
PRACTICAL_TYPES = ("document", "spreadsheet", "presentation", "typing")
FILE_TYPES = ("document", "spreadsheet", "presentation")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Plan:
    port: int
    usernames: list[str]
    password: str
    access_code: str
    think_ms: int
    login_slots: int
    seed: int = 2020
    change_ratio: float = CHANGE_RATIO
    refresh_seconds: float = 60.0  # the waiting room's refresh (exams/my_tests.html)
    opening_seconds: float = 60.0  # everyone types the code within this after the opening
    heartbeat_seconds: float = 30.0
    submit_window_seconds: float = 60.0
    timeout_seconds: float = 120.0
    # The phrase of the document task's starter that the examinee changes; "" when the
    # form has no practical task.
    edit_find: str = ""
    # The server, or the load balancer in front of several (`bench exam-day --url`).
    host: str = HOST
    # A failed save is sent again, as the page does, and counted apart from the errors a
    # person sees (bench.autosave); set when faults are injected (`--fault`).
    resend_saves: bool = False


class Failure(Exception):
    """This examinee cannot go on (already counted as an error)."""


@dataclass
class Examinee:
    username: str
    rng: random.Random
    attempt_id: int = 0
    token: str = ""
    csrf: str = ""
    choices: dict[int, list[int]] = field(default_factory=dict)  # position -> option values
    seq: int = 0
    acknowledged: dict[int, tuple[int, Any]] = field(default_factory=dict)
    pending: dict[int, tuple[int, Any]] = field(default_factory=dict)  # kept, not acknowledged
    retry_wait: float = FIRST_RETRY
    retry_at: float = 0.0
    answered: bool = False
    tasks: list[int] = field(default_factory=list)  # positions of the file tasks
    starters: dict[int, bytes] = field(default_factory=dict)  # position -> the download
    uploaded: dict[int, str] = field(default_factory=dict)  # position -> acknowledged sha256
    versions: int = 0


class Run:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.requests = 0
        self.errors = 0
        self.error_samples: list[str] = []
        self.error_log: list[tuple[float, str]] = []  # (time.monotonic(), kind) of each
        self.autosave = Autosave(self, plan.resend_saves)
        self.latency: dict[str, list[float]] = {
            "login": [],
            "page": [],
            "save": [],
            "submit": [],
            "waiting": [],
            "download": [],
            "upload": [],
        }
        self.upload_retries = 0
        self.saves = 0
        self.first_save = float("inf")
        self.last_save = 0.0
        self.opened_at = 0.0
        self.opened_monotonic = 0.0
        self.last_page = 0.0
        self.save_times: list[float] = []  # when each timed save was sent
        self.login_slots = asyncio.Semaphore(plan.login_slots)
        self.opened = asyncio.Event()
        self.all_checked_in = asyncio.Event()
        self.all_started = asyncio.Event()
        self.all_answered = asyncio.Event()
        self._to_check_in = len(plan.usernames)
        self._to_start = len(plan.usernames)
        self._to_answer = len(plan.usernames)
        self.examinees: list[Examinee] = []
        self.phase_seconds: dict[str, float] = {}

    # Requests --------------------------------------------------------------------------

    def _error(self, message: str, kind: str = "refused") -> None:
        self.errors += 1
        self.error_log.append((time.monotonic(), kind))
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append(message)

    async def call(
        self, coroutine: Any, kind: str | None = None, fatal: bool = True
    ) -> Response | None:
        """Await one request, count it, time it under `kind`; an error is counted and
        raises Failure when `fatal`, else gives None."""
        self.requests += 1
        began = time.perf_counter()
        try:
            response: Response = await coroutine
        except HttpError as error:
            self._error(str(error), error_kind(error))
            if fatal:
                raise Failure from error
            return None
        if kind is not None:
            self.latency[kind].append((time.perf_counter() - began) * 1000)
        return response

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            self._error(message)
            raise Failure(message)

    async def think(self, examinee: Examinee) -> None:
        await asyncio.sleep(self.think_seconds(examinee))

    def think_seconds(self, examinee: Examinee) -> float:
        if self.plan.think_ms == 0:
            return 0.0
        return examinee.rng.uniform(0.5, 1.5) * self.plan.think_ms / 1000

    # One examinee ----------------------------------------------------------------------

    async def examinee(self, index: int, username: str) -> None:
        examinee = Examinee(username, random.Random(self.plan.seed * 100_003 + index))  # noqa: S311
        self.examinees.append(examinee)
        browser = Browser(self.plan.host, self.plan.port, self.plan.timeout_seconds)
        try:
            try:
                try:
                    await self.check_in(browser, examinee)
                finally:
                    self._to_check_in -= 1
                    if self._to_check_in == 0:
                        self.all_checked_in.set()
                entry_at = await self.wait_room(browser, examinee)
                try:
                    await self.start(browser, examinee, entry_at)
                finally:
                    self._to_start -= 1
                    if self._to_start == 0:
                        self.all_started.set()
                if self.plan.think_ms == 0:
                    await self.all_started.wait()
                await self.answer(browser, examinee)
                examinee.answered = True
            except Failure:
                pass
            finally:
                self._to_answer -= 1
                if self._to_answer == 0:
                    self.all_answered.set()
            if examinee.answered:
                await self.all_answered.wait()
                if self.plan.think_ms > 0:
                    await asyncio.sleep(examinee.rng.uniform(0, self.plan.submit_window_seconds))
                await self.submit(browser, examinee)
        except Failure:
            pass
        finally:
            browser.close()

    async def check_in(self, browser: Browser, examinee: Examinee) -> None:
        login = "/accounts/login/?next=/thi/"
        async with self.login_slots:
            page = await self.call(browser.get(login))
            assert page is not None
            csrf = CSRF.search(page.text)
            self.expect(csrf is not None, f"{examinee.username}: no CSRF token on the login page")
            assert csrf is not None
            fields = {
                "csrfmiddlewaretoken": csrf.group(1),
                "username": examinee.username,
                "password": self.plan.password,
                "next": "/thi/",
            }
            signed_in = await self.call(browser.post_form(login, fields), "login")
            assert signed_in is not None
            self.expect(
                signed_in.status == 302 and signed_in.location == "/thi/",
                f"{examinee.username}: sign-in refused (HTTP {signed_in.status})",
            )
        tests = await self.call(browser.get("/thi/"))
        assert tests is not None
        # The code box waits on "My tests" from the check-in on.
        begin, csrf = BEGIN.search(tests.text), CSRF.search(tests.text)
        self.expect(
            begin is not None and csrf is not None,
            f"{examinee.username}: no access-code box on My tests before the opening",
        )
        assert begin is not None and csrf is not None
        examinee.attempt_id = int(begin.group(1))
        examinee.csrf = csrf.group(1)

    async def wait_room(self, browser: Browser, examinee: Examinee) -> float:
        """Wait on "My tests" for the opening and then for the moment this examinee types
        the code, a moment of its own within `opening_seconds` of the opening; meanwhile
        the list refreshes itself every `refresh_seconds` from a moment of its own (each
        refresh timed as "waiting"). Return that moment (time.monotonic()). With T = 0
        everyone sends the code as soon as the session opens and nobody refreshes."""
        if self.plan.think_ms == 0:
            await self.opened.wait()
            return 0.0
        interval = self.plan.refresh_seconds
        refresh_at = time.monotonic() + examinee.rng.uniform(0, interval)
        while not self.opened.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.opened.wait(), timeout=max(refresh_at - time.monotonic(), 0)
                )
            if self.opened.is_set():
                break
            await self.call(browser.get("/thi/?part=list"), "waiting", fatal=False)
            refresh_at += interval
        entry_at = self.opened_monotonic + examinee.rng.uniform(0, self.plan.opening_seconds)
        while refresh_at < entry_at:
            await asyncio.sleep(max(refresh_at - time.monotonic(), 0))
            await self.call(browser.get("/thi/?part=list"), "waiting", fatal=False)
            refresh_at += interval
        return entry_at

    async def start(self, browser: Browser, examinee: Examinee, entry_at: float) -> None:
        """The code, typed at `entry_at`: its answer is the test page (timed as "page")."""
        if self.plan.think_ms > 0:
            await asyncio.sleep(max(entry_at - time.monotonic(), 0))
        page = await self.call(
            browser.post_form(
                f"/thi/{examinee.attempt_id}/bat-dau/",
                {"csrfmiddlewaretoken": examinee.csrf, "code": self.plan.access_code},
            ),
            "page",
        )
        assert page is not None
        self.expect(
            page.status == 200,
            f"{examinee.username}: access code refused (HTTP {page.status}, to {page.location!r})",
        )
        self.last_page = max(self.last_page, time.perf_counter())
        token, csrf = TOKEN.search(page.text), CSRF.search(page.text)
        self.expect(
            token is not None and csrf is not None, f"{examinee.username}: no token on the page"
        )
        assert token is not None and csrf is not None
        examinee.token, examinee.csrf = token.group(1), csrf.group(1)
        for position, kind, values in _questions(page.text):
            if kind in PRACTICAL_TYPES:
                if kind in FILE_TYPES:
                    examinee.tasks.append(position)
                continue
            self.expect(kind == "single", f"{examinee.username}: question {position} is {kind}")
            examinee.choices[position] = values
        self.expect(bool(examinee.choices), f"{examinee.username}: no question on the page")
        if self.plan.edit_find:
            self.expect(bool(examinee.tasks), f"{examinee.username}: no practical task")

    async def answer(self, browser: Browser, examinee: Examinee) -> None:
        rng = examinee.rng
        positions = sorted(examinee.choices)
        picks = [(p, rng.choice(examinee.choices[p])) for p in positions]
        changed = rng.sample(positions, k=round(len(positions) * self.plan.change_ratio))
        for position in changed:
            previous = dict(picks)[position]
            others = [c for c in examinee.choices[position] if c != previous]
            picks.append((position, rng.choice(others or [previous])))
        save_url = f"/thi/{examinee.attempt_id}/luu/"
        last_heard = time.monotonic()
        beats = self.plan.think_ms > 0
        midway = len(picks) // 2
        for index, (position, choice) in enumerate(picks):
            if index == midway and examinee.tasks:
                await self.practical(browser, examinee, download=True)
                last_heard = time.monotonic()
            await self.autosave.think(examinee, browser, self.think_seconds(examinee))
            if beats and time.monotonic() - last_heard >= self.plan.heartbeat_seconds:
                last_heard = time.monotonic()
                beat = await self.call(
                    browser.post_json(save_url, {"t": examinee.token, "a": []}), fatal=False
                )
                if beat is not None and _json(beat).get("state") != "open":
                    self._error(f"{examinee.username}: heartbeat answered {beat.text[:80]!r}")
            self.autosave.keep(examinee, position, {"choice": choice})
            if await self.autosave.flush(examinee, browser):
                last_heard = time.monotonic()
        await self.autosave.drain(examinee, browser)
        if examinee.tasks and rng.random() < self.plan.change_ratio:
            await self.practical(browser, examinee, download=False)

    async def practical(self, browser: Browser, examinee: Examinee, *, download: bool) -> None:
        """Each file task: download its file (`download`, else the one downloaded before),
        work on it (one think time), send the changed file."""
        examinee.versions += 1
        for position in examinee.tasks:
            base = f"/thi/{examinee.attempt_id}/tep/{position}/"
            if download:
                await self.think(examinee)
                got = await self.call(browser.get(base + "mau/"), "download", fatal=False)
                if got is None:
                    continue
                examinee.starters[position] = got.body
            if position not in examinee.starters:
                continue
            await self.think(examinee)
            edit = f"{examinee.username}, bản {examinee.versions}"
            try:
                data = edited_docx(examinee.starters[position], self.plan.edit_find, edit)
            except (ValueError, zipfile.BadZipFile) as error:
                self._error(f"{examinee.username}: the downloaded file: {error}")
                continue
            sent = await self.send_file(browser, examinee, base, data)
            if sent is None:
                continue
            answer = _json(sent).get("file") or {}
            if answer.get("name") == UPLOAD_NAME and answer.get("size") == len(data):
                examinee.uploaded[position] = hashlib.sha256(data).hexdigest()
            else:
                self._error(f"{examinee.username}: upload not acknowledged: {sent.text[:80]!r}")

    async def send_file(
        self, browser: Browser, examinee: Examinee, path: str, data: bytes
    ) -> Response | None:
        """POST the file as the page's FormData does (the token `t`, the file), timed as
        "upload"; after a network error (no answer from the server) it is sent once more
        on a new connection, as the page sends it again."""
        fields = {"t": examinee.token}
        files = {"file": (UPLOAD_NAME, data, DOCX)}
        # The page's CSRF token in the header a same-origin XHR would carry: the upload view
        # is CSRF-protected, and practical/static/practical/tasks.js sends no token yet (a
        # real browser's upload is refused with 403: docs/PERFORMANCE.md, issue 18 point 4).
        csrf = {"X-CSRFToken": examinee.csrf}
        for attempt in (1, 2):
            self.requests += 1
            began = time.perf_counter()
            try:
                response = await browser.post_multipart(path, fields, files, csrf)
            except HttpError as error:
                if error.status is None and attempt == 1:
                    self.upload_retries += 1
                    continue
                self._error(f"{examinee.username}: {error}")
                return None
            self.latency["upload"].append((time.perf_counter() - began) * 1000)
            return response
        return None

    async def submit(self, browser: Browser, examinee: Examinee) -> None:
        finish = f"/thi/{examinee.attempt_id}/nop-bai/"
        fields = {"csrfmiddlewaretoken": examinee.csrf, "t": examinee.token}
        submitted = await self.call(browser.post_form(finish, fields), "submit")
        assert submitted is not None
        review = f"/thi/{examinee.attempt_id}/ket-qua/"
        self.expect(
            submitted.location == review,
            f"{examinee.username}: submission refused (to {submitted.location!r})",
        )
        await self.call(browser.get(review))

    # The whole run ---------------------------------------------------------------------

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        began = time.perf_counter()
        tasks = [
            asyncio.create_task(self.examinee(i, name))
            for i, name in enumerate(self.plan.usernames)
        ]
        await self.all_checked_in.wait()
        self.phase_seconds["check_in"] = time.perf_counter() - began
        sys.stdout.write("checked-in\n")
        sys.stdout.flush()
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if line.strip() != "open":
            raise SystemExit("the bench stopped before the opening")
        began = self.opened_at = time.perf_counter()
        self.opened_monotonic = time.monotonic()
        self.opened.set()
        await self.all_started.wait()
        self.phase_seconds["start"] = time.perf_counter() - began
        await self.all_answered.wait()
        self.phase_seconds["answering"] = time.perf_counter() - began
        began = time.perf_counter()
        await asyncio.gather(*tasks)
        self.phase_seconds["submitting"] = time.perf_counter() - began

    def result(self) -> dict[str, Any]:
        save_seconds = max(self.last_save - self.first_save, 1e-9) if self.saves else 0.0
        return {
            "requests": self.requests,
            "errors": self.errors,
            "error_samples": self.error_samples,
            "latency_ms": self.latency,
            "saves": self.saves,
            "save_seconds": save_seconds,
            "phase_seconds": self.phase_seconds,
            "last_page_seconds": self.last_page - self.opened_at,
            "save_ms_after_last_page": [
                ms
                for sent, ms in zip(self.save_times, self.latency["save"], strict=True)
                if sent > self.last_page
            ],
            "slow_saves": _slow_saves(self.save_times, self.latency["save"], self.opened_at),
            "acknowledged": {
                str(e.attempt_id): {str(p): list(v) for p, v in e.acknowledged.items()}
                for e in self.examinees
                if e.attempt_id
            },
            "upload_retries": self.upload_retries,
            "autosave_resends": dict(self.autosave.resends),
            # For the faults (bench.day_faults), in time.monotonic() seconds.
            "timeline": {
                "saves": self.autosave.acknowledged,
                "failed_saves": self.autosave.failed,
                "errors": self.error_log,
            },
            "uploaded": {
                str(e.attempt_id): {str(p): sha for p, sha in e.uploaded.items()}
                for e in self.examinees
                if e.attempt_id
            },
        }


def _slow_saves(sent: list[float], latency_ms: list[float], opened: float) -> list[list[float]]:
    """When the slow saves were sent: per WINDOW_S seconds after the opening, [second,
    saves, saves over SLOW_MS, the slowest in ms], for the windows that had one."""
    windows: dict[int, list[float]] = {}
    for at, ms in zip(sent, latency_ms, strict=True):
        window = windows.setdefault(int((at - opened) // WINDOW_S), [0, 0, 0.0])
        window[0] += 1
        window[1] += ms > SLOW_MS
        window[2] = max(window[2], ms)
    return [
        [k * WINDOW_S, n, slow, round(top, 1)]
        for k, (n, slow, top) in sorted(windows.items())
        if slow
    ]


def _json(response: Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


UPLOAD_NAME = "cong-van.docx"


def edited_docx(data: bytes, find: str, replace: str) -> bytes:
    """The .docx `data` with the first `find` of its body (word/document.xml) replaced by
    `replace`, every other part as it was (the mark in docProps/custom.xml included), as a
    leader's word processor saves the file again."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                needle = escape(find).encode()
                if needle not in content:
                    raise ValueError(f"{find!r} is not in the document")
                content = content.replace(needle, escape(replace).encode(), 1)
            target.writestr(info, content)
    return out.getvalue()


def _questions(html: str) -> list[tuple[int, str, list[int]]]:
    """(position, type, option values) of every question and practical task on the attempt
    page (a task has no options)."""
    found = []
    for match in FIELDSET.finditer(html):
        position = int(match.group(1))
        end = html.find("</fieldset>", match.end())
        radios = r'<input type="radio" name="[^"]+" value="(\d+)"'
        values = re.findall(radios, html[match.end() : end])
        found.append((position, match.group(2), [int(v) for v in values]))
    return found


def main() -> None:
    plan_path, result_path = Path(sys.argv[1]), Path(sys.argv[2])
    plan = Plan(**json.loads(plan_path.read_text("utf-8")))
    run = Run(plan)
    asyncio.run(run.run())
    result_path.write_text(json.dumps(run.result()), "utf-8")


if __name__ == "__main__":
    main()
