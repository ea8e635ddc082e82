"""What the verdict does not carry about each signature of a PDF (read without the database,
so that the capped child of sandbox.py can read it)."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignatureFacts:
    """What the verdict does not carry about one signature."""

    document_timestamp: bool
    """A /DocTimeStamp: a time-stamping authority's signature, not a person's."""
    timestamp_token: bool
    """The signature carries a time-stamp token (a signature time-stamp)."""


def signature_facts(data: bytes) -> list[SignatureFacts]:
    """One entry per signature, in the verdict's order; an empty list for a file that cannot be
    read (the verdict already says MALFORMED_PDF)."""
    try:
        signatures = PdfFileReader(io.BytesIO(data)).embedded_signatures
        facts = []
        for signature in signatures:
            unsigned = signature.signer_info["unsigned_attrs"].native or []
            facts.append(
                SignatureFacts(
                    document_timestamp=signature.sig_object_type == "/DocTimeStamp",
                    timestamp_token=any(
                        a["type"] == "signature_time_stamp_token" for a in unsigned
                    ),
                )
            )
    except MemoryError:
        raise
    except Exception:  # an unreadable file: the verdict says so, the facts stay unknown
        logger.info("no signature facts", exc_info=True)
        return []
    return facts
