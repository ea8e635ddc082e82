"""`sathach rank INPUT [--json]`: the ranking engine on a file (contracts/ranking.md)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from sathach.campaigns.rank_input import RankInputError, read_rank_input
from sathach.campaigns.ranking import rank_units, ranking_to_json

EXIT_BAD_INPUT = 2


def render_table(output: dict[str, Any]) -> str:
    """The ranking as a table for a terminal, with Vietnamese headers."""
    awards = {"yes": _("Yes"), "no": _("No"), "council": _("Council decides")}
    headers = [
        _("Rank"),
        _("Code"),
        _("Unit"),
        _("Leaders"),
        _("Tested"),
        _("Passed both"),
        _("Participation (%)"),
        _("Pass rate (%)"),
        _("Facility score"),
        _("Meets targets"),
        _("Award"),
    ]
    rows = [
        [
            "" if unit["rank"] is None else str(unit["rank"]),
            unit["code"],
            unit["name"],
            str(unit["leaders"]),
            str(unit["tested"]),
            str(unit["passed_both"]),
            unit["participation_rate"],
            unit["pass_rate"],
            unit["facility_score"],
            _("Yes") if unit["meets_targets"] else _("No"),
            awards[unit["award"]],
        ]
        for unit in output["units"]
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    numeric = {0, 3, 4, 5, 6, 7, 8}

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    lines = [
        _("Ranking of campaign %(code)s") % {"code": output["campaign"] or "—"},
        line(headers),
        line(["-" * width for width in widths]),
    ]
    lines += [line(row) for row in rows]
    if output["undecided"]:
        lines.append("")
        lines.append(
            _("Tied for the last awards, for the council to decide: %(codes)s")
            % {"codes": ", ".join(output["undecided"])}
        )
    return "\n".join(lines)


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
        try:
            rules, units = read_rank_input(options["input"])
        except RankInputError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            sys.exit(EXIT_BAD_INPUT)
        output = ranking_to_json(rank_units(rules, units))
        if options["json"]:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=1))
        else:
            self.stdout.write(render_table(output))
