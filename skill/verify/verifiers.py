"""The request checks, each in the ASK SDK's verifier shape: verify(headers, body, envelope)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection, Mapping
from typing import Any, Protocol

from ..alexa.envelope import BadRequest, request_time
from ..clock import Clock, utc_now
from ..untrusted import clip, shown
from .cert_url import check_cert_url
from .chain_cache import ChainCache
from .errors import VerificationError

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
# Amazon's tolerance for request.timestamp, either side of now.
TIMESTAMP_TOLERANCE_SECONDS = 150

class Verifier(Protocol):
    def verify(self, headers: Mapping[str, str], body: bytes, envelope: dict[str, Any]) -> None:
        """Returns if the request passes; raises VerificationError naming the check if not."""


class SkillIdVerifier:
    """context.System.application.applicationId is one of the configured skill ids."""

    def __init__(self, skill_ids: Collection[str]):
        self.skill_ids = frozenset(skill_ids)

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: dict[str, Any]) -> None:
        skill_id = envelope["context"]["System"]["application"]["applicationId"]
        if skill_id not in self.skill_ids:
            raise VerificationError("skill id", f"{shown(skill_id)} is not a configured skill id")


class TimestampVerifier:
    """request.timestamp is within 150 seconds of now, either way (replays are refused)."""

    def __init__(self, clock: Clock = utc_now, tolerance: float = TIMESTAMP_TOLERANCE_SECONDS):
        self.clock = clock
        self.tolerance = tolerance

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: dict[str, Any]) -> None:
        try:
            sent = request_time(envelope)
        except BadRequest as error:
            raise VerificationError("timestamp", clip(str(error))) from None
        skew = abs((self.clock() - sent).total_seconds())
        if skew > self.tolerance:
            raise VerificationError(
                "timestamp", f"{skew:.0f} s from now; at most {self.tolerance:g} s is allowed")


class SignatureVerifier:
    """Signature-256 is Alexa's RSA SHA-256 signature of the exact body bytes, made with the
    key of a valid chain at SignatureCertChainUrl."""

    def __init__(self, chains: ChainCache, clock: Clock = utc_now):
        self.chains = chains
        self.clock = clock

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: dict[str, Any]) -> None:
        url = _single(headers, CERT_URL_HEADER, "header is missing")
        encoded = _single(headers, SIGNATURE_HEADER, "header is missing (the SHA-1 'Signature' "
                                                     "header alone is not accepted)")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise VerificationError(SIGNATURE_HEADER, "header is not base64") from None
        key = self.chains.key_for(check_cert_url(url), self.clock())
        if not key.public_key.verifies(signature, body):
            raise VerificationError(SIGNATURE_HEADER, "does not match the request body")


def _single(headers: Mapping[str, str], name: str, missing: str) -> str:
    """The header's one value; VerificationError if it is missing or was sent more than once."""
    value = headers.get(name)
    if not value:
        raise VerificationError(name, missing)
    # WSGI servers fold a repeated header into one value joined by commas (gunicorn with ",",
    # Werkzeug with ", "), so even getlist() sees a single value; neither Amazon's chain URLs
    # nor base64 ever hold a comma.
    if "," in value:
        raise VerificationError(name, "header holds more than one value (sent twice?)")
    return value
