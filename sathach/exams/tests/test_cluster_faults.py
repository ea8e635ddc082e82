"""Faults on the test day (issue 20, point 4): `sathach bench exam-day --url --fault` kills
one application server of a small cluster (scripts/cluster.sh, test_cluster's fixture)
while the examinees save, starts it again, and the report says that nothing the servers
acknowledged is lost and that every examinee saved again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sathach.exams.bench import day_faults
from sathach.exams.tests.test_cluster import Deployment, deployment, run_bench  # noqa: F401

pytestmark = pytest.mark.cluster


def _state(pid: int) -> str:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(line.split()[1] for line in status.splitlines() if line.startswith("State:"))


def test_a_fault_names_a_subcommand_and_a_moment() -> None:
    fault = day_faults.parse("cut-app 2 20@90")
    assert (fault.action, fault.at) == (["cut-app", "2", "20"], 90.0)
    assert day_faults.parse("failover@12.5").action == ["failover"]
    for wrong in ("kill-app 2", "down@5", "kill-app@5", "kill-app x@5", "kill-app 2@-1"):
        with pytest.raises(ValueError):
            day_faults.parse(wrong)


def test_cut_app_stops_and_resumes_a_server(deployment: Deployment) -> None:  # noqa: F811
    pid = int((deployment.folder / "app3" / "gunicorn.pid").read_text())
    deployment.run("pause-app", "3")
    assert _state(pid) == "T"  # stopped
    deployment.run("resume-app", "3")
    began = time.monotonic()
    deployment.run("cut-app", "3", "1")
    assert time.monotonic() - began >= 1
    assert _state(pid) in ("S", "R")


def test_a_server_killed_during_the_saves_loses_nothing(deployment: Deployment) -> None:  # noqa: F811
    env = {k: v for k, v in deployment.env.items() if k.startswith("CLUSTER_")}
    env.update(PG_BIN=deployment.env["PG_BIN"], PYTHON=deployment.env["PYTHON"])
    # Everyone types the code within 10 s of the opening (20 think times) and answers 12
    # questions and 2 changes, 0.5 s apart: at 12 s half of them are still saving.
    completed = run_bench(
        deployment,
        "--examinees", "40", "--questions", "12", "--think-ms", "500", "--workers", "3",
        "--fault", "kill-app 2@12", "--fault", "start-app 2@16",
        env=env,
    )  # fmt: skip
    assert completed.stdout.startswith("{"), completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    killed, started = report["faults"]
    assert (killed["fault"], started["fault"]) == ("kill-app 2", "start-app 2")
    assert killed["exit_status"] == started["exit_status"] == 0, report
    assert report["lost_answers"] == 0, report
    # Every examinee still answering when the server died saved again, soon.
    assert killed["examinees_saving"] > 0, report
    assert killed["not_saved_again"] == 0, report
    assert killed["recovery_s"] is not None and killed["recovery_s"] < 15, report
    assert killed["saves_in_window"] > 0, report
    assert report["unsubmitted"] == 0, report
