"""The one door to SMS and Zalo: `send_sms(number, text)`, which returns when the provider
accepted the message and raises `GatewayError` with the provider's answer otherwise.

The HTTP implementation posts to `SMS_GATEWAY_URL` (JSON or a form, `SMS_GATEWAY_FORMAT`)
the fields `to`, `text` and `sender` (`SMS_SENDER`, the brand name), with the key
`SMS_GATEWAY_KEY` in the `Authorization: Bearer …` header and the `key` field. A provider
whose API differs (Zalo ZNS, a brand-name SMS operator) is reached through a small relay
of the installation's own, documented in docs/NOTICES.md: no provider SDK here."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

ANSWER_LIMIT = 400


class GatewayError(Exception):
    """The provider refused or could not be reached; `answer` is what it said (shortened),
    or a Vietnamese reason when no gateway is configured."""

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer[:ANSWER_LIMIT]


def send_sms(number: str, text: str) -> None:
    url = settings.SMS_GATEWAY_URL
    if not url:
        raise GatewayError(
            _(
                "No SMS or Zalo gateway is configured (SMS_GATEWAY_URL): ask the district IT "
                "staff to set one, or send the notice by e-mail."
            )
        )
    if not url.startswith(("http://", "https://")):
        raise GatewayError(_("SMS_GATEWAY_URL must start with http:// or https://."))
    fields = {
        "to": number,
        "text": text,
        "sender": settings.SMS_SENDER,
        "key": settings.SMS_GATEWAY_KEY,
    }
    headers = {"Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}"}
    if settings.SMS_GATEWAY_FORMAT == "form":
        data = urllib.parse.urlencode(fields).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
    else:
        data = json.dumps(fields, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    # The scheme is checked above: only http(s).
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
    try:
        timeout = settings.SMS_GATEWAY_TIMEOUT
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(ANSWER_LIMIT)
    except urllib.error.HTTPError as error:
        body = error.read(ANSWER_LIMIT).decode("utf-8", "replace")
        raise GatewayError(f"HTTP {error.code}: {body}".strip()) from error
    except (urllib.error.URLError, OSError) as error:
        raise GatewayError(str(getattr(error, "reason", error))) from error
