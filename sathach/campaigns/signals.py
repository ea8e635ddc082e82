"""Signals that let the apps below a campaign follow it without the campaign knowing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction of a status change, with `campaign`, `before` and `actor`.
campaign_status_changed = Signal()
