"""Validating Alexa's signing chain once, and remembering it until it expires."""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
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

CHECK = "certificate chain"
SIGNING_NAME = "echo-api.amazon.com"
MAX_CACHED_CHAINS = 64


def load_roots(pem_file: Path | None = None) -> Store:
    """The trusted roots: `pem_file`, or certifi's maintained bundle of public roots."""
    data = Path(pem_file or certifi.where()).read_bytes()
    with warnings.catch_warnings():
        # Some public roots carry non-positive serial numbers; trusting them is the bundle's call.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return Store(x509.load_pem_x509_certificates(data))


@dataclass(frozen=True)
class SigningKey:
    """A validated chain, reduced to what a request needs: the key and its window."""

    public_key: RSAPublicKey
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
        return SigningKey(key, max(c.not_valid_before_utc for c in chain),
                          min(c.not_valid_after_utc for c in chain))


def _dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return names.value.get_values_for_type(x509.DNSName)


class ChainCache:
    """Signing keys by chain URL path, each kept until its chain expires; bounded, thread-safe.

    Fetching and validating happen outside the lock, so one slow download stalls nobody else.
    """

    def __init__(self, fetch: Callable[[str], bytes], validator: ChainValidator,
                 max_entries: int = MAX_CACHED_CHAINS):
        self.fetch = fetch
        self.validator = validator
        self.max_entries = max_entries
        self.validations = 0
        self._keys: OrderedDict[str, SigningKey] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def key_for(self, path: str, now: datetime) -> SigningKey:
        with self._lock:
            key = self._keys.get(path)
            if key is not None:
                if key.in_date(now):
                    self._keys.move_to_end(path)
                    return key
                del self._keys[path]
        key = self.validator.validate(self.fetch(path), now)
        with self._lock:
            self.validations += 1
            self._keys[path] = key
            self._keys.move_to_end(path)
            while len(self._keys) > self.max_entries:
                self._keys.popitem(last=False)
        return key


def _reason(error: Exception) -> str:
    # cryptography's messages can quote the certificate, which came from the network.
    return clip(str(error), 200)
