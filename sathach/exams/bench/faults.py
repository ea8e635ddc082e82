"""The fault drill (issue 15, point 5): examinees save through gunicorn as deployed while
one server worker is killed with SIGKILL and, later, PostgreSQL is restarted.

Everything runs on a PostgreSQL cluster of the drill's own (bench.cluster), so that the
restart touches no one else's database, with the background worker as `make run` and the
deployment start it. The report says what docs/PERFORMANCE.md records and what
exams/tests/test_faults.py asserts: every answer the server acknowledged is stored with its
latest sequence number, no page answered an error (the autosave's 503 asks the page to send
again and is counted apart), how soon each examinee saved again after each fault, and
whether the worker still ran a job queued after the restart.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from sathach.exams.bench.browser import Examinee
from sathach.exams.bench.cluster import free_port, private_cluster
from sathach.exams.bench.exam_day import _environment, _gunicorn, _run, _sathach, _step

SERVER_WORKERS = 2  # as gunicorn_config and the deployment's smallest machine
# The background worker as `make run` and the systemd unit of docs/DEPLOYMENT.md start it.
WORKER_COMMAND = ("worker", "--interval", "0.5")
WARM_UP_SECONDS = 3.0
# After a fault the drill goes on until every examinee saved again (at most
# RECOVERY_WAIT_SECONDS, beyond the 10 s each examinee has), then STEADY_SECONDS more.
RECOVERY_WAIT_SECONDS = 12.0
STEADY_SECONDS = 2.0
JOB_WAIT_SECONDS = 30.0


@contextmanager
def _background_worker(env: dict[str, str], work: Path) -> Iterator[subprocess.Popen[bytes]]:
    log: IO[bytes] = (work / "worker.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [*_sathach(), *WORKER_COMMAND],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _server_workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _until_recovered(people: list[Examinee], fault: float) -> None:
    deadline = fault + RECOVERY_WAIT_SECONDS
    while time.monotonic() < deadline:
        if all(examinee.recovery(fault) is not None for examinee in people):
            break
        time.sleep(0.2)
    time.sleep(STEADY_SECONDS)


def drill(
    *,
    examinees: int = 10,
    questions: int = 12,
    think_seconds: float = 0.5,
    progress: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Run the drill and return its figures (see the module's docstring)."""
    began = time.monotonic()

    def say(line: str) -> None:
        progress(f"{time.monotonic() - began:5.1f} s  {line}")

    with ExitStack() as stack:
        cluster = stack.enter_context(private_cluster())
        work = Path(tempfile.mkdtemp(prefix="sathach-faults-"))
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        env = _environment(cluster.url, work)
        say(f"PostgreSQL of the drill on port {cluster.port}; migrating…")
        _run([*_sathach(), "migrate", "--noinput", "-v0"], env)
        seeded = _step(
            env,
            "seed",
            "--examinees",
            str(examinees),
            "--questions",
            str(questions),
            "--duration-minutes",
            "60",
        )
        say("Seeded; the session opens")
        session = str(seeded["session"])
        _step(env, "open", "--session", session)
        worker = stack.enter_context(_background_worker(env, work))
        say("The background worker and gunicorn start")
        server = stack.enter_context(_gunicorn(free_port(), SERVER_WORKERS, env, work))
        people = [
            Examinee(
                port=server.port,
                username=username,
                password=seeded["password"],
                access_code=seeded["access_code"],
                think_seconds=think_seconds,
                reload_seconds=2.0,
                seed=index,
            )
            for index, username in enumerate(seeded["usernames"])
        ]
        say(f"{examinees} examinees sign in…")
        with ThreadPoolExecutor(SERVER_WORKERS) as pool:
            list(pool.map(lambda examinee: examinee.start_test(), people))
        for examinee in people:
            examinee.start()

        time.sleep(WARM_UP_SECONDS)
        victim = _server_workers(server.process.pid)[0]
        say(f"SIGKILL to the server worker {victim}")
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        _until_recovered(people, killed_at)
        say("PostgreSQL restarts (pg_ctl restart -m fast)")
        restarted_at = time.monotonic()
        cluster.restart()
        restart_seconds = time.monotonic() - restarted_at
        _until_recovered(people, restarted_at)
        say("A job for the background worker…")
        job = _step(env, "statistics", "--session", session, "--wait", str(JOB_WAIT_SECONDS))
        say("The examinees send what they kept; the answers are checked")

        for examinee in people:
            examinee.stopping.set()
        for examinee in people:
            examinee.join(timeout=examinee.drain_seconds + 35)
        worker_alive = worker.poll() is None
        server.stop()
        expected = {str(e.attempt_id): e.expected() for e in people}
        (work / "expected.json").write_text(json.dumps(expected), "utf-8")
        checked = _step(
            env, "verify", "--session", session, "--expected", str(work / "expected.json")
        )
        worker_log = (work / "worker.log").read_text("utf-8", errors="replace")
        server_log = server.log_path.read_text("utf-8", errors="replace")
        logs = {"server": server_log[-3000:], "worker": worker_log[-3000:]}
        logs["database"] = cluster.log_tail()

    def slowest(fault: float) -> float | None:
        times = [examinee.recovery(fault) for examinee in people]
        return None if None in times else round(max(t for t in times if t is not None), 1)

    return {
        "examinees": examinees,
        "saves_acknowledged": sum(len(e.tally.saves) for e in people),
        "answers_acknowledged": sum(len(e.acknowledged) for e in people),
        "answers_stored_as_acknowledged": sum(len(e.acknowledged) for e in people)
        - checked["lost_answers"],
        "lost_answers": checked["lost_answers"],
        "unsent_at_end": sum(len(e.pending) for e in people),
        "errors": sum(e.tally.errors for e in people),
        "error_samples": [s for e in people for s in e.tally.error_samples][:10],
        "retries_503": sum(e.tally.retries_503 for e in people),
        "cut_connections": sum(e.tally.transport for e in people),
        "recovery_seconds": {
            "worker_killed": slowest(killed_at),
            "database_restarted": slowest(restarted_at),
        },
        "database_restart_seconds": round(restart_seconds, 1),
        "job_after_restart": job["status"],
        "background_worker_alive": worker_alive,
        "background_worker_restarts": worker_log.count("lost the database"),
        "server_tracebacks": server_log.count("Traceback"),
        "logs": logs,
    }


def main() -> None:
    """`python -m sathach.exams.bench.faults`: the figures, as JSON, for docs/PERFORMANCE.md."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sathach.settings")
    django.setup()
    report = drill(progress=lambda line: print(line, file=sys.stderr))
    report.pop("logs")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
