"""Validating Alexa's signing chain: a path to a trusted root, in date, for Alexa's name."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import certifi
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import DNSName, PolicyBuilder, Store

from ..untrusted import clip, shown
from .errors import VerificationError
from .pkcs1 import Pkcs1Sha256Key

CHECK = "certificate chain"
SIGNING_NAME = "echo-api.amazon.com"


def load_roots(pem_file: Path | None = None) -> Store:
    """The trusted roots: `pem_file`, or certifi's maintained bundle of public roots."""
    return Store(read_certificates(Path(pem_file or certifi.where()).read_bytes()))


def read_certificates(pem: bytes) -> list[x509.Certificate]:
    """The certificates in PEM text; ValueError if there is none that can be read."""
    with warnings.catch_warnings():
        # Some public roots carry non-positive serial numbers; trusting them is the bundle's call.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_pem_x509_certificates(pem)


@dataclass(frozen=True)
class SigningKey:
    """A validated chain, reduced to what a request needs: the key and its window."""

    public_key: Pkcs1Sha256Key
    not_before: datetime
    not_after: datetime

    def in_date(self, now: datetime) -> bool:
        return self.not_before <= now <= self.not_after


class ChainValidator:
    """Amazon's chain checks: a path to a trusted root, every certificate in date, and the
    signing certificate naming echo-api.amazon.com among its Subject Alternative Names."""

    def __init__(self, roots: Store):
        self.roots = roots

    def validate(self, pem: bytes, now: datetime) -> SigningKey:
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise VerificationError(
                CHECK, f"not a PEM certificate chain: {_reason(error)}") from None
        signing = chain[0]
        for certificate in chain:
            if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
                subject = shown(certificate.subject.rfc4514_string())
                raise VerificationError(
                    CHECK, f"{subject} is not valid at {now:%Y-%m-%dT%H:%M:%SZ}")
        if SIGNING_NAME not in _dns_names(signing):
            raise VerificationError(CHECK, f"signing certificate is not for {SIGNING_NAME}")
        verifier = PolicyBuilder().store(self.roots).time(now).build_server_verifier(
            DNSName(SIGNING_NAME))
        try:
            verifier.verify(signing, chain[1:])
        except Exception as error:  # VerificationError, or a malformed extension
            raise VerificationError(
                CHECK, f"does not chain to a trusted root: {_reason(error)}") from None
        key = signing.public_key()
        if not isinstance(key, RSAPublicKey):
            raise VerificationError(CHECK, "signing certificate does not hold an RSA key")
        try:
            checker = Pkcs1Sha256Key(key)
        except ValueError as error:
            raise VerificationError(CHECK, str(error)) from None
        return SigningKey(checker, max(c.not_valid_before_utc for c in chain),
                          min(c.not_valid_after_utc for c in chain))


def _dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return names.value.get_values_for_type(x509.DNSName)


def _reason(error: Exception) -> str:
    # cryptography's messages can quote the certificate, which came from the network.
    return clip(str(error), 200)
