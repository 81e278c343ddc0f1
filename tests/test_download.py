"""Fetching chains: a local stand-in for Amazon's store, misbehaving in every way it can."""

from __future__ import annotations

import contextlib
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill.app import create_app
from skill.verify import build_verification
from skill.verify.download import ChainSource
from skill.verify.errors import VerificationError

from .pki import body_for, post, signed, verified_settings


class StandInStore:
    """An HTTP server on loopback playing Amazon's certificate store, good or bad by path."""

    def __init__(self, chains: dict[str, bytes], tls: ssl.SSLContext | None = None):
        self.chains = chains
        self.requests: list[str] = []
        self.hosts: list[str] = []
        self.release = threading.Event()
        store = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                store.requests.append(self.path)
                store.hosts.append(self.headers["Host"])
                name = self.path.rsplit("/", 1)[-1]
                if name.startswith("slow"):
                    store.release.wait(timeout=30)
                    return self._send(200, b"too late")
                if name == "late.pem":
                    store.release.wait(timeout=30)
                    return self._send(200, store.chains["good.pem"])
                if name == "huge.pem":
                    return self._send(200, b"A" * (1024 * 1024))
                if name == "broken.pem":
                    return self._send(500, b"oops")
                if name == "moved.pem":
                    self.send_response(302)
                    self.send_header("Location", "/echo.api/good.pem")
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                if name == "trickle.pem":
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    for _ in range(1000):
                        self.wfile.write(b"-")
                        self.wfile.flush()
                        time.sleep(0.05)
                    return None
                if name in store.chains:
                    return self._send(200, store.chains[name])
                return self._send(404, b"no such key")

            def _send(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store(pki):
    stand_in = StandInStore({"good.pem": pki.chain("good"), "expired.pem": pki.chain("expired")})
    yield stand_in
    stand_in.close()


def source(store, **options) -> ChainSource:
    return ChainSource(store=store.url, **{"timeout": 0.5, **options})


def test_a_chain_is_downloaded_from_the_store(store, pki):
    assert source(store).get("/echo.api/good.pem") == pki.chain("good")
    assert store.requests == ["/echo.api/good.pem"]


def test_the_cache_folder_is_looked_in_before_any_download(store, pki):
    chain = source(store, cache_dir=pki.cache_dir).get("/echo.api/good.pem")
    assert chain == pki.chain("good") and store.requests == []


def test_the_cache_folder_is_looked_up_by_the_urls_whole_path(store, pki, tmp_path):
    (tmp_path / "good.pem").write_bytes(b"only the file name matches")
    (tmp_path / "echo.api" / "2026").mkdir(parents=True)
    (tmp_path / "echo.api" / "2026" / "good.pem").write_bytes(pki.chain("good"))
    chains = source(store, cache_dir=tmp_path)
    assert chains.get("/echo.api/2026/good.pem") == pki.chain("good")
    assert store.requests == []
    assert chains.get("/echo.api/good.pem") == pki.chain("good")  # not in the folder: fetched
    assert store.requests == ["/echo.api/good.pem"]


@pytest.mark.parametrize("path", [
    "/echo.api/" + "n" * 300 + ".pem",
    "/echo.api/" + "d" * 300 + "/good.pem",
    "/echo.api/" + "/".join(["d" * 200] * 30) + "/good.pem",
])
def test_a_name_too_long_for_the_file_system_is_a_plain_error(store, pki, path):
    with pytest.raises(VerificationError, match="in ALEXA_CERT_CACHE_DIR: File name too long") \
            as raised:
        source(store, cache_dir=pki.cache_dir).get(path)
    assert len(str(raised.value)) < 300 and store.requests == []


def test_the_cache_folder_is_never_left(store, pki):
    with pytest.raises(VerificationError, match="would leave the cache folder"):
        source(store, cache_dir=pki.cache_dir / "echo.api").get("/echo.api/../roots.pem")
    assert store.requests == []


@pytest.mark.parametrize(("name", "words"), [
    ("slow.pem", "took longer than 0.5 s"),
    ("huge.pem", "is larger than 65536 bytes"),
    ("broken.pem", "answered HTTP 500"),
    ("missing.pem", "answered HTTP 404"),
    ("moved.pem", "refusing to follow a redirect (302)"),
    ("trickle.pem", "took longer than 0.5 s"),
])
def test_a_bad_download_fails_that_request(store, name, words):
    started = time.monotonic()
    with pytest.raises(VerificationError, match=re.escape(words)) as raised:
        source(store).get(f"/echo.api/{name}")
    assert raised.value.check == "certificate download"
    assert time.monotonic() - started < 5  # bounded by the timeout, not by the store


def test_the_store_is_reached_at_the_address_the_resolver_gives(store, pki):
    asked = []

    def resolver(host, port):
        asked.append((host, port))
        return [("127.0.0.1", port)]

    chains = ChainSource(store=f"http://s3.example.test:{store.port}", resolve=resolver)
    assert chains.get("/echo.api/good.pem") == pki.chain("good")
    assert asked == [("s3.example.test", store.port)] and store.hosts == ["s3.example.test"]


def test_the_system_resolver_tries_each_address_in_turn(store, pki):
    # localhost may resolve to ::1 first, where the stand-in does not listen.
    chains = ChainSource(store=f"http://localhost:{store.port}", timeout=5)
    assert chains.get("/echo.api/good.pem") == pki.chain("good")


@pytest.fixture
def tls_store(pki, tmp_path):
    """The stand-in over TLS, with a certificate for s3.example.test from the test root."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*pki.server_files("s3.example.test", tmp_path))
    stand_in = StandInStore({"good.pem": pki.chain("good")}, tls=context)
    yield stand_in
    stand_in.close()


def to_loopback(host, port):
    return [("127.0.0.1", port)]


def test_over_https_the_certificate_is_checked_for_the_store_name(tls_store, pki):
    chains = ChainSource(store=f"https://s3.example.test:{tls_store.port}", resolve=to_loopback,
                         cafile=str(pki.roots_file))
    assert chains.get("/echo.api/good.pem") == pki.chain("good")


def test_over_https_a_certificate_for_another_name_is_refused(tls_store, pki):
    chains = ChainSource(store=f"https://s3.other.test:{tls_store.port}", resolve=to_loopback,
                         cafile=str(pki.roots_file))
    with pytest.raises(VerificationError, match="Hostname mismatch"):
        chains.get("/echo.api/good.pem")
    assert tls_store.requests == []


def test_an_unreachable_store_fails_the_request():
    with pytest.raises(VerificationError, match="failed"):
        ChainSource(store="http://127.0.0.1:9", timeout=0.5).get("/echo.api/good.pem")


def test_downloaded_chains_verify_requests_end_to_end(store, pki):
    settings = verified_settings(pki, cert_cache_dir=None)
    app = create_app(settings, build_verification(settings, source=source(store)))
    body = body_for()
    assert post(app, body, signed(pki, body)).status_code == 200
    body = body_for()
    response = post(app, body, signed(pki, body, chain="expired"))
    assert response.status_code == 400 and "certificate chain" in response.get_json()["error"]
    assert store.requests == ["/echo.api/good.pem", "/echo.api/expired.pem"]


def test_a_slow_download_does_not_stall_other_requests(store, pki):
    settings = verified_settings(pki, cert_cache_dir=None)
    app = create_app(settings, build_verification(settings, source=source(store, timeout=20)))
    body = body_for()
    assert post(app, body, signed(pki, body)).status_code == 200  # good.pem is now cached

    slow_status = []
    slow_body = body_for()
    slow_headers = {**signed(pki, slow_body),
                    "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/slow.pem"}
    slow = threading.Thread(target=lambda: slow_status.append(
        post(app, slow_body, slow_headers).status_code))
    slow.start()
    while "/echo.api/slow.pem" not in store.requests:
        time.sleep(0.01)

    for _ in range(5):
        body = body_for()
        assert post(app, body, signed(pki, body)).status_code == 200
    assert slow.is_alive()  # still waiting on the store while the others were answered

    store.release.set()
    slow.join(timeout=10)
    assert slow_status == [400]
