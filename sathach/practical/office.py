"""LibreOffice in headless mode, for what no Python library does right: recalculating a
workbook's formulas with a real spreadsheet engine (the cached values in a leader's file
are never trusted), reading an OpenDocument text as .docx, and drawing a file as PDF pages
for the proctor.

Each process (and thread) runs `soffice` with a profile of its own, so that conversions in
parallel workers never share one; the profile asks Calc to recalculate every formula when
it loads a file (by default it keeps the cached results of an Excel or OpenDocument file).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from sathach.core.errors import DomainError

logger = logging.getLogger(__name__)

_TIMEOUT_S = 90
# The profile's settings: Calc recalculates every formula when it loads an Excel 2007+ or an
# OpenDocument file (0 = always), macros never run, files are not locked.
_SETTINGS = [
    ("/org.openoffice.Office.Calc/Formula/Load", "OOXMLRecalcMode", "0"),
    ("/org.openoffice.Office.Calc/Formula/Load", "ODFRecalcMode", "0"),
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Misc", "UseLocking", "false"),
]
_PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>\n"
        for path, name, value in _SETTINGS
    )
    + "</oor:items>\n"
)


def soffice() -> str | None:
    """The LibreOffice program, or None where it is not installed."""
    configured = getattr(settings, "SOFFICE", "") or ""
    return configured or shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> Path:
    base = Path(tempfile.gettempdir()) / "sathach-office"
    folder = base / f"{os.getpid()}-{threading.get_ident()}"
    settings_file = folder / "user" / "registrymodifications.xcu"
    if not settings_file.exists():
        settings_file.parent.mkdir(parents=True, exist_ok=True)
        settings_file.write_text(_PROFILE_SETTINGS, "utf-8")
    return folder


def convert(source: Path, target: str, out_dir: Path) -> Path:
    """`source` converted by LibreOffice to the format `target` ("xlsx", "docx", "pdf",
    optionally with a filter: "pdf:writer_pdf_Export") in `out_dir`; the converted file's
    path. Raises DomainError (in Vietnamese) when LibreOffice is missing or fails."""
    program = soffice()
    if not program:
        raise DomainError(_("LibreOffice is not installed on the server: ask the administrator."))
    command = [
        program,
        f"-env:UserInstallation={_profile().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        str(source),
    ]
    extension = target.split(":", 1)[0]
    result_path = out_dir / f"{source.stem}.{extension}"
    try:
        subprocess.run(  # noqa: S603 (a fixed program on a file we wrote)
            command,
            check=True,
            capture_output=True,
            timeout=_TIMEOUT_S,
            env={**os.environ, "HOME": str(_profile())},
        )
    except (OSError, subprocess.SubprocessError) as error:
        logger.warning("LibreOffice failed to convert %s: %s", source.name, error)
        raise DomainError(_("LibreOffice could not open the file.")) from error
    if not result_path.exists():
        raise DomainError(_("LibreOffice could not open the file."))
    return result_path


def convert_bytes(data: bytes, suffix: str, target: str) -> bytes:
    """The file `data` (of type `suffix`, e.g. ".odt") converted to `target`."""
    with tempfile.TemporaryDirectory(prefix="sathach-convert-") as folder:
        source = Path(folder) / f"file{suffix}"
        source.write_bytes(data)
        out_dir = Path(folder) / "out"
        out_dir.mkdir()
        return convert(source, target, out_dir).read_bytes()
