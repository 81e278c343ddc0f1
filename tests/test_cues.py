"""Cues through long silences: a hold of more than about a dozen seconds says how long is left
every ten seconds, when it is halfway, and counts its last three seconds; a long move says how
long is left too. The cues never change a hold's seconds, and the screen counts the same
timeline."""

from __future__ import annotations

import pytest

from skill.alexa import intents
from skill.content import timing
from skill.content.routines import Kind
from skill.screen.datasources import read_back
from skill.simulator.envelopes import Device
from skill.voice.ssml import heard

from .helpers import Person, client_sender, held_seconds


@pytest.fixture
def catalog(fixture_catalog):
    """The routines the person talks about: the tests' own, as the skill under test serves."""
    return fixture_catalog


SHOW = "2024.3"


# The cues of one hold, as pure logic.

@pytest.mark.parametrize("seconds", range(1, 601))
def test_no_hold_leaves_more_than_ten_seconds_unexplained(seconds):
    events = list(timing.hold(seconds))
    silences = [event.seconds for event in events if isinstance(event, timing.Silence)]
    assert sum(silences) == seconds  # cues fall inside the hold, never lengthen it
    if seconds > timing.CUE_EVERY:
        assert max(silences) <= timing.CUE_EVERY
    if seconds >= timing.LONG_HOLD:
        assert any(isinstance(event, timing.Halfway) for event in events)
        assert [event.number for event in events if isinstance(event, timing.Count)] == [3, 2, 1]
        assert silences[-3:] == [1, 1, 1]  # the final count, a second apart


@pytest.mark.parametrize("seconds", range(0, 241))
def test_no_move_leaves_more_than_ten_seconds_unexplained(seconds):
    silences = [event.seconds for event in timing.move(seconds)
                if isinstance(event, timing.Silence)]
    assert sum(silences) == seconds
    assert all(0 < silence <= timing.CUE_EVERY for silence in silences)


def cues(ssml: str, start: str, end: str) -> list[tuple[float, str]]:
    """Each cue said between `start` and `end` in `ssml`, with the seconds of silence before
    it since `start`."""
    found, clock, inside = [], 0.0, False
    for piece in heard(ssml):
        if isinstance(piece, float):
            clock += piece if inside else 0
            continue
        for sentence in piece.replace(". ", ".|").split("|"):
            if sentence == start:
                inside, clock = True, 0.0
            elif sentence == end:
                found.append((clock, sentence))
                return found
            elif inside:
                found.append((clock, sentence))
    return found


EXPECTED = {
    30: [(10, "20 more seconds."), (15, "Halfway."), (20, "10 more seconds."), (27, "Three."),
         (28, "Two."), (29, "One.")],
    60: [(10, "50 more seconds."), (20, "40 more seconds."), (30, "Halfway: 30 more seconds."),
         (40, "20 more seconds."), (50, "10 more seconds."), (57, "Three."), (58, "Two."),
         (59, "One.")],
}


@pytest.fixture
def massage(catalog):
    """A massage whose holds are a range of at least 30 to 60 seconds, and its first such
    step."""
    return next((routine, index) for routine in catalog if routine.kind == Kind.MASSAGE
                for index, step in enumerate(routine.steps)
                if step.hold == 30 and step.hold_up_to and step.hold_up_to >= 60)


def go_to(person: Person, number: int):
    return person.intent(intents.GO_TO_STEP, {intents.NUMBER_SLOT: {
        "name": intents.NUMBER_SLOT, "value": str(number), "confirmationStatus": "NONE"}})


@pytest.mark.parametrize("seconds", [30, 60])
def test_a_long_hold_is_cued_every_ten_seconds_at_halfway_and_in_its_last_three(
        person, massage, seconds):
    routine, index = massage
    person.start(routine.name)
    if seconds == 60:
        person.intent(intents.LONGER)
        person.intent(intents.LONGER)
    step = go_to(person, index + 1)
    assert held_seconds(step.ssml) == [seconds]
    heard_cues = cues(step.ssml, "Start now.", "And ease off.")
    assert heard_cues[:-1] == EXPECTED[seconds]
    assert heard_cues[-1] == (seconds, "And ease off.")


def test_every_silence_in_every_routine_is_explained_within_ten_seconds(person, catalog):
    for routine in catalog:
        turn = person.start(routine.name)
        while True:
            silences = [piece for piece in heard(turn.ssml) if isinstance(piece, float)]
            assert all(silence <= timing.CUE_EVERY for silence in silences), routine.id
            if turn.attributes.get("asked") == "another":
                break
            turn = person.say(intents.NEXT)


def test_at_the_slowest_pace_a_long_move_is_cued_too(person, catalog):
    routine = next(routine for routine in catalog if routine.timed_steps)
    for _ in range(3):
        person.intent(intents.SLOWER)
    person.start(routine.name)
    turn = person.say(intents.NEXT)
    while not routine.steps[turn.attributes["step"]].timed:
        turn = person.say(intents.NEXT)
    silences = [piece for piece in heard(turn.ssml) if isinstance(piece, float)]
    assert max(silences) <= timing.CUE_EVERY


def test_the_screen_counts_the_hold_whole_with_its_cues_inside(client, alexa_settings_api,
                                                               massage):
    routine, index = massage
    show = Person(client_sender(client), Device(api_endpoint=alexa_settings_api.url,
                                                 screen=SHOW))
    show.launch()
    show.start(routine.name)
    view = read_back(go_to(show, index + 1).document)
    (hold,) = [countdown for countdown in view.countdowns if countdown.hold]
    assert hold.seconds == 30
    # the countdown ends as the voice says "And ease off.": its silences and the cues said
    # inside it (the number shown never more than the hold's seconds)
    (mark, _), = view.marks
    spoken_inside = sum(timing.speaking_seconds(cue) for _, cue in EXPECTED[30])
    assert mark == hold.end_ms == hold.start_ms + round((30 + spoken_inside) * 1000)
