"""The stack's speed limit: Flask on gunicorn parsing the JSON and returning a fixed reply."""

import json

from flask import Flask, Response, request

app = Flask(__name__)
REPLY = json.dumps({"version": "1.0", "response": {
    "outputSpeech": {"type": "SSML", "ssml": "<speak>Welcome.</speak>"},
    "shouldEndSession": False}})


@app.post("/")
def alexa() -> Response:
    json.loads(request.get_data())
    return Response(REPLY, mimetype="application/json")
