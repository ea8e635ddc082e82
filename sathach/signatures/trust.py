"""The roots that validation trusts when the caller names none: the installation's trust
store — the exam root CA, the roots an admin added on the signing-certificates page (or with
`sathach pki trust add`), and any certificate files dropped in VAR_DIR/trust."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

from sathach.signatures.validation import certificate_ders

logger = logging.getLogger(__name__)

TRUST_FILE_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


def installed_trust_roots() -> list[bytes]:
    """The DER of the exam root, of every trusted root in the database, and of every
    certificate in the *.pem/*.crt/*.cer/*.der files of VAR_DIR/trust. Unreadable files are
    skipped with a warning in the log."""
    from django.db import DatabaseError

    from sathach.signatures.models import Authority, TrustAnchor

    roots: list[bytes] = []
    try:
        roots.extend(
            bytes(a.certificate) for a in Authority.objects.filter(kind=Authority.Kind.ROOT)
        )
        roots.extend(bytes(anchor.certificate) for anchor in TrustAnchor.objects.all())
    except DatabaseError:
        # A database not migrated yet (a bare `sathach verify` on a fresh copy) holds no
        # roots; the files below still count.
        logger.warning("No trust store in the database; using %s only", settings.VAR_DIR)
    folder = Path(settings.VAR_DIR) / "trust"
    try:
        paths = sorted(folder.iterdir())
    except OSError:
        return roots
    for path in paths:
        if path.suffix.lower() not in TRUST_FILE_SUFFIXES or not path.is_file():
            continue
        try:
            roots.extend(certificate_ders(path.read_bytes()))
        except (OSError, ValueError):
            logger.warning("Skipping %s: not a readable certificate", path)
    return roots
