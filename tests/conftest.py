from __future__ import annotations

from pathlib import Path

import pytest

from skill import intents
from skill.app import create_app
from skill.envelopes import Resolution, Session, slot
from skill.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ROUTINES = ROOT / "routines"


class Person(Session):
    """Someone talking to the skill: one method per thing they can say."""

    def start(self, words: str | None, resolved_id: str | None = None, no_match: bool = False):
        resolution = None
        if resolved_id or no_match:
            resolution = Resolution(intents.ROUTINE_SLOT_TYPE, resolved_id, resolved_id)
        filled = slot(intents.ROUTINE_SLOT, words, resolution)
        return self.intent(intents.START_ROUTINE, {intents.ROUTINE_SLOT: filled})

    def say(self, intent: str):
        return self.intent(intent)


def client_sender(client):
    def send(envelope):
        response = client.post("/", json=envelope)
        return response.status_code, response.get_json()
    return send


@pytest.fixture(scope="session")
def app():
    return create_app(Settings(routines=(ROUTINES,), verify=False))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def person(client) -> Person:
    return Person(client_sender(client))


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    from .pki import NOW, AlexaLikePKI

    return AlexaLikePKI(tmp_path_factory.mktemp("pki"), NOW)


@pytest.fixture(scope="session")
def verified_app(pki):
    from .pki import verified_settings

    return create_app(verified_settings(pki))


@pytest.fixture(scope="session")
def catalog(app):
    return app.extensions["stretch_coach"]["catalog"]
