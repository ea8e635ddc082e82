"""The WSGI application: Django, with the exam's autosave answered in front of it
(sathach.exams.autosave)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sathach.settings")
django_application = get_wsgi_application()

from sathach.exams.autosave import AutosaveApplication  # noqa: E402  (Django is set up)

application = AutosaveApplication(django_application)
