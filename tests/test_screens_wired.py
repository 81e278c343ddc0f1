"""Screens through HTTP: Echo Show requests get the step, its countdown and buttons that work
like the voice; voice-only devices get exactly what they got before."""

from __future__ import annotations

import json

import pytest

from skill.alexa import intents
from skill.content import timing
from skill.screen.datasources import read_back
from skill.screen.render import render
from skill.screen.views import CompletionView, MenuView, MessageView, StepView
from skill.simulator.envelopes import Device, intent_request

from .helpers import Person, client_sender

SHOW = "2024.3"
MAX_RESPONSE_BYTES = 24 * 1024


@pytest.fixture
def show(client, alexa_settings_api) -> Person:
    """Someone who has used the skill before, at an Echo Show."""
    person = Person(client_sender(client),
                    Device(api_endpoint=alexa_settings_api.url, screen=SHOW))
    person.launch()
    person.say(intents.STOP)
    return person


def screen(turn):
    document = turn.document
    assert document is not None, "no RenderDocument directive"
    return read_back(document)


def test_a_step_on_a_screen_device_shows_routine_position_text_countdown_and_buttons(show):
    show.start("spiral twist")
    view = screen(show.say(intents.NEXT))
    assert isinstance(view, StepView)
    assert (view.routine, view.position) == ("Spiral twist", "Step 2 of 2")
    assert view.texts[0].startswith("Cross your right leg over your left")
    labels = [countdown.label for countdown in view.countdowns]
    assert labels[:4] == ["Get into position", "Round 1 of 3 · Right side · Hold",
                          "Switch sides", "Round 1 of 3 · Left side · Hold"]
    # nothing done yet as the step starts; all done once its sixth hold ends
    assert view.progress == 0.0
    assert [through for _, through in view.marks] == [0.167, 0.333, 0.5, 0.667, 0.833, 1.0]


def test_the_countdowns_are_the_steps_holds_moves_and_rests(show, fixture_catalog):
    for routine_id in ("spiral-twist", "butterfly-stretch"):
        show.start(routine_id.replace("-", " "))
        view = screen(show.say(intents.NEXT))
        step = fixture_catalog.get(routine_id).steps[1]
        assert sum(c.seconds for c in view.countdowns) == timing.silent_seconds(step)
        holds = [c.seconds for c in view.countdowns if c.label.endswith("Hold")]
        assert holds == [step.hold] * step.reps * max(1, len(step.sides))
        starts = [c.start_ms for c in view.countdowns]
        assert starts == sorted(starts) and all(
            later.start_ms >= earlier.start_ms + earlier.seconds * 1000
            for earlier, later in zip(view.countdowns, view.countdowns[1:], strict=False))


def test_the_countdown_starts_after_what_is_said_before_the_step(show):
    intro = screen(show.start("leg cramp massage"))
    assert intro.countdowns == ()  # the first step is untimed
    show.say(intents.NEXT)
    person_resumes = screen(show.say(intents.REPEAT))
    first = person_resumes.countdowns[0]
    assert first.label == "Find the point" and first.seconds == 8 and first.start_ms > 5000


def test_a_voice_only_device_gets_no_document_but_a_card(person):
    person.start("butterfly")
    turn = person.say(intents.NEXT)
    assert turn.document is None
    assert turn.response["card"]["title"] == "Butterfly stretch: Step 2 of 2"
    assert turn.response["card"]["content"].startswith("Slowly lean forward")


@pytest.mark.parametrize("version", ["1.0", "²"])
def test_a_device_with_too_old_or_odd_an_apl_gets_no_document(client, alexa_settings_api,
                                                              version):
    person = Person(client_sender(client), Device(api_endpoint=alexa_settings_api.url,
                                                  screen=version))
    assert person.launch().speech.startswith("Welcome to Stretch Coach.")
    assert person.start("butterfly").document is None
    assert person.say(intents.NEXT).document is None
    assert person.say(intents.NO).document is None  # the last holds heard out: finished
    # Asked once, for the local day the finish counts for; no week is built for no screen.
    assert alexa_settings_api.asked.count(person.device.device_id) == 1


def test_the_menu_and_the_welcome_back_and_the_end(show):
    assert isinstance(screen(show.say(intents.LIST_ROUTINES)), MenuView)
    show.start("leg cramp massage")
    show.say(intents.STOP)
    back = screen(show.launch())
    assert isinstance(back, MessageView) and back.title == "Welcome back"
    assert "Last time you stopped at step 1 of 4 of leg cramp massage" in back.text
    assert [button.intent for button in back.buttons] == [intents.RESUME, intents.NO]
    show.say(intents.NO)
    show.start("butterfly")
    last = screen(show.say(intents.NEXT))
    assert last.done.startswith("Butterfly stretch: all done")
    end = screen(show.say(intents.NEXT))
    assert isinstance(end, CompletionView) and end.headline == "Butterfly stretch: all done"
    assert "in the last 7 days" in end.week


# Buttons: one way in, one state change, one reply.

@pytest.mark.parametrize("intent", [intents.NEXT, intents.PREVIOUS, intents.REPEAT,
                                    intents.PAUSE])
def test_a_touched_step_button_does_what_saying_it_does(client, alexa_settings_api, intent):
    said, touched = (Person(client_sender(client), Device(api_endpoint=alexa_settings_api.url,
                                                          screen=SHOW)) for _ in range(2))
    for person in (said, touched):
        person.launch()
        person.start("leg cramp massage")
        person.say(intents.NEXT)
    by_voice, by_touch = said.say(intent), touched.touch(intent)
    # two sessions: the same words, each worded for its own session (voice/variety.py)
    assert by_touch.speech == by_voice.speech
    # "said" stamps when a step's speech began, from the request's whole-second timestamp
    assert {**by_touch.attributes, "said": None} == {**by_voice.attributes, "said": None}
    assert by_touch.ends_session == by_voice.ends_session


def test_touching_a_routine_on_the_menu_starts_it(show):
    show.say(intents.LIST_ROUTINES)
    turn = show.touch(intents.START_ROUTINE, "spiral-twist")
    assert turn.speech.startswith("Spiral twist.") and turn.attributes["routine"] == \
        "spiral-twist"


def test_touching_resume_on_the_welcome_back_resumes(show):
    show.start("leg cramp massage")
    show.say(intents.NEXT)
    show.say(intents.STOP)  # after the first point's hold: the next point is where to go on
    show.launch()
    assert show.touch(intents.RESUME).speech.startswith("Picking up leg cramp massage at step 3")


@pytest.mark.parametrize("arguments", [(), (None,), ("GoToTheMoonIntent",), (5, "x"),
                                       (intents.START_ROUTINE,),
                                       (intents.START_ROUTINE, "no-such-routine"),
                                       ("x" * 10_000,)])
def test_odd_touch_events_are_answered_safely(show, arguments):
    show.launch()
    turn = show.touch(*arguments)
    assert turn.status == 200


# Size.

def test_the_shipped_routines_longest_steps_with_their_screens_stay_within_alexas_limit(
        shipped_app, alexa_settings_api, shipped_catalog):
    largest = 0
    for routine in shipped_catalog:
        person = Person(client_sender(shipped_app.test_client()),
                        Device(api_endpoint=alexa_settings_api.url, screen=SHOW))
        turns = [person.start(routine.name)]
        while turns[-1].response.get("shouldEndSession") is False and \
                turns[-1].attributes.get("asked") in ("next", "continue"):
            turns.append(person.say(intents.NEXT))
        assert turns[-1].attributes["asked"] == "another", routine.id  # walked to its end
        for turn in turns:
            assert turn.document is not None
            largest = max(largest, len(json.dumps(turn.body).encode()))
    assert largest < MAX_RESPONSE_BYTES


def test_every_document_renders_for_the_versions_it_supports():
    view = MessageView("Title", "Text")
    assert render(view, "1.4") is not None and render(view, "1.3") is None


def test_the_last_step_counts_the_routine_it_finishes_and_the_zone_is_asked_once(
        show, alexa_settings_api):
    for done in (1, 2):
        show.start("butterfly")
        last = screen(show.say(intents.NEXT))
        assert f"{done} routine" in last.done, last.done
    # The answer was kept with the first completion.
    assert alexa_settings_api.asked.count(show.device.device_id) == 1


def test_a_retried_last_step_counts_its_routine_once(show):
    show.start("butterfly")
    attributes = show._session["attributes"]  # noqa: SLF001 - to send the same request again
    request = intent_request(intents.NEXT)
    first, retried = (show.send(show.device.envelope(request, {
        "new": False, "sessionId": "s", "attributes": attributes})) for _ in range(2))
    for status, body in (first, retried):
        document = body["response"]["directives"][0]
        assert status == 200 and "1 routine on 1 day" in read_back(document).done
