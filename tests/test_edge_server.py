"""The real server under slow, broken and hostile clients: nobody stalls it, nothing gets a 5xx,
and SIGTERM lets a request in flight finish."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import time

import pytest

from skill import server

from .helpers import (
    FIXTURE_ROUTINES,
    chunked,
    connect,
    drain,
    exchange,
    fixture,
    head,
    http_post,
    read_response,
    serving,
)

WORKERS = 2  # what serving() starts
BODY = json.dumps(fixture("launch_request.json")).encode()


@pytest.fixture(scope="module")
def running():
    with serving({"ALEXA_VERIFY": "0"}, FIXTURE_ROUTINES) as (address, process):
        yield address, drain(process)


@pytest.fixture
def url(running):
    return running[0]


SLOW = {
    "idle": b"",
    "half its headers": b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty",
    "a body short of its length": head(BODY) + BODY[:40],
    "chunks that stop": head(None, "Transfer-Encoding: chunked") + b"10\r\n{\"version\"",
}


@pytest.mark.parametrize("sent", SLOW.values(), ids=SLOW.keys())
def test_a_few_more_slow_connections_than_workers_do_not_stall_a_valid_request(url, sent):
    slow = [connect(url, sent) for _ in range(WORKERS + 3)]
    try:
        status, body = exchange(url, head(BODY) + BODY, timeout=5)
        assert status == 200 and body["response"]["outputSpeech"]
    finally:
        for sock in slow:
            sock.close()


def test_a_crowd_of_slow_connections_holding_every_thread_is_cut_off_within_seconds(url):
    crowd = [connect(url, sent) for sent in SLOW.values()
             for _ in range(WORKERS * server.THREADS // len(SLOW) + 2)]
    try:
        time.sleep(0.2)
        started = time.monotonic()
        status, body = exchange(url, head(BODY) + BODY, timeout=5)
        assert status == 200 and body["response"]["outputSpeech"]
        assert time.monotonic() - started < 5  # answered at all; Alexa would wait 8 s
        short_body = crowd[len(crowd) // 2]
        assert read_response(short_body) == (
            400, {"error": "the request body is shorter than its Content-Length"})
    finally:
        for sock in crowd:
            sock.close()


def test_clients_that_ask_to_close_then_hang_on_do_not_stall_it(url):
    # gunicorn waits up to 2 s for such a client to hang up, on the worker's event loop.
    hanging = [connect(url, head(BODY, "Connection: close") + BODY) for _ in range(20)]
    try:
        time.sleep(0.2)
        started = time.monotonic()
        assert exchange(url, head(BODY) + BODY, timeout=5)[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for sock in hanging:
            sock.close()


def test_a_chunked_body_is_answered_like_any_other(url):
    status, body = exchange(url, head(None, "Transfer-Encoding: chunked")
                            + chunked(BODY[:1000], BODY[1000:]))
    assert status == 200 and body["response"]["outputSpeech"]


def test_a_chunked_body_over_the_limit_is_refused_not_cut_short(url):
    over = [b" " * 10_000] * 30  # 300 KB, in chunks
    status, body = exchange(url, head(None, "Transfer-Encoding: chunked") + chunked(*over))
    assert status == 413
    assert body == {"error": "the request body is larger than 131072 bytes"}


def test_a_content_length_over_the_limit_is_refused_before_the_body(url):
    status, body = exchange(url, head(None, "Content-Length: 999999999"))
    assert status == 413 and "larger than 131072 bytes" in body["error"]


CHUNKED = head(None, "Transfer-Encoding: chunked")
MALFORMED_CHUNKS = {
    "ZZ as a size": CHUNKED + b"ZZ\r\n{}\r\n0\r\n\r\n",
    "a negative size": CHUNKED + b"-2\r\n{}\r\n0\r\n\r\n",
    "a chunk longer than its size": CHUNKED + b"2\r\n{}}}\r\n0\r\n\r\n",
    "no terminator after a chunk": CHUNKED + b"2\r\n{}0\r\n\r\n",
    "a size of 40 digits": CHUNKED + b"9" * 40 + b"\r\n{}\r\n0\r\n\r\n",
    "no last chunk": CHUNKED + b"2\r\n{}\r\n",
    "a bad extension": CHUNKED + b"2;\x00=\x01\r\n{}\r\n0\r\n\r\n",
}


@pytest.mark.parametrize("sent", MALFORMED_CHUNKS.values(), ids=MALFORMED_CHUNKS.keys())
def test_malformed_chunked_encodings_are_400s(url, sent):
    status, body = exchange(url, sent, then_close=True)
    assert status == 400
    assert body == {"error": "the request body's chunked encoding is malformed or incomplete"}


BROKEN_HTTP = {
    "garbage for a request line": (b"\x00\x01GARBAGE " + b"A" * 3000 + b"\r\n\r\n",
                                   400, "the request line is not valid HTTP"),
    "a header without a colon": (head(None, "X" * 3000), 400, "is malformed"),
    "a Content-Length that is not a number": (head(None, "Content-Length: 12ab"),
                                              400, "'CONTENT-LENGTH' is malformed"),
    "two Content-Lengths": (head(None, "Content-Length: 2", "Content-Length: 3"),
                            400, "'CONTENT-LENGTH' is malformed"),
    "gzip transfer coding": (head(None, "Transfer-Encoding: gzip"), 400, "is malformed"),
    "a header far too large": (head(None, "X-Big: " + "b" * 20_000), 431, "too large"),
    "a request line far too long": (b"POST /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n",
                                    414, "the request line is too long"),
}


@pytest.mark.parametrize(("sent", "status", "words"), BROKEN_HTTP.values(), ids=BROKEN_HTTP.keys())
def test_broken_http_gets_a_short_json_4xx_that_echoes_nothing(url, sent, status, words):
    got, body = exchange(url, sent)
    assert got == status
    assert words in body["error"]
    assert len(json.dumps(body)) < 200


def test_sigterm_lets_requests_in_flight_finish_then_exits_cleanly():
    with serving({"ALEXA_VERIFY": "0"}, FIXTURE_ROUTINES) as (address, process):
        kept_alive = connect(address, head(BODY) + BODY)
        assert read_response(kept_alive)[0] == 200
        with connect(address, head(BODY) + BODY[:100]) as in_flight, kept_alive:
            time.sleep(0.3)  # the request is being read when the signal arrives
            process.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            in_flight.sendall(BODY[100:])
            assert read_response(in_flight)[0] == 200
            # A request on a kept-alive connection is answered, the connection closing after
            # it, or the connection is closed unread, so the client knows to retry.
            try:
                kept_alive.sendall(head(BODY) + BODY)
                answer = http.client.HTTPResponse(kept_alive)
                answer.begin()
            except (OSError, http.client.HTTPException):
                answer = None
            if answer is not None:
                assert answer.status == 200 and answer.getheader("Connection") == "close"
        assert process.wait(timeout=20) == 0
        with pytest.raises(OSError):
            http_post(address, BODY)
        log = process.stderr.read()
    assert "Handling signal: term" in log
    assert "POST / 200 " in log and "Traceback" not in log


def test_every_request_is_one_log_line(running):
    url, log = running
    request = {**fixture("launch_request.json")}
    request["request"] = {**request["request"], "requestId": "amzn1.echo-api.request.one-line"}
    body = json.dumps(request).encode()

    def refusals() -> int:
        return sum("POST / 400 " in line and "expected a JSON object" in line for line in log)

    refused_before = refusals()
    exchange(url, head(body) + body)
    exchange(url, head(b"[1]") + b"[1]")
    # Each worker writes its INFO lines within a second (skill/logs.py), warnings at once.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (
            any("one-line" in line for line in log) and refusals() > refused_before):
        time.sleep(0.05)
    answered = [line for line in log if "request='amzn1.echo-api.request.one-line'" in line]
    assert len(answered) == 1 and " skill.app: POST / 200 " in answered[0]
    assert refusals() == refused_before + 1
    assert sum("one-line" in line for line in log) == 1  # gunicorn's access log is off


def test_a_socket_closed_at_once_is_harmless(url):
    for _ in range(20):
        socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))).close()
    assert http_post(url, BODY)[0] == 200


def test_deadlines_cut_the_reading_side_first_and_the_whole_connection_later():
    deadlines = server.Deadlines(read_seconds=2, total_seconds=10)
    served, client = socket.socketpair()
    with served, client:
        deadlines.add(served)
        now = time.monotonic()
        deadlines.enforce(now + 1)
        client.sendall(b"more")
        assert served.recv(10) == b"more"
        deadlines.enforce(now + 3)
        assert served.recv(10) == b""  # end of file at once, not a wait
        served.sendall(b"still answering")
        assert client.recv(100) == b"still answering"
        deadlines.enforce(now + 11)
        with pytest.raises(OSError):
            served.sendall(b"too late")
        deadlines.discard(served)
        assert not deadlines._started
