"""Fixtures the tests share.

The skill under test runs on the tests' own catalog, tests/fixtures/routines
(helpers.FIXTURE_ROUTINES): a plain stretch (butterfly-stretch), a stretch with sides
(spiral-twist), a massage whose holds are a range (leg-cramp-massage), a checklist read three
tips a turn (cramp-prevention), and the concerns they help with. So a routine added to or
changed in routines/ changes no test but those that check the shipped routines themselves.

- `app`, `client`, `newcomer`, `person`, `fresh_client`, `fixture_catalog`: the skill on that
  catalog. A module that builds its own app passes `routines=(FIXTURE_ROUTINES,)` to Settings,
  or calls helpers.make_app(folder), which does.
- `shipped_catalog`, `shipped_person`: the shipped routines (routines/), for the tests that
  check them (they load, they are within Alexa's limits, they say what their fields say).
  `catalog` is the older name of `shipped_catalog`.
- `postgres_server`, `postgres_url`, `database_url`: PostgreSQL, and each test on SQLite and
  again on PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from skill.alexa import intents
from skill.app import create_app
from skill.content.catalog import Catalog
from skill.simulator.envelopes import Device
from skill.simulator.settings_api import SettingsApi, settings_api

from . import pg_cluster
from .helpers import ROUTINES, Person, client_sender, make_app, sqlite_url

# A PostgreSQL server to test against; without it the tests start a throw-away cluster when
# PostgreSQL is installed, and skip (or, under CI, fail) when it is not.
POSTGRES_ENV = "STRETCH_COACH_TEST_POSTGRES"


# The skill on the tests' own catalog.

@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app for the conversation tests: each Person is a new user, so none see another's."""
    return make_app(tmp_path_factory.mktemp("db"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def fresh_client(tmp_path):
    """A client of an app with a database of its own: for verbatim Alexa requests, whose fixed
    user id the shared app would remember from one test to the next."""
    return make_app(tmp_path).test_client()


@pytest.fixture(scope="session")
def fixture_catalog(app) -> Catalog:
    return app.extensions["stretch_coach"]["catalog"]


@pytest.fixture(scope="session")
def alexa_settings_api():
    """Alexa's settings API on loopback, so no test ever reaches the real one."""
    with settings_api(SettingsApi(zone="UTC")) as api:
        yield api


@pytest.fixture
def newcomer(client, alexa_settings_api) -> Person:
    """Someone who has never used the skill."""
    return Person(client_sender(client), Device(api_endpoint=alexa_settings_api.url))


def returning(person: Person) -> Person:
    """`person`, once they have used the skill and so heard the safety note."""
    person.launch()
    person.say(intents.STOP)
    return person


@pytest.fixture
def person(newcomer) -> Person:
    """Someone who has used the skill before, so has heard the safety note."""
    return returning(newcomer)


# The skill on the shipped routines.

@pytest.fixture(scope="session")
def shipped_app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("shipped"), ROUTINES)


@pytest.fixture(scope="session")
def shipped_catalog(shipped_app) -> Catalog:
    return shipped_app.extensions["stretch_coach"]["catalog"]


@pytest.fixture(scope="session")
def catalog(shipped_catalog) -> Catalog:
    """The shipped routines: the older name of shipped_catalog."""
    return shipped_catalog


@pytest.fixture
def shipped_person(shipped_app, alexa_settings_api) -> Person:
    """Someone who has used the skill on the shipped routines before."""
    return returning(Person(client_sender(shipped_app.test_client()),
                            Device(api_endpoint=alexa_settings_api.url)))


# Verification.

@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    from .pki import NOW, AlexaLikePKI

    return AlexaLikePKI(tmp_path_factory.mktemp("pki"), NOW)


@pytest.fixture(scope="session")
def verified_app(pki):
    from .pki import verified_settings

    return create_app(verified_settings(pki))


# Databases.

@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a PostgreSQL server the tests may create databases on."""
    if os.environ.get(POSTGRES_ENV):
        yield os.environ[POSTGRES_ENV]
        return
    if pg_cluster.binaries() is None:
        reason = (f"PostgreSQL is not installed: install it, or set {POSTGRES_ENV} to a "
                  "server's URL (.ci/run starts one)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"under CI a PostgreSQL server is required: {reason}")
        pytest.skip(reason)
    folder = Path(tempfile.mkdtemp(prefix="stretch-coach-pg-"))
    folder.chmod(0o755)  # the cluster runs as an unprivileged user when we are root
    try:
        yield pg_cluster.start(folder / "cluster").url
    finally:
        pg_cluster.stop(folder / "cluster")
        folder.rmdir()


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(postgres_server)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each test that takes it runs on SQLite, and again on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return request.getfixturevalue("postgres_url")
