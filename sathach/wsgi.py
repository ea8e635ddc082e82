"""The WSGI application, for a WSGI server: Django alone, which answers the autosave with its
view. Production serves sathach.asgi (docs/DEPLOYMENT.md)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sathach.settings")
application = get_wsgi_application()
