"""Proof that a request came from Alexa and was meant for this skill.

Built on cryptography's own X.509 path validation rather than ask-sdk-webservice-support,
whose certvalidator/oscrypto dependency cannot load OpenSSL 3.0.10 and later
(docs/verification.md says more).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..settings import Settings
from .chain import ChainValidator, load_roots
from .chain_cache import ChainCache
from .download import ChainSource
from .errors import VerificationError
from .verifiers import (
    Clock,
    SignatureVerifier,
    SkillIdVerifier,
    TimestampVerifier,
    Verifier,
    utc_now,
)

__all__ = ["RequestVerification", "VerificationError", "build_verification"]


class RequestVerification:
    """Runs every configured check, cheapest first; the first failure raises."""

    def __init__(self, verifiers: list[Verifier], chains: ChainCache | None = None):
        self.verifiers = verifiers
        self.chains = chains

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: dict[str, Any]) -> None:
        for verifier in self.verifiers:
            verifier.verify(headers, body, envelope)


def build_verification(settings: Settings, clock: Clock = utc_now,
                       source: ChainSource | None = None) -> RequestVerification:
    """The checks `settings` ask for: skill id if configured; with ALEXA_VERIFY, the rest."""
    verifiers: list[Verifier] = []
    if settings.skill_ids:
        verifiers.append(SkillIdVerifier(settings.skill_ids))
    if not settings.verify:
        return RequestVerification(verifiers)
    source = source or ChainSource(cache_dir=settings.cert_cache_dir)
    chains = ChainCache(source.get, ChainValidator(load_roots(settings.trusted_roots)),
                        deadline=source.timeout)
    verifiers += [TimestampVerifier(clock), SignatureVerifier(chains, clock)]
    return RequestVerification(verifiers, chains)
