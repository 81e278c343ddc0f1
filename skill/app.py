"""The Flask app factory: POST / takes Alexa requests, GET /health reports the service."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .alexa.envelope import BadRequest, parse_envelope
from .alexa.skill import build_skill
from .clock import Clock, utc_now
from .coach.state import clean_attributes
from .content.loader import load_catalog
from .settings import Settings
from .store.database import open_database
from .store.schema import upgrade
from .verify import RequestVerification, VerificationError, build_verification

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None,
               verification: RequestVerification | None = None,
               clock: Clock = utc_now) -> Flask:
    """A ready app; raises ContentError if the routines are invalid and StoreError if the
    database cannot be reached or upgraded, so it never half-starts."""
    settings = settings or Settings.from_env()
    catalog = load_catalog(settings.routines)
    migrating = open_database(settings.database.url, pooled=False)
    upgrade(migrating)
    migrating.close()
    # Workers fork after this: each opens its own connections when it first needs one.
    database = open_database(settings.database.url)
    skill = build_skill(catalog, database, resume_window=timedelta(hours=settings.resume_hours),
                        default_zone=settings.time_zone, clock=clock)
    verification = verification or build_verification(settings)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["stretch_coach"] = {
        "settings": settings, "catalog": catalog, "verification": verification,
        "database": database, "skill": skill}

    @app.post("/")
    def alexa() -> Response:
        body = request.get_data(cache=False)
        try:
            data = parse_envelope(body)
            verification.verify(request.headers, body, data)
            if isinstance(data.get("session"), dict):
                data["session"]["attributes"] = clean_attributes(data["session"].get("attributes"))
            envelope = skill.serializer.from_data(data, RequestEnvelope)
        except VerificationError as error:
            log.warning("request rejected: %s", error)
            return _error(400, f"request verification failed: {error}")
        except (BadRequest, SerializationException) as error:
            return _error(400, str(error))
        response = skill.invoke(envelope, None)
        payload = json.dumps(skill.serializer.serialize(response), separators=(",", ":"))
        return Response(payload, mimetype="application/json")

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", routines=len(catalog), verify=settings.verify)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Response:
        return _error(413, f"the request body is larger than {settings.max_body_bytes} bytes")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return _error(error.code or 500, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
        return _error(500, "internal error")

    return app


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response
