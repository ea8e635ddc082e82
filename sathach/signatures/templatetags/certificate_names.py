"""`{{ device.subject|certificate_name }}`: a stored certificate name as people read it."""

from __future__ import annotations

from django import template

from sathach.signatures.names import name_text

register = template.Library()


@register.filter
def certificate_name(value: str) -> str:
    return name_text(value or "")
