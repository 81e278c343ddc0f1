"""Fetching chains: a local stand-in for Amazon's store, misbehaving in every way it can."""

from __future__ import annotations

import contextlib
import logging
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from skill.app import create_app
from skill.simulator.settings_api import POLL_SECONDS
from skill.verify import build_verification
from skill.verify.chain import ChainValidator, load_roots
from skill.verify.chain_cache import ChainCache
from skill.verify.download import ChainSource
from skill.verify.errors import VerificationError

from .pki import NOW, body_for, post, signed, verified_settings


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
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
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
        threading.Thread(target=self.server.serve_forever, args=(POLL_SECONDS,),
                         daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def store(pki):
    stand_in = StandInStore({"good.pem": pki.chain("good"), "expired.pem": pki.chain("expired")})
    yield stand_in
    stand_in.close()


# A deadline no download on loopback misses, even on a busy machine; and one slow ones do.
PATIENT, IMPATIENT = 5.0, 0.5


def source(store, **options) -> ChainSource:
    return ChainSource(store=store.url, **{"timeout": PATIENT, **options})


def app_fetching_from(pki, chain_source: ChainSource):
    """A verifying app with no cache folder, downloading chains from `chain_source`."""
    settings = verified_settings(pki, cert_cache_dir=None)
    return create_app(settings, build_verification(settings, source=chain_source))


def post_naming(app, pki, name: str):
    """A request signed with the good key, naming the chain /echo.api/`name`."""
    body = body_for()
    url = f"https://s3.amazonaws.com/echo.api/{name}"
    return post(app, body, {**signed(pki, body), "SignatureCertChainUrl": url})


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)


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


@pytest.mark.parametrize(("name", "timeout", "words"), [
    ("slow.pem", IMPATIENT, "took longer than 0.5 s"),
    ("trickle.pem", IMPATIENT, "took longer than 0.5 s"),
    ("huge.pem", PATIENT, "is larger than 65536 bytes"),
    ("broken.pem", PATIENT, "answered HTTP 500"),
    ("missing.pem", PATIENT, "answered HTTP 404"),
    ("moved.pem", PATIENT, "refusing to follow a redirect (302)"),
])
def test_a_bad_download_fails_that_request(store, name, timeout, words):
    started = time.monotonic()
    with pytest.raises(VerificationError, match=re.escape(words)) as raised:
        source(store, timeout=timeout).get(f"/echo.api/{name}")
    assert raised.value.check == "certificate download"
    assert time.monotonic() - started < PATIENT  # bounded by the timeout, not by the store


def test_the_store_is_reached_at_the_address_the_resolver_gives(store, pki):
    asked = []

    def resolver(host, port):
        asked.append((host, port))
        return [("127.0.0.1", port)]

    chains = ChainSource(store=f"http://s3.example.test:{store.port}", resolve=resolver,
                         timeout=PATIENT)
    assert chains.get("/echo.api/good.pem") == pki.chain("good")
    assert asked == [("s3.example.test", store.port)] and store.hosts == ["s3.example.test"]


def test_the_system_resolver_tries_each_address_in_turn(store, pki):
    # localhost may resolve to ::1 first, where the stand-in does not listen.
    chains = ChainSource(store=f"http://localhost:{store.port}", timeout=PATIENT)
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
                         cafile=str(pki.roots_file), timeout=PATIENT)
    assert chains.get("/echo.api/good.pem") == pki.chain("good")


def test_over_https_a_certificate_for_another_name_is_refused(tls_store, pki):
    chains = ChainSource(store=f"https://s3.other.test:{tls_store.port}", resolve=to_loopback,
                         cafile=str(pki.roots_file), timeout=PATIENT)
    with pytest.raises(VerificationError, match="Hostname mismatch"):
        chains.get("/echo.api/good.pem")
    assert tls_store.requests == []


def test_an_unreachable_store_fails_the_request():
    with pytest.raises(VerificationError, match="failed"):
        ChainSource(store="http://127.0.0.1:9", timeout=IMPATIENT).get("/echo.api/good.pem")


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


# What forged URLs can cost: one download per URL, at most two at once, never a long wait.

def test_a_name_lookup_that_hangs_fails_the_request_at_the_deadline(store, pki):
    looking_up, answer = threading.Event(), threading.Event()

    def hanging_resolver(host, port):
        looking_up.set()
        answer.wait(timeout=30)
        return [("127.0.0.1", port)]

    app = app_fetching_from(pki, source(store, timeout=IMPATIENT, resolve=hanging_resolver))
    started = time.monotonic()
    response = post_naming(app, pki, "good.pem")
    assert response.status_code == 400
    assert "took longer than 0.5 s" in response.get_json()["error"]
    assert looking_up.is_set() and not answer.is_set()  # answered while the lookup still hung
    assert time.monotonic() - started < 5

    chains = app.extensions["stretch_coach"]["verification"].chains
    assert chains.under_way == 1  # the fetch keeps its slot while the lookup hangs
    answer.set()
    wait_for(lambda: chains.under_way == 0)  # and frees it once the lookup ends


def test_a_flood_of_one_failing_url_costs_one_download(store, pki):
    app = app_fetching_from(pki, source(store))
    errors = [post_naming(app, pki, "missing.pem").get_json()["error"] for _ in range(20)]
    assert store.requests == ["/echo.api/missing.pem"]
    assert errors[0].endswith("answered HTTP 404")
    assert errors[-1].endswith("answered HTTP 404 (a failure remembered for 30 s)")


def test_a_failed_url_is_tried_again_after_a_short_while(store, pki):
    # A real URL that failed during a passing fault is locked out for 30 s, no longer.
    clock = [0.0]
    chains = ChainCache(source(store).get, ChainValidator(load_roots(pki.roots_file)),
                        monotonic=lambda: clock[0])
    for seconds in (0, 29):
        clock[0] = seconds
        with pytest.raises(VerificationError, match="answered HTTP 404"):
            chains.key_for("/echo.api/flaky.pem", NOW)
    assert store.requests == ["/echo.api/flaky.pem"]
    store.chains["flaky.pem"] = pki.chain("good")
    clock[0] = 31
    assert chains.key_for("/echo.api/flaky.pem", NOW).in_date(NOW)
    assert store.requests == ["/echo.api/flaky.pem"] * 2


def test_at_most_two_downloads_run_at_once_and_a_third_url_fails_at_once(store, pki):
    app = app_fetching_from(pki, source(store, timeout=20))
    statuses = []
    hung = [threading.Thread(target=lambda name=name: statuses.append(
        post_naming(app, pki, name).status_code)) for name in ("slow-1.pem", "slow-2.pem")]
    for thread in hung:
        thread.start()
    wait_for(lambda: len(store.requests) == 2)

    started = time.monotonic()
    response = post_naming(app, pki, "good.pem")
    assert response.status_code == 400
    assert response.get_json()["error"].endswith(
        "certificate download: 2 chain downloads are already under way; try again shortly")
    assert time.monotonic() - started < 5 and "/echo.api/good.pem" not in store.requests

    store.release.set()
    for thread in hung:
        thread.join(timeout=10)
    assert statuses == [400, 400]  # the stand-in answered "too late", not a chain
    assert post_naming(app, pki, "good.pem").status_code == 200  # the slots are free again


def test_requests_for_a_url_being_fetched_wait_for_that_one_fetch(store, pki):
    app = app_fetching_from(pki, source(store, timeout=20))
    statuses = []
    threads = [threading.Thread(target=lambda: statuses.append(
        post_naming(app, pki, "late.pem").status_code)) for _ in range(8)]
    for thread in threads:
        thread.start()
    wait_for(lambda: store.requests == ["/echo.api/late.pem"])
    time.sleep(0.2)  # let the other requests arrive while the fetch is still under way
    store.release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert statuses == [200] * 8 and store.requests == ["/echo.api/late.pem"]


def test_a_fetch_that_breaks_unexpectedly_is_logged_and_refused(pki, caplog):
    def broken(path):
        raise RuntimeError("a bug")

    chains = ChainCache(broken, ChainValidator(load_roots(pki.roots_file)))
    with caplog.at_level(logging.ERROR), pytest.raises(
            VerificationError, match="could not be fetched \\(RuntimeError\\)"):
        chains.key_for("/echo.api/good.pem", NOW)
    (record,) = caplog.records
    assert record.exc_info is not None


def test_when_no_thread_can_be_started_the_request_is_refused_and_its_slot_freed(
        pki, monkeypatch):
    def no_thread(self):
        raise RuntimeError("can't start new thread")

    chains = ChainCache(lambda path: pki.chain("good"),
                        ChainValidator(load_roots(pki.roots_file)))
    monkeypatch.setattr(threading.Thread, "start", no_thread)
    with pytest.raises(VerificationError, match="cannot start a download now"):
        chains.key_for("/echo.api/good.pem", NOW)
    monkeypatch.undo()
    assert chains.under_way == 0
    assert chains.key_for("/echo.api/good.pem", NOW).in_date(NOW)
