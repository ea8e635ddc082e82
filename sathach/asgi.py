"""The ASGI application that gunicorn serves (sathach.gunicorn_config): the exam's autosave
answered on the event loop (sathach.exams.autosave), every other request by Django's WSGI
handler in a pool of threads (sathach.core.threaded_wsgi)."""

from __future__ import annotations

from sathach.wsgi import application as django_application  # sets Django up

# isort: split
from django.conf import settings

from sathach.core.threaded_wsgi import ThreadedWSGI
from sathach.exams.autosave import AutosaveApplication

# Room for a multipart upload of UPLOAD_MAX_BYTES; Django checks the size itself.
MAX_BODY = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 2 * 1024 * 1024

application = AutosaveApplication(
    ThreadedWSGI(django_application, threads=settings.SERVER_THREADS, max_body=MAX_BODY)
)
