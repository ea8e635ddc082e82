"""`sathach bench signing`: a short run reports every operation."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from sathach.signatures.bench import measure

OPERATIONS = {
    "sign_leader_ec",
    "sign_leader_rsa",
    "open_token_with_pin",
    "sign_organization_seal",
    "validate_one_signature",
    "validate_leader_and_seal",
    "validate_in_capped_child",
}


def test_a_short_signing_bench_reports_every_operation() -> None:
    out = io.StringIO()
    call_command("bench", "signing", "--rounds", "1", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["rounds"] == 1
    assert set(report["timings_ms"]) == OPERATIONS
    for timing in report["timings_ms"].values():
        assert 0 < timing["median"] <= timing["p95"]
    assert report["signed_bytes"] > report["document_bytes"]


def test_the_table_names_every_operation_in_vietnamese() -> None:
    out = io.StringIO()
    call_command("bench", "signing", "--rounds", "1", stdout=out)
    assert "Chữ ký của lãnh đạo, khóa EC P-256" in out.getvalue()


def test_measure_gives_the_median_and_the_95th_percentile() -> None:
    calls = []
    timing = measure(lambda: calls.append(1), rounds=5)
    assert len(calls) == 7  # two to warm up
    assert 0 <= timing.median_ms <= timing.p95_ms
