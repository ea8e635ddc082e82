"""Moodle's own Moodle XML tests, case by case: question/format/xml/tests/xmlformat_test.php
and qformat_xml_import_export_test.php in moodle/moodle with their fixtures (categories in
any order, nested, without `top`, with a description and an idnumber). The inputs are written
anew here; the GIFT half and the rules are in test_formats_moodle_suite.py."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from sathach.exams.formats.base import Answer, MatchPair, NumericalAnswer, ParsedQuestion
from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.formats.moodle_xml_write import write_moodle_xml
from sathach.exams.tests.test_formats_moodle_suite import (
    only,
    question,
    quiz,
    round_trip_xml,
    warnings,
)

TRUE_FALSE_ANSWERS = (
    '<answer fraction="100" format="moodle_auto_format"><text>true</text>'
    '<feedback format="html"><text>Giỏi!</text></feedback></answer>'
    '<answer fraction="0" format="moodle_auto_format"><text>false</text>'
    '<feedback format="html"><text>Ôi!</text></feedback></answer>'
)


class XmlImportTests(SimpleTestCase):
    """xmlformat_test.php's test_import_*."""

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_a_description_is_worth_nothing_and_keeps_its_feedback_and_tags(self) -> None:
        result = read_moodle_xml(
            quiz(
                question(
                    "description",
                    "Một mô tả",
                    "<generalfeedback><text>Phản hồi chung.</text></generalfeedback>"
                    "<defaultgrade>0</defaultgrade><penalty>0</penalty><hidden>0</hidden>"
                    "<tags><tag><text>mô tả</text></tag><tag><text>thử</text></tag></tags>",
                    text="Văn bản câu hỏi.",
                )
            )
        )
        description = only(result)
        self.assertEqual(
            (description.type, description.title, description.text, description.text_format),
            ("description", "Một mô tả", "Văn bản câu hỏi.", "html"),
        )
        self.assertEqual(
            (description.default_mark, description.general_feedback, description.tags),
            (Decimal(0), "Phản hồi chung.", ["mô tả", "thử"]),
        )
        self.assertEqual(result.warnings, [])

    def test_an_essay_of_moodle_2_0_and_2_1_reads_without_its_response_settings(self) -> None:
        old = question(
            "essay", "Bài luận", "<defaultgrade>1</defaultgrade>", fmt="moodle_auto_format"
        )
        new = question(
            "essay",
            "Bài luận",
            "<responseformat>monospaced</responseformat><responserequired>0</responserequired>"
            "<responsefieldlines>42</responsefieldlines><attachments>-1</attachments>"
            "<attachmentsrequired>1</attachmentsrequired>"
            '<graderinfo format="html"><text><![CDATA[<p>Chấm <b>rộng tay</b>!</p>]]></text>'
            '</graderinfo><responsetemplate format="html"><text><![CDATA[<p>Mẫu</p>]]></text>'
            "</responsetemplate>",
            fmt="moodle_auto_format",
        )
        for data in (old, new):
            essay = only(read_moodle_xml(quiz(data)))
            self.assertEqual(
                (essay.type, essay.text_format, essay.default_mark),
                ("essay", "moodle", Decimal(1)),
            )

    def test_a_matching_question_of_moodle_1_9_keeps_its_order_setting_and_extra_answer(
        self,
    ) -> None:
        result = read_moodle_xml(
            quiz(
                question(
                    "matching",
                    "Ghép",
                    "<generalfeedback><text>A -> a, B -> b.</text></generalfeedback>"
                    "<shuffleanswers>false</shuffleanswers>"
                    "<correctfeedback><text>Giỏi.</text></correctfeedback>"
                    "<subquestion><text>A</text><answer><text>a</text></answer></subquestion>"
                    "<subquestion><text>B</text><answer><text>b</text></answer></subquestion>"
                    "<subquestion><text></text><answer><text>d</text></answer></subquestion>"
                    "<hint><text>Gợi ý 1</text><shownumcorrect /></hint>",
                )
            )
        )
        matching = only(result)
        self.assertEqual((matching.shuffle, matching.general_feedback), (False, "A -> a, B -> b."))
        self.assertEqual(
            matching.pairs, [MatchPair("A", "a"), MatchPair("B", "b"), MatchPair("", "d")]
        )
        self.assertEqual(result.warnings, [])

    def test_a_multichoice_question_of_moodle_1_9_keeps_its_mark_and_order(self) -> None:
        answers = "".join(
            f'<answer fraction="{weight}"><text>{text}</text><feedback><text></text>'
            "</feedback></answer>"
            for weight, text in (("0", "1"), ("50", "2"), ("0", "3"), ("50", "4"))
        )
        multiple = only(
            read_moodle_xml(
                quiz(
                    question(
                        "multichoice",
                        "Số chẵn",
                        "<defaultgrade>2</defaultgrade><single>false</single>"
                        "<shuffleanswers>false</shuffleanswers><answernumbering>abc"
                        "</answernumbering><correctfeedback><text><![CDATA[<p>Đúng.</p>]]>"
                        "</text></correctfeedback><shownumcorrect/>" + answers,
                    )
                )
            )
        )
        self.assertEqual(
            (multiple.type, multiple.default_mark, multiple.shuffle),
            ("multiple", Decimal(2), False),
        )
        self.assertEqual(
            [(a.text, a.fraction) for a in multiple.answers],
            [("1", 0), ("2", Decimal("0.5")), ("3", 0), ("4", Decimal("0.5"))],
        )

    def test_two_right_answers_worth_100_each_are_an_error_as_documented(self) -> None:
        # Moodle's own 1.9 case weighs 2 and 4 at 100% each; its import only parses it, and
        # the bank refuses weights that add up to more than the mark.
        answers = "".join(
            f'<answer fraction="{weight}"><text>{text}</text></answer>'
            for weight, text in (("0", "1"), ("100", "2"), ("100", "4"))
        )
        result = read_moodle_xml(
            quiz(question("multichoice", "Số chẵn", "<single>false</single>" + answers))
        )
        self.assertEqual(result.questions, [])
        self.assertEqual(
            [error.message for error in result.errors],
            ["The weights of the right options add up to 200%; they must add up to 100%."],
        )

    def test_numerical_values_keep_wrong_ones_with_feedback_and_warn_for_any_other(
        self,
    ) -> None:
        result = read_moodle_xml(
            quiz(
                question(
                    "numerical",
                    "Con số",
                    "<penalty>0.1</penalty>"
                    '<answer fraction="100"><text>42</text><feedback><text>Giỏi!</text>'
                    "</feedback><tolerance>0.001</tolerance></answer>"
                    '<answer fraction="0"><text>13</text><feedback><text>Nghĩ gì vậy?</text>'
                    "</feedback><tolerance>1</tolerance></answer>"
                    '<answer fraction="0"><text>*</text><feedback><text>Sai hẳn.</text>'
                    "</feedback><tolerance></tolerance></answer>",
                )
            )
        )
        self.assertEqual(
            only(result).numerical,
            [
                NumericalAnswer(Decimal(42), Decimal("0.001"), Decimal(1), "Giỏi!"),
                NumericalAnswer(Decimal(13), Decimal(1), Decimal(0), "Nghĩ gì vậy?"),
            ],
        )
        self.assertEqual(
            warnings(result),
            [
                "The question 'Con số' gives feedback for any other answer (*); the question "
                "bank has no such answer, so that feedback was left out."
            ],
        )

    def test_short_answers_leave_out_any_other_answer_and_read_an_escaped_star(self) -> None:
        result = read_moodle_xml(
            quiz(
                question(
                    "shortanswer",
                    "Dãy",
                    "<usecase>0</usecase>"
                    '<answer fraction="100" format="plain_text"><text>Beta</text>'
                    "<feedback><text>Giỏi!</text></feedback></answer>"
                    '<answer fraction="50" format="plain_text"><text>\\*</text></answer>'
                    '<answer fraction="0" format="plain_text"><text>*</text>'
                    "<feedback><text>Ôi!</text></feedback></answer>",
                    text="Alpha, ________, Gamma.",
                )
            )
        )
        self.assertEqual(
            only(result).answers,
            [Answer("Beta", Decimal(1), "Giỏi!"), Answer("*", Decimal("0.5"))],
        )
        self.assertEqual(
            warnings(result),
            [
                "The question 'Dãy' gives feedback for any other answer (*); the question "
                "bank has no such answer, so that feedback was left out."
            ],
        )

    def test_a_short_answer_whose_wildcard_earns_marks_is_skipped_in_vietnamese(self) -> None:
        data = quiz(
            question("shortanswer", "Ếch", '<answer fraction="100"><text>ếch*</text></answer>')
        )
        with translation.override("vi"):
            result = read_moodle_xml(data)
        self.assertEqual((result.questions, result.errors), ([], []))
        self.assertEqual(
            warnings(result),
            [
                "Đáp án 'ếch*' của câu hỏi 'Ếch' cho điểm mọi câu trả lời khớp với ký tự đại "
                "diện * của Moodle; ngân hàng câu hỏi so khớp đáp án đúng như đã viết nên câu "
                "hỏi đã bị bỏ qua. Viết \\* cho dấu sao là một phần của đáp án."
            ],
        )

    def test_case_and_units_warnings_name_the_question(self) -> None:
        result = read_moodle_xml(
            quiz(
                question(
                    "shortanswer",
                    "Hoa thường",
                    '<usecase>1</usecase><answer fraction="100"><text>word</text></answer>',
                ),
                question(
                    "numerical",
                    "Độ dài",
                    '<answer fraction="100"><text>3</text></answer><units><unit>'
                    "<multiplier>1</multiplier><unit_name>cm</unit_name></unit></units>",
                ),
            )
        )
        self.assertEqual(
            warnings(result),
            [
                "The question 'Hoa thường' asks for answers in the right case (usecase); the "
                "question bank compares short answers without regard to case.",
                "The units of the question 'Độ dài' were left out: the question bank grades "
                "the number alone.",
            ],
        )

    def test_a_true_false_question_with_an_idnumber(self) -> None:
        statement = only(
            read_moodle_xml(
                quiz(
                    question(
                        "truefalse",
                        "Đúng sai",
                        "<penalty>1</penalty><idnumber>TestIdNum1</idnumber>" + TRUE_FALSE_ANSWERS,
                    )
                )
            )
        )
        self.assertEqual(
            (statement.truefalse, statement.truefalse_feedback), (True, ("Ôi!", "Giỏi!"))
        )

    def test_a_file_with_or_without_a_folder_is_kept_and_its_link_follows(self) -> None:
        data = base64.b64encode(b"Moodle").decode()
        link = '<a href="@@PLUGINFILE@@/{0}moodle.txt">Tệp</a>'
        for path, folder in (("", ""), (' path="/thu muc/"', "thu%20muc/")):
            with self.subTest(path=path):
                xml = (
                    '<question type="truefalse"><questiontext format="html"><text><![CDATA[<p>'
                    f"{link.format(folder)}</p>]]></text>"
                    f'<file name="moodle.txt"{path} encoding="base64">{data}</file>'
                    f"</questiontext>{TRUE_FALSE_ANSWERS}</question>"
                )
                statement = only(read_moodle_xml(quiz(xml)))
                stored = "thu muc_moodle.txt" if folder else "moodle.txt"
                self.assertEqual(
                    [(i.name, i.content) for i in statement.images], [(stored, b"Moodle")]
                )
                self.assertIn(f"@@PLUGINFILE@@/{stored.replace(' ', '%20')}", statement.text)


class XmlCategoryTests(SimpleTestCase):
    """qformat_xml_import_export_test.php and its fixtures."""

    def category(self, path: str, extra: str = "") -> str:
        return (
            f'<question type="category"><category><text>{path}</text></category>{extra}</question>'
        )

    def essay(self, name: str) -> str:
        return question("essay", name, "", text=f"Thử {name}")

    def test_categories_in_any_order_nested_or_without_top_hold_their_questions(self) -> None:
        result = read_moodle_xml(
            quiz(
                self.category("$course$/Sigma/Tau", '<info format="html"><text>Tau</text></info>'),
                self.essay("Tau"),
                self.category("$course$/Sigma"),
                self.essay("Sigma"),
                self.category(
                    "$course$/top/Iota/Kappa/Lambda",
                    '<info format="markdown"><text>Lambda</text></info>'
                    "<idnumber>The inequalities &lt; &amp; &gt;</idnumber>",
                ),
                self.essay("Lambda"),
                self.category("$system$/top"),
                self.essay("Gốc"),
            )
        )
        self.assertEqual(result.errors, [])
        self.assertEqual(
            [(q.title, q.category) for q in result.questions],
            [
                ("Tau", "Sigma/Tau"),
                ("Sigma", "Sigma"),
                ("Lambda", "Iota/Kappa/Lambda"),
                ("Gốc", ""),
            ],
        )

    def test_a_slash_in_a_category_name_is_read_and_written_as_moodle_does(self) -> None:
        essay = only(
            read_moodle_xml(quiz(self.category("$course$/top/IU03/A//B"), self.essay("Q")))
        )
        self.assertEqual(essay.category, "IU03/A\u2215B")
        self.assertIn("<text>$course$/top/IU03/A//B</text>", write_moodle_xml([essay]).decode())
        self.assertEqual(round_trip_xml(essay), essay)


class XmlExportTests(SimpleTestCase):
    """xmlformat_test.php's test_xml_escape_* and test_export_*: what Moodle reads back."""

    def written(self, question: ParsedQuestion) -> str:
        return write_moodle_xml([question]).decode()

    def test_text_is_escaped_as_moodle_escapes_it(self) -> None:
        cases = {
            "Không có gì lạ. Kể cả quán café hay 日本.": "Không có gì lạ. Kể cả quán café hay 日本.",
            "<p>Không <b>lạ</b>.</p>": "<![CDATA[<p>Không <b>lạ</b>.</p>]]>",
            "<script><![CDATA[alert(1<2);]]></script>": (
                "<![CDATA[<script><![CDATA[alert(1<2);]]]]><![CDATA[></script>]]>"
            ),
            "if (x[[0]]>a) print('hah');": "<![CDATA[if (x[[0]]]]><![CDATA[>a) print('hah');]]>",
        }
        for text, escaped in cases.items():
            with self.subTest(text=text):
                essay = ParsedQuestion(type="essay", text=text, text_format="html")
                written = self.written(essay)
                self.assertIn(f'<questiontext format="html"><text>{escaped}</text>', written)
                self.assertEqual(
                    ET.fromstring(written).findtext("question/questiontext/text"), text
                )
                self.assertEqual(round_trip_xml(essay), essay)

    def test_every_type_of_moodles_export_tests_reads_back_the_same(self) -> None:
        cases = [
            ParsedQuestion(
                type="description",
                title="Một mô tả",
                text="Văn bản.",
                text_format="html",
                general_feedback="Phản hồi.",
                default_mark=Decimal(0),
            ),
            ParsedQuestion(
                type="essay",
                title="Bài luận",
                text="Viết gì đó.",
                text_format="moodle",
                general_feedback="Mong là hay.",
            ),
            ParsedQuestion(
                type="matching",
                title="Ghép",
                text="Ghép chữ hoa với chữ thường.",
                text_format="html",
                general_feedback="A -> a, B -> b.",
                pairs=[MatchPair("A", "a"), MatchPair("B", "b"), MatchPair("", "d")],
            ),
            ParsedQuestion(
                type="multiple",
                title="Số chẵn",
                text="Số nào chẵn?",
                text_format="html",
                default_mark=Decimal(2),
                shuffle=False,
                answers=[
                    Answer("1", Decimal(0)),
                    Answer("2", Decimal("0.5"), "Đúng"),
                    Answer("3", Decimal(0)),
                    Answer("4", Decimal("0.5")),
                ],
            ),
            ParsedQuestion(
                type="numerical",
                title="Con số",
                text="Đáp án là gì?",
                text_format="html",
                numerical=[
                    NumericalAnswer(Decimal(42), Decimal("0.001"), Decimal(1), "Giỏi!"),
                    NumericalAnswer(Decimal(13), Decimal(1), Decimal(0), "Nghĩ gì vậy?"),
                ],
            ),
            ParsedQuestion(
                type="shortanswer",
                title="Dãy",
                text="Alpha, ________, Gamma.",
                text_format="html",
                general_feedback="Là Beta.",
                answers=[Answer("Beta", Decimal(1), "Giỏi!"), Answer("toad", Decimal("0.8"))],
            ),
            ParsedQuestion(
                type="truefalse",
                title="Đúng sai",
                text="Câu trả lời là đúng.",
                text_format="html",
                truefalse=True,
                truefalse_feedback=("Ôi!", "Giỏi!"),
            ),
        ]
        for case in cases:
            with self.subTest(type=case.type):
                self.assertEqual(round_trip_xml(case), case)

    def test_a_star_in_a_short_answer_is_escaped_so_that_moodle_matches_it_as_written(
        self,
    ) -> None:
        short = ParsedQuestion(
            type="shortanswer", text="Phép nhân?", answers=[Answer("dấu *", Decimal(1))]
        )
        self.assertIn("<text>dấu \\*</text>", self.written(short))
        self.assertEqual(round_trip_xml(short), short)

    def test_the_answers_of_a_true_false_question_are_named_as_moodle_names_them(self) -> None:
        statement = ParsedQuestion(type="truefalse", text="Đúng?", truefalse=False)
        root = ET.fromstring(self.written(statement))
        self.assertEqual(
            [(a.get("fraction"), a.findtext("text")) for a in root.iter("answer")],
            [("0", "true"), ("100", "false")],
        )
