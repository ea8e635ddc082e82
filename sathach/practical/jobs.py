"""The grading of an uploaded file runs in the background worker (`sathach worker`), so the
upload's answer is quick; the attempt's submission grades whatever is still waiting."""

from __future__ import annotations

from django_tasks import task

from sathach.practical.models import Upload
from sathach.practical.services import upload_grade


@task()
def upload_grade_run(upload_id: int) -> int:
    upload = Upload.objects.select_related("item__version").filter(pk=upload_id).first()
    if upload is None:
        return 0
    upload_grade(upload, upload.item.version)
    return upload_id
