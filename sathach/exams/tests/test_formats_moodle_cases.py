"""The cases of Moodle's own import and export (question/format/xml and question/format/gift
in moodle/moodle, with their fixtures and tests), written anew here: a file that Moodle
writes or accepts reads here as Moodle means it, and what we write Moodle reads."""

from __future__ import annotations

import base64
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from sathach.exams.formats.base import Answer, Image, MatchPair, ParsedQuestion
from sathach.exams.formats.gift import read_gift
from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.formats.moodle_xml_write import write_moodle_xml

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGO4pSoLAAL5AR37PQ3VAAAAAElFTkSuQmCC"
)
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def file(name: str, content: bytes, path: str = "/") -> str:
    data = base64.b64encode(content).decode()
    return f'<file name="{name}" path="{path}" encoding="base64">{data}</file>'


def quiz(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>"
    ).encode()


def choice(name: str, *answers: tuple[str, str], single: str = "false", extra: str = "") -> str:
    body = "".join(
        f'<answer fraction="{fraction}" format="html"><text>{text}</text></answer>'
        for fraction, text in answers
    )
    return (
        f'<question type="multichoice"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>Chọn</text></questiontext>'
        f"<single>{single}</single>{extra}{body}</question>"
    )


class MoodleXmlTypeNameTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def matching(self, kind: str) -> bytes:
        return quiz(
            f'<question type="{kind}"><name><text>Ghép</text></name>'
            '<questiontext format="html"><text>Ghép phím tắt</text></questiontext>'
            "<shuffleanswers>true</shuffleanswers>"
            '<subquestion format="html"><text>Ctrl+C</text><answer><text>Chép</text></answer></subquestion>'
            '<subquestion format="html"><text>Ctrl+V</text><answer><text>Dán</text></answer></subquestion>'
            '<subquestion format="html"><text></text><answer><text>Xoá</text></answer></subquestion>'
            "</question>"
        )

    def test_it_reads_a_matching_question_as_moodle_writes_it(self) -> None:
        result = read_moodle_xml(self.matching("matching"))
        self.assertEqual(result.warnings, [])
        self.assertEqual(
            result.questions[0].pairs,
            [MatchPair("Ctrl+C", "Chép"), MatchPair("Ctrl+V", "Dán"), MatchPair("", "Xoá")],
        )

    def test_it_still_reads_the_short_type_name_match(self) -> None:
        self.assertEqual(read_moodle_xml(self.matching("match")).questions[0].type, "matching")

    def test_it_writes_matching_questions_under_the_name_moodle_writes(self) -> None:
        question = read_moodle_xml(self.matching("matching")).questions[0]
        written = write_moodle_xml([question]).decode()
        self.assertIn('<question type="matching">', written)
        self.assertNotIn('type="match"', written)

    def test_it_skips_a_cloze_question_naming_it_in_vietnamese(self) -> None:
        data = quiz(
            '<question type="cloze"><name><text>Điền từ</text></name>'
            "<questiontext><text>Thủ đô là {1:SHORTANSWER:=Hà Nội}</text></questiontext></question>"
        )
        with translation.override("vi"):
            result = read_moodle_xml(data)
        self.assertEqual(result.questions, [])
        self.assertEqual(
            [(w.line, w.message) for w in result.warnings],
            [
                (
                    3,
                    "Câu hỏi 'Điền từ' thuộc loại 'cloze' (câu hỏi nhúng đáp án (cloze)), "
                    "ngân hàng câu hỏi không hỗ trợ; câu hỏi đã bị bỏ qua.",
                )
            ],
        )


class MoodleXmlPictureTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_keeps_the_pictures_of_answers_feedback_and_general_feedback(self) -> None:
        result = read_moodle_xml(
            quiz(
                '<question type="multichoice"><name><text>Biểu tượng</text></name>'
                '<questiontext format="html"><text><![CDATA[<p>Biểu tượng nào là Lưu? '
                f'<img src="@@PLUGINFILE@@/a.png"></p>]]></text>{file("a.png", PNG)}</questiontext>'
                '<generalfeedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/g.png">]]>'
                f"</text>{file('g.png', GIF)}</generalfeedback>"
                "<single>true</single>"
                '<answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]>'
                f"</text>{file('a.png', GIF)}"
                '<feedback format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/sub/f%20x.png">]]>'
                f"</text>{file('f x.png', PNG, '/sub/')}</feedback></answer>"
                '<answer fraction="0" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]>'
                f"</text>{file('a.png', PNG)}</answer>"
                '<correctfeedback format="html"><text>Đúng</text>'
                f"{file('c.png', PNG)}</correctfeedback>"
                "</question>"
            )
        )
        self.assertEqual(result.errors, [])
        question = result.questions[0]
        self.assertEqual(
            question.images,
            [
                Image("a.png", PNG),
                Image("g.png", GIF),
                Image("2-a.png", GIF),
                Image("sub_f x.png", PNG),
            ],
        )
        right, wrong = question.answers
        # Another picture under a taken name is renamed, and its text follows.
        self.assertEqual(right.text, '<img src="@@PLUGINFILE@@/2-a.png">')
        self.assertEqual(right.feedback, '<img src="@@PLUGINFILE@@/sub_f%20x.png">')
        # The same picture under the same name is kept once.
        self.assertEqual(wrong.text, '<img src="@@PLUGINFILE@@/a.png">')
        self.assertEqual(question.general_feedback, '<img src="@@PLUGINFILE@@/g.png">')
        self.assertEqual(
            [w.message for w in result.warnings],
            [
                "1 picture of a text that the question bank does not keep (feedback for right "
                "or wrong responses, hints, grader information) was left out."
            ],
        )

    def test_it_writes_each_picture_with_the_texts_that_show_it(self) -> None:
        question = ParsedQuestion(
            type="single",
            text='<p>Chọn <img src="@@PLUGINFILE@@/q.png"></p>',
            text_format="html",
            answers=[
                Answer('<img src="@@PLUGINFILE@@/a.png">', Decimal(1), "Đúng"),
                Answer("Không", Decimal(0), '<img src="@@PLUGINFILE@@/f.png">'),
            ],
            images=[
                Image("q.png", PNG),
                Image("a.png", GIF),
                Image("f.png", PNG),
                Image("x.png", GIF),
            ],
        )
        written = write_moodle_xml([question]).decode()
        text = written[written.index("<questiontext") : written.index("</questiontext>")]
        self.assertIn('<file name="q.png"', text)
        self.assertIn('<file name="x.png"', text)  # shown by no text: kept with the question text
        self.assertNotIn('<file name="a.png"', text)
        first, second = written.split("<answer ")[1:3]
        self.assertIn('<file name="a.png"', first)
        self.assertIn('<file name="f.png"', second.split("<feedback")[1])
        again = read_moodle_xml(write_moodle_xml([question])).questions[0]
        self.assertEqual(again.answers, question.answers)
        self.assertEqual(sorted(i.name for i in again.images), ["a.png", "f.png", "q.png", "x.png"])

    def old_image(self, fmt: str, name: str = "moodle.png", data: str | None = None) -> bytes:
        data = base64.b64encode(PNG).decode() if data is None else data
        return quiz(
            '<question type="multichoice"><name><text>Ảnh cũ</text></name>'
            f'<questiontext format="{fmt}"><text>Câu có ảnh &amp; chữ\nhai dòng</text></questiontext>'
            f"<image>{name}</image><image_base64>\n{data}\n</image_base64>"
            '<answer fraction="100"><text>Đúng</text></answer><answer fraction="0"><text>Sai</text></answer>'
            "</question>"
        )

    def test_it_adds_the_picture_of_moodle_1_9_to_the_question_text(self) -> None:
        question = read_moodle_xml(self.old_image("html")).questions[0]
        self.assertEqual(question.images, [Image("moodle.png", PNG)])
        self.assertEqual(
            question.text, 'Câu có ảnh & chữ\nhai dòng <img src="@@PLUGINFILE@@/moodle.png" alt="">'
        )

    def test_a_plain_question_with_an_old_picture_becomes_html_showing_the_same_text(self) -> None:
        question = read_moodle_xml(self.old_image("moodle_auto_format", "dir/a.png")).questions[0]
        self.assertEqual(question.text_format, "html")
        self.assertEqual(
            question.text,
            'Câu có ảnh &amp; chữ<br>\nhai dòng <img src="@@PLUGINFILE@@/dir_a.png" alt="">',
        )

    def test_it_warns_when_the_old_picture_comes_without_its_data(self) -> None:
        result = read_moodle_xml(self.old_image("html", data=""))
        self.assertEqual(result.questions[0].images, [])
        self.assertEqual(
            [w.message for w in result.warnings],
            [
                "The picture of Moodle 1.9 (<image>moodle.png</image>) comes without its data "
                "(<image_base64>); it was left out."
            ],
        )


class MoodleGradeTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_it_refuses_a_weight_outside_moodles_list_naming_the_question_in_vietnamese(
        self,
    ) -> None:
        # Moodle's fixture error_invalid_grades.xml: 33% + 33.33333% + 33.33333% = 99.67%.
        data = quiz(
            choice(
                "Số nguyên tố",
                ("-50", "1"),
                ("33", "2"),
                ("33.33333", "3"),
                ("-50", "4"),
                ("33.33333", "5"),
            )
        )
        with translation.override("vi"):
            result = read_moodle_xml(data)
        self.assertEqual(result.questions, [])
        self.assertEqual(
            [(e.line, e.message) for e in result.errors],
            [
                (
                    3,
                    "Trọng số 33% của đáp án 2 trong câu hỏi 'Số nguyên tố' không thuộc các "
                    "trọng số Moodle cho phép; trọng số cho phép gần nhất là 33.33333%. Cho "
                    "phép: 100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, "
                    "25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5 và 0 phần trăm, và các "
                    "số âm tương ứng.",
                )
            ],
        )

    def test_it_takes_a_weight_close_to_one_of_the_list_as_that_one(self) -> None:
        result = read_moodle_xml(
            quiz(choice("Ba phần", ("33.333", "a"), ("33.3333333", "b"), ("33.33334", "c")))
        )
        self.assertEqual(result.errors, [])
        self.assertEqual(
            [a.fraction for a in result.questions[0].answers], [Decimal("0.3333333")] * 3
        )

    def test_the_right_weights_add_up_as_moodle_rounds_them(self) -> None:
        # Moodle accepts the sum when round(sum, 2) is 1: 99.52380% passes, 99.28571% does not.
        passes = choice(
            "Gần đủ",
            ("40", "a"),
            ("16.66667", "b"),
            ("14.28571", "c"),
            ("14.28571", "d"),
            ("14.28571", "e"),
        )
        fails = choice(
            "Thiếu", ("25", "a"), ("25", "b"), ("25", "c"), ("14.28571", "d"), ("10", "e")
        )
        result = read_moodle_xml(quiz(passes, fails))
        self.assertEqual([q.title for q in result.questions], ["Gần đủ"])
        self.assertEqual(
            [e.message for e in result.errors],
            ["The weights of the right options add up to 99.28571%; they must add up to 100%."],
        )

    def test_gift_weights_follow_the_same_list(self) -> None:
        result = read_gift(
            "::Ba::Chọn {~%33%a ~%33%b ~%34%c ~%-100%d}\n\n::Nửa::Chọn {~%50%a ~%50%b ~c}"
        )
        self.assertEqual([q.title for q in result.questions], ["Nửa"])
        self.assertEqual(
            [e.message.split(" is not")[0] for e in result.errors],
            [
                "The weight 33% of answer 1 of the question 'Ba'",
                "The weight 33% of answer 2 of the question 'Ba'",
                "The weight 34% of answer 3 of the question 'Ba'",
            ],
        )


class MoodleXmlSettingTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_a_multichoice_question_without_shuffleanswers_keeps_its_order(self) -> None:
        data = quiz(choice("Thứ tự", ("100", "a"), ("0", "b"), single="true"))
        self.assertFalse(read_moodle_xml(data).questions[0].shuffle)

    def test_a_matching_question_without_shuffleanswers_is_shuffled(self) -> None:
        data = quiz(
            '<question type="matching"><questiontext><text>Ghép</text></questiontext>'
            "<subquestion><text>a</text><answer><text>1</text></answer></subquestion>"
            "<subquestion><text>b</text><answer><text>2</text></answer></subquestion></question>"
        )
        self.assertTrue(read_moodle_xml(data).questions[0].shuffle)

    def test_it_reads_moodles_headers_and_ignores_what_the_bank_does_not_keep(self) -> None:
        data = quiz(
            '<question type="category"><category><text>$course$/top/IU02/Hệ điều hành</text>'
            '</category><info format="moodle_auto_format"><text>Mô tả</text></info>'
            "<idnumber>cat-1</idnumber></question>",
            '<question type="truefalse"><name><text>Windows</text></name>'
            '<questiontext format="plain_text"><text>Windows là hệ điều hành</text></questiontext>'
            '<generalfeedback format="plain_text"><text>Đúng vậy</text></generalfeedback>'
            "<defaultgrade>2.0000000</defaultgrade><penalty>1.0000000</penalty>"
            "<hidden>1</hidden><idnumber>q-1</idnumber>"
            '<answer fraction="100" format="moodle_auto_format"><text>true</text>'
            '<feedback format="html"><text>Giỏi</text></feedback></answer>'
            '<answer fraction="0" format="moodle_auto_format"><text>false</text>'
            '<feedback format="html"><text>Sai rồi</text></feedback></answer>'
            "<tags><tag><text>difficulty:easy</text></tag></tags></question>",
        )
        result = read_moodle_xml(data)
        self.assertEqual(result.warnings, [])
        question = result.questions[0]
        self.assertEqual(
            (question.category, question.text_format, question.default_mark, question.truefalse),
            ("IU02/Hệ điều hành", "plain", Decimal(2), True),
        )
        self.assertEqual(question.truefalse_feedback, ("Sai rồi", "Giỏi"))
        self.assertEqual(
            (question.general_feedback, question.tags), ("Đúng vậy", ["difficulty:easy"])
        )

    def test_it_warns_that_case_and_units_are_not_kept(self) -> None:
        data = quiz(
            '<question type="shortanswer"><questiontext><text>Hệ điều hành?</text></questiontext>'
            '<usecase>1</usecase><answer fraction="100"><text>Windows</text></answer></question>',
            '<question type="numerical"><questiontext><text>Bao nhiêu cm?</text></questiontext>'
            '<answer fraction="100"><text>3</text><tolerance>0</tolerance></answer>'
            "<units><unit><multiplier>1</multiplier><unit_name>cm</unit_name></unit></units></question>",
        )
        result = read_moodle_xml(data)
        self.assertEqual(len(result.questions), 2)
        self.assertEqual(
            [w.message for w in result.warnings],
            [
                "The question 'Hệ điều hành?' asks for answers in the right case (usecase); "
                "the question bank compares short answers without regard to case.",
                "The units of the question 'Bao nhiêu cm?' were left out: the question bank "
                "grades the number alone.",
            ],
        )

    def test_it_reads_the_old_fraction_element_of_numerical_answers(self) -> None:
        data = quiz(
            '<question type="numerical"><questiontext><text>Số?</text></questiontext>'
            "<answer><text>3</text><tolerance>0.5</tolerance><fraction>1</fraction></answer>"
            "<answer><text>4</text><fraction>0.5</fraction></answer></question>"
        )
        values = read_moodle_xml(data).questions[0].numerical
        self.assertEqual(
            [(v.value, v.tolerance, v.fraction) for v in values],
            [(Decimal(3), Decimal("0.5"), Decimal(1)), (Decimal(4), Decimal(0), Decimal("0.5"))],
        )


class MoodleGiftTests(SimpleTestCase):
    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_a_pre_listing_keeps_its_indentation(self) -> None:
        text = (
            "::Mã::[html]<p>Đoạn mã in ra gì?</p>\n"
            "<pre>\n"
            "for i in range(2):\n"
            "    print(i)\n"
            "        # thụt sâu\n"
            "</pre>{\n"
            "    =0 và 1\n"
            "    ~1 và 2\n"
            "}"
        )
        question = read_gift(text).questions[0]
        self.assertEqual(
            question.text,
            "<p>Đoạn mã in ra gì?</p>\n<pre>\nfor i in range(2):\n    print(i)\n"
            "        # thụt sâu\n</pre>",
        )
        self.assertEqual([a.text for a in question.answers], ["0 và 1", "1 và 2"])

    def test_an_indented_first_line_still_starts_with_its_title(self) -> None:
        question = read_gift("   ::Tên::Câu hỏi {T}").questions[0]
        self.assertEqual((question.title, question.text), ("Tên", "Câu hỏi"))

    def test_escapes_comments_and_several_lines_read_as_in_moodle(self) -> None:
        text = (
            "// A comment above is not part of the question\n"
            "::Ký tự\\: đặc biệt::Gõ \\{a\\} và \\~ \\= \\# \\\\ được gì?\n"
            "// a comment inside is dropped\n"
            "{=\\{a\\}#Đúng \\#1 ~b\\=c}"
        )
        question = read_gift(text).questions[0]
        self.assertEqual(question.title, "Ký tự: đặc biệt")
        self.assertEqual(question.text, "Gõ {a} và ~ = # \\ được gì?")
        self.assertEqual(
            question.answers, [Answer("{a}", Decimal(1), "Đúng #1"), Answer("b=c", Decimal(0))]
        )
