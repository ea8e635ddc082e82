"""The roots that validation trusts when the caller names none: the installation's trust
store. For now the certificate files in VAR_DIR/trust; the database-backed store (the exam
CA and the roots an admin added) will take this function's place, with the same signature."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from sathach.signatures.validation import certificate_ders

logger = logging.getLogger(__name__)

TRUST_FILE_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def installed_trust_roots() -> list[bytes]:
    """The DER of every certificate in the *.pem/*.crt/*.cer/*.der files of
    VAR_DIR/trust (an empty list when the folder is missing). Unreadable files are skipped
    with a warning in the log."""
    folder = Path(settings.VAR_DIR) / "trust"
    try:
        paths = sorted(folder.iterdir())
    except OSError:
        return []
    roots: list[bytes] = []
    for path in paths:
        if path.suffix.lower() not in TRUST_FILE_SUFFIXES or not path.is_file():
            continue
        try:
            roots.extend(certificate_ders(path.read_bytes()))
        except (OSError, ValueError):
            logger.warning("Skipping %s: not a readable certificate", path)
    return roots
