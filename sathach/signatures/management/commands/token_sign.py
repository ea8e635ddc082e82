"""`sathach token_sign IN.pdf OUT.pdf`: sign a PDF with the USB token of this computer, the
server laying out and checking the signature (the split flow of docs/SIGNATURES.md)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from getpass import getpass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import pkcs11
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from pkcs11 import Mechanism
from pkcs11.util.ec import encode_ecdsa_signature

from sathach.core.errors import DomainError
from sathach.signatures.tokens import MECHANISM_EC, token_session, token_signing_key

# DigestInfo header of SHA-256 (RFC 8017 §9.2), for tokens that offer only raw CKM_RSA_PKCS.
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
TIMEOUT = 60


class Server:
    """The sathach server's signing API over HTTP(S), with a bearer token."""

    def __init__(self, url: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise CommandError(_("The server address starts with https:// or http://."))
        self.url = url.rstrip("/")
        self.token = ""

    def post(
        self, path: str, body: bytes, content_type: str, accept: str = "application/json"
    ) -> bytes:
        headers = {"Content-Type": content_type, "Accept": accept}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # The scheme is http(s), checked in __init__.
        request = Request(self.url + path, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return bytes(response.read())
        except HTTPError as error:
            try:
                message = json.loads(error.read())["error"]
            except (ValueError, KeyError, TypeError):
                message = f"HTTP {error.code}"
            raise CommandError(message) from None
        except (URLError, OSError) as error:
            raise CommandError(
                _("Cannot reach %(url)s: %(reason)s") % {"url": self.url, "reason": error}
            ) from None

    def post_json(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        answer = json.loads(self.post(path, json.dumps(data).encode(), "application/json"))
        assert isinstance(answer, dict)
        return answer

    def post_form(self, path: str, fields: dict[str, str], files: dict[str, Path]) -> Any:
        boundary = uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, path_ in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{path_.name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
                + path_.read_bytes()
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return json.loads(
            self.post(path, b"".join(parts), f"multipart/form-data; boundary={boundary}")
        )


def token_sign_bytes(key: Any, message: bytes, how: str) -> bytes:
    """The token's signature of `message`: ECDSA over SHA-256 (hashed here, DER-encoded),
    or RSA PKCS#1 v1.5 with SHA-256 (by the token, or over a DigestInfo made here)."""
    digest = hashlib.sha256(message).digest()
    if how == MECHANISM_EC:
        return bytes(encode_ecdsa_signature(key.sign(digest, mechanism=Mechanism.ECDSA)))
    try:
        return bytes(key.sign(message, mechanism=Mechanism.SHA256_RSA_PKCS))
    except pkcs11.MechanismInvalid:
        return bytes(key.sign(SHA256_DIGEST_INFO + digest, mechanism=Mechanism.RSA_PKCS))


class Command(BaseCommand):
    help = (
        "Sign IN.pdf with the USB token of this computer and write OUT.pdf. Asks for the "
        "password of the sathach account and the PIN of the token (never on the command "
        "line). The server lays out the leader's visible signature and sends the bytes to "
        "sign; the token signs them here; the server adds the time-stamp and hands the PDF "
        "back only if it validates as signed with the certificate registered for the leader."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="the PDF to sign")
        parser.add_argument("output", type=Path, help="where to write the signed PDF")
        parser.add_argument("--url", required=True, help="the sathach server, e.g. https://…")
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--module",
            default=os.environ.get("SATHACH_PKCS11_MODULE") or settings.PKCS11_MODULE,
            help="the token's PKCS#11 library (default: SATHACH_PKCS11_MODULE)",
        )
        parser.add_argument("--token-label", required=True, help="the token's label")
        parser.add_argument("--key-label", default=None, help="when the token has several keys")
        parser.add_argument("--page", type=int, default=0, help="0-based; -1 is the last page")
        parser.add_argument(
            "--box", default="", help="x1,y1,x2,y2 in points (default: bottom right)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(_("%(path)s does not exist.") % {"path": source})
        server = Server(options["url"])
        password = getpass(_("Password of %(user)s: ") % {"user": options["username"]})
        pin = getpass(_("PIN of the token: "))
        try:
            with token_session(
                module=options["module"], token_label=options["token_label"], pin=pin
            ) as session:
                key, certificate = token_signing_key(session, options["key_label"])
                login = server.post_json(
                    "/chu-ky-so/api/dang-nhap/",
                    {"username": options["username"], "password": password},
                )
                server.token = login["token"]
                prepared = server.post_form(
                    "/chu-ky-so/api/chuan-bi/",
                    {
                        "certificate": base64.b64encode(certificate).decode(),
                        "page": str(options["page"]),
                        "box": options["box"],
                    },
                    {"pdf": source},
                )
                try:
                    signature = token_sign_bytes(
                        key, base64.b64decode(prepared["to_sign"]), prepared["mechanism"]
                    )
                except pkcs11.PKCS11Error:
                    raise CommandError(_("The token refused to sign.")) from None
                signed = server.post(
                    f"/chu-ky-so/api/{prepared['id']}/hoan-tat/",
                    json.dumps({"signature": base64.b64encode(signature).decode()}).encode(),
                    "application/json",
                    accept="application/pdf",
                )
        except DomainError as error:
            raise CommandError(error.message) from None
        options["output"].write_bytes(signed)
        self.stdout.write(
            _("Signed: %(path)s (%(size)d bytes).")
            % {"path": options["output"], "size": len(signed)}
        )
