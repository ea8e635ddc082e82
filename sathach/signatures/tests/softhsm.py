"""SoftHSM2 tokens for the token-signing tests: a fresh token folder per test (its own
SOFTHSM2_CONF), tokens initialised by label, an RSA key imported from Python and an EC P-256
key generated on the token, each with a certificate issued by the test's exam CA and written
next to its key (same CKA_ID and label), as a USB token from a CA holds them.

SoftHSM reads SOFTHSM2_CONF when the module is initialised: once python-pkcs11 has loaded
it, each new folder needs `reinitialize()`.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pkcs11
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from sathach.organization.models import Person
from sathach.signatures import pki
from sathach.signatures.models import Authority
from sathach.signatures.services import authority

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"
SO_PIN = "87654321"
RSA_TOKEN = "leader-rsa"
EC_TOKEN = "leader-ec"


def available() -> bool:
    return Path(MODULE).is_file() and bool(shutil.which("softhsm2-util"))


@functools.cache
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TokenKey:
    token_label: str
    key_label: str
    key_id: str
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey


def _run(*command: str) -> bytes:
    return subprocess.run(command, check=True, capture_output=True).stdout


def _tool(token: str, *args: str) -> bytes:
    return _run(
        "pkcs11-tool", "--module", MODULE, "--token-label", token, "--login", "--pin", PIN, *args
    )


class SoftHsm:
    """A token folder with the RSA token and the EC token."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sathach-softhsm-"))
        (self.folder / "tokens").mkdir()
        conf = self.folder / "softhsm2.conf"
        conf.write_text(
            f"directories.tokendir = {self.folder / 'tokens'}\n"
            "objectstore.backend = file\nlog.level = ERROR\n"
        )
        self.previous_conf = os.environ.get("SOFTHSM2_CONF")
        os.environ["SOFTHSM2_CONF"] = str(conf)
        for label in (RSA_TOKEN, EC_TOKEN):
            _run(
                "softhsm2-util", "--init-token", "--free", "--label", label,
                "--pin", PIN, "--so-pin", SO_PIN,
            )  # fmt: skip
        pem = self.folder / "rsa.pem"
        pem.write_bytes(
            rsa_key().private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        _run(
            "softhsm2-util", "--import", str(pem), "--token", RSA_TOKEN,
            "--label", "leader", "--id", "0a01", "--pin", PIN,
        )  # fmt: skip
        pem.unlink()
        self.rsa = TokenKey(RSA_TOKEN, "leader", "0a01", rsa_key().public_key())
        _tool(EC_TOKEN, "--keypairgen", "--key-type", "EC:prime256v1", "--id", "0b01",
              "--label", "leader")  # fmt: skip
        spki = _tool(EC_TOKEN, "--read-object", "--type", "pubkey", "--id", "0b01")
        public = serialization.load_der_public_key(spki)
        assert isinstance(public, ec.EllipticCurvePublicKey)
        self.ec = TokenKey(EC_TOKEN, "leader", "0b01", public)
        self._reload()

    def _reload(self) -> None:
        if MODULE in pkcs11._loaded:
            pkcs11.lib(MODULE).reinitialize()

    def write_certificate(self, key: TokenKey, der: bytes) -> None:
        """Store the certificate with the key (same ID and label), as a CA's token does."""
        path = self.folder / "certificate.der"
        path.write_bytes(der)
        _tool(key.token_label, "--write-object", str(path), "--type", "cert",
              "--id", key.key_id, "--label", key.key_label)  # fmt: skip
        self._reload()

    def close(self) -> None:
        if self.previous_conf is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = self.previous_conf
        shutil.rmtree(self.folder, ignore_errors=True)


def issue_for_key(
    person: Person, public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey
) -> bytes:
    """A leader's signing certificate from the exam CA for a key that never leaves its token
    (the CA needs only the public key), as DER."""
    issuing = authority(Authority.Kind.ISSUING)
    certificate = pki.leader_certificate_for_key(
        issuing,
        public_key,
        full_name=person.full_name,
        title="Chủ tịch",
        unit=person.unit.name,
        days=365,
    )
    return certificate.public_bytes(serialization.Encoding.DER)
