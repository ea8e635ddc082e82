"""Faults on the test day (issue 20, point 4): `bench exam-day --url URL --fault ACTION@S`.

ACTION is a subcommand of scripts/cluster.sh with its arguments: "kill-app 2" (kill -9 of
server 2), "start-app 2", "failover" (the primary stopped, the standby promoted), "cut-app
2 20" (server 2 cut off for 20 s), "pause-app 2", "resume-app 2". S is the second at which
it starts, counted from the opening of the session (when the proctor opens it and the
examinees start typing the code; they answer from then on). Each fault runs at its moment
in a thread of its own, against the cluster of the bench's environment (CLUSTER_DIR and the
other settings of the script), while the examinees go on.

For each fault the report gives: the run's acknowledged answers not stored as
acknowledged (one run per fault, so that this is the fault's); the errors the examinees
saw, by kind, from the fault's start until the next fault's (a page, a sign-in, a
submission that failed: what a person sees); the saves the page sent again by itself
(bench.autosave), by kind, over the same time; the seconds until every examinee who still
had answers to save saved again (the answer of the first save sent after the fault began,
as the single-server drill, bench.faults, measures it: stats.recovery); and the latency of
the saves sent during the fault, from its start until that recovery (or the end of the
action, if later), beside those of the 30 s before.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from sathach.exams.bench.stats import recovery, summary

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "cluster.sh"
# The subcommands a fault may run, and how many arguments each takes.
ACTIONS = {
    "kill-app": 1,
    "start-app": 1,
    "failover": 0,
    "cut-app": 2,
    "pause-app": 1,
    "resume-app": 1,
}
ACTION_TIMEOUT_SECONDS = 300
BEFORE_SECONDS = 30.0


@dataclass
class Fault:
    action: list[str]
    at: float  # seconds after the opening
    began: float = 0.0  # time.monotonic()
    ended: float = 0.0
    returncode: int | None = None
    output: str = ""

    @property
    def name(self) -> str:
        return " ".join(self.action)


def parse(text: str) -> Fault:
    """The Fault that "ACTION ARGS@SECONDS" names; ValueError with the reason."""
    action, sep, at = text.rpartition("@")
    words = action.split()
    if not sep or not words:
        raise ValueError(_('A fault is "ACTION@SECONDS", such as "kill-app 2@90".'))
    if words[0] not in ACTIONS or len(words) != ACTIONS[words[0]] + 1:
        raise ValueError(
            _("Unknown fault %(fault)s: one of %(actions)s, with its arguments.")
            % {"fault": action, "actions": ", ".join(ACTIONS)}
        )
    if not all(word.isdigit() for word in words[1:]):
        raise ValueError(_("A fault's arguments are whole numbers: %(fault)s.") % {"fault": action})
    try:
        seconds = float(at)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400:
        raise ValueError(_("A fault's moment is seconds after the opening: %(at)s.") % {"at": at})
    return Fault(words, seconds)


class Injector:
    """Runs the faults at their moments after `start(opened)`."""

    def __init__(
        self, faults: list[Fault], env: dict[str, str], progress: Callable[[str], None]
    ) -> None:
        self.faults = sorted(faults, key=lambda fault: fault.at)
        self.env = env
        self.progress = progress
        self.opened = 0.0
        self.timers: list[threading.Timer] = []

    def start(self, opened: float) -> None:
        self.opened = opened
        for fault in self.faults:
            delay = max(opened + fault.at - time.monotonic(), 0.0)
            timer = threading.Timer(delay, self._run, [fault])
            timer.daemon = True
            timer.start()
            self.timers.append(timer)

    def _run(self, fault: Fault) -> None:
        fault.began = time.monotonic()
        self.progress(
            _("%(at).1f s after the opening: scripts/cluster.sh %(fault)s")
            % {"at": fault.began - self.opened, "fault": fault.name}
        )
        try:
            completed = subprocess.run(  # noqa: S603 - the project's own script
                [str(SCRIPT), *fault.action],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=ACTION_TIMEOUT_SECONDS,
                check=False,
            )
            fault.returncode = completed.returncode
            fault.output = (completed.stdout + completed.stderr)[-500:]
        except (OSError, subprocess.TimeoutExpired) as error:
            fault.returncode, fault.output = -1, str(error)
        fault.ended = time.monotonic()

    def finish(self) -> None:
        """Wait for the faults under way; one whose moment came after the end of the test
        does not run."""
        for timer in self.timers:
            timer.cancel()
        for timer in self.timers:
            timer.join()


def figures(faults: list[Fault], opened: float, timeline: dict[str, Any]) -> list[dict[str, Any]]:
    """Each fault's figures (the module's docstring) from the load's timeline."""
    saves: dict[str, list[list[float]]] = timeline["saves"]
    failed: dict[str, list[list[Any]]] = timeline["failed_saves"]
    ran = sorted((fault for fault in faults if fault.began), key=lambda fault: fault.began)
    report = []
    for index, fault in enumerate(ran):
        began = fault.began
        until = ran[index + 1].began if index + 1 < len(ran) else float("inf")
        # Who still had answers to save once the fault began, and when each saved again.
        saving = {
            name
            for name in {*saves, *failed}
            if any(entry[0] >= began for entry in [*saves.get(name, []), *failed.get(name, [])])
        }
        times = {name: recovery(saves.get(name, []), began) for name in saving}
        never = sorted(name for name, seconds in times.items() if seconds is None)
        slowest = max((s for s in times.values() if s is not None), default=0.0)
        end = began + max(slowest, fault.ended - began)
        during = [
            (answered - sent) * 1000
            for entries in saves.values()
            for sent, answered in entries
            if began <= sent <= end
        ]
        before = [
            (answered - sent) * 1000
            for entries in saves.values()
            for sent, answered in entries
            if began - BEFORE_SECONDS <= sent < began
        ]
        resent = Counter(
            kind
            for entries in failed.values()
            for sent, _at, kind in entries
            if began <= sent < until
        )
        errors = Counter(kind for at, kind in timeline["errors"] if began <= at < until)
        report.append(
            {
                "fault": fault.name,
                "at_s": fault.at,
                "began_s": round(began - opened, 1),
                "action_s": round(fault.ended - began, 1),
                "exit_status": fault.returncode,
                "errors": sum(errors.values()),
                "errors_by_kind": dict(errors),
                "autosave_resends": sum(resent.values()),
                "autosave_resends_by_kind": dict(resent),
                "examinees_saving": len(saving),
                "not_saved_again": len(never),
                "recovery_s": None if never else round(slowest, 1),
                "window_s": round(end - began, 1),
                "saves_in_window": len(during),
                "save_ms_in_window": summary(during),
                "save_ms_before": summary(before),
            }
        )
    report += [
        {"fault": fault.name, "at_s": fault.at, "ran": False} for fault in faults if not fault.began
    ]
    return report


def render(report: dict[str, Any]) -> list[str]:
    """The faults' figures for a terminal."""
    lines = [
        "",
        _("Faults (answers lost in this run: %(lost)s; saves the page sent again: %(resends)s)")
        % {"lost": report["lost_answers"], "resends": sum(report["autosave_resends"].values())},
    ]
    for fault in report["faults"]:
        if fault.get("ran") is False:
            lines.append(
                _("%(fault)s at %(at)s s: not run, the test was over")
                % {
                    "fault": fault["fault"],
                    "at": fault["at_s"],
                }
            )
            continue
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(fault["errors_by_kind"].items()))
        resends = ", ".join(
            f"{k} {n}" for k, n in sorted(fault["autosave_resends_by_kind"].items())
        )
        recovered = (
            f"{fault['recovery_s']:.1f} s"
            if fault["recovery_s"] is not None
            else _("%(n)s examinees never saved again") % {"n": fault["not_saved_again"]}
        )
        lines.append(
            _(
                "%(fault)s at %(began).1f s (exit status %(status)s, %(took).1f s): errors "
                "seen %(errors)s%(kinds)s; saves sent again by the page %(resends)s"
                "%(resend_kinds)s; until every examinee (%(saving)s) saved again: "
                "%(recovered)s; save p99 during the fault (%(window).1f s, %(saves)s saves) "
                "%(p99).1f ms, before it %(before).1f ms"
            )
            % {
                "fault": fault["fault"],
                "began": fault["began_s"],
                "status": fault["exit_status"],
                "took": fault["action_s"],
                "errors": fault["errors"],
                "kinds": f" ({kinds})" if kinds else "",
                "resends": fault["autosave_resends"],
                "resend_kinds": f" ({resends})" if resends else "",
                "saving": fault["examinees_saving"],
                "recovered": recovered,
                "window": fault["window_s"],
                "saves": fault["saves_in_window"],
                "p99": fault["save_ms_in_window"]["p99"],
                "before": fault["save_ms_before"]["p99"],
            }
        )
    return lines
