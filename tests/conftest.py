from __future__ import annotations

import pytest

from skill.app import create_app
from skill.settings import Settings

from .helpers import ROUTINES, Person, client_sender


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
