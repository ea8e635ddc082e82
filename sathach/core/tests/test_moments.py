"""A time on a page carries its date unless it is today, in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.template import Context, Template
from django.test import SimpleTestCase

from sathach.core.moments import moment

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


class MomentTestCase(SimpleTestCase):
    def test_a_time_of_today_is_shown_alone(self) -> None:
        with time_machine.travel(local(2026, 12, 12, 9, 0), tick=False):
            self.assertEqual(moment(local(2026, 12, 12, 23, 0)), "23:00")

    def test_a_time_of_another_day_carries_its_date(self) -> None:
        # The case: "giờ bắt đầu muộn nhất 23:00" read on the 12th for the 13th.
        with time_machine.travel(local(2026, 12, 12, 9, 0), tick=False):
            self.assertEqual(moment(local(2026, 12, 13, 23, 0)), "23:00 13/12/2026")
            self.assertEqual(moment(local(2026, 12, 11, 7, 5)), "07:05 11/12/2026")

    def test_today_is_the_day_in_vietnam_not_in_utc(self) -> None:
        # 00:30 of the 13th in Vietnam is still the 12th in UTC.
        utc = datetime.UTC
        with time_machine.travel(datetime.datetime(2026, 12, 12, 17, 30, tzinfo=utc), tick=False):
            self.assertEqual(moment(datetime.datetime(2026, 12, 12, 17, 45, tzinfo=utc)), "00:45")
            self.assertEqual(
                moment(datetime.datetime(2026, 12, 12, 16, 45, tzinfo=utc)), "23:45 12/12/2026"
            )

    def test_the_template_filter_shows_seconds_when_asked_and_nothing_for_no_time(self) -> None:
        template = Template(
            "{% load moments %}[{{ a|moment:'s' }}] [{{ b|moment }}] [{{ c|moment }}]"
        )
        with time_machine.travel(local(2026, 12, 12, 9, 0), tick=False):
            text = template.render(
                Context({"a": local(2026, 12, 12, 8, 1, 2), "b": None, "c": local(2027, 1, 1, 8)})
            )
        self.assertEqual(text, "[08:01:02] [] [08:00 01/01/2027]")
