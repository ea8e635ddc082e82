"""The campaign's charts, built from the report figures: participation and pass rates per
commune against the targets, the leaders' results, device coverage, facility readiness, the
IT-skills score distribution and the item statistics of a session. The drawing machinery
(`BarChart`, `Histogram`, `Scatter`, SVG and PNG) is `reports/figures.py`, re-exported here
for the pages and exporters that use both.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sathach.reports.figure_base import (
    ACCENT,
    BAD,
    FONT_FAMILY,
    GOOD,
    GRID,
    INK,
    LABEL_SIZE,
    MUTED,
    PAD,
    PALE,
    PNG_SCALE,
    SMALL_SIZE,
    TITLE_SIZE,
    WARN,
    WIDTH,
    Dot,
    Figure,
    Line,
    Rect,
    Text,
    nice_step,
    number_text,
    percent_label,
    text_width,
)
from sathach.reports.figures import (
    BarChart,
    Chart,
    Histogram,
    Point,
    Scatter,
    Series,
    Target,
    png,
    svg,
)

if TYPE_CHECKING:
    from sathach.exams.statistics import TestStatistics
    from sathach.reports.selectors import CampaignFigures

__all__ = [
    "ACCENT",
    "BAD",
    "FONT_FAMILY",
    "GOOD",
    "GRID",
    "INK",
    "LABEL_SIZE",
    "MUTED",
    "PAD",
    "PALE",
    "PNG_SCALE",
    "SMALL_SIZE",
    "TITLE_SIZE",
    "WARN",
    "WIDTH",
    "BarChart",
    "Chart",
    "Dot",
    "Figure",
    "Histogram",
    "Line",
    "Point",
    "Rect",
    "Scatter",
    "Series",
    "Target",
    "Text",
    "nice_step",
    "number_text",
    "percent_label",
    "png",
    "svg",
    "text_width",
]


# The campaign's charts -------------------------------------------------------------------

DARK_ACCENT = "#063a6e"
DARK_GOOD = "#0f4d20"


def _ceiling(value: int) -> Fraction:
    step = max(1.0, nice_step(max(value, 1), 5))
    return Fraction(step * math.ceil(max(value, 1) / step)).limit_denominator()


def rates_chart(figures: CampaignFigures) -> BarChart:
    """Participation and pass-both rates of every unit against the plan's targets."""
    campaign = figures.campaign
    units = figures.units
    participation = Fraction(campaign.participation_target)
    passing = Fraction(campaign.pass_target)
    return BarChart(
        ident="rates",
        title=_("Participation and pass rates per unit"),
        description=_(
            "For each unit, the share of its leaders tested in both contents (target "
            "%(participation)s) and the share of the tested leaders who passed both "
            "(target %(pass)s)."
        )
        % {"participation": percent_label(participation), "pass": percent_label(passing)},
        categories=[unit.unit.name for unit in units],
        series=[
            Series(
                _("Leaders tested"),
                [unit.participation * 100 if unit.leaders else None for unit in units],
                ACCENT,
                target=Target(
                    participation,
                    _("Participation target: %(value)s") % {"value": percent_label(participation)},
                    DARK_ACCENT,
                ),
            ),
            Series(
                _("Tested leaders passing both contents"),
                [unit.pass_rate * 100 if unit.tested else None for unit in units],
                GOOD,
                target=Target(
                    passing,
                    _("Pass target: %(value)s") % {"value": percent_label(passing)},
                    DARK_GOOD,
                ),
            ),
        ],
    )


def leaders_chart(figures: CampaignFigures) -> BarChart:
    """How many leaders of each unit passed both contents, were tested, or not yet."""
    units = figures.units
    passed = [Fraction(unit.passed_both) for unit in units]
    tested = [Fraction(unit.tested - unit.passed_both) for unit in units]
    untested = [Fraction(len(unit.leaders) - unit.tested) for unit in units]
    return BarChart(
        ident="leaders",
        title=_("Leaders of each unit by result"),
        description=_(
            "For each unit, its leaders who passed both contents, those tested who did not, "
            "and those not yet tested in both contents."
        ),
        categories=[unit.unit.name for unit in units],
        series=[
            Series(_("Passed both contents"), list(passed), GOOD),
            Series(_("Tested, not passed both"), list(tested), WARN),
            Series(_("Not tested in both contents"), list(untested), PALE),
        ],
        maximum=_ceiling(max((len(unit.leaders) for unit in units), default=1)),
        percent=False,
        stacked=True,
        whole=True,
    )


def devices_chart(figures: CampaignFigures) -> BarChart:
    """Signing-device coverage of every unit against the target."""
    target = Fraction(figures.campaign.device_target)
    units = figures.units
    return BarChart(
        ident="devices",
        title=_("Signing-device coverage per unit"),
        description=_(
            "For each unit, the share of its leaders with a valid signing device (target "
            "%(target)s)."
        )
        % {"target": percent_label(target)},
        categories=[unit.unit.name for unit in units],
        series=[
            Series(
                _("Leaders with a signing device"),
                [
                    unit.readiness.coverage * 100 if unit.readiness.leaders else None
                    for unit in units
                ],
                ACCENT,
                labels=[
                    f"{unit.readiness.covered}/{len(unit.readiness.leaders)} "
                    f"({percent_label(unit.readiness.coverage * 100)})"
                    for unit in units
                ],
                target=Target(
                    target, _("Device target: %(value)s") % {"value": percent_label(target)}, BAD
                ),
            )
        ],
    )


def facilities_chart(figures: CampaignFigures) -> BarChart:
    """The facility score of every unit: the weights of its verified checklist items."""
    units = figures.units
    maximum = units[0].readiness.facility_max if units else Decimal(0)
    return BarChart(
        ident="facilities",
        title=_("Facility readiness per unit"),
        description=_(
            "For each unit, the weights of its verified facility items, out of %(maximum)s."
        )
        % {"maximum": number_text(maximum)},
        categories=[unit.unit.name for unit in units] if maximum else [],
        series=[
            Series(
                _("Facility score"),
                [Fraction(unit.readiness.facility_score) for unit in units],
                GOOD,
                labels=[
                    f"{number_text(unit.readiness.facility_score)}/{number_text(maximum)}"
                    for unit in units
                ],
                target=Target(
                    Fraction(maximum),
                    _("Every item verified: %(value)s") % {"value": number_text(maximum)},
                    DARK_GOOD,
                ),
            )
        ],
        maximum=Fraction(maximum) or Fraction(1),
        percent=False,
    )


def it_scores(figures: CampaignFigures) -> list[Fraction]:
    """The IT-skills scores (percent) of the leaders who took that test with a score."""
    scores = []
    for leader in figures.leaders:
        result = leader.content1
        if (
            result is not None
            and result.outcome != "absent"
            and result.score is not None
            and result.max_score
        ):
            scores.append(Fraction(result.score) / Fraction(result.max_score) * 100)
    return scores


def scores_chart(figures: CampaignFigures) -> Histogram:
    """The distribution of the IT-skills scores in bins of 10 points, with the pass mark."""
    mark = Fraction(figures.campaign.content1_pass_mark)
    counts = [0] * 10
    scores = it_scores(figures)
    for score in scores:
        counts[min(int(score // 10), 9)] += 1
    return Histogram(
        ident="scores",
        title=_("IT-skills test scores"),
        description=_(
            "How many leaders scored in each band of 10 points out of 100, %(count)s scores "
            "in all; the pass mark is %(mark)s."
        )
        % {"count": len(scores), "mark": percent_label(mark)},
        edges=[Fraction(10 * index) for index in range(11)],
        counts=counts,
        marker=mark,
        marker_label=_("Pass mark: %(value)s") % {"value": percent_label(mark)},
        x_title=_("Score (%)"),
        y_title=_("Leaders"),
    )


def items_chart(statistics: TestStatistics, session: str) -> Scatter:
    """Each item's facility against its discrimination, the review thresholds dashed."""
    from sathach.exams.statistics import POOR_DISCRIMINATION, TOO_EASY, TOO_HARD

    points = [
        Point(
            str(number),
            item.facility,
            item.discrimination,
            bool(item.flags),
            f"{number}. {item.category}: "
            + "; ".join(
                [
                    f"{_('Facility index')} "
                    + ("—" if item.facility is None else number_text(item.facility)),
                    f"{_('Discrimination index')} "
                    + ("—" if item.discrimination is None else number_text(item.discrimination)),
                    *item.flag_labels,
                ]
            ),
        )
        for number, item in enumerate(statistics.items, start=1)
    ]
    return Scatter(
        ident="items",
        title=_("Item statistics: %(session)s") % {"session": session},
        description=_(
            "Each question's facility index (the share of the mark earned, across) against "
            "its discrimination index (up); %(flagged)s of %(count)s questions to review are "
            "drawn as red squares."
        )
        % {"flagged": len(statistics.flagged), "count": len(statistics.items)},
        points=points,
        x_title=_("Facility index"),
        y_title=_("Discrimination index"),
        x_lines=[TOO_HARD, TOO_EASY],
        y_lines=[POOR_DISCRIMINATION],
        ok_label=_("Question"),
        flagged_label=_("Question to review"),
        lines_label=_("Review thresholds"),
    )


def report_charts(figures: CampaignFigures) -> dict[str, Chart]:
    """The charts the report shows, by name."""
    return {
        "rates": rates_chart(figures),
        "scores": scores_chart(figures),
        "devices": devices_chart(figures),
        "facilities": facilities_chart(figures),
    }
