"""The Flask app factory: POST / takes Alexa requests, GET /health reports the service."""

from __future__ import annotations

import contextlib
import logging
import time
from datetime import timedelta
from typing import Any

import orjson
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from gunicorn.http.errors import ParseException
from werkzeug.exceptions import ClientDisconnected, HTTPException, RequestEntityTooLarge

from .alexa.envelope import BadRequest, lookup, parse_envelope, unreadable
from .alexa.skill import build_skill
from .clock import Clock, utc_now
from .coach.state import clean_attributes
from .content.loader import load_catalog
from .settings import Settings
from .store import Store, open_store
from .store.database import open_database
from .store.schema import upgrade
from .untrusted import clip, shown
from .verify import RequestVerification, VerificationError, build_verification

log = logging.getLogger(__name__)
# Past this much of a body that is too large, its connection is closed instead (the server's
# read deadline bounds the time either way).
DISCARD_BYTES = 1024 * 1024


class Refused(Exception):
    """A request answered with a 4xx: its status, and what is wrong in the service's words."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = clip(message)


def create_app(settings: Settings | None = None,
               verification: RequestVerification | None = None,
               clock: Clock = utc_now, store: Store | None = None) -> Flask:
    """A ready app; raises ContentError if the routines are invalid and StoreError if the
    database cannot be reached or upgraded, so it never half-starts. People are remembered
    in `store` if given (its owner sets it up), else in SKILL_DATABASE_URL's."""
    settings = settings or Settings.from_env()
    catalog = load_catalog(settings.routines)
    if store is None:
        migrating = open_database(settings.database, serving=False)
        try:
            upgrade(migrating, settings.time_zone)
        finally:
            migrating.close()
        # Workers fork after this: each opens its own connections when it first needs one.
        store = open_store(settings.database)
    skill = build_skill(catalog, store, resume_window=timedelta(hours=settings.resume_hours),
                        default_zone=settings.time_zone, clock=clock)
    verification = verification or build_verification(settings)
    limit = settings.max_body_bytes

    app = Flask(__name__)
    # One byte more than the limit is read, so that a chunked body (which has no length to
    # check first) that is too large can be told from one that just fits.
    app.config["MAX_CONTENT_LENGTH"] = limit + 1
    app.extensions["stretch_coach"] = {
        "settings": settings, "catalog": catalog, "verification": verification,
        "store": store, "skill": skill}

    @app.post("/")
    def alexa() -> Response:
        started = time.perf_counter()
        data: dict[str, Any] | None = None
        error = None
        try:
            body = read_body(limit)
            data = parse_envelope(body)
            verification.verify(request.headers, body, data)
            response = answer(skill, data)
        except BadRequest as bad:
            response, error = _error(400, clip(str(bad))), bad
        except VerificationError as failed:
            response = _error(400, clip(f"request verification failed: {failed}"))
            error = Refused(400, f"request rejected: {failed}")
        except Refused as refused:
            response, error = _error(refused.status, refused.message), refused
        except Exception as failure:
            response, error = _error(500, "internal error"), failure
        log_request(response.status_code, time.perf_counter() - started, data, error)
        return response

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", routines=len(catalog), verify=settings.verify)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _error(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
        return _error(500, "internal error")

    return app


def read_body(limit: int) -> bytes:
    """The request body, at most `limit` bytes, however it was sent; Refused if it cannot be."""
    environ = request.environ
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit() and int(length) <= limit \
            and "HTTP_TRANSFER_ENCODING" not in environ:
        # Alexa's case, and most of all requests: a Content-Length within the limit, read at
        # once from the server's stream (werkzeug's wrappers add nothing to it).
        body = _read_exactly(environ["wsgi.input"], int(length))
        if len(body) < int(length):
            raise Refused(400, "the request body is shorter than its Content-Length")
        return body
    try:
        body = request.get_data(cache=False)
    except RequestEntityTooLarge:
        discard_rest()
        raise Refused(413, f"the request body is larger than {limit} bytes") from None
    except (ClientDisconnected, ParseException):  # the server's parser: bad or short chunks
        if request.content_length is None:
            raise Refused(400, "the request body's chunked encoding is malformed "
                               "or incomplete") from None
        raise Refused(400, "the request body is shorter than its Content-Length") from None
    if len(body) > limit:
        discard_rest()
        raise Refused(413, f"the request body is larger than {limit} bytes")
    # gunicorn ends the stream itself, so werkzeug takes a body cut short as complete.
    if request.content_length is not None and len(body) < request.content_length:
        raise Refused(400, "the request body is shorter than its Content-Length")
    return body


def _read_exactly(stream: Any, length: int) -> bytes:
    """Up to `length` bytes from `stream`, fewer only if the client stopped sending."""
    try:
        body = stream.read(length)
        while len(body) < length and (more := stream.read(length - len(body))):
            body += more
    except (ClientDisconnected, ParseException, OSError):
        return b""
    return body


def discard_rest() -> None:
    """Read and drop what is left of a body refused for its size, up to DISCARD_BYTES. A server
    closing a connection with unread bytes resets it, and the client may never see its 413."""
    if (request.content_length or 0) > DISCARD_BYTES:
        return
    stream, left = request.environ["wsgi.input"], DISCARD_BYTES
    with contextlib.suppress(Exception):  # a broken body is dropped all the same
        while left > 0 and (chunk := stream.read(min(left, 64 * 1024))):
            left -= len(chunk)


def answer(skill: CustomSkill, data: dict[str, Any]) -> Response:
    """The skill's reply to the checked envelope `data`."""
    if isinstance(data.get("session"), dict):
        # Only what the conversation keeps, before the SDK deep-copies or echoes any of it.
        data["session"]["attributes"] = clean_attributes(data["session"].get("attributes"))
    try:
        envelope = skill.serializer.from_data(data, RequestEnvelope)
    except SerializationException:
        raise BadRequest(unreadable(data, skill.serializer.from_data)) from None
    response = skill.invoke(envelope, None)
    return Response(orjson.dumps(skill.serializer.serialize(response)),
                    mimetype="application/json")


def log_request(status: int, seconds: float, data: dict[str, Any] | None,
                error: Exception | None) -> None:
    """One line per request: what it was, how it ended, how long it took; nothing personal
    but the opaque user id, and every client value quoted and cut short."""
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    if not log.isEnabledFor(level):
        return
    if data is None:
        request_id = kind = intent = user = "-"
    else:
        request_id = shown(data["request"]["requestId"])
        kind = shown(data["request"]["type"])
        intent = _shown_or_dash(lookup(data, "request.intent.name"))
        user = _shown_or_dash(lookup(data, "context.System.user.userId"))
    why = "" if error is None or status >= 500 else f" error={shown(str(error), 300)}"
    log.log(level, "POST / %d %.1f ms request=%s type=%s intent=%s user=%s%s",
            status, seconds * 1000, request_id, kind, intent, user, why,
            exc_info=error if status >= 500 else None)


def _shown_or_dash(value: Any) -> str:
    return "-" if value is None else shown(value)


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response
