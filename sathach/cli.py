"""The `sathach` console script: Django's management commands plus the project's own."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sathach.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
