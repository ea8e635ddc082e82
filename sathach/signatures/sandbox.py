"""Reading an uploaded PDF in a child process with a memory cap and a time limit.

A small hostile PDF can make the parser and the difference analysis take minutes and
gigabytes (a 43 KB file took 64 s and 1.3 GB in a worker). Everything that reads an upload
(parsing, validation, the pictures of the signed pages) therefore runs in a process forked
from a clean server process ("forkserver": never a fork of a threaded web worker), which
caps its own address space (RLIMIT_AS, inherited by pdftoppm) and CPU time before it reads
a byte; the parent waits at most the time limit and kills it. An overrun raises
PdfTooComplex, a DomainError with the message the user reads.

The child imports no model and never touches the database or the settings: the parent
passes the trust store, the limits and the judging time.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import context, forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# pyHanko's names for a JavaScript action and its script.
_JAVASCRIPT = "/JavaScript"


class PdfTooComplex(DomainError):
    """The check ran past its memory cap or time limit."""


class PdfRefused(DomainError):
    """The file is read as what it is and refused: encrypted, carrying JavaScript."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    seconds: float

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            memory_bytes=int(settings.PDF_CHECK_MEMORY_MB) * 2**20,
            seconds=float(settings.PDF_CHECK_SECONDS),
        )


def too_complex(limits: Limits) -> PdfTooComplex:
    return PdfTooComplex(
        _(
            "The file is too complex to check: checking it needed more than %(memory)s MB "
            "of memory or %(seconds)s seconds. Nothing was stored; save the document again "
            "as a plain PDF and sign it again."
        )
        % {"memory": limits.memory_bytes // 2**20, "seconds": f"{limits.seconds:g}"}
    )


class _Popen(popen_forkserver.Popen):  # type: ignore[misc]
    """The forkserver's Popen without the main module: a child would otherwise run the web
    server's (or pytest's) main script again on every start (bpo-44781), 0.2-0.8 s each. The
    target lives in an importable module, so the child needs no main."""

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buffer = io.BytesIO()
        context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buffer)
            reduction.dump(process_obj, buffer)
        finally:
            context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        parent_w = os.dup(w)
        close = util.close_fds  # type: ignore[attr-defined]
        self.finalizer = util.Finalize(self, close, (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as stream:
            stream.write(buffer.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _Process(context.ForkServerProcess):  # type: ignore[misc,name-defined]
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:
        return _Popen(process_obj)


class _Context(context.ForkServerContext):  # type: ignore[misc,name-defined]
    Process = _Process


_context_lock = threading.Lock()
_context: Any = None


def _server_context() -> Any:
    """The forkserver context, its server preloading what the children need (once)."""
    global _context
    with _context_lock:
        if _context is None:
            server_context = _Context()
            server_context.set_forkserver_preload(
                ["sathach.signatures.pictures", "sathach.signatures.sandbox"]
            )
            _context = server_context
        return _context


def _child(
    connection: Connection, limits: Limits, function: Callable[..., Any], args: Any, kwargs: Any
) -> None:
    cpu = max(1, int(limits.seconds) + 1)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        outcome: tuple[str, Any] = ("ok", function(*args, **kwargs))
    except MemoryError:
        outcome = ("overrun", None)
    except BaseException as error:  # sent back and raised in the parent
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except MemoryError:
        connection.send(("overrun", None))
    finally:
        connection.close()


def run_bounded(
    function: Callable[..., T], *args: Any, limits: Limits | None = None, **kwargs: Any
) -> T:
    """`function(*args, **kwargs)` in a capped child; its result, or its exception raised
    here. PdfTooComplex when the child runs out of memory, of time or dies."""
    limits = limits or Limits.from_settings()
    context = _server_context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, limits, function, args, kwargs), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(limits.seconds):
            raise too_complex(limits)
        try:
            status, value = receiver.recv()
        except (EOFError, OSError):  # the child died before answering (killed by a limit)
            raise too_complex(limits) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
    if status == "overrun":
        logger.info("PDF check ran out of memory in its child")
        raise too_complex(limits)
    if status == "error":
        raise value
    return value  # type: ignore[no-any-return]


# --- what the child runs --------------------------------------------------------------------


def _has_javascript(reader: Any) -> bool:
    """Whether any object of any revision is a JavaScript action or names scripts."""
    from pyhanko.pdf_utils import generic

    catalog = reader.root
    names = catalog.get("/Names")
    if names is not None and _JAVASCRIPT in names.get_object():
        return True
    for revision in range(reader.xrefs.total_revisions):
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            try:
                value = ref.get_object()
            except Exception:  # noqa: S112 an object that cannot be read carries no script we run
                continue
            if isinstance(value, generic.DictionaryObject) and (
                "/JS" in value or value.get("/S") == _JAVASCRIPT
            ):
                return True
    return False


ENCRYPTED = "ENCRYPTED"
JAVASCRIPT = "JAVASCRIPT"


def pdf_refusal(data: bytes) -> str | None:
    """ENCRYPTED or JAVASCRIPT for a file the platform refuses to judge, else None (a file
    that cannot be parsed is left to the verdict, which says MALFORMED_PDF)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return ENCRYPTED
        return JAVASCRIPT if _has_javascript(reader) else None
    except MemoryError:
        raise
    except Exception:  # unparseable: the verdict says so
        logger.info("PDF unreadable while looking for scripts", exc_info=True)
        return None


@dataclass(frozen=True)
class Inspection:
    """What the pages show of an uploaded PDF, made in one child."""

    refusal: str | None
    verdict: Any
    facts: list[Any]
    pictures: dict[int, bytes]


def inspect_pdf(
    data: bytes,
    *,
    validation: dict[str, Any],
    candidates: list[bytes] | None = None,
    pictures: int = 0,
    at: datetime.datetime | None = None,
) -> Inspection:
    """Refuse, then judge: the verdict (`validation` are validate_pdf's keywords), the facts
    of each signature and a picture of the page of up to `pictures` visible signatures.
    `candidates`: the certificates the first signature may be made with (expected_signer)."""
    from sathach.signatures.facts import signature_facts
    from sathach.signatures.pictures import render_signature_page
    from sathach.signatures.validation import (
        MalformedPdf,
        read_signer_certificates,
        validate_pdf,
    )

    refusal = pdf_refusal(data)
    if refusal is not None:
        return Inspection(refusal, None, [], {})
    options = dict(validation)
    if candidates:
        try:
            first = read_signer_certificates(data)[:1]
        except MalformedPdf:
            first = []
        options["signer"] = first[0] if first and first[0] in candidates else candidates[0]
    verdict = validate_pdf(data, at=at, **options)
    facts = signature_facts(data) if verdict.signatures else []
    rendered: dict[int, bytes] = {}
    for index, report in enumerate(verdict.signatures):
        if len(rendered) >= pictures:
            break
        if report.visible:
            png = render_signature_page(data, index)
            if png:
                rendered[index] = png
    return Inspection(None, verdict, facts, rendered)


def refusal_error(code: str) -> PdfRefused:
    if code == ENCRYPTED:
        return PdfRefused(
            _(
                "The PDF is encrypted (protected by a password or a certificate): it cannot be "
                "checked. Save it without protection and upload it again."
            )
        )
    return PdfRefused(
        _(
            "The PDF carries JavaScript: it is refused and was not checked. A signed document "
            "has no reason to run a script; save it again as a plain PDF."
        )
    )
