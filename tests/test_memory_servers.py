"""Memory across real server processes: a restart, and the workers of one host, or two hosts,
writing for one person at once. On SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import signal
import threading
import time

import pytest

from skill.alexa import intents
from skill.simulator.chat import Unreachable, http_sender
from skill.simulator.envelopes import Device
from skill.simulator.settings_api import SettingsApi, settings_api

from .helpers import FIXTURE_ROUTINES, Person, drain, serving
from .test_memory import stored

DEVELOPMENT = {"ALEXA_VERIFY": "0"}


def test_a_person_resumes_after_the_server_process_restarts(database_url):
    env = {**DEVELOPMENT, "SKILL_DATABASE_URL": database_url}
    device = Device()
    with serving(env, FIXTURE_ROUTINES) as (url, _):
        someone = Person(http_sender(url + "/"), device)
        someone.launch()
        someone.start("leg cramp massage")
        someone.say(intents.NEXT)
    with serving(env, FIXTURE_ROUTINES) as (url, _):
        someone = Person(http_sender(url + "/"), device)
        back = someone.launch()
        assert "Last time you stopped at step 2 of 4 of leg cramp massage" in back.speech, \
            (back.status, back.body)
        assert someone.say(intents.RESUME).speech.startswith("Picking up leg cramp massage")


@pytest.mark.parametrize("hosts", [1, 2])
def test_workers_and_hosts_finishing_routines_for_one_person_at_once_lose_none(database_url,
                                                                               hosts):
    sessions = 16
    env = {**DEVELOPMENT, "SKILL_DATABASE_URL": database_url}
    with settings_api(SettingsApi(zone="UTC")) as api, contextlib.ExitStack() as stack:
        # Each host with two workers.
        urls = [stack.enter_context(serving(env, FIXTURE_ROUTINES))[0] for _ in range(hosts)]
        url = urls[0]
        device = Device(api_endpoint=api.url)  # one person, on many sessions at once
        people = [Person(http_sender(urls[n % hosts] + "/"), device) for n in range(sessions)]
        for person in people:
            person.start("butterfly")
            assert "all done" in person.say(intents.NEXT).speech
        start = threading.Barrier(sessions)
        finished = []

        def finish(person: Person) -> None:
            start.wait()
            finished.append(person.say(intents.NO))  # after the last holds: each counts one

        threads = [threading.Thread(target=finish, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert [turn.status for turn in finished] == [200] * sessions
        assert all(turn.speech.startswith("Goodbye") for turn in finished)
        progress = Person(http_sender(url + "/"), device).intent(intents.PROGRESS)
        assert f"you've finished {sessions} routines on 1 day" in progress.speech
    rows = stored(database_url, "SELECT COUNT(*) FROM completions JOIN people "
                                "ON people.id = completions.person WHERE user_id = ?",
                  (device.user_id,))
    assert rows == [(sessions,)]


def test_sigterm_lets_writes_in_flight_finish_and_leaves_nothing_half_written(database_url):
    sessions = 12
    with settings_api(SettingsApi(zone="UTC")) as api, \
            serving({**DEVELOPMENT, "SKILL_DATABASE_URL": database_url},
                    FIXTURE_ROUTINES) as (url, process):
        drain(process)
        device = Device(api_endpoint=api.url)
        people = [Person(http_sender(url + "/"), device) for _ in range(sessions)]
        for person in people:
            person.start("butterfly")
            person.say(intents.NEXT)
        start = threading.Barrier(sessions + 1)
        answers: list = []

        def finish(person: Person) -> None:
            start.wait()
            try:
                answers.append(person.say(intents.NO))  # after the last holds: counts one
            except Unreachable:  # came after the server stopped listening
                answers.append(None)

        threads = [threading.Thread(target=finish, args=(person,)) for person in people]
        for thread in threads:
            thread.start()
        start.wait()
        time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join(timeout=30)
        assert process.wait(timeout=20) == 0
    finished = [turn for turn in answers if turn is not None and turn.status == 200]
    assert finished and all(turn.speech.startswith("Goodbye") for turn in finished)
    rows = stored(database_url, "SELECT completions.routine, finished, request_id "
                                "FROM completions "
                                "JOIN people ON people.id = completions.person "
                                "WHERE user_id = ?", (device.user_id,))
    assert len(rows) == len(finished)
    assert all(routine == "butterfly-stretch" and when and request for routine, when, request
               in rows)
