"""Pictures of a Moodle question on the exam page: the question text's and the options'."""

from __future__ import annotations

import base64
import shutil
import tempfile
from unittest import mock

from django.template import Context, Template
from django.test import TestCase, override_settings

from sathach.exams.formats.moodle_xml import read_moodle_xml
from sathach.exams.models import AttemptItem, QuestionVersion
from sathach.exams.selectors import attempt_review_items, question_body
from sathach.exams.services.bank import questions_import
from sathach.organization.models import User

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGO4pSoLAAL5AR37PQ3VAAAAAElFTkSuQmCC"
)


def picture(name: str) -> str:
    return f'<file name="{name}" path="/" encoding="base64">{base64.b64encode(PNG).decode()}</file>'


class OptionPictureTests(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="sathach-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media, MEDIA_URL="/media/"))

    def test_the_options_of_a_moodle_question_show_their_pictures(self) -> None:
        data = (
            '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
            '<name><text>Biểu tượng Lưu</text></name><questiontext format="html">'
            "<text><![CDATA[<p>Biểu tượng nào là <b>Lưu</b>? "
            '<img src="@@PLUGINFILE@@/hoi%20lưu.png"></p>]]></text>'
            f"{picture('hoi lưu.png')}</questiontext><single>true</single>"
            '<answer fraction="100" format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/dia.png" '
            f'alt="Đĩa" onerror="alert(1)">]]></text>{picture("dia.png")}</answer>'
            '<answer fraction="0" format="html"><text><![CDATA[<i>In</i>]]></text></answer>'
            "</question></quiz>"
        ).encode()
        result = read_moodle_xml(data)
        self.assertEqual(result.errors, [])
        questions_import(actor=None, result=result)
        version = QuestionVersion.objects.get()
        images = {image.name: image.file.url for image in version.images.all()}
        self.assertEqual(set(images), {"hoi lưu.png", "dia.png"})
        body = question_body(
            version.pk, version.type, version.text, version.text_format, version.data, [0, 1]
        )
        self.assertIn(f'<img src="{images["hoi lưu.png"]}">', body)
        self.assertIn(f'<img src="{images["dia.png"]}" alt="Đĩa">', body)
        self.assertIn("<i>In</i>", body)
        self.assertNotIn("@@PLUGINFILE@@", body)
        self.assertNotIn("onerror", body)
        # The address serves the picture (from the database, to whoever is signed in).
        self.client.force_login(User.objects.create(username="thisinh"))
        served = self.client.get(images["dia.png"])
        self.assertEqual((served.status_code, served["Content-Type"]), (200, "image/png"))
        self.assertEqual(served.content, PNG)

    def test_the_review_shows_an_html_options_answer_and_key_with_their_pictures(self) -> None:
        data = (
            '<?xml version="1.0" encoding="UTF-8"?><quiz><question type="multichoice">'
            '<name><text>Biểu tượng</text></name><questiontext format="html">'
            "<text><![CDATA[<p>Biểu tượng nào là <b>Lưu</b>?</p>]]></text></questiontext>"
            '<single>true</single><answer fraction="100" format="html"><text><![CDATA['
            f'<img src="@@PLUGINFILE@@/dia.png" alt="Đĩa">]]></text>{picture("dia.png")}</answer>'
            '<answer fraction="0" format="html"><text><![CDATA[<i>In</i>]]></text></answer>'
            "</question></quiz>"
        ).encode()
        questions_import(actor=None, result=read_moodle_xml(data))
        version = QuestionVersion.objects.get()
        url = version.images.get().file.url
        item = AttemptItem(version=version, position=1, response={"choice": 1})
        attempt = mock.Mock()
        attempt.items.select_related.return_value.prefetch_related.return_value = [item]
        (row,) = attempt_review_items(attempt, with_key=True)
        self.assertEqual(str(row.given), "<i>In</i>")
        self.assertEqual(str(row.right), f'<img src="{url}" alt="Đĩa">')
        page = Template("{{ row.given }} {{ row.right }}").render(Context({"row": row}))
        self.assertNotIn("&lt;", page)
