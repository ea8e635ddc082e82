"""A certificate's name as people read it (issue 17, point 3): "Họ tên: Trần Thị Ngân;
Chức vụ: Chủ tịch; Đơn vị: UBND xã Đại Ân 1" instead of the RFC 4514 string stored with a
certificate ("CN=Trần Thị Ngân,2.5.4.12=Chủ tịch,O=UBND xã Đại Ân 1,C=VN")."""

from __future__ import annotations

from cryptography.x509 import Name
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext_lazy as _

# In the order people read them: who, their position, where.
LABELS = {
    NameOID.COMMON_NAME: _("Holder's name"),
    NameOID.TITLE: _("Holder's position"),
    NameOID.ORGANIZATIONAL_UNIT_NAME: _("Holder's department"),
    NameOID.ORGANIZATION_NAME: _("Holder's unit"),
    NameOID.LOCALITY_NAME: _("Holder's locality"),
    NameOID.STATE_OR_PROVINCE_NAME: _("Holder's province"),
    NameOID.COUNTRY_NAME: _("Holder's country"),
    NameOID.EMAIL_ADDRESS: _("Holder's email"),
    NameOID.SERIAL_NUMBER: _("Holder's serial number"),
    NameOID.USER_ID: _("Holder's identifier"),
}


def name_text(rfc4514: str) -> str:
    """The attributes of a stored name with Vietnamese labels; one not in LABELS is left
    out, and a string that is no name is returned as it is."""
    try:
        name = Name.from_rfc4514_string(rfc4514)
    except ValueError:
        return rfc4514
    parts = []
    for oid, label in LABELS.items():
        for attribute in name.get_attributes_for_oid(oid):
            parts.append(f"{label}: {attribute.value!s}")
    return "; ".join(parts) if parts else rfc4514
