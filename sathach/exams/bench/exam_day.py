"""`sathach bench exam-day`: a temporary database, the production server and N simulated
examinees on this machine, then the checks and the baseline (contracts/cli.md).

Everything it starts lives in a temporary folder and a temporary database and is stopped
and removed on the way out, whatever happens (an error, Ctrl+C, SIGTERM).
"""

from __future__ import annotations

import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext as _

from sathach.exams.bench.load import CHANGE_RATIO, Plan
from sathach.exams.bench.practical import EDIT_FIND, practical_figures, say_practical
from sathach.exams.bench.stats import summary

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}
# Baseline upserts: as many as the run saved, within bounds that keep the rate steady and
# the step short.
BASELINE_MIN, BASELINE_MAX = 2_000, 20_000
STARTUP_SECONDS = 60
# The background worker as the deployment's systemd unit runs it (docs/DEPLOYMENT.md).
GRADER_COMMAND = ("worker", "--no-reload", "--interval", "2")
# After the test, how long the workers may take to grade what is left (they would go on).
GRADING_WAIT_SECONDS = 300.0

Progress = Callable[[str], None]


class BenchError(Exception):
    """The bench could not run (not: the run found errors)."""


@dataclass(frozen=True)
class Options:
    examinees: int
    questions: int
    think_ms: int
    workers: int
    database: str
    practical: bool = False  # a document task on every form, graded by `graders` workers
    graders: int = 1
    # A running deployment (its load balancer) to send the examinees to, instead of a
    # server and a database of the run's own (sathach.exams.bench.remote).
    url: str = ""
    # With `url`: scripts/cluster.sh subcommands run during the test, "ACTION@SECONDS"
    # after the opening (sathach.exams.bench.day_faults).
    faults: tuple[str, ...] = ()


def exam_day(options: Options, progress: Progress) -> dict[str, Any]:
    """Run the test day and return the report of the contract."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.getsignal(signal.SIGINT) if main_thread else None
    try:
        with ExitStack() as stack:
            try:
                return _exam_day(options, progress, stack)
            finally:
                # The way out: a second Ctrl+C must not leave the server or the database
                # behind.
                if main_thread:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)


def _exam_day(options: Options, progress: Progress, stack: ExitStack) -> dict[str, Any]:
    if options.url:
        from sathach.exams.bench.remote import exam_day_at

        return exam_day_at(options, progress, stack)
    work = Path(tempfile.mkdtemp(prefix="sathach-bench-"))
    stack.callback(_cleanup, progress, shutil.rmtree, work, ignore_errors=True)
    database_url = stack.enter_context(_temporary_database(options.database, work, progress))
    env = _environment(database_url, work)

    progress(_("Migrating the temporary database…"))
    _run([*_sathach(), "migrate", "--noinput", "-v0"], env)
    progress(_("Seeding %(n)s examinees…") % {"n": options.examinees})
    seeded = _step(
        env,
        "seed",
        "--examinees",
        str(options.examinees),
        "--questions",
        str(options.questions),
        "--duration-minutes",
        str(_duration_minutes(options)),
        *(["--practical"] if options.practical else []),
    )

    progress(_("Measuring the baseline: the same upserts without HTTP…"))
    baseline = _step(
        env,
        "baseline",
        "--session",
        str(seeded["session"]),
        "--ops",
        str(min(max(_expected_saves(options), BASELINE_MIN), BASELINE_MAX)),
        "--workers",
        str(options.workers),
    )

    port = _free_port()
    progress(
        _("Starting gunicorn with %(w)s workers on 127.0.0.1:%(port)s…")
        % {"w": options.workers, "port": port}
    )
    server = stack.enter_context(_gunicorn(port, options.workers, env, work))
    graders = []
    if options.practical:
        progress(
            _("Starting %(n)s background workers to grade the uploads…") % {"n": options.graders}
        )
        graders = stack.enter_context(background_workers(env, work, options.graders))

    plan = Plan(
        port=port,
        usernames=seeded["usernames"],
        password=seeded["password"],
        access_code=seeded["access_code"],
        think_ms=options.think_ms,
        login_slots=options.workers,
        edit_find=EDIT_FIND if options.practical else "",
    )
    plan_path, result_path = work / "plan.json", work / "result.json"
    plan_path.write_text(json.dumps(asdict(plan)), "utf-8")
    load = stack.enter_context(_load_process(plan_path, result_path, env))
    progress(_("Checking in %(n)s examinees…") % {"n": options.examinees})
    assert load.stdout is not None and load.stdin is not None
    if load.stdout.readline().strip() != "checked-in":
        raise BenchError(_("The simulated examinees stopped before the opening."))
    progress(_("Opening the session; the examinees take the test…"))
    _step(env, "open", "--session", str(seeded["session"]))
    load.stdin.write("open\n")
    load.stdin.flush()
    if load.wait() != 0:
        raise BenchError(_("The simulated examinees stopped with an error."))
    result = json.loads(result_path.read_text("utf-8"))
    server.stop()
    _progress_details(result, progress)
    if result["errors"]:
        progress(server.log_tail())
        for sample in result["error_samples"]:
            progress(f"  {sample}")

    progress(_("Checking the stored answers…"))
    expected_path = work / "expected.json"
    expected_path.write_text(json.dumps(result["acknowledged"]), "utf-8")
    checked = _step(
        env, "verify", "--session", str(seeded["session"]), "--expected", str(expected_path)
    )
    report = _report(options, result, checked, baseline)
    if options.practical:
        progress(_("Waiting for the background workers to grade the last uploads…"))
        uploads_path = work / "uploads.json"
        uploads_path.write_text(json.dumps(result["uploaded"]), "utf-8")
        graded = _step(
            env,
            "practical",
            "--session",
            str(seeded["session"]),
            "--expected",
            str(uploads_path),
            "--wait",
            str(GRADING_WAIT_SECONDS),
        )
        for process in graders:
            _stop(process)
        report["practical"] = practical_figures(options.graders, result, graded)
        say_practical(graded, progress)
    return report


def _report(
    options: Options, result: dict[str, Any], checked: dict[str, Any], baseline: dict[str, Any]
) -> dict[str, Any]:
    saves_per_s = result["saves"] / result["save_seconds"] if result["save_seconds"] else 0.0
    baseline_per_s = float(baseline["upserts_per_s"])
    latency = result["latency_ms"]
    return {
        "examinees": options.examinees,
        "questions": options.questions,
        "workers": options.workers,
        "database": options.database,
        "requests": result["requests"],
        "errors": result["errors"],
        "lost_answers": checked["lost_answers"],
        "unsubmitted": checked["unsubmitted"],
        "saves_per_s": round(saves_per_s, 1),
        "baseline_upserts_per_s": round(baseline_per_s, 1),
        "efficiency": round(saves_per_s / baseline_per_s, 3) if baseline_per_s else 0.0,
        "latency_ms": {
            kind: summary(latency[kind]) for kind in ("login", "save", "page", "submit")
        },
    }


def _progress_details(result: dict[str, Any], progress: Progress) -> None:
    """What the contract's document leaves out and a reader of the figures wants: how
    long each phase took, and the saves once the opening was over."""
    phases = result["phase_seconds"]
    progress(
        _(
            "Check-in %(check_in).0f s; the last test page %(page).1f s after the opening; "
            "answering %(answering).0f s; submitting %(submitting).0f s."
        )
        % {
            "check_in": phases["check_in"],
            "page": result["last_page_seconds"],
            "answering": phases["answering"],
            "submitting": phases["submitting"],
        }
    )
    after = summary(result["save_ms_after_last_page"])
    progress(
        _(
            "Saves sent after the last test page: %(n)s; latency (ms) p50 %(p50)s, "
            "p95 %(p95)s, p99 %(p99)s."
        )
        % {"n": len(result["save_ms_after_last_page"]), **after}
    )
    waiting = result["latency_ms"].get("waiting", [])
    if waiting:
        progress(
            _(
                "Waiting-room refreshes (until each examinee typed the code): %(n)s; "
                "latency (ms) p50 %(p50)s, p95 %(p95)s, p99 %(p99)s."
            )
            % {"n": len(waiting), **summary(waiting)}
        )
    slow = result["slow_saves"]
    if slow:
        progress(
            _("Saves over 100 ms, by 10 s after the opening (second: slow/all, slowest ms):")
            + " "
            + "; ".join(f"{int(at)}: {n_slow}/{n}, {top}" for at, n, n_slow, top in slow)
        )


def _expected_saves(options: Options) -> int:
    return options.examinees * (options.questions + round(options.questions * CHANGE_RATIO))


def _duration_minutes(options: Options) -> int:
    """Long enough that no attempt runs out of time: every answer and change at the longest
    think time, the submission minute, and as much again."""
    actions = options.questions * (1 + CHANGE_RATIO) + (3 if options.practical else 0)
    answering = actions * 1.5 * options.think_ms / 1000
    return max(45, 2 * math.ceil((answering + 120) / 60))


# The temporary database ----------------------------------------------------------------


def _check_local(url: str) -> None:
    if urlsplit(url).hostname not in LOCAL_HOSTS:
        raise BenchError(
            _("The bench runs against a database on 127.0.0.1 only, not %(host)s.")
            % {"host": urlsplit(url).hostname}
        )


@contextmanager
def _temporary_database(kind: str, work: Path, progress: Progress) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{work / 'bench.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        server = DEFAULT_SERVER
    _check_local(server)
    name = f"sathach_bench_{secrets.token_hex(4)}"
    progress(_("Creating the temporary PostgreSQL database %(name)s…") % {"name": name})
    try:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise BenchError(
            _("Cannot create a database on %(server)s: %(error)s")
            % {"server": _without_password(server), "error": error}
        ) from error
    try:
        yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    finally:
        try:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        except psycopg.Error as error:
            progress(
                _("Could not drop the temporary database %(name)s: %(error)s")
                % {"name": name, "error": error}
            )


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _environment(database_url: str, work: Path) -> dict[str, str]:
    """The deployment's settings (DEBUG off, secure defaults) on the temporary database,
    with keys and files of the run's own."""
    var = work / "var"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sathach.settings",
        "DATABASE_URL": database_url,
        "SATHACH_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SATHACH_PKI_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_ENABLED": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


# Processes -----------------------------------------------------------------------------


def _bin(name: str) -> Path | None:
    path = Path(sys.executable).with_name(name)
    return path if path.exists() else None


def _sathach() -> list[str]:
    script = _bin("sathach")
    if script is not None:
        return [str(script)]
    return [sys.executable, "-c", "from sathach.cli import main; main()"]


def _run(command: list[str], env: dict[str, str]) -> str:
    # A process group of its own: Ctrl+C reaches the bench, which stops it in order.
    completed = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        command,
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        start_new_session=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(
            _("%(command)s failed:\n%(output)s")
            % {"command": " ".join(command[-4:]), "output": completed.stderr[-3000:]}
        )
    return completed.stdout


def _step(env: dict[str, str], *args: str) -> dict[str, Any]:
    output = _run([sys.executable, "-m", "sathach.exams.bench.steps", *args], env)
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """gunicorn as docs/DEPLOYMENT.md runs it, on 127.0.0.1 and a free port."""

    def __init__(self, port: int, workers: int, env: dict[str, str], work: Path) -> None:
        self.port = port
        self.log_path = work / "gunicorn.log"
        gunicorn = _bin("gunicorn")
        command = [str(gunicorn)] if gunicorn else [sys.executable, "-m", "gunicorn"]
        command += [
            "-c",
            "python:sathach.gunicorn_config",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ]
        self._log: IO[str] = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn
            command,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(_("gunicorn stopped:\n%(log)s") % {"log": self.log_tail()})
            try:
                with opener.open(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise BenchError(_("gunicorn did not answer /healthz:\n%(log)s") % {"log": self.log_tail()})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log_tail(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")[-3000:]


@contextmanager
def _gunicorn(port: int, workers: int, env: dict[str, str], work: Path) -> Iterator[Server]:
    server = Server(port, workers, env, work)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@contextmanager
def production_server(database_url: str, work: Path, workers: int = 1) -> Iterator[Server]:
    """gunicorn as deployed, on `database_url` (committed data: the browser tests that go
    through the production stack); its files under `work`."""
    with _gunicorn(_free_port(), workers, _environment(database_url, work), work) as server:
        yield server


@contextmanager
def _load_process(
    plan_path: Path, result_path: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "sathach.exams.bench.load", str(plan_path), str(result_path)],
        env=env,
        cwd=settings.BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()


@contextmanager
def background_workers(
    env: dict[str, str], work: Path, count: int
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` background workers (`sathach worker`) as deployed, each with its log."""
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[IO[bytes]] = []
    try:
        for n in range(count):
            logs.append((work / f"grader-{n + 1}.log").open("wb"))
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own console script
                    [*_sathach(), *GRADER_COMMAND],
                    env=env,
                    cwd=settings.BASE_DIR,
                    stdout=logs[-1],
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        yield processes
    finally:
        for process in processes:
            _stop(process)
        for log in logs:
            log.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (a worker ends its task first), SIGKILL after 30 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _cleanup(progress: Progress, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        function(*args, **kwargs)
    except OSError as error:
        progress(_("Cleaning up: %(error)s") % {"error": error})
