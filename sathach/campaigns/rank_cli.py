"""`sathach rank INPUT [--json]` (contracts/ranking.md): read, rank, print.

The management command and the console script's short path (`rank_without_apps`) share
`rank_file`. Ranking a file needs no database, no model and no installed app, and loading
the project's 40-odd apps took half of the command's second on 3,321 communes; so
`sathach rank INPUT [--json]` configures Django with the project's settings and no
installed app (translations come from LOCALE_PATHS, where every string of the project
lives) and ranks at once. Any other argument (--help, --settings, -v…) goes through
Django's management command as before.
"""

from __future__ import annotations

import importlib
import os
from json.encoder import encode_basestring
from typing import Any

from django.utils.translation import gettext as _

EXIT_BAD_INPUT = 2


def render_table(output: dict[str, Any]) -> str:
    """The ranking as a table for a terminal, with Vietnamese headers."""
    awards = {"yes": _("Yes"), "no": _("No"), "council": _("Council decides")}
    units = output["units"]
    mean_score = any("mean_score" in unit for unit in units)
    women = any("women_rate" in unit for unit in units)
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
    ]
    headers += [_("Mean score (%)")] if mean_score else []
    headers += [_("Women (%)")] if women else []
    headers += [_("Meets targets"), _("Award")]
    rows = []
    for unit in units:
        row = [
            "" if unit["rank"] is None else str(unit["rank"]),
            unit["code"],
            unit["name"],
            str(unit["leaders"]),
            str(unit["tested"]),
            str(unit["passed_both"]),
            unit["participation_rate"],
            unit["pass_rate"],
            unit["facility_score"],
        ]
        row += [unit.get("mean_score", "")] if mean_score else []
        row += [unit.get("women_rate", "")] if women else []
        row += [_("Yes") if unit["meets_targets"] else _("No"), awards[unit["award"]]]
        rows.append(row)
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    numeric = {0, *range(3, len(headers) - 2)}

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


def json_text(value: Any, level: int = 0) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1)`, byte for byte, for the values a
    ranking holds (dicts, lists, strings, integers, booleans, None). The standard library
    formats an indented document in pure Python, a third of the command's time on 3,321
    communes; strings here go through its C escaper."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = "\n" + " " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (
            f"{encode_basestring(key)}: {json_text(item, level + 1)}" for key, item in value.items()
        )
        return "{" + inner + ("," + inner).join(items) + "\n" + " " * level + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = (json_text(item, level + 1) for item in value)
        return "[" + inner + ("," + inner).join(items) + "\n" + " " * level + "]"
    raise TypeError(f"{type(value).__name__} is not part of a ranking")


def _line(stream: Any, text: str) -> None:
    stream.write(text if text.endswith("\n") else text + "\n")


def rank_file(path: str, *, as_json: bool, stdout: Any, stderr: Any) -> int:
    """Rank the file and print the ranking; on bad input print every problem, one a line,
    on stderr and return 2 with nothing on stdout."""
    from sathach.campaigns.rank_input import RankInputError, read_rank_input
    from sathach.campaigns.ranking import rank_units, ranking_to_json

    try:
        rules, units = read_rank_input(path)
    except RankInputError as error:
        for problem in error.problems:
            _line(stderr, problem)
        return EXIT_BAD_INPUT
    output = ranking_to_json(rank_units(rules, units))
    if as_json:
        _line(stdout, json_text(output))
    else:
        _line(stdout, render_table(output))
    return 0


def rank_without_apps(arguments: list[str], *, stdout: Any, stderr: Any) -> int | None:
    """`sathach rank INPUT [--json]` without loading the installed apps; None when the
    arguments are anything else, for Django's command to handle."""
    as_json = "--json" in arguments
    rest = [argument for argument in arguments if argument != "--json"]
    if len(rest) != 1 or rest[0].startswith("-") or arguments.count("--json") > 1:
        return None
    from django.apps import apps
    from django.conf import settings

    module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    values = {name: getattr(module, name) for name in dir(module) if name.isupper()}
    settings.configure(**{**values, "INSTALLED_APPS": []})
    # What django.setup() does that ranking needs: an app registry (empty), so that
    # translations load. Logging and the URL prefix are not used; importing django.urls
    # alone pulls the ORM in.
    apps.populate([])
    return rank_file(rest[0], as_json=as_json, stdout=stdout, stderr=stderr)
