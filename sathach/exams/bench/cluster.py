"""A PostgreSQL cluster of the fault drill's own, in a temporary folder on a free port.

The drill restarts its database; the machine's shared server (5432) is never touched. It
uses the server binaries of the installed PostgreSQL (Debian's /usr/lib/postgresql/<v>/bin,
or initdb on PATH); as root, they run as the `postgres` user, since PostgreSQL refuses root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATABASE = "sathach"


class ClusterUnavailable(Exception):
    """No PostgreSQL server binaries on this machine."""


def server_binaries() -> Path:
    """The folder of initdb and pg_ctl, the newest version installed."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise ClusterUnavailable(
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed; "
            "`apt-get install postgresql` (.ci/run does)"
        )
    return Path(initdb).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Cluster:
    def __init__(self, binaries: Path, folder: Path) -> None:
        self.binaries = binaries
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 - the installed PostgreSQL's own tools
            [*self.as_owner, str(self.binaries / tool), *args],
            check=True,
            capture_output=True,
            start_new_session=True,
        )

    def _ctl(self, action: str, *args: str) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", action, *args
        )

    def create(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            # Its data is thrown away: no need to wait for the disk (a clean restart writes
            # everything out all the same).
            "-c fsync=off -c max_connections=50"
        )
        self._ctl("start", "-o", options)
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE)

    def restart(self) -> None:
        """What an administrator's `systemctl restart postgresql` does: a fast shutdown
        (every connection cut, every transaction rolled back) and a start."""
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        self._ctl("stop", "-m", "immediate")

    def log_tail(self) -> str:
        log = self.folder / "log"
        return log.read_text("utf-8", errors="replace")[-3000:] if log.exists() else ""


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A started cluster with an empty database DATABASE; stopped and removed on the way
    out. Raises ClusterUnavailable without the server binaries."""
    binaries = server_binaries()
    folder = Path(tempfile.mkdtemp(prefix="sathach-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        cluster = Cluster(binaries, folder)
        try:
            cluster.create()
            yield cluster
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):  # it never started
                cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
