"""Checkpoints of the audit chain, kept outside its table.

The hash chain (`core.audit`) proves that no entry was edited, inserted or deleted in the
middle by anyone who cannot also rewrite every later entry and the head. It cannot prove that
the newest entries were not deleted (with the head moved back), or that someone with write
access to the database did not edit an entry and recompute every hash after it. A checkpoint
closes that gap: `sathach audit checkpoint` appends the head's sequence number and hash, with
the time and an HMAC under the installation's SECRET_KEY, to a file outside the database
(`AUDIT_CHECKPOINT_FILE`; copy it off the machine, or have cron append it to a file on
another one). `sathach audit verify` then checks that every checkpoint's entry still exists
with that hash. What it still cannot prove: changes made after the last checkpoint and
before the next one, or by someone who holds both the database and the SECRET_KEY and the
checkpoint file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sathach.core.audit import AuditProblem
from sathach.core.models import AuditEntry, AuditHead


def checkpoint_file() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _mac(record: dict[str, Any]) -> str:
    payload = json.dumps(
        {k: record[k] for k in ("seq", "hash", "at")}, sort_keys=True, separators=(",", ":")
    )
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def checkpoint_write(path: Path | None = None) -> dict[str, Any]:
    """Append the chain's head to the checkpoint file, signed; returns what was written."""
    path = path or checkpoint_file()
    head = AuditHead.objects.filter(pk=1).first()
    record: dict[str, Any] = {
        "seq": head.seq if head else 0,
        "hash": head.hash if head else "",
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    record["mac"] = _mac(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return record


def checkpoints_verify(path: Path | None = None) -> tuple[int, list[AuditProblem]]:
    """Check every checkpoint against the table: returns how many were read and the
    problems (an entry gone or different, a line this installation did not write)."""
    path = path or checkpoint_file()
    if not path.exists():
        return 0, []
    problems: list[AuditProblem] = []
    count = 0
    hashes: dict[int, str] = {}
    records = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        count += 1
        try:
            record = json.loads(line)
            genuine = hmac.compare_digest(str(record.get("mac", "")), _mac(record))
        except (ValueError, KeyError, TypeError):
            genuine = False
        if not genuine:
            problems.append(
                AuditProblem(
                    0,
                    str(_("line %(line)s of the checkpoint file was not written by this server"))
                    % {"line": number},
                )
            )
            continue
        records.append(record)
    wanted = {int(r["seq"]) for r in records if int(r["seq"]) > 0}
    hashes = dict(AuditEntry.objects.filter(seq__in=wanted).values_list("seq", "hash"))
    for record in records:
        seq = int(record["seq"])
        if seq == 0:
            continue
        if seq not in hashes:
            problems.append(
                AuditProblem(
                    seq,
                    str(_("is gone: the checkpoint of %(at)s saw the chain reach it"))
                    % {"at": record["at"]},
                )
            )
        elif hashes[seq] != record["hash"]:
            problems.append(
                AuditProblem(
                    seq,
                    str(_("differs from the checkpoint of %(at)s: the chain was rewritten"))
                    % {"at": record["at"]},
                )
            )
    return count, problems
