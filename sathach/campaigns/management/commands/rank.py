"""`sathach rank INPUT [--json]`: the ranking engine on a file (contracts/ranking.md)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sathach.campaigns.rank_cli import rank_file, render_table

__all__ = ["Command", "render_table"]


class Command(BaseCommand):
    help = (
        "Rank the units of a campaign from a .json or .xlsx file, by the plan's rules "
        "(contracts/ranking.md). With --json, one JSON document on standard output. On bad "
        "input: exit status 2, nothing on standard output, one line per problem on standard "
        "error, each starting with its location (a JSON path or a sheet!cell)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="a .json or .xlsx file")
        parser.add_argument("--json", action="store_true", help="print the ranking as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        status = rank_file(
            options["input"], as_json=options["json"], stdout=self.stdout, stderr=self.stderr
        )
        if status:
            sys.exit(status)
