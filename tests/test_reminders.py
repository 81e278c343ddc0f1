"""A daily bedtime stretch reminder by voice: asked for, said back, changed and cancelled.

Alexa request envelopes go over HTTP to the skill, and the skill calls a stand-in of Alexa's
Reminders API on loopback (skill/simulator/reminders_api.py), which keeps each person's
reminders and checks each request as Amazon documents it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa import intents
from skill.alexa.model_meta import SDK
from skill.alexa.reminders_api import (
    CALL_SECONDS,
    ONE,
    daily_reminder,
    read_answer,
    reminder_time,
)
from skill.app import create_app
from skill.coach.bedtime import Bedtime, HeardTime, PartOfDay, Unclear, bedtime
from skill.model.definitions import load_definitions
from skill.screen.datasources import read_back
from skill.settings import DatabaseUrl, Settings
from skill.simulator.envelopes import (
    Device,
    connections_response,
    event_request,
    intent_request,
    slot,
)
from skill.simulator.nlu import Understanding
from skill.simulator.reminders_api import PATH, RemindersApi
from skill.simulator.settings_api import SettingsApi, settings_api
from skill.voice.phrases import mid_sentence

from .conversing import stretch_with_sides
from .helpers import (
    FIXTURE_ROUTINES,
    Person,
    assert_sound,
    client_sender,
    committed,
    run,
    understood,
)
from .test_barge_in import CARRY_ON, at_the_step, holds_heard, where
from .test_chat import script
from .test_limits import assert_within_limits
from .test_memory import Clock, stored
from .wordings import canonical

# 23:00 UTC: 6 p.m. in New York, the evening there.
EVENING = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
MORNING = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 9 a.m. in New York
ALLOWED = intents.REMINDERS_PERMISSION
ASK_PERMISSION = ("I'll set a stretch reminder for 9 p.m., every day. First, Alexa needs your "
                  "permission to set reminders.")
SET_AT_NINE = "Done. I'll remind you to stretch at 9 p.m., every day."
WHICH = "What would you like?"
GO_ON = "Ready to go on?"
ANOTHER = "Would you like another routine?"
OFFER = "Would you like a reminder to stretch before bed?"
WHAT_TIME = "What time would you like your daily stretch reminder?"
AGAIN = "What time exactly, with a.m. or p.m.?"
NONE = ("You don't have a stretch reminder. To set one, say: remind me to stretch every night "
        "at nine.")


@dataclass
class Alexa:
    """Alexa's APIs on loopback: the device settings (a zone) and the reminders."""

    url: str
    settings: SettingsApi
    reminders: RemindersApi


class Sleeper(Person):
    """Someone setting a bedtime reminder; every answer they hear is held to Alexa's limits."""

    alexa: Alexa

    def request(self, request):
        turn = super().request(request)
        assert turn.status == 200, turn.body
        assert_within_limits(turn)
        if not turn.ends_session:
            assert turn.speech.count("?") == 1 and turn.reprompt.endswith("?"), turn.speech
        assert ".." not in turn.speech and "{" not in turn.speech
        return turn

    def remind(self, value: str | None = None, intent: str = intents.SET_REMINDER):
        """ "Remind me to stretch every night at ...", AMAZON.TIME filled as Alexa fills it."""
        return self.intent(intent, {intents.TIME_SLOT: slot(intents.TIME_SLOT, value)})

    def number(self, value: int):
        """A bare number, which Alexa may hear as a step number."""
        return self.intent(intents.GO_TO_STEP, {intents.NUMBER_SLOT: slot(
            intents.NUMBER_SLOT, str(value))})

    def allow(self) -> None:
        """The person allowed reminders already (in the Alexa app, or by voice before)."""
        self.device.granted.add(ALLOWED)

    @property
    def reminders(self) -> list[dict]:
        """Their reminders, as Alexa keeps them."""
        return self.alexa.reminders.reminders(self.device.user_id)


def rules(reminder: dict) -> list[str]:
    return reminder["trigger"]["recurrence"]["recurrenceRules"]


@pytest.fixture(scope="module")
def served():
    reminders = RemindersApi()
    with settings_api(SettingsApi(), reminders) as settings:
        yield Alexa(settings.url, settings, reminders)


@pytest.fixture
def alexa(served) -> Alexa:
    """Alexa's APIs answering as they should, in New York; each person's reminders are
    theirs alone, so a test sees only its own."""
    served.settings.zone, served.settings.status = "America/New_York", 200
    served.reminders.status, served.reminders.delay, served.reminders.body = None, 0.0, None
    served.reminders.calls.clear()
    return served


@pytest.fixture(scope="module")
def module_clock() -> Clock:
    return Clock(EVENING)


@pytest.fixture
def clock(module_clock) -> Clock:
    """The skill's clock, at 6 p.m. in New York when a test starts."""
    module_clock.now = EVENING
    return module_clock


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'stretch-coach.sqlite3'}"


@pytest.fixture(scope="module")
def app(database, module_clock):
    """One skill for the module's tests: each is a new person, so none sees another's."""
    return create_app(Settings(routines=(FIXTURE_ROUTINES,), verify=False,
                               database=DatabaseUrl.parse(database)), clock=module_clock)


def sleeper(app, alexa: Alexa, **device) -> Sleeper:
    person = Sleeper(client_sender(app.test_client()), Device(api_endpoint=alexa.url, **device))
    person.alexa = alexa
    return person


@pytest.fixture
def someone(app, alexa, clock) -> Sleeper:
    """Someone who has used the skill before and is in the menu."""
    person = sleeper(app, alexa)
    person.launch()
    return person


def stored_reminder(database: str, person: Sleeper) -> list:
    return stored(database, "SELECT reminder_id, reminder_offered FROM people WHERE user_id = ?",
                  (person.device.user_id,))


# Consent by voice, each way it can go.

def test_the_first_reminder_asks_alexa_for_the_permission_by_voice_then_sets_it(
        someone, database):
    asked = someone.remind("21:00")
    assert asked.speech == ASK_PERMISSION
    assert asked.ends_session and not asked.reprompt  # Alexa asks next, in its own words
    assert asked.consent_request["payload"] == {
        "@type": "AskForPermissionsConsentRequest", "@version": "2",
        "permissionScopes": [{"permissionScope": ALLOWED, "consentLevel": "ACCOUNT"}]}
    assert someone.reminders == []

    done = someone.consent("ACCEPTED")
    assert done.speech == f"{SET_AT_NINE} {WHICH}"
    (reminder,) = someone.reminders
    assert rules(reminder) == ["FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]
    assert reminder["trigger"]["type"] == "SCHEDULED_ABSOLUTE"
    assert reminder["pushNotification"] == {"status": "ENABLED"}
    (said,) = reminder["alertInfo"]["spokenInfo"]["content"]
    assert said["locale"] == "en-US"
    assert said["text"].startswith("Time to stretch before bed. Stretch Coach can take you")
    assert stored_reminder(database, someone) == [(reminder["alertToken"], None)]

    # Now allowed, the next reminder goes straight to Alexa: no second request.
    again = someone.remind("22:00")
    assert again.consent_request is None
    assert again.speech.startswith("Done. Your stretch reminder is now at 10 p.m., every day.")


def test_a_denied_permission_sets_nothing_and_carries_on(someone, alexa):
    someone.remind("21:00")
    denied = someone.consent("DENIED")
    assert denied.speech == ("All right, no reminder. If you change your mind, you can allow "
                             f"reminders for Stretch Coach in the Alexa app. {WHICH}")
    assert denied.card is None and not denied.ends_session
    assert someone.reminders == [] and alexa.reminders.calls == []


def test_an_unanswered_permission_request_leaves_a_card_in_the_alexa_app(someone):
    someone.remind("21:00")
    unanswered = someone.consent("NOT_ANSWERED")
    assert unanswered.speech.startswith("I didn't hear an answer, so there's no reminder yet.")
    assert unanswered.card == {"type": "AskForPermissionsConsent", "permissions": [ALLOWED]}
    assert someone.reminders == []


@pytest.mark.parametrize("code", ["400", "500"])
def test_where_voice_consent_is_not_available_a_card_stands_in(someone, code):
    someone.remind("21:00")
    fallback = someone.consent("NOT_ANSWERED", code=code)
    assert fallback.speech.startswith("I can't ask for the permission on this device, so I've "
                                      "sent a card to your Alexa app")
    assert fallback.card == {"type": "AskForPermissionsConsent", "permissions": [ALLOWED]}
    assert someone.reminders == []


def test_the_place_in_a_routine_survives_the_consent_round_trip(someone):
    someone.start("leg cramp massage")
    someone.say(intents.NEXT)
    someone.say(intents.NEXT)  # step 3 of 4
    someone.remind("21:00")
    assert not someone.open  # Alexa's consent question opens a new session
    back = someone.consent("ACCEPTED")
    assert back.speech == f"{SET_AT_NINE} {GO_ON}"
    assert back.attributes["routine"] == "leg-cramp-massage" and back.attributes["step"] == 2
    assert someone.say(intents.NEXT).speech.startswith("Step 4 of 4.")


def test_a_consent_answer_whose_token_is_not_ours_asks_for_the_time(someone, alexa):
    someone.remind("21:00")
    someone.asking = {**someone.asking, "token": '{"v": 2, "routine": "no-such", "at": "99"}'}
    answer = someone.consent("ACCEPTED")
    assert answer.speech == f"Thanks for allowing reminders. {WHAT_TIME}"
    assert someone.remind("21:00").speech == f"{SET_AT_NINE} {WHICH}"
    assert len(someone.reminders) == 1


# Create, list, change, cancel.

def test_set_hear_change_and_cancel_a_reminder(someone, alexa, database):
    someone.allow()
    assert someone.say(intents.REMINDER_STATUS).speech == f"{NONE} {WHICH}"
    assert someone.remind("21:00").speech == f"{SET_AT_NINE} {WHICH}"
    assert someone.say(intents.REMINDER_STATUS).speech == (
        f"Your stretch reminder is at 9 p.m., every day. {WHICH}")
    changed = someone.remind("10:00", intent=intents.CHANGE_REMINDER)
    assert changed.speech == f"Done. Your stretch reminder is now at 10 p.m., every day. {WHICH}"
    (reminder,) = someone.reminders
    assert rules(reminder) == ["FREQ=DAILY;BYHOUR=22;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]
    assert reminder["version"] == "2"  # the same reminder, replaced
    cancelled = someone.say(intents.CANCEL_REMINDER)
    assert cancelled.speech == f"Done. I won't remind you to stretch any more. {WHICH}"
    assert someone.reminders == []
    assert stored_reminder(database, someone) == [(None, None)]
    assert someone.say(intents.REMINDER_STATUS).speech == f"{NONE} {WHICH}"
    assert someone.say(intents.CANCEL_REMINDER).speech == f"{NONE} {WHICH}"


def test_a_reminder_stores_its_id_and_nothing_else(someone, database):
    someone.allow()
    someone.remind("21:00")  # the device's zone is learnt here, as for progress
    someone.say(intents.CANCEL_REMINDER)
    person = "SELECT * FROM people WHERE user_id = ?"
    columns = [name for (name,) in stored(database, "SELECT name FROM pragma_table_info('people')")]
    before = stored(database, person, (someone.device.user_id,))
    someone.remind("22:00")
    after = stored(database, person, (someone.device.user_id,))
    assert [column for column, old, new in zip(columns, *before, *after, strict=True)
            if old != new] == ["reminder_id"]
    assert after[0][columns.index("reminder_id")] == someone.reminders[0]["alertToken"]


def test_a_one_shot_reminder_is_set_and_the_session_ends(app, alexa):
    person = sleeper(app, alexa)
    person.allow()
    done = person.remind("21:00")
    assert done.speech.startswith("General guidance only")  # a first visit
    assert done.speech.endswith(SET_AT_NINE) and done.ends_session


def test_without_the_permission_there_is_nothing_to_list_or_cancel(someone, alexa):
    assert someone.say(intents.REMINDER_STATUS).speech == f"{NONE} {WHICH}"
    assert someone.say(intents.CANCEL_REMINDER).speech == f"{NONE} {WHICH}"
    assert alexa.reminders.calls == []  # a token without the permission would get a 401


def test_one_reminder_per_person_even_when_the_store_lost_its_id(someone, alexa, database):
    someone.allow()
    someone.remind("21:00")
    stored(database, "UPDATE people SET reminder_id = NULL WHERE user_id = ?",
           (someone.device.user_id,))
    assert someone.say(intents.REMINDER_STATUS).speech.startswith(
        "Your stretch reminder is at 9 p.m.")
    someone.remind("22:00")
    assert len(someone.reminders) == 1
    assert stored_reminder(database, someone) == [(someone.reminders[0]["alertToken"], None)]


def test_a_reminder_deleted_in_the_alexa_app_is_made_again(someone, alexa, database):
    someone.allow()
    someone.remind("21:00")
    alexa.reminders.kept[someone.device.user_id].clear()
    assert someone.say(intents.REMINDER_STATUS).speech == f"{NONE} {WHICH}"
    assert stored_reminder(database, someone) == [(None, None)]
    someone.remind("21:00")
    alexa.reminders.kept[someone.device.user_id].clear()
    changed = someone.remind("22:00", intent=intents.CHANGE_REMINDER)
    assert changed.speech.startswith("Done. I'll remind you to stretch at 10 p.m.")
    assert len(someone.reminders) == 1


def test_change_my_reminder_without_a_time_asks_for_one(someone):
    someone.allow()
    assert someone.remind(None, intent=intents.CHANGE_REMINDER).speech == f"Sure. {WHAT_TIME}"
    assert someone.remind("23:15").speech == (
        f"Done. I'll remind you to stretch at 11:15 p.m., every day. {WHICH}")


# Times: the person's own, "nine" meaning 9 p.m., an unclear time asked back once.

@pytest.mark.parametrize(("value", "said", "rule"), [
    ("21:00", "9 p.m.", "BYHOUR=21;BYMINUTE=0"),
    ("09:00", "9 p.m.", "BYHOUR=21;BYMINUTE=0"),  # "at nine": the evening, before bed
    ("06:30", "6:30 p.m.", "BYHOUR=18;BYMINUTE=30"),
    ("11:45", "11:45 p.m.", "BYHOUR=23;BYMINUTE=45"),
    ("22:05", "10:05 p.m.", "BYHOUR=22;BYMINUTE=5"),
    ("00:00", "midnight", "BYHOUR=0;BYMINUTE=0"),
    ("13:00", "1 p.m.", "BYHOUR=13;BYMINUTE=0"),
])
def test_clear_times_are_set_as_said_and_nine_means_nine_in_the_evening(
        someone, value, said, rule):
    someone.allow()
    assert someone.remind(value).speech.startswith(f"Done. I'll remind you to stretch at {said},")
    (reminder,) = someone.reminders
    assert f";{rule};" in rules(reminder)[0]


@pytest.mark.parametrize(("first", "second", "said"), [
    ("03:00", "15:00", "3 p.m."),  # "at three": asked back, then "three p.m."
    ("03:00", "03:00", "3 a.m."),  # asked back once: the same answer is taken as said
    ("12:00", "00:00", "midnight"),
    ("EV", "EV", "9 p.m."),  # "in the evening", twice: 9 p.m.
    ("NI", "21:30", "9:30 p.m."),
    ("MO", "MO", "8 a.m."),
])
def test_an_unclear_time_is_asked_back_once(someone, first, second, said):
    someone.allow()
    unclear = someone.remind(first)
    assert unclear.speech.endswith(AGAIN) and someone.reminders == []
    assert "nine p.m." in unclear.reprompt
    assert someone.remind(second).speech.startswith(f"Done. I'll remind you to stretch at {said},")


def test_no_time_is_asked_for_then_asked_back_then_given_up_on(someone):
    someone.allow()
    assert someone.remind(None).speech == f"Sure. {WHAT_TIME}"
    assert someone.remind("?").speech == f"Sorry, I didn't catch a time. {AGAIN}"
    given_up = someone.remind("?")
    assert given_up.speech == ("I still didn't catch a time, so there's no reminder. You can "
                               f"say: remind me to stretch at nine p.m. {WHICH}")
    assert someone.reminders == []


def test_a_bare_number_for_the_time_is_an_hour_not_a_step(someone):
    someone.allow()
    someone.start("leg cramp massage")
    assert someone.remind(None).speech == f"Sure. {WHAT_TIME}"
    assert someone.number(9).speech == f"{SET_AT_NINE} {GO_ON}"
    assert someone.number(3).speech.startswith("Step 3 of 4.")  # no time asked: a step again


def test_help_and_no_while_a_time_is_asked_for(someone):
    someone.start("leg cramp massage")
    someone.remind(None)
    helped = someone.say(intents.HELP)
    assert helped.speech == f"{TIME_HELP} {WHAT_TIME}"
    missed = someone.say(intents.FALLBACK)  # a second miss: what to say, then the question
    assert missed.speech == f"Sorry, I still didn't catch that. {TIME_CHOICES} {WHAT_TIME}"
    assert someone.say(intents.NO).speech == f"All right, no reminder. {GO_ON}"


# A reminder question survives a miss, as every question does: a fallback, "help" or "what?"
# asks it again (from the second miss with what to say), and the answer still answers it.

TIME_HELP = "Say the time for your daily stretch reminder, like nine p.m., or say no."
TIME_CHOICES = "Say a time like nine p.m., or say no."


@dataclass(frozen=True)
class Asking:
    """A reminder question: how it comes to be asked, what is said before it when it was
    missed, what "help" and a second miss say, and an answer and how its reply starts."""

    ask: Callable[[Sleeper], object]
    question: str
    topic: str
    help: str
    choices: str
    answer: Callable[[Sleeper], object]
    answered: str


ASKING = {
    "the offer": Asking(
        lambda person: finish_massage(person), OFFER,
        "People who get cramps at night should stretch before going to bed. ",
        "Say yes and I'll set a daily reminder to stretch before bed, or say no.",
        "Say yes for a daily reminder to stretch before bed, or no.",
        lambda person: person.say(intents.YES), f"Sure. {WHAT_TIME}"),
    "what time": Asking(
        lambda person: person.remind(None), WHAT_TIME, "", TIME_HELP, TIME_CHOICES,
        lambda person: person.remind("21:00"), SET_AT_NINE),
    "what time exactly": Asking(
        lambda person: (person.remind(None), person.remind("?")), AGAIN, "", TIME_HELP,
        TIME_CHOICES, lambda person: person.remind("21:00"), SET_AT_NINE),
}
MISSED = {  # the first miss, and every later one
    intents.FALLBACK: (lambda asking: f"Sorry, I didn't catch that. {asking.topic}",
                       lambda asking: f"Sorry, I still didn't catch that. {asking.choices} "),
    intents.HELP: (lambda asking: f"{asking.help} ", lambda asking: f"{asking.help} "),
    intents.REPEAT: (lambda asking: asking.topic,
                     lambda asking: f"{asking.topic}{asking.choices} "),
}


@pytest.mark.parametrize("miss", MISSED, ids=["fallback", "help", "what"])
@pytest.mark.parametrize("asked", ASKING)
def test_a_reminder_question_survives_a_miss_and_is_still_answered(someone, asked, miss):
    asking, (first, later) = ASKING[asked], MISSED[miss]
    someone.allow()
    asking.ask(someone)
    assert someone.say(miss).speech == f"{first(asking)}{asking.question}"
    again = someone.say(miss)
    assert again.speech == f"{later(asking)}{asking.question}"
    assert again.reprompt == f"{asking.choices} {asking.question}"
    assert asking.answer(someone).speech.startswith(asking.answered)


def test_a_step_cut_short_for_a_reminder_carries_on_from_its_round_after_the_consent(
        someone, app):
    routine, index = stretch_with_sides(app.extensions["stretch_coach"]["catalog"])
    start, end = holds_heard(at_the_step(someone, routine, index))[3]
    someone.after((start + end) / 2)  # "Alexa, remind me to stretch at nine", mid-hold
    assert someone.remind("21:00").speech == ASK_PERMISSION
    back = someone.consent("ACCEPTED")
    assert back.speech == f"{SET_AT_NINE} {CARRY_ON}"
    resumed = someone.say(intents.YES)
    assert resumed.speech.startswith(f"Picking up {mid_sentence(routine.name)} at "
                                     f"{where(routine, index, 3)}. Step {index + 1} of")


@pytest.mark.parametrize(("zone", "start"), [
    ("America/New_York", "2026-11-23T18:00:00"),
    ("Europe/Paris", "2026-11-24T00:00:00"),
    ("Asia/Kolkata", "2026-11-24T04:30:00"),
])
def test_the_reminder_keeps_the_devices_local_time(app, alexa, zone, start):
    alexa.settings.zone = zone
    person = sleeper(app, alexa)
    person.allow()
    person.launch()
    person.remind("21:00")
    (reminder,) = person.reminders
    assert reminder["trigger"]["timeZoneId"] == zone
    assert reminder["trigger"]["recurrence"]["startDateTime"] == start


def test_without_the_settings_api_the_default_zone_is_used(alexa, database, clock):
    app = create_app(Settings(routines=(FIXTURE_ROUTINES,), verify=False,
                              database=DatabaseUrl.parse(database),
                              time_zone=ZoneInfo("Europe/Lisbon")),
                     clock=clock)
    alexa.settings.status = 500
    person = sleeper(app, alexa)
    person.allow()
    person.launch()
    person.remind("21:00")
    (reminder,) = person.reminders
    assert reminder["trigger"]["timeZoneId"] == "Europe/Lisbon"
    assert reminder["trigger"]["recurrence"]["startDateTime"] == "2026-11-23T23:00:00"


# The offer: once, after a routine for night cramps, in the evening.

def finish_massage(person: Sleeper):
    person.start("leg cramp massage")
    turn = person.say(intents.NEXT)
    while "all done" not in turn.speech:
        turn = person.say(intents.NEXT)
    return turn


def test_the_bedtime_reminder_is_offered_once_after_night_cramps_in_the_evening(
        someone, database):
    offered = finish_massage(someone)
    assert offered.speech.endswith("Leg cramp massage: all done. Nice work. People who get "
                                   f"cramps at night should stretch before going to bed. {OFFER}")
    assert offered.reprompt == f"Say yes for a daily reminder to stretch before bed, or no. {OFFER}"
    assert stored_reminder(database, someone)[0][1] is not None  # offered, remembered
    assert someone.say(intents.YES).speech == f"Sure. {WHAT_TIME}"
    someone.allow()
    assert someone.remind("21:00").speech == f"{SET_AT_NINE} {ANOTHER}"
    assert not finish_massage(someone).speech.endswith(OFFER)  # never twice


def test_no_to_the_offer_asks_for_another_routine_and_it_is_not_offered_again(someone):
    finish_massage(someone)
    assert someone.say(intents.NO).speech == f"All right, no reminder. {ANOTHER}"
    someone.say(intents.STOP)
    someone.launch()
    assert finish_massage(someone).speech.endswith(ANOTHER)


def test_the_offer_goes_through_the_consent_and_back_to_another_routine(someone):
    finish_massage(someone)
    someone.say(intents.YES)
    assert someone.number(9).speech == ASK_PERMISSION
    assert someone.consent("ACCEPTED").speech == f"{SET_AT_NINE} {ANOTHER}"


def test_no_offer_in_the_morning_after_other_routines_or_with_a_reminder(
        someone, clock, app, alexa):
    clock.now = MORNING
    assert finish_massage(someone).speech.endswith(ANOTHER)
    clock.now = EVENING
    someone.start("butterfly")
    assert someone.say(intents.NEXT).speech.endswith(ANOTHER)
    allowed = sleeper(app, alexa)
    allowed.allow()
    allowed.launch()
    allowed.remind("21:00")
    assert finish_massage(allowed).speech.endswith(ANOTHER)


# Every failure of the API, said, logged, and nothing lost.

FAILURES = {
    401: "Stretch Coach isn't allowed to {action} reminders. I've sent a card to your Alexa app",
    403: "Stretch Coach isn't allowed to {action} reminders. I've sent a card to your Alexa app",
    429: "Alexa's reminders are busy just now, so I couldn't {action} your reminder.",
    500: "Alexa's reminders aren't working just now, so I couldn't {action} your reminder.",
    503: "Alexa's reminders aren't working just now, so I couldn't {action} your reminder.",
    504: "Alexa's reminders aren't working just now, so I couldn't {action} your reminder.",
}
ASKS = {"set": lambda person: person.remind("22:00"),
        "check": lambda person: person.say(intents.REMINDER_STATUS),
        "cancel": lambda person: person.say(intents.CANCEL_REMINDER)}


@pytest.fixture
def midway(someone, database):
    """Someone with a reminder at 9 p.m., at step 2 of the leg cramp massage."""
    someone.allow()
    someone.remind("21:00")
    someone.start("leg cramp massage")
    someone.say(intents.NEXT)
    return someone


@pytest.mark.parametrize("action", ASKS)
@pytest.mark.parametrize("status", FAILURES)
def test_every_error_status_is_said_logged_and_loses_nothing(
        midway, alexa, database, caplog, status, action):
    before = (stored_reminder(database, midway), midway.reminders)
    alexa.reminders.status = status
    with caplog.at_level(logging.WARNING, "skill.alexa.reminders_api"):
        turn = ASKS[action](midway)
    assert turn.speech.startswith(FAILURES[status].format(action=action))
    assert turn.speech.endswith(GO_ON) and turn.attributes["step"] == 1  # the place kept
    assert (turn.card or {}).get("type") == (
        "AskForPermissionsConsent" if status in (401, 403) else None)
    assert re.search(rf"reminders API (GET|PUT|DELETE) /v1/alerts/reminders/\S+: \S+ "
                     rf"\('HTTP {status}: STAND_IN: answering {status} as told'\)", caplog.text)
    alexa.reminders.status = None
    assert (stored_reminder(database, midway), midway.reminders) == before
    assert midway.say(intents.NEXT).speech.startswith("Step 3 of 4.")


@pytest.mark.parametrize("action", ASKS)
def test_a_timeout_is_said_logged_and_loses_nothing(midway, alexa, database, caplog, action):
    before = stored_reminder(database, midway)
    alexa.reminders.delay = CALL_SECONDS + 0.5
    with caplog.at_level(logging.WARNING, "skill.alexa.reminders_api"):
        turn = ASKS[action](midway)
    assert turn.speech.startswith(f"Alexa's reminders didn't answer in time, so I couldn't "
                                  f"{action} your reminder.")
    assert turn.speech.endswith(GO_ON)
    # The deadline, or urllib's own timeout on the socket if that ends first: either way,
    # within 1.5 seconds.
    assert re.search(r"timed_out \('(no answer within 1.5 s|timed out)'\)", caplog.text)
    alexa.reminders.delay = 0
    assert stored_reminder(database, midway) == before


def test_an_answer_that_cannot_be_read_is_a_failure_not_a_crash(midway, alexa, caplog):
    alexa.reminders.body = b"<html>Service Unavailable</html>"
    turn = midway.say(intents.REMINDER_STATUS)
    assert turn.speech.startswith("Alexa's reminders aren't working just now")
    assert "an answer that cannot be read" in caplog.text


def test_a_permission_the_api_still_refuses_after_consent_gets_the_card(someone, alexa):
    someone.remind("21:00")
    alexa.reminders.status = 401  # accepted, but the token still does not allow reminders
    answer = someone.consent("ACCEPTED")
    assert answer.speech.startswith("Stretch Coach isn't allowed to set reminders.")
    assert answer.card["type"] == "AskForPermissionsConsent"


# Forgetting a person cancels their reminder.

def test_delete_my_progress_cancels_the_reminder_and_deletes_its_id(someone, database):
    someone.allow()
    someone.remind("21:00")
    someone.say(intents.DELETE_PROGRESS)
    forgotten = someone.say(intents.YES)
    assert forgotten.speech == ("Done. I've deleted your progress and everything I remembered "
                                "about you. Your stretch reminder is cancelled too. Goodbye, "
                                "and look after yourself.")
    assert someone.reminders == [] and stored_reminder(database, someone) == []


def test_a_reminder_that_cannot_be_cancelled_is_said_and_the_rest_is_forgotten(
        someone, alexa, database):
    someone.allow()
    someone.remind("21:00")
    someone.say(intents.DELETE_PROGRESS)
    alexa.reminders.status = 500
    forgotten = someone.say(intents.YES)
    assert "I couldn't cancel your stretch reminder just now; you can delete it in the Alexa " \
           "app." in forgotten.speech
    assert stored_reminder(database, someone) == []


def test_disabling_the_skill_cancels_the_reminder_where_the_api_still_allows(
        someone, alexa, database):
    someone.allow()
    someone.remind("21:00")
    assert someone.event(event_request(intents.SKILL_DISABLED)).response == {}
    assert someone.reminders == [] and stored_reminder(database, someone) == []


def test_disabling_the_skill_deletes_the_id_even_when_the_api_refuses(
        someone, alexa, database, caplog):
    someone.allow()
    someone.remind("21:00")
    someone.device.granted.clear()  # the permission went with the skill
    with caplog.at_level(logging.INFO):
        assert someone.event(event_request(intents.SKILL_DISABLED)).status == 200
    assert "skill disabled: reminder cancelled: no_permission" in caplog.text
    assert stored_reminder(database, someone) == []


# The events Alexa sends about reminders and permissions.

@pytest.mark.parametrize(("kind", "body"), [
    ("Reminders.ReminderCreated", {"body": {"alertToken": "a", "status": "ON"}}),
    ("Reminders.ReminderUpdated", {"body": {"alertToken": "a", "status": "ON"}}),
    ("Reminders.ReminderStarted", {"body": {"alertToken": "a"}}),
    ("Reminders.ReminderStatusChanged", {"body": {"alertToken": "a", "status": "COMPLETED"}}),
    ("Reminders.ReminderDeleted", {"body": {"alertTokens": ["a", "b"]}}),
    ("AlexaSkillEvent.SkillPermissionAccepted",
     {"acceptedPermissions": [{"scope": ALLOWED}]}),
    ("AlexaSkillEvent.SkillPermissionChanged", {"acceptedPermissions": []}),
])
def test_reminder_and_permission_events_get_an_empty_response_without_a_session(
        someone, kind, body):
    request = event_request(kind, body if kind.startswith("AlexaSkillEvent.") else None)
    if kind.startswith("Reminders."):
        request.update(body)
    turn = someone.event(request)
    assert turn.status == 200 and turn.response == {} and "sessionAttributes" not in turn.body


def test_a_reminder_deleted_in_the_app_is_forgotten_by_the_event(someone, alexa, database):
    someone.allow()
    someone.remind("21:00")
    (reminder,) = someone.reminders
    deleted = event_request(intents.REMINDER_DELETED)
    deleted["body"] = {"alertTokens": ["another", reminder["alertToken"]]}
    assert someone.event(deleted).response == {}
    assert stored_reminder(database, someone) == [(None, None)]


@pytest.mark.parametrize(("kind", "body", "field"), [
    (intents.REMINDER_DELETED, {"alertTokens": "abc"}, None),
    (intents.REMINDER_DELETED, {"alertTokens": [1, None, {"alertToken": "a"}]}, None),
    (intents.REMINDER_DELETED, {"alertTokens": ["x" * 50_000]}, None),
    (intents.REMINDER_DELETED, {"alertTokens": ["a"] * 10_000}, None),
    (intents.REMINDER_DELETED, None, None),
    (intents.REMINDER_DELETED, "deleted", "request.body"),
    ("Reminders.ReminderCreated", {"alertToken": "a", "status": "WHAT"}, "request.body.status"),
    ("Reminders.ReminderForged", {}, "request.type"),
    (intents.PERMISSION_CHANGED, {"acceptedPermissions": "all"},
     "request.body.acceptedPermissions"),
    (intents.PERMISSION_ACCEPTED, {"acceptedPermissions": [{"scope": 1}, "x"]},
     "request.body.acceptedPermissions[1]"),
])
def test_a_garbled_event_is_answered_or_refused_and_the_reminder_kept(
        someone, database, kind, body, field):
    someone.allow()
    someone.remind("21:00")
    before = stored_reminder(database, someone)
    request = event_request(kind)
    request["body"] = body
    status, answer = someone.send(someone.device.envelope(request, None))
    if field is None:
        assert (status, answer["response"]) == (200, {})
    else:
        assert status == 400 and f"'{field}'" in answer["error"], answer
    assert stored_reminder(database, someone) == before and len(someone.reminders) == 1


# The reminder on a screen, and whatever a consent answer carries.

def test_the_offer_on_a_screen_asks_yes_or_no_and_the_consent_request_goes_alone(app, alexa):
    person = sleeper(app, alexa, screen="2024.3")
    person.launch()
    offered = finish_massage(person)
    view = read_back(offered.document)
    assert [button.label for button in view.buttons] == ["Yes", "No"]
    assert [button.intent for button in view.buttons] == [intents.YES, intents.NO]
    person.say(intents.YES)
    asked = person.number(9)
    assert [directive["type"] for directive in asked.directives] == ["Connections.SendRequest"]


TOKENS = st.one_of(st.text(max_size=2000), st.builds(
    json.dumps, st.dictionaries(st.sampled_from(["v", "asked", "routine", "step", "part", "at",
                                                 "offer", "pace", "x"]),
                                st.none() | st.integers() | st.text(max_size=12)
                                | st.sampled_from([2, "21:00", "24:00", "reminder_time",
                                                   "leg-cramp-massage"]), max_size=6)))
PAYLOADS = st.dictionaries(st.sampled_from(["status", "permissionScope", "permissionScopes"]),
                           st.none() | st.text(max_size=20) | st.sampled_from(
                               ["ACCEPTED", "DENIED", "NOT_ANSWERED"]) | st.lists(
                               st.integers(), max_size=2), max_size=3)


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(token=TOKENS, payload=PAYLOADS, code=st.sampled_from(["200", "400", "", "x" * 300]))
def test_any_consent_answer_gets_a_sound_reply(someone, token, payload, code):
    request = connections_response("AskFor", payload, token, code)
    status, body = someone.send(someone.device.envelope(request, {"new": True,
                                                                  "sessionId": "s"}))
    assert_sound(status, body)
    assert status == 200


# Alexa's understanding of times, as the simulator and `chat` stand in for it.

@pytest.mark.parametrize(("said", "value"), [
    ("remind me to stretch every night at nine", "09:00"),
    ("remind me to stretch at nine thirty p m", "21:30"),
    ("set a bedtime reminder for half past ten", "10:30"),
    ("at quarter to eleven at night", "22:45"),
    ("change my reminder to ten", "10:00"),
    ("move my reminder to midnight", "00:00"),
    ("every night at nine in the evening", "21:00"),
])
def test_times_reach_the_skill_as_alexa_sends_them(said, value):
    heard = Understanding(committed(), understood(), "amzn1.ask.skill.test").hear(said, True)
    assert heard.intent in (intents.SET_REMINDER, intents.CHANGE_REMINDER)
    assert heard.slots[intents.TIME_SLOT]["value"] == value


@pytest.mark.parametrize("name", intents.REMINDER_INTENTS)
def test_each_reminder_intent_has_thirty_natural_samples(name):
    samples = load_definitions().intent(name).samples
    assert len(set(samples)) == len(samples) >= 30


def test_chat_sets_a_reminder_through_alexas_voice_consent(tmp_path):
    result = run("chat", "--script", str(script(
        tmp_path, "open stretch coach", "remind me to stretch every night at nine", "no",
        "remind me to stretch every night at nine", "i approve", "what reminders do i have",
        "change my reminder to ten", "stop reminding me", "set a bedtime reminder", "nine")))
    assert result.returncode == 0, result.stderr
    out = canonical(result.stdout)  # each phrase as its first wording
    assert f"Alexa: {ASK_PERMISSION}\n(the session has ended)\n(Alexa asks: Do you give " \
           "stretch coach permission to update your reminders?" in out
    # The answer to Alexa's question is Alexa's to hear: "no" denies the permission.
    assert "You: no\nAlexa: All right, no reminder. If you change your mind" in out
    assert f"You: i approve\nAlexa: {SET_AT_NINE} {WHICH}\n(Alexa's reminders: every day " \
           "at 21:00 (" in out
    assert f"Alexa: Your stretch reminder is at 9 p.m., every day. {WHICH}" in out
    assert "(Alexa's reminders: every day at 22:00 (" in out
    assert "(Alexa's reminders: none)" in out
    assert f"You: nine\nAlexa: {SET_AT_NINE} {WHICH}" in out


# The parts on their own: reading times, writing and reading Amazon's reminders, the stand-in.

@pytest.mark.parametrize(("heard", "asked_back", "wanted"), [
    (HeardTime(Bedtime(9)), False, Bedtime(21)),
    (HeardTime(Bedtime(11, 59)), False, Bedtime(23, 59)),
    (HeardTime(Bedtime(6)), False, Bedtime(18)),
    (HeardTime(Bedtime(5, 30)), False, Unclear.EITHER_HALF),
    (HeardTime(Bedtime(5, 30)), True, Bedtime(5, 30)),
    (HeardTime(Bedtime(12)), False, Unclear.EITHER_HALF),
    (HeardTime(Bedtime(0, 15)), False, Bedtime(0, 15)),
    (HeardTime(Bedtime(17)), False, Bedtime(17)),
    (HeardTime(part=PartOfDay.EVENING), False, Unclear.PART_OF_DAY),
    (HeardTime(part=PartOfDay.NIGHT), True, Bedtime(21)),
    (HeardTime(), False, Unclear.NO_TIME),
    (HeardTime(), True, Unclear.NO_TIME),
])
def test_the_time_a_reminder_is_wanted_at(heard, asked_back, wanted):
    assert bedtime(heard, asked_back) == wanted


def test_a_daily_reminder_is_written_as_amazon_documents_it_and_read_back():
    reminder = daily_reminder(Bedtime(21, 30), ZoneInfo("Europe/Paris"), EVENING, "en-GB",
                              "Time to stretch.")
    written = SDK.serialize(reminder)
    assert written == {
        "requestTime": "2026-11-24T00:00:00",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": "Europe/Paris", "recurrence": {
            "startDateTime": "2026-11-24T00:00:00",
            "recurrenceRules": ["FREQ=DAILY;BYHOUR=21;BYMINUTE=30;BYSECOND=0;INTERVAL=1;"]}},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-GB",
                                                  "text": "Time to stretch."}]}},
        "pushNotification": {"status": "ENABLED"}}
    answer = json.dumps({"alertToken": "a", "status": "ON", **written})
    assert reminder_time(read_answer(answer, ONE)) == Bedtime(21, 30)
    assert reminder_time(read_answer(json.dumps({"alertToken": "a"}), ONE)) is None


@pytest.mark.parametrize(("change", "code"), [
    (lambda body: body["trigger"]["recurrence"].update(startDateTime="2026-11-24T00:00:00Z"),
     "INVALID_SCHEDULED_TIME_FORMAT"),
    (lambda body: body["trigger"].update(timeZoneId="Mars/Olympus"), "INVALID_TIMEZONE"),
    (lambda body: body["trigger"]["recurrence"].update(recurrenceRules=["EVERY DAY"]),
     "INVALID_RECURRENCE_RULES"),
    (lambda body: body["alertInfo"]["spokenInfo"].update(content=[]), "INVALID_ALERT_INFO"),
    (lambda body: body.pop("trigger"), "INVALID_REQUEST"),
])
def test_the_stand_in_refuses_what_amazon_refuses(change, code):
    body = SDK.serialize(daily_reminder(Bedtime(21), ZoneInfo("UTC"), EVENING, "en-US", "x"))
    change(body)
    token = Device(granted={ALLOWED}).api_access_token
    status, answer = RemindersApi().answer("POST", PATH, f"Bearer {token}",
                                           json.dumps(body).encode())
    assert (status, json.loads(answer)["code"]) == (400, code)
    assert RemindersApi().answer("POST", PATH, f"Bearer {Device().api_access_token}",
                                 json.dumps(body).encode())[0] == 401


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attributes=st.dictionaries(
    st.sampled_from(["v", "asked", "routine", "step", "part", "at"]),
    st.none() | st.integers(-2, 30) | st.text(max_size=10) | st.sampled_from(
        [2, "reminder_time", "reminder_again", "reminder_offer", "leg-cramp-massage", "21:00",
         "9:00", "24:00", "21:60"]), max_size=6),
    intent=st.sampled_from([*intents.REMINDER_INTENTS, intents.GO_TO_STEP, intents.YES,
                            intents.NO, intents.HELP]),
    value=st.none() | st.text(max_size=12) | st.sampled_from(
        ["21:00", "09:00", "03:00", "EV", "NI", "MO", "AF", "?", "24:00", "9", "T21:00"]))
def test_any_reminder_state_and_time_get_a_sound_reply(someone, attributes, intent, value):
    slots = {intents.TIME_SLOT: slot(intents.TIME_SLOT, value),
             intents.NUMBER_SLOT: slot(intents.NUMBER_SLOT, value)}
    envelope = someone.device.envelope(intent_request(intent, slots), {
        "new": False, "sessionId": "s", "attributes": attributes})
    status, body = someone.send(envelope)
    assert status == 200
    assert_sound(status, body)


# Hostile answers to the consent request: a clear answer, or a 4xx naming the field; never
# a reminder nobody allowed, never a 5xx.

CONSENT_CARD = {"type": "AskForPermissionsConsent", "permissions": [ALLOWED]}
CANNOT_ASK = "I can't ask for the permission on this device, so I've sent a card"


def answer_consent(person: Sleeper, status: str = "ACCEPTED", **change):
    """Alexa's answer to the person's consent request, with `change` made to it."""
    asking, person.asking = person.asking, None
    if status == "ACCEPTED":
        person.allow()
    person.close()
    return person.request({**connections_response(
        "AskFor", {"status": status}, asking["token"]), **change})


@pytest.mark.parametrize("change", [
    {"payload": {"status": "MAYBE"}},  # a status Amazon does not document
    {"payload": {"status": "accepted"}},
    {"payload": {"status": {"code": "ACCEPTED"}}},
    {"payload": {"status": ["ACCEPTED"]}},
    {"payload": {}},
    {"payload": None},
    {"status": None},
    {"status": {"code": "503", "message": "Service Unavailable"}},
    {"status": {"code": "x" * 10_000}},
])
def test_a_consent_answer_of_no_known_shape_gets_the_card_and_sets_nothing(
        someone, alexa, change):
    someone.remind("21:00")
    answer = answer_consent(someone, **change)
    assert answer.speech.startswith(CANNOT_ASK) and answer.card == CONSENT_CARD
    assert someone.reminders == [] and alexa.reminders.calls == []


@pytest.mark.parametrize(("change", "field"), [
    ({"payload": ["ACCEPTED"]}, "request.payload"),
    ({"payload": "ACCEPTED"}, "request.payload"),
    ({"status": "200"}, "request.status"),
    ({"status": ["200"]}, "request.status"),
])
def test_a_garbled_consent_answer_is_refused_naming_the_field(someone, alexa, change, field):
    request = {**connections_response("AskFor", {"status": "ACCEPTED"}, "{}"), **change}
    status, body = someone.send(someone.device.envelope(request, {"new": True,
                                                                  "sessionId": "s"}))
    assert status == 400 and field in body["error"], body
    assert someone.reminders == []


@pytest.mark.parametrize("token", [
    None, 12, {"v": 2, "at": "21:00"}, ["21:00"], "", "x" * 100_000, "[1, 2]", "null",
    "1e999999", '{"v": 2, "at": {"hour": 21}}', '{"v": 2, "at": "25:00"}',
    '{"v": 2, "at": "21:00", "routine": "leg-cramp-massage", "step": 999}',
    '{"v": 2, "at": "21:00", "asked": "reminder_time", "routine": "no-such-routine"}',
    '{"v": 99, "at": "21:00"}',
])
def test_a_forged_or_garbled_token_asks_for_the_time_and_sets_nothing(someone, alexa, token):
    someone.remind("21:00")
    answer = answer_consent(someone, token=token)
    assert answer.speech == f"Thanks for allowing reminders. {WHAT_TIME}"
    assert someone.reminders == [] and alexa.reminders.calls == []
    assert someone.remind("21:00").speech == f"{SET_AT_NINE} {WHICH}"


@pytest.mark.parametrize("name", [None, "Buy", ["AskFor"], "askfor"])
def test_an_answer_to_a_request_the_skill_never_made_is_answered_quietly(someone, alexa, name):
    someone.remind("21:00")
    request = {**connections_response("AskFor", {"status": "ACCEPTED"},
                                      someone.asking["token"]), "name": name}
    status, body = someone.send(someone.device.envelope(request, {"new": True,
                                                                  "sessionId": "s"}))
    assert_sound(status, body, speaks=False)
    assert status == 200 and someone.reminders == []


# Hostile times: AMAZON.TIME filled with what Alexa never sends is no time at all.

@pytest.mark.parametrize("value", [
    21, 21.5, True, ["21:00"], {"value": "21:00"}, "9" * 100_000, "21:00" + " " * 100_000,
    "\u0662\u0661:\u0660\u0660", "21:00:00", "T21:00", "-1:00", "24:00", "21:60",
    "<speak>21:00</speak>",
])
def test_a_time_alexa_never_sends_is_asked_for_again_and_sets_nothing(someone, alexa, value):
    someone.allow()
    assert someone.remind(value).speech == f"Sure. {WHAT_TIME}"
    assert someone.reminders == [] and alexa.reminders.calls == []


# On a screen, each reminder reply shows the words it says.

def test_on_a_screen_each_reminder_reply_shows_what_it_says(app, alexa):
    person = sleeper(app, alexa, screen="2024.3")
    person.allow()
    person.launch()
    turns = [person.say(intents.REMINDER_STATUS), person.remind(None), person.remind("03:00"),
             person.remind("15:00"), person.say(intents.REMINDER_STATUS),
             person.remind("22:00", intent=intents.CHANGE_REMINDER),
             person.say(intents.CANCEL_REMINDER)]
    for turn in turns:
        view = read_back(turn.document)
        assert view.text == turn.spoken and view.buttons == ()
    alexa.reminders.status = 403
    refused = person.say(intents.REMINDER_STATUS)
    assert read_back(refused.document).text == refused.spoken
    assert refused.card == CONSENT_CARD  # the permission card, not a card of the words
