"""What the exams tell the apps above them, which exams must not import: the notices listen
to `session_changed` to tell the leaders of a moved session or a moved leader. The e-office
sessions (`eoffice`, above exams) send it too, with `OfficeSession` as the sender."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction commits, with `session` (the session as it is now) and
# `persons` (the leaders whose time or place changed).
session_changed = Signal()
