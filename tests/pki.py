"""A home-made PKI shaped like Alexa's: a root, an intermediate, and signing certificates
good and bad. Keys are real RSA keys, so signatures are real."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.settings import Settings
from skill.simulator.envelopes import Device, launch_request

from .helpers import FIXTURE_ROUTINES, sqlite_database

DAY = datetime.timedelta(days=1)
SIGNING_NAME = "echo-api.amazon.com"
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"


@dataclass(frozen=True)
class Identity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def sign(self, body: bytes) -> str:
        """Signature-256 header value for `body`, as Alexa makes it."""
        return base64.b64encode(self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def issue(name: str, issuer: Identity | None, *, ca: bool, valid_from: datetime.datetime,
          valid_to: datetime.datetime, san: str | None = SIGNING_NAME) -> Identity:
    """A certificate for `name`, signed by `issuer` (self-signed when None)."""
    key = _key()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca and issuer else None),
                       critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            signer_key.public_key()), critical=False)
    )
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        if san:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return Identity(key, builder.sign(signer_key, hashes.SHA256()))


class AlexaLikePKI:
    """Writes chains named like Alexa's into `folder` and the trusted root beside them."""

    def __init__(self, folder: Path, now: datetime.datetime):
        self.folder = folder
        long_ago, far_off = now - 365 * DAY, now + 3650 * DAY
        self.root = issue("Test Root CA", None, ca=True, valid_from=long_ago, valid_to=far_off)
        self.intermediate = issue("Test Intermediate CA", self.root, ca=True,
                                  valid_from=long_ago, valid_to=far_off)
        rogue_root = issue("Rogue Root CA", None, ca=True, valid_from=long_ago, valid_to=far_off)
        rogue = issue("Rogue Intermediate", rogue_root, ca=True, valid_from=long_ago,
                      valid_to=far_off)
        stale_intermediate = issue("Stale Intermediate CA", self.root, ca=True,
                                   valid_from=long_ago, valid_to=now - DAY)

        def leaf(issuer=self.intermediate, valid_from=now - DAY, valid_to=now + 30 * DAY,
                 san=SIGNING_NAME):
            return issue(SIGNING_NAME, issuer, ca=False, valid_from=valid_from,
                         valid_to=valid_to, san=san)

        self.signers = {
            "good": (leaf(), self.intermediate),
            "expired": (leaf(valid_from=now - 30 * DAY, valid_to=now - DAY), self.intermediate),
            "not-yet-valid": (leaf(valid_from=now + DAY), self.intermediate),
            "wrong-san": (leaf(san="evil.example.com"), self.intermediate),
            "wildcard-san": (leaf(san="*.amazon.com"), self.intermediate),
            "no-san": (leaf(san=None), self.intermediate),
            "untrusted": (leaf(issuer=rogue), rogue),
            "stale-intermediate": (leaf(issuer=stale_intermediate), stale_intermediate),
        }
        self.roots_file = folder / "roots.pem"
        self.roots_file.write_bytes(self.root.pem())
        # ALEXA_CERT_CACHE_DIR: each chain at its URL's path, as `<dir>/echo.api/good.pem`.
        self.cache_dir = folder / "chains"
        (self.cache_dir / "echo.api").mkdir(parents=True)
        for name in self.signers:
            (self.cache_dir / "echo.api" / f"{name}.pem").write_bytes(self.chain(name))

    def chain(self, name: str) -> bytes:
        """The PEM chain file for signer `name`: signing certificate first."""
        signer, issuer = self.signers[name]
        return signer.pem() + issuer.pem()

    def signer(self, name: str = "good") -> Identity:
        return self.signers[name][0]

    def server_files(self, host: str, folder: Path) -> tuple[Path, Path]:
        """A TLS server certificate for `host` (with its intermediate) and its key, as files."""
        server = issue(host, self.intermediate, ca=False, valid_from=NOW - DAY,
                       valid_to=NOW + DAY, san=host)
        certfile, keyfile = folder / f"{host}.pem", folder / f"{host}.key"
        certfile.write_bytes(server.pem() + self.intermediate.pem())
        keyfile.write_bytes(server.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return certfile, keyfile

    @staticmethod
    def url(name: str = "good") -> str:
        return f"https://s3.amazonaws.com/echo.api/{name}.pem"


# Signed requests, as Alexa sends them.

def verified_settings(pki: AlexaLikePKI, **changes) -> Settings:
    """Production settings, trusting the test root and finding chains in the PKI's folder."""
    settings = Settings(routines=(FIXTURE_ROUTINES,), verify=True, skill_ids=frozenset({SKILL_ID}),
                        trusted_roots=pki.roots_file, cert_cache_dir=pki.cache_dir,
                        database=sqlite_database(pki.folder))
    return dataclasses.replace(settings, **changes)


def body_for(request: dict | None = None, skill_id: str = SKILL_ID) -> bytes:
    device = Device(application_id=skill_id)
    envelope = device.envelope(request or launch_request(), {"new": True, "sessionId": "s"})
    return json.dumps(envelope).encode()


def signed(pki: AlexaLikePKI, body: bytes, chain: str = "good", signer: str | None = None) -> dict:
    return {"SignatureCertChainUrl": pki.url(chain),
            "Signature-256": pki.signer(signer or chain).sign(body)}


def post(app, body: bytes, headers: dict):
    return app.test_client().post("/", data=body, headers=headers,
                                  content_type="application/json")
