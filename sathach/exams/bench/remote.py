"""`sathach bench exam-day --url URL`: the test day against a running deployment.

No server is started and no temporary database made: the examinees are sent to URL (the
load balancer of several servers, scripts/cluster.sh), and the session, its people and its
checks are made in the database this process is configured with (DATABASE_URL: the one the
servers use; with a primary and a standby, the multi-host URL). Each run's units, accounts
and campaign carry a tag of their own, so that runs follow one another on one database;
they stay there, as the deployment's other data do: run it against a rehearsal
deployment, not the one of a real test day. The report is the same as without --url,
with the saves the page sent again by itself and, with --fault, each fault's figures
(sathach.exams.bench.day_faults).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from sathach.exams.bench import day_faults
from sathach.exams.bench import exam_day as local
from sathach.exams.bench.load import Plan
from sathach.exams.bench.practical import EDIT_FIND, practical_figures, say_practical

if TYPE_CHECKING:
    from sathach.exams.bench.exam_day import Options, Progress


OPENING_SECONDS = 60.0


def target(url: str) -> tuple[str, int]:
    """The host and port of URL: plain HTTP on this machine, as every load of the bench
    (contracts/cli.md); a balancer elsewhere would measure the network too."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise local.BenchError(
            _("--url takes an http:// address, such as http://127.0.0.1:58000, not %(url)s.")
            % {"url": url}
        )
    if parts.hostname not in local.LOCAL_HOSTS:
        raise local.BenchError(
            _("The bench sends its examinees to this machine only, not %(host)s.")
            % {"host": parts.hostname}
        )
    return parts.hostname, parts.port or 80


def _check_answers(url: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url.rstrip("/") + "/healthz", timeout=10) as answer:
            if answer.status == 200:
                return
    except OSError as error:
        raise local.BenchError(
            _("Nothing healthy answers at %(url)s: %(error)s") % {"url": url, "error": error}
        ) from error
    raise local.BenchError(_("Nothing healthy answers at %(url)s.") % {"url": url})


def _window(options: Options) -> float:
    """How long after the opening everyone has typed the code, and after the last answer
    everyone has submitted: a minute, as on the test day, or 20 think times when that is
    shorter (a short think time makes a short test: tests/test_cluster_faults.py)."""
    return min(OPENING_SECONDS, 20 * options.think_ms / 1000)


def _database() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    return "sqlite" if "sqlite" in engine else "postgres"


def exam_day_at(options: Options, progress: Progress, stack: ExitStack) -> dict[str, Any]:
    host, port = target(options.url)
    try:
        faults = [day_faults.parse(text) for text in options.faults]
    except ValueError as error:
        raise local.BenchError(str(error)) from error
    _check_answers(options.url)
    work = Path(tempfile.mkdtemp(prefix="sathach-bench-"))
    stack.callback(local._cleanup, progress, shutil.rmtree, work, ignore_errors=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "sathach.settings"),
        "PYTHONUNBUFFERED": "1",
    }
    tag = secrets.token_hex(2)
    progress(
        _("Seeding %(n)s examinees in the deployment's database (tag %(tag)s)…")
        % {"n": options.examinees, "tag": tag}
    )
    seeded = local._step(
        env,
        "seed",
        "--examinees",
        str(options.examinees),
        "--questions",
        str(options.questions),
        "--duration-minutes",
        str(local._duration_minutes(options)),
        "--tag",
        tag,
        *(["--practical"] if options.practical else []),
    )
    session = str(seeded["session"])
    progress(_("Measuring the baseline: the same upserts without HTTP…"))
    ops = min(max(local._expected_saves(options), local.BASELINE_MIN), local.BASELINE_MAX)
    baseline = local._step(
        env, "baseline", "--session", session, "--ops", str(ops), "--workers", str(options.workers)
    )
    plan = Plan(
        port=port,
        host=host,
        usernames=seeded["usernames"],
        password=seeded["password"],
        access_code=seeded["access_code"],
        think_ms=options.think_ms,
        login_slots=options.workers,
        edit_find=EDIT_FIND if options.practical else "",
        resend_saves=bool(faults),
        opening_seconds=_window(options),
        submit_window_seconds=_window(options),
    )
    plan_path, result_path = work / "plan.json", work / "result.json"
    plan_path.write_text(json.dumps(asdict(plan)), "utf-8")
    load = stack.enter_context(local._load_process(plan_path, result_path, env))
    progress(
        _("Checking in %(n)s examinees at %(url)s…") % {"n": options.examinees, "url": options.url}
    )
    assert load.stdout is not None and load.stdin is not None
    if load.stdout.readline().strip() != "checked-in":
        raise local.BenchError(_("The simulated examinees stopped before the opening."))
    progress(_("Opening the session; the examinees take the test…"))
    local._step(env, "open", "--session", session)
    load.stdin.write("open\n")
    load.stdin.flush()
    opened = time.monotonic()
    injector = day_faults.Injector(faults, env, progress)
    injector.start(opened)
    returncode = load.wait()
    injector.finish()
    if returncode != 0:
        raise local.BenchError(_("The simulated examinees stopped with an error."))
    result = json.loads(result_path.read_text("utf-8"))
    local._progress_details(result, progress)
    for sample in result["error_samples"]:
        progress(f"  {sample}")

    progress(_("Checking the stored answers…"))
    expected_path = work / "expected.json"
    expected_path.write_text(json.dumps(result["acknowledged"]), "utf-8")
    checked = local._step(env, "verify", "--session", session, "--expected", str(expected_path))
    report = local._report(options, result, checked, baseline)
    report["database"] = _database()
    report["autosave_resends"] = result["autosave_resends"]
    if faults:
        report["faults"] = day_faults.figures(faults, opened, result["timeline"])
    if options.practical:
        # The deployment's own background workers grade the uploads.
        progress(_("Waiting for the background workers to grade the last uploads…"))
        uploads_path = work / "uploads.json"
        uploads_path.write_text(json.dumps(result["uploaded"]), "utf-8")
        graded = local._step(
            env,
            "practical",
            "--session",
            session,
            "--expected",
            str(uploads_path),
            "--wait",
            str(local.GRADING_WAIT_SECONDS),
        )
        report["practical"] = practical_figures(options.graders, result, graded)
        say_practical(graded, progress)
    return report
