from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from fractions import Fraction
from io import BytesIO

from django.test import SimpleTestCase
from PIL import Image

from sathach.reports import charts
from sathach.reports.charts import BarChart, Histogram, Point, Scatter, Series, Target

SVG = "{http://www.w3.org/2000/svg}"


def rates() -> BarChart:
    return BarChart(
        ident="rates",
        title="Tỷ lệ tham gia và đạt",
        description="Tỷ lệ của từng đơn vị",
        categories=["Xã An Thạnh 1", "Xã Đại Ân 1", "Thị trấn Cù Lao Dung"],
        series=[
            Series("Tham gia", [Fraction(100), Fraction(50), None], charts.ACCENT),
            Series(
                "Đạt cả hai nội dung",
                [Fraction(500, 6), Fraction(100), None],
                charts.GOOD,
                target=Target(Fraction(85), "Chỉ tiêu đạt: 85,00%"),
            ),
        ],
    )


def parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(charts.svg(chart))


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


class SvgTestCase(SimpleTestCase):
    def test_a_bar_chart_is_well_formed_svg_with_a_bar_and_a_value_per_figure(self) -> None:
        root = parse(rates())
        self.assertEqual(root.get("role"), "img")
        self.assertEqual(root.find(f"{SVG}title").text, "Tỷ lệ tham gia và đạt")  # type: ignore[union-attr]
        self.assertEqual(root.find(f"{SVG}desc").text, "Tỷ lệ của từng đơn vị")  # type: ignore[union-attr]
        self.assertEqual(root.get("aria-labelledby"), "rates-title rates-desc")
        bars = [rect.find(f"{SVG}title") for rect in root.iter(f"{SVG}rect")]
        tips = [bar.text for bar in bars if bar is not None]
        # Four values to draw; the unit without figures has none, and the legend's boxes
        # carry no hover title.
        self.assertEqual(len(tips), 4)
        self.assertIn("Xã Đại Ân 1 — Tham gia: 50,00%", tips)
        words = texts(root)
        for label in ("Xã An Thạnh 1", "Thị trấn Cù Lao Dung", "100,00%", "83,33%", "—"):
            self.assertIn(label, words)
        self.assertIn("Chỉ tiêu đạt: 85,00%", words)
        self.assertEqual(
            sum(1 for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")), 2
        )

    def test_a_value_below_its_target_is_written_in_bold_red(self) -> None:
        root = parse(rates())
        below = next(e for e in root.iter(f"{SVG}text") if e.text == "83,33%")
        above = next(e for e in root.iter(f"{SVG}text") if e.text == "100,00%")
        self.assertEqual((below.get("font-weight"), below.get("fill")), ("bold", charts.BAD))
        self.assertIsNone(above.get("font-weight"))

    def test_text_is_escaped_and_normalised(self) -> None:
        chart = rates()
        chart.categories[0] = "Xã A & B <1>"
        chart.title = unicodedata.normalize("NFD", "Tỉ lệ")
        root = parse(chart)
        self.assertIn("Xã A & B <1>", texts(root))
        self.assertEqual(root.find(f"{SVG}title").text, "Tỉ lệ")  # type: ignore[union-attr]

    def test_a_long_name_is_cut_with_an_ellipsis(self) -> None:
        chart = rates()
        chart.categories[0] = "Ủy ban nhân dân " * 12
        cut = [t for t in texts(parse(chart)) if t.startswith("Ủy ban")]
        self.assertEqual(len(cut), 1)
        self.assertTrue(cut[0].endswith("…"))
        self.assertLessEqual(charts.text_width(cut[0]), charts.WIDTH * 0.36)

    def test_a_stacked_chart_writes_each_part_and_the_total(self) -> None:
        chart = BarChart(
            ident="leaders",
            title="Lãnh đạo",
            description="",
            categories=["Xã An Thạnh 1"],
            series=[
                Series("Đạt", [Fraction(3)], charts.GOOD),
                Series("Chưa đạt", [Fraction(1)], charts.WARN),
            ],
            maximum=Fraction(4),
            percent=False,
            stacked=True,
            whole=True,
        )
        root = parse(chart)
        self.assertEqual(
            len([r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]), 2
        )
        words = texts(root)
        self.assertIn("3", words)
        self.assertIn("4", words)  # the total and the last tick
        self.assertNotIn("0,5", words)  # counts are ticked on whole numbers

    def test_a_histogram_has_a_column_per_non_empty_bin_and_the_pass_mark(self) -> None:
        chart = Histogram(
            ident="scores",
            title="Điểm",
            description="",
            edges=[Fraction(10 * i) for i in range(11)],
            counts=[0, 0, 0, 0, 1, 0, 2, 3, 0, 1],
            marker=Fraction(50),
            marker_label="Điểm đạt: 50,00%",
            x_title="Điểm (%)",
            y_title="Số lãnh đạo",
        )
        root = parse(chart)
        tips = [
            r.find(f"{SVG}title").text
            for r in root.iter(f"{SVG}rect")
            if r.find(f"{SVG}title") is not None
        ]  # type: ignore[union-attr]
        self.assertEqual(tips, ["[40; 50): 1", "[60; 70): 2", "[70; 80): 3", "[90; 100]: 1"])
        self.assertIn("Điểm đạt: 50,00%", texts(root))
        self.assertEqual(chart.table()[1][9], ["[90; 100]", "1"])

    def test_a_scatter_draws_flagged_items_as_squares_and_skips_items_without_figures(self) -> None:
        chart = Scatter(
            ident="items",
            title="Thống kê câu hỏi",
            description="",
            points=[
                Point("1", 0.5, 0.4, False, "1"),
                Point("2", 0.1, -0.3, True, "2"),
                Point("3", None, None, False, "3"),
            ],
            x_title="Độ khó",
            y_title="Độ phân biệt",
            x_lines=[0.2, 0.95],
            y_lines=[0.15],
        )
        root = parse(chart)
        dots = [c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
        squares = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
        self.assertEqual((len(dots), len(squares)), (1, 1))
        self.assertEqual(squares[0].get("fill"), charts.BAD)
        self.assertIn("-0,4", texts(root))  # the axis reaches below the lowest point
        self.assertEqual(chart.table()[1][2], ["3", "—", "—"])


class PngTestCase(SimpleTestCase):
    def test_the_png_opens_with_pillow_at_twice_the_figures_size(self) -> None:
        chart = rates()
        figure = chart.figure()
        with Image.open(BytesIO(charts.png(chart))) as image:
            self.assertEqual(image.format, "PNG")
            self.assertEqual(image.size, (round(figure.width * 2), round(figure.height * 2)))
            self.assertEqual(image.size[0], 1440)
            # Something is drawn in the bars' colour.
            accent = (0x0B, 0x5C, 0xAD)
            colours: list[tuple[int, int, int]] = [
                colour  # type: ignore[misc]
                for _count, colour in image.convert("RGB").getcolors(1 << 16) or []
            ]
            distance = min(sum(abs(a - b) for a, b in zip(c, accent, strict=True)) for c in colours)
            self.assertLess(distance, 12)

    def test_more_units_make_a_taller_picture(self) -> None:
        small = rates()
        large = rates()
        large.categories = [f"Xã {n}" for n in range(12)]
        for series in large.series:
            series.values = [Fraction(50)] * 12
        self.assertGreater(large.figure().height, small.figure().height)
        with Image.open(BytesIO(charts.png(large, scale=1))) as image:
            self.assertEqual(image.size, (720, round(large.figure().height)))


class NumbersTestCase(SimpleTestCase):
    def test_numbers_are_written_the_vietnamese_way(self) -> None:
        self.assertEqual(charts.number_text(2.5), "2,5")
        self.assertEqual(charts.number_text(100), "100")
        self.assertEqual(charts.number_text(-0.0001), "0")
        self.assertEqual(charts.percent_label(Fraction(500, 6)), "83,33%")
        self.assertEqual(charts.nice_step(100), 20)
        self.assertEqual(charts.nice_step(3), 1)
