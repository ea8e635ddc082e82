"""The `sathach` console script: Django's management commands plus the project's own."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sathach.settings")
    if sys.argv[1:2] == ["rank"]:
        # Ranking a file needs no installed app: see sathach/campaigns/rank_cli.py.
        from sathach.campaigns.rank_cli import rank_without_apps

        status = rank_without_apps(sys.argv[2:], stdout=sys.stdout, stderr=sys.stderr)
        if status is not None:
            sys.exit(status)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
