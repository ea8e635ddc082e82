"""The presentation grader on real files: decks that LibreOffice Impress saved as .pptx from
the hand-written flat ODF sources of fixtures/presentation (made by
fixtures/make_presentations.py), decks python-pptx writes, a PowerPoint-style transition,
and files that are broken or hostile."""

from __future__ import annotations

import base64
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

from django.test import SimpleTestCase
from django.utils import translation
from lxml import etree
from pptx import Presentation
from pptx.util import Cm

from sathach.practical import office
from sathach.practical.graders import presentation
from sathach.practical.graders.presentation import grade, layout_kind, make_starter, validate_specs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "presentation"
_GOOD_SOURCE = (FIXTURES / "good.fodp").read_text("utf-8")
# The one-pixel picture of the fixtures, for python-pptx.
PNG_BYTES = base64.b64decode(_GOOD_SOURCE.split("<office:binary-data>")[1].split("<")[0])

GOOD_SPECS: list[Any] = [
    {"key": "slide_count", "weight": "1", "params": {"min": 3, "max": 10}},
    {"key": "title_slide", "weight": "1", "params": {"contains": "CHUYỂN ĐỔI SỐ"}},
    {"key": "layout", "weight": "1", "params": {"layout": "title_and_content", "min": 2}},
    {"key": "layout", "weight": "1", "params": {"layout": "two_content", "min": 1}},
    {"key": "picture", "weight": "1", "params": {"min": 1}},
    {"key": "transition", "weight": "1", "params": {"all": True}},
    {
        "key": "contains_text",
        "weight": "1",
        "params": {"phrases": ["Dịch vụ công trực tuyến", "kế hoạch năm tới"]},
    },
]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def earned(data: bytes, specs: list[Any], extension: str = ".pptx") -> list[Decimal]:
    return [verdict.earned for verdict in grade(data, extension, specs, starter=None)]


def saved(deck) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


class ImpressFixtureTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_a_presentation_done_right_in_impress_earns_every_criterion(self) -> None:
        verdicts = grade(fixture("good.pptx"), ".pptx", GOOD_SPECS, starter=None)
        self.assertEqual([v.key for v in verdicts], [s["key"] for s in GOOD_SPECS])
        self.assertEqual([v.earned for v in verdicts], [Decimal(1)] * len(GOOD_SPECS), verdicts)
        self.assertIn("Chuyển đổi số xã Đại Ân 1", verdicts[1].reason)

    def test_an_impress_odp_is_read_through_libreoffice_like_its_pptx(self) -> None:
        if not office.soffice():
            self.skipTest("LibreOffice is not installed")
        self.assertEqual(earned(fixture("good.odp"), GOOD_SPECS, ".odp"), [Decimal(1)] * 7)

    def test_a_single_slide_is_too_few(self) -> None:
        verdicts = grade(fixture("few_slides.pptx"), ".pptx", GOOD_SPECS[:2], starter=None)
        self.assertEqual([v.earned for v in verdicts], [Decimal(0), Decimal(1)])
        self.assertEqual(verdicts[0].reason, "1 slides, 3 to 10 wanted.")

    def test_too_many_slides_earn_nothing_either(self) -> None:
        specs = [{"key": "slide_count", "params": {"min": 1, "max": 3}}]
        self.assertEqual(earned(fixture("good.pptx"), specs), [Decimal(0)])

    def test_a_deck_without_a_picture_earns_nothing_for_pictures(self) -> None:
        verdicts = grade(fixture("no_picture.pptx"), ".pptx", GOOD_SPECS, starter=None)
        self.assertEqual(verdicts[4].earned, Decimal(0))
        self.assertEqual(verdicts[4].reason, "0 pictures on the slides, at least 1 wanted.")
        self.assertEqual(sum(v.earned for v in verdicts), Decimal(6))

    def test_a_deck_without_transitions_earns_nothing_for_them(self) -> None:
        verdicts = grade(fixture("no_transition.pptx"), ".pptx", GOOD_SPECS, starter=None)
        self.assertEqual(verdicts[5].earned, Decimal(0))
        self.assertEqual(verdicts[5].reason, "0 of 4 slides have a transition; every slide should.")
        self.assertEqual(sum(v.earned for v in verdicts), Decimal(6))

    def test_a_first_slide_with_a_content_layout_is_no_title_slide(self) -> None:
        verdicts = grade(fixture("no_title_slide.pptx"), ".pptx", GOOD_SPECS, starter=None)
        self.assertEqual(verdicts[1].earned, Decimal(0))
        self.assertEqual(verdicts[1].reason, "The first slide does not use a title slide layout.")
        # It is one more "title, content" slide.
        self.assertEqual(
            verdicts[2].reason, "3 slides use the layout “Title and content”, 2 wanted."
        )

    def test_a_title_that_lacks_the_asked_words_earns_nothing(self) -> None:
        specs = [{"key": "title_slide", "params": {"contains": "Đại Ân 2"}}]
        self.assertEqual(earned(fixture("good.pptx"), specs), [Decimal(0)])

    def test_a_missing_phrase_costs_its_share(self) -> None:
        specs = [{"key": "contains_text", "params": {"phrases": ["Kết quả đạt được", "Ngân sách"]}}]
        verdicts = grade(fixture("good.pptx"), ".pptx", specs, starter=None)
        self.assertEqual(verdicts[0].earned, Decimal("0.5"))
        self.assertEqual(verdicts[0].reason, "Missing from the slides: “Ngân sách”.")

    def test_transitions_on_some_slides_earn_their_share_or_the_minimum(self) -> None:
        deck = Presentation(io.BytesIO(fixture("good.pptx")))
        transitions = etree.XPath(
            "./p:transition | ./mc:AlternateContent", namespaces=presentation.NS
        )
        for slide in list(deck.slides)[1:]:
            for transition in transitions(slide.element):
                slide.element.remove(transition)
        data = saved(deck)
        specs = [
            {"key": "transition", "params": {"all": True}},
            {"key": "transition", "params": {"all": False, "min": 1}},
            {"key": "transition", "params": {"all": False, "min": 2}},
        ]
        self.assertEqual(earned(data, specs), [Decimal("0.25"), Decimal(1), Decimal("0.5")])


class PythonPptxTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_the_starter_holds_the_slides_on_the_title_and_content_layout(self) -> None:
        data = make_starter(
            {
                "slides": [
                    {"title": "Báo cáo", "lines": ["Dòng một", "Dòng hai"]},
                    {"title": "Kết luận"},
                ]
            }
        )
        assert data is not None
        deck = Presentation(io.BytesIO(data))
        slides = list(deck.slides)
        self.assertEqual([s.shapes.title.text for s in slides], ["Báo cáo", "Kết luận"])
        self.assertEqual(slides[0].placeholders[1].text_frame.text, "Dòng một\nDòng hai")
        specs = [
            {"key": "slide_count", "params": {"min": 2}},
            {"key": "title_slide"},
            {"key": "layout", "params": {"layout": "title_and_content", "min": 2}},
            {"key": "picture"},
            {"key": "transition"},
        ]
        self.assertEqual(
            earned(data, specs), [Decimal(1), Decimal(0), Decimal(1), Decimal(0), Decimal(0)]
        )

    def test_a_starter_saved_again_by_libreoffice_keeps_its_layouts(self) -> None:
        # LibreOffice 7.4 links such slides to a "Blank Slide" layout but keeps their
        # title and content placeholders: the slide's own placeholders decide.
        if not office.soffice():
            self.skipTest("LibreOffice is not installed")
        data = make_starter({"slides": [{"title": "Một", "lines": ["a"]}, {"title": "Hai"}]})
        assert data is not None
        resaved = office.convert_bytes(data, ".pptx", "pptx")
        layouts = {s.slide_layout.name for s in Presentation(io.BytesIO(resaved)).slides}
        self.assertEqual(layouts, {"Blank Slide"})
        specs = [{"key": "layout", "params": {"layout": "title_and_content", "min": 2}}]
        self.assertEqual(earned(resaved, specs), [Decimal(1)])

    def test_a_starter_without_slides_means_starting_from_nothing(self) -> None:
        starters: list[Any] = [None, {}, {"slides": []}, "slides", {"slides": "x"}]
        for starter in starters:
            self.assertIsNone(make_starter(starter))

    def test_a_starter_with_odd_values_still_makes_a_deck(self) -> None:
        data = make_starter({"slides": [7, {"title": "A\x00B", "lines": "not a list"}]})
        assert data is not None
        self.assertEqual(len(Presentation(io.BytesIO(data)).slides), 2)

    def test_pictures_in_placeholders_and_groups_count(self) -> None:
        deck = Presentation()
        title = deck.slides.add_slide(deck.slide_layouts[0])
        title.shapes.title.text = "Trang bìa"
        captioned = deck.slides.add_slide(deck.slide_layouts[8])  # Picture with Caption
        captioned.placeholders[1].insert_picture(io.BytesIO(PNG_BYTES))
        blank = deck.slides.add_slide(deck.slide_layouts[6])
        group = blank.shapes.add_group_shape()
        group.shapes.add_picture(io.BytesIO(PNG_BYTES), Cm(1), Cm(1))
        specs = [
            {"key": "picture", "params": {"min": 2}},
            {"key": "title_slide", "params": {"contains": "trang bìa"}},
            {"key": "layout", "params": {"layout": "blank", "min": 1}},
        ]
        self.assertEqual(earned(saved(deck), specs), [Decimal(1)] * 3)

    def test_a_powerpoint_transition_in_alternate_content_counts(self) -> None:
        deck = Presentation()
        for _ in range(2):
            deck.slides.add_slide(deck.slide_layouts[6])
        slides = list(deck.slides)
        slides[0].element.append(
            etree.fromstring(
                '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
                ' xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
                ' xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main">'
                '<mc:Choice Requires="p14"><p:transition spd="slow" p14:dur="2000">'
                '<p14:vortex dir="r"/></p:transition></mc:Choice>'
                '<mc:Fallback><p:transition spd="slow"><p:fade/></p:transition></mc:Fallback>'
                "</mc:AlternateContent>"
            )
        )
        # Only an advance after 3 s: no visual effect, no transition.
        slides[1].element.append(
            etree.fromstring(
                '<p:transition xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
                ' advTm="3000"/>'
            )
        )
        verdicts = grade(saved(deck), ".pptx", [{"key": "transition"}], starter=None)
        self.assertEqual(verdicts[0].earned, Decimal("0.5"))
        self.assertEqual(verdicts[0].reason, "1 of 2 slides have a transition; every slide should.")


class LayoutKindTests(SimpleTestCase):
    def test_layouts_are_told_apart_by_their_placeholders(self) -> None:
        cases = {
            ("ctrTitle", "subTitle"): "title",
            ("title", "subTitle"): "title",
            ("title", "obj"): "title_and_content",
            ("title", "body"): "title_and_content",
            ("title", "obj", "obj"): "two_content",
            ("title", "body", "obj", "body", "obj"): "many_content",
            ("title",): "title_only",
            ("obj",): "content_only",
            (): "blank",
        }
        for types, kind in cases.items():
            self.assertEqual(layout_kind(list(types)), kind, types)


class HostileFileTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def assert_all_zero(self, data: bytes, extension: str = ".pptx") -> str:
        verdicts = grade(data, extension, GOOD_SPECS, starter=None)
        self.assertEqual(len(verdicts), len(GOOD_SPECS))
        self.assertEqual({v.earned for v in verdicts}, {Decimal(0)})
        self.assertEqual(len({v.reason for v in verdicts}), 1)
        return verdicts[0].reason

    def test_empty_and_random_bytes_earn_nothing(self) -> None:
        self.assertEqual(self.assert_all_zero(b""), "The file is empty.")
        self.assertEqual(
            self.assert_all_zero(b"\x00garbage" * 100),
            "The file is not a presentation that can be opened.",
        )
        self.assert_all_zero(b"PK\x03\x04 not really a zip", ".odp")

    def test_a_file_of_another_kind_earns_nothing(self) -> None:
        self.assertEqual(
            self.assert_all_zero(fixture("good.pptx"), ".ppt"),
            "The file must be a presentation (.pptx or .odp).",
        )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        self.assert_all_zero(out.getvalue())

    def test_a_zip_that_unpacks_too_big_is_not_opened(self) -> None:
        with mock.patch.object(presentation, "MAX_UNPACKED", 1000):
            self.assert_all_zero(fixture("good.pptx"))

    def test_a_slide_with_an_entity_bomb_earns_nothing_or_is_read_without_expanding(self) -> None:
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE p:sld [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
            ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            "<p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>&c;</a:t></a:r></a:p>"
            "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
        )
        source = zipfile.ZipFile(io.BytesIO(fixture("good.pptx")))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for item in source.infolist():
                data = source.read(item.filename)
                archive.writestr(item, bomb if item.filename == "ppt/slides/slide1.xml" else data)
        specs = [{"key": "contains_text", "params": {"phrases": ["aaaaaaaaaaaaaaaaaaaaaaaaa"]}}]
        verdicts = grade(out.getvalue(), ".pptx", specs, starter=None)
        self.assertEqual(verdicts[0].earned, Decimal(0))

    def test_an_unknown_criterion_earns_nothing_and_the_others_are_graded(self) -> None:
        verdicts = grade(
            fixture("good.pptx"), ".pptx", [{"key": "sound"}, GOOD_SPECS[0]], starter=None
        )
        self.assertEqual([v.earned for v in verdicts], [Decimal(0), Decimal(1)])


class ValidateSpecsTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_the_good_specs_and_the_defaults_are_valid(self) -> None:
        self.assertEqual(validate_specs(GOOD_SPECS), [])
        defaults = [
            {"key": key, "weight": "0.5"} for key in presentation.CRITERIA if key != "contains_text"
        ]
        self.assertEqual(validate_specs(defaults), [])

    def test_it_names_each_problem(self) -> None:
        problems = validate_specs(
            [
                {"key": "sound", "weight": "1"},
                {"key": "slide_count", "weight": "1", "params": {"min": 5, "max": 3}},
                {"key": "layout", "weight": "1", "params": {"layout": "Title, Content"}},
                {"key": "picture", "weight": "1", "params": {"min": "many"}},
                {"key": "transition", "weight": "1", "params": {"all": "yes"}},
                {"key": "contains_text", "weight": "1", "params": {"phrases": []}},
                {"key": "title_slide", "weight": "1", "params": ["x"]},
                "slide_count",
                {"key": "picture", "weight": "0"},
                {"key": "picture", "weight": "1", "params": {"minimum": 2}},
            ]
        )
        self.assertEqual(len(problems), 10, problems)
        self.assertEqual(
            problems[0], "Criterion 1: “sound” is not a criterion of a presentation task."
        )
        self.assertEqual(problems[1], "Number of slides: “max” must not be less than “min”.")
        self.assertIn("title_and_content", problems[2])
        self.assertEqual(problems[7], "Criterion 8 is not a key with a weight.")
        self.assertEqual(
            problems[8], "Pictures on the slides: the weight must be a positive number."
        )
        self.assertEqual(problems[9], "Pictures on the slides: unknown parameter “minimum”.")
        self.assertEqual(validate_specs([]), ["The task must have at least one criterion."])
        self.assertEqual(validate_specs("nope"), ["The task must have at least one criterion."])
