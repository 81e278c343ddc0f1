"""A person who cuts a timed step short is placed to the round and side they were on, from
Alexa's timestamps (set here by the test), and comes back to it in the same session or a later
one; a routine heard out in silence is counted once, with the next request or session.
Conversations over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from skill.alexa import intents
from skill.app import create_app
from skill.content import timing
from skill.settings import Settings
from skill.simulator.envelopes import Device, intent_request, slot
from skill.voice.phrases import mid_sentence
from skill.voice.ssml import heard

from .conversing import stretch_with_sides
from .helpers import FIXTURE_ROUTINES, Person, client_sender, held_seconds, sqlite_database
from .test_memory import Clock

# Alexa's clock and ours start on a whole second, a day both agree on.
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
CARRY_ON = "Would you like to carry on where you left off?"


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def person(tmp_path, clock, alexa_settings_api) -> Person:
    """Someone who has used the skill before, on a skill whose clock the test moves."""
    app = create_app(Settings(routines=(FIXTURE_ROUTINES,), verify=False,
                              database=sqlite_database(tmp_path)), clock=clock)
    someone = Person(client_sender(app.test_client()),
                     Device(api_endpoint=alexa_settings_api.url), now=START)
    someone.launch()
    someone.say(intents.STOP)
    return someone


@pytest.fixture
def twist(fixture_catalog):
    return stretch_with_sides(fixture_catalog)


def go_to(person: Person, number: int):
    return person.intent(intents.GO_TO_STEP,
                         {intents.NUMBER_SLOT: slot(intents.NUMBER_SLOT, str(number))})


def holds_heard(turn) -> list[tuple[float, float]]:
    """When each hold begins and ends, in seconds into the response's speech, as a person hears
    it: from the end of "Hold." to the start of "And release." (words at Alexa's usual rate)."""
    clock, holds, start = 0.0, [], None
    for piece in heard(turn.ssml):
        if isinstance(piece, float):
            clock += piece
            continue
        words = piece.split()
        for index, word in enumerate(words):
            if word == "Hold.":
                start = clock + timing.speaking_seconds(" ".join(words[:index + 1]))
            elif word == "And" and index + 1 < len(words) and words[index + 1] == "release.":
                holds.append((start, clock + timing.speaking_seconds(" ".join(words[:index]))))
        clock += timing.speaking_seconds(piece)
    return holds


def where(routine, index: int, hold: int) -> str:
    """How a hold of a step is named: "round 2, left side" (the step itself for its first)."""
    step = routine.steps[index]
    if hold == 0:
        return f"step {index + 1} of {len(routine.steps)}"
    done, side = divmod(hold, max(1, len(step.sides)))
    return f"round {done + 1}, {step.sides[side]} side"


def at_the_step(person: Person, routine, index: int):
    person.start(routine.name)
    return go_to(person, index + 1)


def test_pause_mid_hold_says_the_round_and_side_and_a_new_session_starts_there(person, twist):
    routine, index = twist
    name = mid_sentence(routine.name)
    step = at_the_step(person, routine, index)
    start, end = holds_heard(step)[3]
    person.after((start + end) / 2)  # "Alexa, pause", mid-way through the fourth hold
    paused = person.say(intents.PAUSE)
    assert paused.speech == (f"Paused at {where(routine, index, 3)} of {name}. When you're "
                             "ready, say: Alexa, open stretch coach.")
    back = person.launch()
    assert back.speech == (f"Welcome back. Last time you stopped at {where(routine, index, 3)} "
                           f"of {name}. {CARRY_ON}")
    resumed = person.say(intents.YES)
    assert resumed.speech.startswith(f"Picking up {name} at {where(routine, index, 3)}. "
                                     f"Step {index + 1} of")
    # The instruction and time to get into position, then that round and side, and on.
    assert routine.steps[index].say in resumed.speech
    assert "Get into position. [5 s] Round 2 of 3. Now the left side" in resumed.speech
    assert held_seconds(resumed.ssml) == [routine.steps[index].hold] * 3


@pytest.mark.parametrize("hold", range(6))
def test_each_hold_cut_mid_way_is_placed_to_its_round_and_side(person, twist, hold):
    routine, index = twist
    start, end = holds_heard(at_the_step(person, routine, index))[hold]
    person.after((start + end) / 2)
    assert person.say(intents.PAUSE).speech.startswith(
        f"Paused at {where(routine, index, hold)} of")


def test_when_unsure_the_hold_just_ended_is_done_again(person, twist):
    routine, index = twist
    holds = holds_heard(at_the_step(person, routine, index))
    person.after(holds[1][1] + 1)  # a second after the second hold: in the delay's margin
    assert person.say(intents.PAUSE).speech.startswith(f"Paused at {where(routine, index, 1)}")
    holds = holds_heard(at_the_step(person, routine, index))
    person.after(holds[2][0] + 1)  # a second into the third hold: the second is surely done
    assert person.say(intents.PAUSE).speech.startswith(f"Paused at {where(routine, index, 2)}")


def test_wait_keeps_the_round_and_ready_carries_on_from_it(person, twist):
    routine, index = twist
    start, end = holds_heard(at_the_step(person, routine, index))[3]
    person.after(start + 2)
    waiting = person.say(intents.WAIT)  # "Alexa, give me a minute"
    assert waiting.speech == f"Sure, take your time. [60 s] {CARRY_ON}"
    ready = person.say(intents.NEXT)  # "ready"
    assert ready.speech.startswith(f"Picking up {mid_sentence(routine.name)} at "
                                   f"{where(routine, index, 3)}.")


def test_next_cutting_a_step_short_skips_it(person, twist, fixture_catalog):
    routine, index = twist
    start, _ = holds_heard(at_the_step(person, routine, index))[1]
    person.after(start + 1)
    skipped = person.say(intents.NEXT)  # "Alexa, next"
    assert not skipped.speech.startswith("Picking up")


def test_it_hurts_mid_hold_stops_there_and_tomorrow_offers_that_round(person, twist, clock):
    routine, index = twist
    start, end = holds_heard(at_the_step(person, routine, index))[4]
    person.after(start + 3)
    hurt = person.say(intents.PAIN)
    assert hurt.speech.startswith("Let's stop here. Don't push through pain")
    person.close()
    clock.now += timedelta(days=1)
    person.now += timedelta(days=1)
    back = person.launch()
    assert f"Last time you stopped at {where(routine, index, 4)} of" in back.speech


# A routine counts as finished once its last hold could have played out, and only once.

def progress(person: Person) -> str:
    person.close()
    return person.intent(intents.PROGRESS).speech  # "Alexa, ask stretch coach how I'm doing"


def finished(person: Person) -> int:
    speech = progress(person)
    return 0 if "haven't finished" in speech else int(speech.split("finished ")[1].split()[0])


def test_a_routine_heard_out_in_silence_is_counted_by_the_next_session_once(person, twist):
    routine, index = twist
    person.start(routine.name)
    go_to(person, len(routine.steps))
    person.close()  # silence: Alexa gave up listening, and said nothing to the skill
    back = person.launch()
    assert "Last time" not in back.speech  # nothing left to offer
    assert finished(person) == 1
    person.launch()
    assert finished(person) == 1


def test_the_session_ending_after_the_last_hold_counts_it_once(person, twist):
    routine, _ = twist
    person.start(routine.name)
    go_to(person, len(routine.steps))
    person.after(600)
    person.end("EXCEEDED_MAX_REPROMPTS")
    assert finished(person) == 1
    assert finished(person) == 1


def test_an_answer_after_the_last_hold_counts_it_once_even_if_alexa_retries(person, twist):
    routine, _ = twist
    person.start(routine.name)
    go_to(person, len(routine.steps))
    envelope = person.device.envelope(intent_request(intents.NO, moment=person.now),
                                      {**person._session, "attributes": person._session.get(
                                          "attributes", {})})
    person.send(envelope)
    person.send(envelope)  # Alexa's retry: the same request, the same id
    assert finished(person) == 1


def test_stop_in_the_last_hold_does_not_count_and_keeps_that_round(person, twist):
    routine, index = twist
    person.start(routine.name)
    step = go_to(person, len(routine.steps))
    start, end = holds_heard(step)[-1]
    person.after(end - 2)
    stopped = person.say(intents.STOP)
    last = len(holds_heard(step)) - 1 if index == len(routine.steps) - 1 else 0
    assert stopped.speech.startswith(f"I've kept your place at {where(routine, index, last)}")
    assert finished(person) == 0
    assert f"stopped at {where(routine, index, last)}" in person.launch().speech


# Session attributes about the speech are the client's: tampered, they make the place stale at
# worst, never a crash.

@pytest.mark.parametrize("changes", [
    {"said": 99_999_999_999}, {"said": -5}, {"said": "soon"}, {"said": 2**70},
    {"from_hold": 99}, {"from_hold": -1}, {"finishing": "x" * 5000}, {"done": "yes"},
    {"said": 0, "finishing": 7},
])
def test_tampered_speech_attributes_are_stale_at_worst(person, twist, changes):
    routine, index = twist
    at_the_step(person, routine, index)
    person._session["attributes"] = {**person._session["attributes"], **changes}
    turn = person.say(intents.PAUSE)
    assert turn.status == 200 and turn.speech.startswith(("Paused at", "You haven't started",
                                                          "I've kept", "Goodbye"))


def test_chat_says_a_line_some_seconds_into_the_last_response(client, fixture_catalog):
    import io

    from skill.simulator.chat import Chat
    from skill.simulator.nlu import Understanding

    from .helpers import committed, understood

    routine, index = stretch_with_sides(fixture_catalog)
    out = io.StringIO()
    chat = Chat(Understanding(committed(), understood(), "amzn1.ask.skill.test"),
                client_sender(client), Device(), out)
    chat.play(["open stretch coach", f"start the {routine.name.lower()}",
               f"go to step {['one', 'two', 'three', 'four'][index]}", "@1 pause"])
    assert out.getvalue().splitlines()[-2].startswith(
        f"Alexa: Paused at step {index + 1} of {len(routine.steps)} of")


def test_repeat_cutting_a_step_short_starts_again_at_that_round(person, twist):
    routine, index = twist
    start, end = holds_heard(at_the_step(person, routine, index))[2]
    person.after(start + 4)
    again = person.say(intents.REPEAT)  # "Alexa, repeat"
    assert "Get into position. [5 s] Round 2 of 3. Right side." in again.speech


def test_carried_on_after_a_wait_and_heard_out_in_silence_it_counts_once(person, twist):
    routine, index = twist
    person.start(routine.name)
    step = go_to(person, len(routine.steps))
    person.after(holds_heard(step)[-2][0] + 2)
    person.say(intents.WAIT)
    person.say(intents.YES)  # from that round to the end, heard out
    person.close()
    assert "Last time" not in person.launch().speech
    assert finished(person) == 1
