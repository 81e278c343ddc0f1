"""Amazon's rules for the SignatureCertChainUrl header."""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import urlsplit

from ..untrusted import shown
from .errors import VerificationError

CHECK = "SignatureCertChainUrl"
SCHEME = "https"
HOST = "s3.amazonaws.com"
PORT = 443
PATH_PREFIX = "/echo.api/"


# Every real request names the same few URLs (Amazon's current chain, and the next one when it
# rotates); remembering the verdict on them saves parsing each time. Refusals are not kept.
@lru_cache(maxsize=64)
def check_cert_url(url: str) -> str:
    """The URL's normalised path if `url` may name Alexa's chain; VerificationError if not.

    Scheme and host compare in any case, the port must be 443 if given, and the path, once
    `.` and `..` are resolved, must start with /echo.api/ exactly.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise VerificationError(CHECK, f"not a URL: {shown(url)}") from None
    if parts.scheme.lower() != SCHEME:
        raise VerificationError(CHECK, f"scheme must be https, got {shown(parts.scheme)}")
    if (parts.hostname or "").lower() != HOST or parts.username or parts.password:
        raise VerificationError(CHECK, f"host must be {HOST}, got {shown(parts.netloc)}")
    if port is not None and port != PORT:
        raise VerificationError(CHECK, f"port must be {PORT}, got {port}")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if path.startswith("//") or not path.startswith(PATH_PREFIX):
        raise VerificationError(
            CHECK, f"path must start with {PATH_PREFIX}, got {shown(parts.path)}")
    return path
