"""The test page's autosave for the simulated examinees of the bench (load.py).

As static/exams/exam.js does, every answer is kept until the server acknowledges its
sequence number (or a newer one) and all the kept ones go with each save (at most 50); a
change is sent at once; a failed save (a status outside 2xx/3xx, a cut connection, a
timeout) is sent again after 2 s, then twice as long each time up to 15 s, unless the
examinee changes an answer first; an answer brings the wait back to 1 s. The page sends
these again by itself: with `resend` (the plan's `resend_saves`, set by `bench exam-day
--fault`) they are counted apart, by kind, and are not errors a person sees; without it
the bench stays as strict as before faults were measured: a failed save is an error and
its answer is not kept.

Every save is also written to the run's timeline with time.monotonic() (one clock for
every process of the machine), so that the bench can tell, for each fault, how soon each
examinee saved again and how slow the saves were meanwhile (sathach.exams.bench.day_faults).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from sathach.exams.bench.http import Browser, HttpError

if TYPE_CHECKING:
    from sathach.exams.bench.load import Examinee, Run

FIRST_RETRY, LAST_RETRY = 1.0, 15.0  # exam.js: retryMs = 1000, doubled before each wait
MAX_PER_SAVE = 50  # exam.js: a.slice(0, 50)
DRAIN_SECONDS = 180.0  # after its last answer, how long an examinee keeps resending


def error_kind(error: HttpError) -> str:
    """How a request failed, as the reports count it: "HTTP 502", "timeout" or "connection"."""
    if error.status is not None:
        return f"HTTP {error.status}"
    return "timeout" if "TimeoutError" in str(error) else "connection"


class Autosave:
    def __init__(self, run: Run, resend: bool) -> None:
        self.run = run
        self.resend = resend
        self.resends: Counter[str] = Counter()
        # Per examinee: [sent, answered] of each acknowledged save; [sent, failed, kind]
        # of each failed one.
        self.acknowledged: dict[str, list[list[float]]] = {}
        self.failed: dict[str, list[list[Any]]] = {}

    def keep(self, examinee: Examinee, position: int, response: Any) -> None:
        """A changed answer, kept until acknowledged."""
        examinee.seq += 1
        examinee.pending[position] = (examinee.seq, response)

    async def think(self, examinee: Examinee, browser: Browser, seconds: float) -> None:
        """Think `seconds`; meanwhile the kept answers are sent again when their wait is
        over."""
        until = time.monotonic() + seconds
        while examinee.pending and examinee.retry_at <= until:
            await asyncio.sleep(max(examinee.retry_at - time.monotonic(), 0))
            await self.flush(examinee, browser)
        await asyncio.sleep(max(until - time.monotonic(), 0))

    async def drain(self, examinee: Examinee, browser: Browser) -> None:
        """After the last answer: send what is kept until the server has it all."""
        deadline = time.monotonic() + DRAIN_SECONDS
        while examinee.pending and time.monotonic() < deadline:
            await asyncio.sleep(max(examinee.retry_at - time.monotonic(), 0))
            await self.flush(examinee, browser)
        if examinee.pending:
            self.run._error(f"{examinee.username}: {len(examinee.pending)} answers never saved")

    async def flush(self, examinee: Examinee, browser: Browser) -> bool:
        """One save of the kept answers; True when the server acknowledged it."""
        run = self.run
        batch = list(examinee.pending.items())[:MAX_PER_SAVE]
        body = {
            "t": examinee.token,
            "a": [{"p": p, "s": s, "r": r, "f": False} for p, (s, r) in batch],
        }
        run.requests += 1
        run.saves += 1
        sent, began = time.monotonic(), time.perf_counter()
        run.first_save = min(run.first_save, began)
        try:
            saved = await browser.post_json(f"/thi/{examinee.attempt_id}/luu/", body)
        except HttpError as error:
            run.last_save = max(run.last_save, time.perf_counter())
            kind = error_kind(error)
            self.failed.setdefault(examinee.username, []).append([sent, time.monotonic(), kind])
            if not self.resend:
                run._error(str(error), kind)
                for position, _kept in batch:
                    examinee.pending.pop(position, None)
                return False
            self.resends[kind] += 1
            examinee.retry_wait = min(examinee.retry_wait * 2, LAST_RETRY)
            examinee.retry_at = time.monotonic() + examinee.retry_wait
            return False
        run.last_save = max(run.last_save, time.perf_counter())
        run.latency["save"].append((time.perf_counter() - began) * 1000)
        run.save_times.append(began)
        self.acknowledged.setdefault(examinee.username, []).append([sent, time.monotonic()])
        examinee.retry_wait, examinee.retry_at = FIRST_RETRY, 0.0
        data = saved.json() if saved.body[:1] == b"{" else {}
        acks = data.get("ack", {}) if data.get("state") == "open" else {}
        for position, (seq, response) in batch:
            acked = acks.get(str(position), 0)
            if acked >= seq:
                examinee.acknowledged[position] = (seq, response)
                if examinee.pending.get(position, (0,))[0] <= acked:
                    del examinee.pending[position]
            else:
                run._error(
                    f"{examinee.username}: save not acknowledged: {saved.text[:80]!r}", "refused"
                )
                examinee.pending.pop(position, None)
        return True
