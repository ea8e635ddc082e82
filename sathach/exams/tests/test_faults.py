"""Faults on the test day (issue 15, point 5): through gunicorn as deployed, on a PostgreSQL
cluster of the test's own, a server worker killed with SIGKILL and then a database restart
lose no acknowledged answer, show no error page, keep no examinee from saving for more than
10 s, and leave the background worker running jobs (sathach.exams.bench.faults)."""

from __future__ import annotations

import json
import os

import pytest

from sathach.exams.bench.cluster import ClusterUnavailable
from sathach.exams.bench.faults import drill

pytestmark = pytest.mark.faults

RECOVERY_LIMIT = 10.0


def test_a_killed_worker_and_a_database_restart_lose_nothing_and_show_no_error() -> None:
    try:
        report = drill(progress=print)
    except ClusterUnavailable as error:
        if os.environ.get("CI"):  # .ci/run installs PostgreSQL: the drill must run there
            raise
        pytest.skip(str(error))
    logs = report.pop("logs")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    context = json.dumps(report, ensure_ascii=False) + "\n" + "\n".join(logs.values())

    assert report["answers_acknowledged"] > 0, context
    assert report["lost_answers"] == 0, context
    assert report["unsent_at_end"] == 0, context
    assert report["errors"] == 0, context
    for fault, seconds in report["recovery_seconds"].items():
        assert seconds is not None and seconds <= RECOVERY_LIMIT, (fault, context)
    assert report["background_worker_alive"], context
    assert report["job_after_restart"] == "done", context
