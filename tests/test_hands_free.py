"""Hands-free: "hands free" (remembered) runs a routine's steps one after another without asking
between them, as many as one response holds within Alexa's limits, then asks once, briefly, to
go on; "next", "pause", "stop" and a barge-in placed to the round work as before; "wait for me"
goes back to asking. Conversations over HTTP, on the tests' catalog and the shipped one."""

from __future__ import annotations

import json

import pytest

from skill.alexa import intents
from skill.content import timing
from skill.content.routines import Kind
from skill.simulator.envelopes import Device

from .conversing import stretch_with_sides
from .helpers import Person, assert_sound, client_sender, held_seconds, make_app
from .test_barge_in import START, holds_heard
from .test_limits import MAX_RESPONSE_BYTES, assert_within_limits
from .wordings import says, wordings

# Every wording of the question asked between steps when the person must say "next".
READY = wordings("ask.next")
ONWARD = wordings("ask.onward")


def hands_free(person: Person) -> None:
    turn = person.intent(intents.HANDS_FREE)
    assert says(turn.speech, "hands_free_on")


def run_through(person: Person, routine) -> list:
    """`routine` from its start to its end, hands-free: "yes" to each short question."""
    turns = [person.start(routine.name)]
    while turns[-1].attributes.get("asked") != "another":
        assert len(turns) <= len(routine.steps), turns[-1].speech
        assert turns[-1].speech.endswith(ONWARD), turns[-1].speech
        turns.append(person.say(intents.YES))
    return turns


def expected_holds(routine) -> list[int]:
    """Every hold of `routine`, in seconds, as the article gives them (at the usual length)."""
    return [timing.Pace().hold_seconds(step) for step in routine.steps for _ in range(
        timing.hold_count(step))]


def test_a_whole_routine_runs_without_asking_between_steps(person, fixture_catalog):
    hands_free(person)
    for routine in fixture_catalog:
        turns = run_through(person, routine)
        assert len(turns) < len(routine.turns or range(len(routine.steps))) or len(turns) == 1
        for turn in turns:
            assert not any(question in turn.speech for question in READY), turn.speech
            assert turn.speech.count("?") == 1 and not turn.ends_session
            assert_within_limits(turn)
        heard = sum((held_seconds(turn.ssml) for turn in turns), [])
        assert heard == expected_holds(routine), routine.id
        # every step was said, in order, once
        for number in range(1, len(routine.steps) + 1):
            if len(routine.steps) > 1 and routine.kind != Kind.CHECKLIST:
                said = " ".join(turn.speech for turn in turns)
                assert said.count(f"Step {number} of {len(routine.steps)}.") == 1
        person.say(intents.STOP)


def test_every_shipped_routine_runs_hands_free_within_alexas_limits(shipped_person,
                                                                   shipped_catalog):
    shipped_person.intent(intents.HANDS_FREE)
    sizes, responses = [], 0
    for routine in shipped_catalog:
        turns = run_through(shipped_person, routine)
        responses += len(turns)
        for turn in turns:
            assert_within_limits(turn)
            sizes.append(len(turn.ssml))
        heard = sum((held_seconds(turn.ssml) for turn in turns), [])
        assert heard == expected_holds(routine), routine.id
        shipped_person.say(intents.STOP)
    steps = sum(len(routine.steps) for routine in shipped_catalog)
    assert responses < steps  # runs of several steps, not one a response
    assert max(sizes) < 8000


def test_a_screen_shows_the_whole_run_within_the_response_size(tmp_path):
    app = make_app(tmp_path)
    someone = Person(client_sender(app.test_client()), Device(screen="2023.2"))
    someone.intent(intents.HANDS_FREE)
    catalog = app.extensions["stretch_coach"]["catalog"]
    for routine in catalog:
        for turn in run_through(someone, routine):
            assert len(json.dumps(turn.body).encode()) < MAX_RESPONSE_BYTES
            assert turn.document is not None
        someone.say(intents.STOP)


@pytest.fixture
def long_app(tmp_path):
    """A skill whose one routine takes several hands-free responses: six steps of two long
    holds each, and a sound at the end of each (five at most a response)."""
    steps = "".join(f"  - say: Stretch number {number}.\n    hold: 20\n    sides: [right, left]\n"
                    for number in ("one", "two", "three", "four", "five", "six"))
    (tmp_path / "long-run.yaml").write_text(
        "id: long-run\nname: Long run\nkind: stretch\nsummary: Six steps held long on each "
        "side.\nsafety: Only a test.\nsteps:\n" + steps)
    return make_app(tmp_path, tmp_path)


@pytest.fixture
def someone(long_app) -> Person:
    return Person(client_sender(long_app.test_client()), now=START)


@pytest.fixture
def routine(long_app):
    return long_app.extensions["stretch_coach"]["catalog"].get("long-run")


def test_a_long_routine_goes_on_after_one_short_question(someone, routine):
    hands_free(someone)
    turns = run_through(someone, routine)
    assert 1 < len(turns) < len(routine.steps)
    for turn in turns[:-1]:
        assert turn.speech.endswith(ONWARD) and not any(q in turn.speech for q in READY)
        assert_within_limits(turn)
    assert sum((held_seconds(turn.ssml) for turn in turns), []) == expected_holds(routine)


def test_next_pause_and_stop_work_as_before(someone, routine):
    person = someone
    hands_free(person)
    first = person.start(routine.name)
    assert first.speech.endswith(ONWARD)
    after = first.attributes["to"]
    second = person.say(intents.NEXT)  # "next" goes on, as "yes" does
    assert second.attributes["step"] == after
    paused = person.say(intents.PAUSE)  # heard out: the place after the run
    following = f"step {second.attributes['to'] + 1} of"
    assert paused.ends_session and following in paused.speech.lower()
    back = person.launch()
    assert following in back.speech.lower()
    stopped = person.say(intents.STOP)
    assert stopped.ends_session


def test_hands_free_is_remembered_and_wait_for_me_asks_again(someone, routine):
    person = someone
    hands_free(person)
    person.say(intents.STOP)
    again = person.start(routine.name)  # a new session: remembered
    assert again.attributes.get("free") == 1 and again.attributes["to"] > 1
    wait = person.intent(intents.WAIT_FOR_ME)
    assert says(wait.speech, "hands_free_off")
    person.say(intents.STOP)
    one_by_one = person.start(routine.name)
    assert "to" not in one_by_one.attributes and one_by_one.speech.endswith(READY)


def test_hands_free_between_steps_carries_on_at_once(someone, routine):
    person = someone
    person.start(routine.name)
    turn = person.intent(intents.HANDS_FREE)
    assert says(turn.speech, "hands_free_on") and "Step 2 of" in turn.speech
    assert not any(question in turn.speech for question in READY)


def test_a_barge_in_during_a_run_is_placed_to_the_round(tmp_path, fixture_catalog):
    routine, index = stretch_with_sides(fixture_catalog)
    app = make_app(tmp_path)
    someone = Person(client_sender(app.test_client()), now=START)
    someone.intent(intents.HANDS_FREE)
    run = someone.start(routine.name)
    assert run.attributes["to"] > index + 1 or run.attributes["to"] == len(routine.steps)
    holds = holds_heard(run)
    first_of_step = sum(timing.hold_count(step) for step in routine.steps[:index])
    # cut in during the step's second hold: its first is over
    start, end = holds[first_of_step + 1]
    someone.after((start + end) / 2 + 1)
    side = someone.intent(intents.WHICH_SIDE)
    step = routine.steps[index]
    assert side.speech.startswith(f"The {step.sides[1]} side")
    resumed = someone.say(intents.YES)
    assert held_seconds(resumed.ssml)[0] == timing.Pace().hold_seconds(step)
    assert len(held_seconds(resumed.ssml)) >= timing.hold_count(step) - 1


@pytest.mark.parametrize("to", [0, 1, 3, 7, 99, -1, True, "6"])
def test_a_tampered_run_end_is_dropped_and_the_reply_is_sound(someone, routine, to):
    someone.intent(intents.HANDS_FREE)
    run = someone.start(routine.name)
    someone._session["attributes"] = {**run.attributes, "to": to}  # not where this run ends
    turn = someone.say(intents.NEXT)
    assert_sound(turn.status, turn.body)
    assert_within_limits(turn)
    # dropped with the state (a run end where none is) or alone (not a whole number in range)
    step = turn.attributes.get("step")
    assert step in (None, 1) and turn.attributes.get("to", 1) in routine.turn_ends(step or 0)
