"""Getting a certificate chain: from a local folder if it is there, else a careful download.

The download is http.client over a socket we connect ourselves, not urllib (or urllib3): both
look the name up inside socket.create_connection, where no timeout applies and nothing can be
swapped in, so neither a deadline nor a test could reach the name lookup.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import SplitResult, urlsplit

from ..untrusted import clip, shown
from .errors import VerificationError

CHECK = "certificate download"
STORE = "https://s3.amazonaws.com"
# A chain is about 5 KB; these bound what one request can cost a worker.
MAX_CHAIN_BYTES = 64 * 1024
TIMEOUT_SECONDS = 2.0
READ_BYTES = 16 * 1024

Resolver = Callable[[str, int], list[tuple[str, int]]]


def system_resolver(host: str, port: int) -> list[tuple[str, int]]:
    """`host`'s addresses from the system resolver, which no socket timeout bounds: the
    caller's deadline does (see ChainCache)."""
    return [info[4][:2] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


class ChainSource:
    """Finds the PEM chain for a checked URL path: cache folder first, then the store."""

    def __init__(self, cache_dir: Path | None = None, store: str = STORE,
                 timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_CHAIN_BYTES,
                 cafile: str | None = None, resolve: Resolver = system_resolver):
        self.cache_dir = cache_dir
        self.store = store.rstrip("/")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.resolve = resolve
        self._context = ssl.create_default_context(cafile=cafile)

    def get(self, path: str) -> bytes:
        """The chain at `path` (already checked by check_cert_url)."""
        if self.cache_dir is not None:
            chain = self._read_local(path)
            if chain is not None:
                return chain
        return self._download(self.store + path)

    def _read_local(self, path: str) -> bytes | None:
        """The file at the URL's whole path under the folder (`<dir>/echo.api/name.pem`)."""
        relative = PurePosixPath(path.lstrip("/"))
        if ".." in relative.parts:  # check_cert_url resolved them; this is the folder's guard
            raise VerificationError(CHECK, f"{shown(path)} would leave the cache folder")
        file = self.cache_dir / relative
        try:
            if not file.is_file():
                return None
            with file.open("rb") as stream:
                chain = stream.read(self.max_bytes + 1)
        except (OSError, ValueError) as error:  # a name too long for the file system, a NUL
            reason = getattr(error, "strerror", None) or error
            raise VerificationError(CHECK, f"cannot look up {shown(path)} in "
                                           f"ALEXA_CERT_CACHE_DIR: {reason}") from None
        if len(chain) > self.max_bytes:
            raise VerificationError(CHECK, f"{shown(path)} in ALEXA_CERT_CACHE_DIR is larger "
                                           f"than {self.max_bytes} bytes")
        return chain

    def _download(self, url: str) -> bytes:
        """GET `url` with no redirects, at most max_bytes, every step (name lookup, connect,
        TLS, reads) started before the deadline and the socket timed out at it."""
        deadline = time.monotonic() + self.timeout
        parts = urlsplit(url)
        try:
            with self._connect(parts, deadline) as sock:
                return self._get(parts, sock, deadline, url)
        except VerificationError:
            raise
        except TimeoutError:  # a step ran into the deadline, or started after it
            raise VerificationError(CHECK, f"{shown(url)} took longer than {self.timeout:g} s"
                                    ) from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            # Refusals, resets, TLS failures, malformed responses.
            raise VerificationError(CHECK, f"{shown(url)} failed: "
                                           f"{clip(str(error) or type(error).__name__, 200)}"
                                    ) from None

    def _connect(self, parts: SplitResult, deadline: float) -> socket.socket:
        """A socket to the first address that answers, wrapped in TLS for https."""
        https = parts.scheme == "https"
        host, port = parts.hostname or "", parts.port or (443 if https else 80)
        error = OSError(f"{host} has no address")
        for address in self.resolve(host, port):
            try:
                sock = socket.create_connection(address, _left(deadline))
                break
            except OSError as failure:
                error = failure
        else:
            raise error
        if not https:
            return sock
        try:
            return self._context.wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise

    def _get(self, parts: SplitResult, sock: socket.socket, deadline: float, url: str) -> bytes:
        connection = http.client.HTTPConnection(parts.netloc)
        connection.sock = sock  # already connected, to the address our resolver chose
        sock.settimeout(_left(deadline))
        connection.request("GET", parts.path, headers={"Host": parts.hostname or ""})
        response = connection.getresponse()
        if 300 <= response.status < 400:
            location = shown(response.getheader("Location", ""))
            raise VerificationError(
                CHECK, f"refusing to follow a redirect ({response.status}) to {location}")
        if response.status != 200:
            raise VerificationError(CHECK, f"{shown(url)} answered HTTP {response.status}")
        return self._read_capped(response, sock, deadline, url)

    def _read_capped(self, response: http.client.HTTPResponse, sock: socket.socket,
                     deadline: float, url: str) -> bytes:
        """Reads at most max_bytes, and gives up at the deadline even if bytes keep trickling."""
        body = bytearray()
        while True:
            sock.settimeout(_left(deadline))
            chunk = response.read1(READ_BYTES)
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > self.max_bytes:
                raise VerificationError(
                    CHECK, f"{shown(url)} is larger than {self.max_bytes} bytes")


def _left(deadline: float) -> float:
    """Seconds until `deadline`, for the next socket step; TimeoutError if none are left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left
