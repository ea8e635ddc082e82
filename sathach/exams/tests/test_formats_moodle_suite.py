"""Moodle's own format tests, case by case: question/format/gift/tests/giftformat_test.php
(with its fixtures questions.gift.txt and questions_in_category.gift.txt) and
question/format/xml/tests/xmlformat_test.php and qformat_xml_import_export_test.php (with
their fixtures) in moodle/moodle. The inputs are written anew here. What Moodle's tests
assert on import is what we import, or the difference docs/QUESTIONS.md lists, with a
warning that names the question; what Moodle's export tests expect to read back is what we
write. The pictures, type names and weights of Moodle's fixtures are in
test_formats_moodle_cases.py."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase
from django.utils import translation

from sathach.exams.formats.base import (
    Answer,
    MatchPair,
    NumericalAnswer,
    ParsedQuestion,
    ParseResult,
)
from sathach.exams.formats.gift import read_gift
from sathach.exams.formats.gift_write import write_gift
from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.formats.moodle_xml_write import write_moodle_xml


def only(result: ParseResult) -> ParsedQuestion:
    """The one question of a file that must read without errors."""
    assert result.errors == [], result.errors
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def warnings(result: ParseResult) -> list[str]:
    return [warning.message for warning in result.warnings]


def quiz(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(questions) + "\n</quiz>"
    ).encode()


def question(kind: str, name: str, body: str, text: str = "Câu hỏi", fmt: str = "html") -> str:
    return (
        f'<question type="{kind}"><name><text>{name}</text></name>'
        f'<questiontext format="{fmt}"><text>{text}</text></questiontext>{body}</question>'
    )


def round_trip_gift(original: ParsedQuestion) -> ParsedQuestion:
    again = only(read_gift(write_gift([original])))
    again.line = original.line
    return again


def round_trip_xml(original: ParsedQuestion) -> ParsedQuestion:
    again = only(read_moodle_xml(write_moodle_xml([original])))
    again.line = original.line
    return again


class GiftImportTests(SimpleTestCase):
    """giftformat_test.php's test_import_* and its two fixtures."""

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))

    def test_an_essay_keeps_its_title_and_text_without_the_comment_or_the_space(self) -> None:
        essay = only(read_gift("\n// bài luận\n::Q8:: Bạn khoẻ không? {}"))
        self.assertEqual(
            (essay.type, essay.title, essay.text, essay.text_format, essay.default_mark),
            ("essay", "Q8", "Bạn khoẻ không?", "plain", Decimal(1)),
        )

    def test_matching_prompts_lose_their_format_tags_and_an_empty_one_is_an_extra_answer(
        self,
    ) -> None:
        matching = only(
            read_gift(
                "// question: 2  name: Hoạt động\n"
                "::Hoạt động::[html]Ghép <b>hoạt động</b> với mô tả.{\n"
                "    =[html]Thảo luận không đồng thời. -> Diễn đàn\n"
                "    =[moodle]Hỏi và cho chọn. -> Lựa chọn\n"
                "    =[plain]Kho bản ghi. -> Cơ sở dữ liệu\n"
                "    =[markdown]Trang ai cũng sửa được. -> Wiki\n"
                "    = -> Trò chuyện\n"
                "}"
            )
        )
        self.assertEqual(
            (matching.type, matching.title, matching.text, matching.text_format),
            ("matching", "Hoạt động", "Ghép <b>hoạt động</b> với mô tả.", "html"),
        )
        self.assertEqual(
            matching.pairs,
            [
                MatchPair("Thảo luận không đồng thời.", "Diễn đàn"),
                MatchPair("Hỏi và cho chọn.", "Lựa chọn"),
                MatchPair("Kho bản ghi.", "Cơ sở dữ liệu"),
                MatchPair("Trang ai cũng sửa được.", "Wiki"),
                MatchPair("", "Trò chuyện"),
            ],
        )

    def test_choices_and_feedback_lose_the_spaces_around_the_hash_and_their_format_tags(
        self,
    ) -> None:
        single = only(
            read_gift(
                "::Q2:: Giữa cam và lục là màu gì?\n{\n"
                "    =vàng # đúng; giỏi!\n"
                "    ~đỏ # [html]sai, là vàng\n"
                "    ~[plain]lam # sai, là vàng\n"
                "}"
            )
        )
        self.assertEqual((single.type, single.text), ("single", "Giữa cam và lục là màu gì?"))
        self.assertEqual(
            single.answers,
            [
                Answer("vàng", Decimal(1), "đúng; giỏi!"),
                Answer("đỏ", Decimal(0), "sai, là vàng"),
                Answer("lam", Decimal(0), "sai, là vàng"),
            ],
        )

    def test_weights_without_an_equals_answer_make_a_multiple_answer_question(self) -> None:
        shared = only(
            read_gift(
                "::màu:: Màu nào?\n{\n    ~%50%vàng # đúng\n    ~%-100%đỏ # [html]sai\n"
                "    ~%50%be # đúng\n    ~%-100%[plain]lam # sai\n}"
            )
        )
        self.assertEqual(shared.type, "multiple")
        self.assertEqual(
            [(a.text, a.fraction, a.feedback) for a in shared.answers],
            [
                ("vàng", Decimal("0.5"), "đúng"),
                ("đỏ", Decimal(-1), "sai"),
                ("be", Decimal("0.5"), "đúng"),
                ("lam", Decimal(-1), "sai"),
            ],
        )
        # Moodle's "tricky" case: one answer worth 100% without =, the others negative.
        tricky = only(read_gift("::màu:: Màu nào?{~%100%vàng#đúng ~%-50%đỏ#sai ~%-50%lam#sai}"))
        self.assertEqual(tricky.type, "multiple")
        self.assertEqual(
            [a.fraction for a in tricky.answers], [Decimal(1), Decimal("-0.5"), Decimal("-0.5")]
        )

    def test_a_value_with_tolerance_keeps_it_and_warns_that_any_other_answer_is_left_out(
        self,
    ) -> None:
        result = read_gift("// khoảng\n::Q5:: Một số từ 1 đến 5? {#3:2~#Sai hoàn toàn}")
        numerical = only(result)
        self.assertEqual(numerical.numerical, [NumericalAnswer(Decimal(3), Decimal(2))])
        self.assertEqual(
            warnings(result),
            [
                "The question 'Q5' gives feedback for any other answer (*); the question bank "
                "has no such answer, so that feedback was left out."
            ],
        )

    def test_the_warning_for_any_other_answer_is_in_vietnamese(self) -> None:
        with translation.override("vi"):
            result = read_gift("::Q5:: Một số từ 1 đến 5? {#3:2~#Sai hoàn toàn}")
        self.assertEqual(
            warnings(result),
            [
                "Câu hỏi 'Q5' có phản hồi cho mọi câu trả lời khác (*); ngân hàng câu hỏi "
                "không có loại đáp án này nên phản hồi đó đã bị bỏ đi."
            ],
        )

    def test_ranges_and_several_weighted_values_read_as_moodle_reads_them(self) -> None:
        ranged = only(read_gift("::R:: Một số từ 1 đến 5? {#1..5}"))
        self.assertEqual(ranged.numerical, [NumericalAnswer(Decimal(3), Decimal(2))])
        several = only(
            read_gift("::N:: Năm nào?{#\n    =1822:0 #Đúng\n    =%50%1822:2 #Gần đúng\n}")
        )
        self.assertEqual(
            several.numerical,
            [
                NumericalAnswer(Decimal(1822), Decimal(0), Decimal(1), "Đúng"),
                NumericalAnswer(Decimal(1822), Decimal(2), Decimal("0.5"), "Gần đúng"),
            ],
        )

    def test_short_answers_keep_their_weights_and_leave_out_any_other_answer(self) -> None:
        result = read_gift(
            "// question: 666  name: Trả lời ngắn\n"
            "::Trả lời ngắn::Con vật nào tốt nhất?{\n"
            "    =Ếch#Tốt!\n"
            "    =%50%Mèo#Sao ai cũng thích mèo?\n"
            "    =%0%*#Sai hoàn toàn\n"
            "    ####[html]Đây là phản hồi chung!\n"
            "}"
        )
        short = only(result)
        self.assertEqual(
            short.answers,
            [
                Answer("Ếch", Decimal(1), "Tốt!"),
                Answer("Mèo", Decimal("0.5"), "Sao ai cũng thích mèo?"),
            ],
        )
        self.assertEqual(short.general_feedback, "Đây là phản hồi chung!")
        self.assertEqual(
            warnings(result),
            [
                "The question 'Trả lời ngắn' gives feedback for any other answer (*); the "
                "question bank has no such answer, so that feedback was left out."
            ],
        )

    def test_a_short_answer_whose_wildcard_earns_marks_is_skipped_naming_it(self) -> None:
        result = read_gift("::Ếch::Con gì kêu ộp ộp?{=ếch* =%50%*}")
        self.assertEqual((result.questions, result.errors), ([], []))
        self.assertEqual(
            warnings(result),
            [
                "The answer 'ếch*' of the question 'Ếch' gives marks to any text that Moodle's "
                "wildcard * matches; the question bank compares answers as written, so the "
                "question was skipped. Write \\* for a star that is part of the answer."
            ],
        )

    def test_an_escaped_star_is_a_star_that_the_answer_must_hold(self) -> None:
        result = read_gift("::Nhân::Phép nhân trong Excel dùng dấu nào?{=\\* =%50%dấu \\*}")
        self.assertEqual(
            only(result).answers, [Answer("*", Decimal(1)), Answer("dấu *", Decimal("0.5"))]
        )
        self.assertEqual(result.warnings, [])

    def test_true_false_feedback_is_for_the_wrong_then_the_right_answer(self) -> None:
        statement = only(
            read_gift(
                "// đúng/sai\n::Q1:: 42 là đáp án của mọi thứ.{\n"
                "FALSE#42 là Đáp án Tối thượng.#Bạn trả lời đúng.\n"
                "####Đó là chuyện Hitchhiker.}"
            )
        )
        self.assertEqual(
            (statement.truefalse, statement.truefalse_feedback, statement.general_feedback),
            (False, ("42 là Đáp án Tối thượng.", "Bạn trả lời đúng."), "Đó là chuyện Hitchhiker."),
        )
        for answer in ("T", "TRUE"):
            with self.subTest(answer=answer):
                true = only(read_gift(f"// name 0-11\n::2-08 TSL::TSL là gì đó.{{{answer}}}"))
                self.assertEqual((true.title, true.truefalse), ("2-08 TSL", True))

    def test_a_double_backslash_is_one_backslash(self) -> None:
        essay = only(read_gift("::hai gạch:: A \\\\ B \\\\\\\\ C{}"))
        self.assertEqual(essay.text, "A \\ B \\\\ C")

    def test_every_escape_and_an_escaped_line_break(self) -> None:
        single = only(
            read_gift("::Kí hiệu\\: cả:: Dòng một\\ndòng hai \\~ \\= \\# \\{ \\}?{=a\\=b ~c}")
        )
        self.assertEqual(
            (single.title, single.text), ("Kí hiệu: cả", "Dòng một\ndòng hai ~ = # { }?")
        )
        self.assertEqual([a.text for a in single.answers], ["a=b", "c"])

    def test_tags_come_from_moodles_comment_tokens_and_the_idnumber_is_not_kept(self) -> None:
        cases = {
            "// Thẻ để thử: [tag:tag] [tag:other-tag].\n// Và mã: [id:myid].": [
                "tag",
                "other-tag",
            ],
            "// [tag:  cơ bản] Đây là  \n// một [id:   bốn   ] câu[tag:cộng   ]hỏi.": [
                "cơ bản",
                "cộng",
            ],
            "// Không phải [tag:\n// \\ ếch].": [],
            "// [tag:t\\]ag].": ["t]ag"],
            "// [id:i\\]d] thôi.": [],
        }
        for comment, tags in cases.items():
            with self.subTest(comment=comment):
                essay = only(read_gift(comment + "\n::Tên:: Bạn khoẻ không? {}"))
                self.assertEqual((essay.title, essay.tags), ("Tên", tags))

    def test_a_category_line_after_a_comment_and_escapes_inside_html(self) -> None:
        result = read_gift(
            "// question: 0  name: switch category to $course$/Mặc định\n"
            "$CATEGORY: $course$/Mặc định cho tính năng mới\n\n"
            "// question: 43  name: Lời chào\n"
            '::Lời chào::[html]<a href\\="http\\://demo.example/chao.mp3">Nghe lời chào\\:</a>'
            "<br />Đó là tiếng gì?{\n\t~Anh#Nghe lại.\n\t=Pháp#Giỏi!\n}\n\n"
            "::Người dùng::[html]Ai dùng Moodle là ...{\n\t=%100%Moodler#\n}"
        )
        self.assertEqual(result.errors, [])
        greeting, user = result.questions
        self.assertEqual(
            (greeting.category, greeting.text),
            (
                "Mặc định cho tính năng mới",
                '<a href="http://demo.example/chao.mp3">Nghe lời chào:</a><br />Đó là tiếng gì?',
            ),
        )
        self.assertEqual(
            (user.type, user.answers), ("shortanswer", [Answer("Moodler", Decimal(1))])
        )

    def test_text_after_the_answers_leaves_a_blank_where_they_were(self) -> None:
        # As in Moodle's fixture, where a stray '";' follows the closing brace.
        numerical = only(read_gift('::Q5:: Một số từ 1 đến 5? {#3:2}";'))
        self.assertEqual(numerical.text, 'Một số từ 1 đến 5? _____";')

    def test_a_text_without_braces_is_a_description_worth_nothing(self) -> None:
        result = read_gift("::Mô tả:: Phần sau nói về Word.\n\n::Q::Đúng?{T}")
        description = result.questions[0]
        self.assertEqual(
            (description.type, description.text, description.default_mark),
            ("description", "Phần sau nói về Word.", Decimal(0)),
        )

    def test_a_slash_in_a_category_name_is_written_twice_as_in_moodle(self) -> None:
        statement = only(read_gift("$CATEGORY: $course$/top/IU03/Word//Writer\n\n::Q::Đúng?{T}"))
        self.assertEqual(statement.category, "IU03/Word\u2215Writer")


class GiftExportTests(SimpleTestCase):
    """giftformat_test.php's test_export_*: what Moodle writes and reads back."""

    def test_an_essay_is_written_as_moodle_writes_it(self) -> None:
        essay = ParsedQuestion(type="essay", title="Q8", text="Bạn khoẻ không?")
        self.assertEqual(write_gift([essay]), "::Q8::Bạn khoẻ không?{}\n")

    def test_a_matching_question_escapes_its_prompts(self) -> None:
        matching = ParsedQuestion(
            type="matching",
            title="Hoạt động",
            text="Ghép <b>hoạt động</b> với mô tả.",
            text_format="html",
            pairs=[
                MatchPair('<div class="frog">Thảo luận.</div>', "Diễn đàn"),
                MatchPair("Hỏi và cho chọn.", "Lựa chọn"),
                MatchPair("", "Trò chuyện"),
            ],
        )
        self.assertEqual(
            write_gift([matching]),
            "::Hoạt động::[html]Ghép <b>hoạt động</b> với mô tả.{\n"
            '\t=<div class\\="frog">Thảo luận.</div> -> Diễn đàn\n'
            "\t=Hỏi và cho chọn. -> Lựa chọn\n"
            "\t= -> Trò chuyện\n"
            "}\n",
        )
        self.assertEqual(round_trip_gift(matching), matching)

    def test_choices_are_written_with_their_marks_weights_and_feedback(self) -> None:
        single = ParsedQuestion(
            type="single",
            title="Q8",
            text="Giữa cam và lục là màu gì?",
            answers=[
                Answer("vàng", Decimal(1), "đúng; giỏi!"),
                Answer("đỏ", Decimal(0), "sai, là vàng"),
            ],
        )
        self.assertEqual(
            write_gift([single]),
            "::Q8::Giữa cam và lục là màu gì?{\n\t=vàng#đúng; giỏi!\n\t~đỏ#sai, là vàng\n}\n",
        )
        tricky = ParsedQuestion(
            type="multiple",
            title="Q8",
            text="Màu nào?",
            answers=[
                Answer("vàng", Decimal(1), "đúng"),
                Answer("đỏ", Decimal("-0.5")),
                Answer("lam", Decimal("-0.5")),
            ],
        )
        self.assertEqual(
            write_gift([tricky]), "::Q8::Màu nào?{\n\t~%100%vàng#đúng\n\t~%-50%đỏ\n\t~%-50%lam\n}\n"
        )
        self.assertEqual(round_trip_gift(tricky), tricky)

    def test_short_answers_and_general_feedback_read_back_the_same(self) -> None:
        short = ParsedQuestion(
            type="shortanswer",
            title="Trả lời ngắn",
            text="Con vật nào tốt nhất?",
            answers=[Answer("Ếch", Decimal(1), "Tốt!"), Answer("Mèo", Decimal("0.5"), "Ừ")],
            general_feedback="Đây là phản hồi chung!",
        )
        self.assertEqual(
            write_gift([short]),
            "::Trả lời ngắn::Con vật nào tốt nhất?{\n\t=Ếch#Tốt!\n\t=%50%Mèo#Ừ\n"
            "\t####Đây là phản hồi chung!\n}\n",
        )
        self.assertEqual(round_trip_gift(short), short)

    def test_a_star_in_a_short_answer_is_escaped_so_that_moodle_matches_it_as_written(
        self,
    ) -> None:
        short = ParsedQuestion(
            type="shortanswer", text="Phép nhân?", answers=[Answer("*", Decimal(1))]
        )
        written = write_gift([short])
        self.assertIn("=\\\\*", written)
        self.assertEqual(round_trip_gift(short), short)

    def test_true_false_is_written_with_both_feedbacks_and_the_general_one(self) -> None:
        statement = ParsedQuestion(
            type="truefalse",
            title="Đúng sai",
            text="Câu trả lời là đúng.",
            truefalse=True,
            truefalse_feedback=("Đây là câu trả lời sai.", "Đây là câu trả lời đúng."),
            general_feedback="Bạn nên chọn đúng.",
        )
        self.assertEqual(
            write_gift([statement]),
            "::Đúng sai::Câu trả lời là đúng.{TRUE#Đây là câu trả lời sai.#Đây là câu trả lời "
            "đúng.####Bạn nên chọn đúng.}\n",
        )
        self.assertEqual(round_trip_gift(statement), statement)

    def test_backslashes_are_doubled(self) -> None:
        essay = ParsedQuestion(type="essay", title="gạch", text="A \\ B \\\\ C")
        self.assertEqual(write_gift([essay]), "::gạch::A \\\\ B \\\\\\\\ C{}\n")
        self.assertEqual(round_trip_gift(essay), essay)

    def test_tags_are_written_as_moodles_tag_tokens(self) -> None:
        statement = ParsedQuestion(
            type="truefalse",
            title="Đúng sai",
            text="Đúng?",
            truefalse=True,
            tags=["difficulty:easy", "văn bản, mẫu", "t]ag"],
        )
        self.assertEqual(
            write_gift([statement]),
            "// [tag:difficulty:easy] [tag:văn bản, mẫu] [tag:t\\]ag]\n::Đúng sai::Đúng?{TRUE}\n",
        )
        self.assertEqual(round_trip_gift(statement), statement)

    def test_a_slash_in_a_category_name_is_written_twice(self) -> None:
        statement = ParsedQuestion(
            type="truefalse", text="Đúng?", truefalse=True, category="IU03/Word\u2215Writer"
        )
        written = write_gift([statement])
        self.assertTrue(written.startswith("$CATEGORY: IU03/Word//Writer\n"))
        self.assertEqual(round_trip_gift(statement), statement)
