"""The stack's speed limit: Flask on the skill's own gunicorn configuration, parsing the JSON and
returning a fixed reply as long as the skill's, and, for requests that save, also making the
skill's single-row upsert (one statement, committed on its own) on the same database with the
same connections and durability.

    python bench/bare.py PORT REPLY_BYTES [DATABASE_URL]
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC
from pathlib import Path

import orjson
from flask import Flask, Response, request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.server import GunicornServer, options  # noqa: E402
from skill.settings import DatabaseUrl  # noqa: E402
from skill.store.database import open_database  # noqa: E402
from skill.store.schema import upgrade  # noqa: E402
from skill.store.sql import _upsert  # noqa: E402

PLACE = ("routine", "step", "place_saved")


def create(reply_bytes: int, database_url: str | None = None) -> Flask:
    reply = json.dumps({"version": "1.0", "response": {
        "outputSpeech": {"type": "SSML", "ssml": "<speak>x</speak>"},
        "shouldEndSession": False}, "padding": ""})
    reply = reply.replace('"padding": ""', '"padding": "' + "x" * max(
        0, reply_bytes - len(reply)) + '"').encode()
    database = None
    if database_url:
        migrating = open_database(DatabaseUrl.parse(database_url), serving=False)
        upgrade(migrating, UTC)
        migrating.close()
        database = open_database(DatabaseUrl.parse(database_url))
    statement = _upsert(PLACE)
    app = Flask(__name__)

    @app.post("/")
    def alexa() -> Response:
        data = orjson.loads(request.get_data())  # the parser the skill uses
        if database is not None:
            attributes = data["session"]["attributes"]
            user = data["context"]["System"]["user"]["userId"]
            now = int(time.time())
            database.change(statement, (user, now, attributes["routine"],
                                        attributes["step"] + 1, now))
        return Response(reply, mimetype="application/json")

    return app


if __name__ == "__main__":
    port, reply_bytes = int(sys.argv[1]), int(sys.argv[2])
    url = sys.argv[3] if len(sys.argv) > 3 else None
    GunicornServer(create(reply_bytes, url), options("127.0.0.1", port, 1, "WARNING")).run()
