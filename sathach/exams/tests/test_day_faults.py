"""The figures of `bench exam-day --fault` (sathach.exams.bench.day_faults) from a load's
timeline, and the command's refusal of a fault without a cluster."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from sathach.exams.bench.day_faults import Fault, figures, render


def test_each_fault_gets_its_errors_resends_recovery_and_window() -> None:
    opened = 1000.0
    killed = Fault(["kill-app", "2"], 10.0, began=1010.0, ended=1010.5, returncode=0)
    started = Fault(["start-app", "2"], 30.0, began=1030.0, ended=1033.0, returncode=0)
    late = Fault(["failover"], 500.0)
    timeline = {
        "saves": {
            # Saved before, then 4 s after the kill (sent at 1013, answered at 1014).
            "a": [[1005.0, 1005.01], [1013.0, 1014.0], [1031.0, 1031.01]],
            # Its save hung on the killed server; sent again and answered at 1016.5.
            "b": [[1008.0, 1008.02], [1016.0, 1016.5]],
            # Done before the kill: not among those who had to save again.
            "c": [[1002.0, 1002.01]],
        },
        "failed_saves": {"b": [[1009.5, 1010.0, "HTTP 502"], [1012.0, 1014.0, "connection"]]},
        "errors": [[1011.0, "HTTP 502"], [1031.0, "timeout"], [1001.0, "refused"]],
    }
    first, second, third = figures([killed, started, late], opened, timeline)
    assert first["fault"] == "kill-app 2" and first["began_s"] == 10.0
    assert first["examinees_saving"] == 2 and first["not_saved_again"] == 0
    assert first["recovery_s"] == 6.5  # b: answered at 1016.5
    # Errors and resends from the kill until the start; the window until b saved again.
    assert first["errors_by_kind"] == {"HTTP 502": 1}
    assert first["autosave_resends_by_kind"] == {"connection": 1}
    assert first["window_s"] == 6.5 and first["saves_in_window"] == 2
    assert first["save_ms_in_window"]["p99"] == pytest.approx(995.0, abs=1)
    assert first["save_ms_before"]["p50"] == pytest.approx(10.0, abs=1)
    # After the start only a saved again; its window is the action's 3 s.
    assert second["examinees_saving"] == 1 and second["recovery_s"] == 1.0
    assert second["window_s"] == 3.0 and second["errors_by_kind"] == {"timeout": 1}
    assert third == {"fault": "failover", "at_s": 500.0, "ran": False}
    report = {"lost_answers": 0, "autosave_resends": {"connection": 2}, "faults": [first, third]}
    lines = "\n".join(render(report))
    assert "kill-app 2" in lines and "6.5 s" in lines and "failover" in lines


def test_an_examinee_who_never_saved_again_has_no_recovery_time() -> None:
    fault = Fault(["cut-app", "1", "20"], 5.0, began=105.0, ended=125.0, returncode=0)
    timeline = {
        "saves": {"a": [[101.0, 101.1]]},
        "failed_saves": {"a": [[106.0, 226.0, "timeout"]]},
        "errors": [],
    }
    (only,) = figures([fault], 100.0, timeline)
    assert only["not_saved_again"] == 1 and only["recovery_s"] is None
    assert only["autosave_resends"] == 1


def test_a_fault_without_a_cluster_is_refused() -> None:
    with pytest.raises(CommandError, match="--url"):
        call_command("bench", "exam-day", "--fault", "kill-app 2@5")


def test_a_fault_the_script_does_not_have_is_refused() -> None:
    with pytest.raises(CommandError):
        call_command("bench", "exam-day", "--url", "http://127.0.0.1:1", "--fault", "rm -rf@5")
