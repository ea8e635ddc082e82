"""The client's address behind the documented reverse proxy.

A request that reaches the server from one of `TRUSTED_PROXIES` (nginx on 127.0.0.1, as
docs/DEPLOYMENT.md sets it up) carries the client's address in `X-Forwarded-For`, which
nginx appends to. The header is read from the right, skipping the trusted proxies: the
first other address is the client's, so a client cannot pretend to be someone else by
sending a header of its own. From any other peer the header is ignored. The sign-in lockout
(django-axes) counts failures per account and this address, so that nobody can lock an
examinee's account from elsewhere.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    peer = _valid(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(settings.TRUSTED_PROXIES)
    if peer is None or peer not in trusted:
        return peer
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _valid(hop)
        if address is None:
            return peer  # a malformed header: trust nothing it says
        if address not in trusted:
            return address
    return peer
