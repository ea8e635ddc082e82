"""scripts/cluster.sh (issue 20, point 3): a PostgreSQL primary and its synchronous
standby, three application servers and HAProxy in front, on this machine, in a state
folder of the test's own and on free ports; `sathach bench exam-day --url` through the
balancer; and `down --purge` leaves nothing running."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from sathach.exams.bench.cluster import ClusterUnavailable, server_binaries

pytestmark = pytest.mark.cluster

ROOT = Path(settings.BASE_DIR)
SCRIPT = ROOT / "scripts" / "cluster.sh"
MARK = "SATHACH_CLUSTER_MEMBER"


@dataclass
class Deployment:
    folder: Path
    env: dict[str, str]
    primary: int
    standby: int
    balancer: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.balancer}"

    @property
    def database_url(self) -> str:
        return (
            f"postgres://postgres@127.0.0.1:{self.primary},127.0.0.1:{self.standby}/sathach"
            "?target_session_attrs=read-write"
        )

    def run(self, *args: str, timeout: float = 180) -> str:
        completed = subprocess.run(
            [str(SCRIPT), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout


def _ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first: int = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no free ports")


def _members(folder: Path) -> list[int]:
    """The processes the cluster started that still run (as `down` finds them)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if f"{MARK}={folder}".encode() in environ or str(folder / "pg").encode() in cmdline:
            found.append(int(proc.name))
    return found


def _all_gone(folder: Path) -> bool:
    deadline = time.monotonic() + 5
    while _members(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _members(folder) == []


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    try:
        binaries = server_binaries()
    except ClusterUnavailable as error:
        pytest.skip(str(error))
    if shutil.which("haproxy") is None:
        pytest.skip("HAProxy is not installed: scripts/system-packages.sh test")
    folder = Path(tempfile.mkdtemp(prefix="sathach-cluster-"))
    folder.chmod(0o755)  # the postgres user reaches its data folders inside
    first = _ports(6)
    env = {
        **os.environ,
        "CLUSTER_DIR": str(folder),
        "CLUSTER_PRIMARY_PORT": str(first),
        "CLUSTER_STANDBY_PORT": str(first + 1),
        "CLUSTER_PORT": str(first + 2),
        "CLUSTER_APP_PORT": str(first + 3),
        "CLUSTER_WORKERS": "1",
        "CLUSTER_DEMO": "no",
        "PG_BIN": str(binaries),
        "PYTHON": sys.executable,
    }
    env.pop("DATABASE_URL", None)
    cluster = Deployment(folder, env, first, first + 1, first + 2)
    try:
        cluster.run("up")
        yield cluster
    finally:
        subprocess.run([str(SCRIPT), "down", "--purge"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def _get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as answer:
            return answer.status, answer.headers.get("X-Sathach-Server", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Sathach-Server", "")


def test_the_balancer_sends_requests_to_every_server(deployment: Deployment) -> None:
    answers = [_get(deployment.url + "/healthz") for _ in range(9)]
    assert {status for status, _server in answers} == {200}
    assert sorted({server for _status, server in answers}) == ["app1", "app2", "app3"]
    status = deployment.run("status")
    assert status.count("/healthz 200") == 3, status
    assert "replication standby streaming sync" in status, status


def test_a_row_committed_on_the_primary_is_on_the_standby(deployment: Deployment) -> None:
    primary = f"postgres://postgres@127.0.0.1:{deployment.primary}/sathach"
    standby = f"postgres://postgres@127.0.0.1:{deployment.standby}/sathach"
    with psycopg.connect(primary, autocommit=True) as connection:
        assert connection.execute("SHOW synchronous_standby_names").fetchone() == ("standby",)
        assert connection.execute("SHOW synchronous_commit").fetchone() == ("on",)
        state = connection.execute(
            "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'"
        ).fetchone()
        assert state == ("sync",)
        connection.execute("CREATE TABLE cluster_check (note text)")
        connection.execute("INSERT INTO cluster_check VALUES ('on two servers')")
    # The commit returned once the standby had the row on disk; it shows it once applied.
    with psycopg.connect(standby, autocommit=True) as connection:
        assert connection.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        deadline = time.monotonic() + 5
        rows: list[tuple[str]] = []
        while time.monotonic() < deadline and not rows:
            try:
                rows = connection.execute("SELECT note FROM cluster_check").fetchall()
            except psycopg.errors.UndefinedTable:
                time.sleep(0.05)
        assert rows == [("on two servers",)]


def test_a_killed_server_leaves_the_rotation_and_comes_back(deployment: Deployment) -> None:
    deployment.run("kill-app", "2")
    # A refused connection is sent to another server at once: no request fails.
    answers = [_get(deployment.url + "/healthz") for _ in range(12)]
    assert {status for status, _server in answers} == {200}
    assert "app2" not in {server for _status, server in answers}
    lines = deployment.run("status").splitlines()
    assert any(line.startswith("server 2 ") and "gunicorn stopped" in line for line in lines)
    deployment.run("start-app", "2")
    deadline = time.monotonic() + 10
    seen: set[str] = set()
    while time.monotonic() < deadline and "app2" not in seen:
        seen.add(_get(deployment.url + "/healthz")[1])
        time.sleep(0.1)
    assert "app2" in seen


def run_bench(
    deployment: Deployment, *options: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`sathach bench -v0 exam-day --url <the balancer> … --json` against the deployment's
    database, as an operator runs it; `env` adds to the environment."""
    environment = {
        **os.environ,
        "DATABASE_URL": deployment.database_url,
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    command = [sys.executable, "-c", "from sathach.cli import main; main()", "bench", "-v0"]
    return subprocess.run(
        [*command, "exam-day", "--url", deployment.url, *options, "--json"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_bench_runs_its_examinees_through_the_balancer(deployment: Deployment) -> None:
    completed = run_bench(
        deployment, "--examinees", "20", "--questions", "4", "--think-ms", "0", "--workers", "3"
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert (report["errors"], report["lost_answers"], report["unsubmitted"]) == (0, 0, 0)
    assert report["database"] == "postgres"
    assert report["requests"] == 20 * 11


def test_a_failed_up_leaves_nothing_running(deployment: Deployment) -> None:
    """A second cluster whose balancer's port is taken (by the first one's) stops, at the
    last step, everything it had started."""
    folder = Path(tempfile.mkdtemp(prefix="sathach-cluster-"))
    folder.chmod(0o755)
    first = _ports(5)
    env = {
        **deployment.env,
        "CLUSTER_DIR": str(folder),
        "CLUSTER_PRIMARY_PORT": str(first),
        "CLUSTER_STANDBY_PORT": str(first + 1),
        "CLUSTER_APP_PORT": str(first + 2),
        "CLUSTER_PORT": str(deployment.balancer),
    }
    try:
        completed = subprocess.run(
            [str(SCRIPT), "up"], env=env, capture_output=True, text=True, timeout=180
        )
        assert completed.returncode != 0
        assert f"port {deployment.balancer} is in use" in completed.stderr, completed.stderr
        assert "server 3 on" in completed.stderr  # it failed at the very end
        assert _all_gone(folder)
    finally:
        subprocess.run([str(SCRIPT), "down", "--purge"], env=env, capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def test_failover_promotes_the_standby_and_the_servers_follow(deployment: Deployment) -> None:
    out = deployment.run("failover")
    seconds = float(out.split("failover_seconds=")[1].split()[0])
    print(f"failover: {seconds:.3f} s")
    assert seconds < 30
    # The multi-host DATABASE_URL finds the promoted standby: /healthz (a query) answers.
    deadline = time.monotonic() + 15
    statuses: list[int] = []
    while time.monotonic() < deadline:
        statuses = [_get(deployment.url + "/healthz")[0] for _ in range(3)]
        if statuses == [200, 200, 200]:
            break
        time.sleep(0.2)
    assert statuses == [200, 200, 200]
    assert "postgres standby" in deployment.run("status")


def test_down_leaves_nothing_running(deployment: Deployment) -> None:
    assert _members(deployment.folder)
    deployment.run("down", "--purge")
    assert _all_gone(deployment.folder)
    assert not deployment.folder.exists()
