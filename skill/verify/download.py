"""Getting a certificate chain: from a local folder if it is there, else a careful download."""

from __future__ import annotations

import posixpath
import ssl
import time
import urllib.error
import urllib.request
from pathlib import Path

from .errors import VerificationError

CHECK = "certificate download"
STORE = "https://s3.amazonaws.com"
# A chain is about 5 KB; these bound what one request can cost a worker.
MAX_CHAIN_BYTES = 64 * 1024
TIMEOUT_SECONDS = 2.0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise VerificationError(CHECK, f"refusing to follow a redirect ({code}) to {newurl}")


class ChainSource:
    """Finds the PEM chain for a checked URL path: cache folder first, then the store."""

    def __init__(self, cache_dir: Path | None = None, store: str = STORE,
                 timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_CHAIN_BYTES,
                 cafile: str | None = None):
        self.cache_dir = cache_dir
        self.store = store.rstrip("/")
        self.timeout = timeout
        self.max_bytes = max_bytes
        context = ssl.create_default_context(cafile=cafile)
        self._opener = urllib.request.build_opener(
            _NoRedirects(), urllib.request.HTTPSHandler(context=context))

    def get(self, path: str) -> bytes:
        """The chain at `path` (already checked by check_cert_url)."""
        if self.cache_dir is not None:
            local = self.cache_dir / posixpath.basename(path)
            if local.is_file():
                return self._read_local(local)
        return self._download(self.store + path)

    def _read_local(self, file: Path) -> bytes:
        if file.stat().st_size > self.max_bytes:
            raise VerificationError(CHECK, f"{file} is larger than {self.max_bytes} bytes")
        return file.read_bytes()

    def _download(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        try:
            with self._opener.open(url, timeout=self.timeout) as response:
                return self._read_capped(response, deadline, url)
        except VerificationError:
            raise
        except urllib.error.HTTPError as error:
            raise VerificationError(CHECK, f"{url} answered HTTP {error.code}") from None
        except (OSError, ValueError) as error:  # URLError, timeouts, resets, bad responses
            reason = getattr(error, "reason", None) or error
            raise VerificationError(CHECK, f"{url} failed: {reason}") from None

    def _read_capped(self, response, deadline: float, url: str) -> bytes:
        """Reads at most max_bytes, and gives up at the deadline even if bytes keep trickling."""
        body = bytearray()
        while chunk := response.read1(16 * 1024):
            body += chunk
            if len(body) > self.max_bytes:
                raise VerificationError(CHECK, f"{url} is larger than {self.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise VerificationError(CHECK, f"{url} took longer than {self.timeout} s")
        return bytes(body)
