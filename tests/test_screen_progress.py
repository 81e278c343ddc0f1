"""On a screen, progress counts holds done, not steps started, and every timed step can be
paused: conversations over HTTP from an Echo Show, on any catalog."""

from __future__ import annotations

import pytest

from skill.alexa import intents
from skill.coach.state import Question
from skill.content import timing
from skill.content.routines import Kind
from skill.screen.datasources import read_back
from skill.screen.views import StepView

from . import test_screens_wired
from .helpers import Person


@pytest.fixture
def catalog(fixture_catalog):
    """The routines the person talks about: the tests' own, as the skill under test serves."""
    return fixture_catalog


# Someone who has used the skill before, at an Echo Show.
viewer = pytest.fixture(test_screens_wired.show.__wrapped__, name="viewer")

def walk(person: Person, routine) -> list:
    """Every response of `routine`, from its start to its end, and the view each shows."""
    turns = [person.start(routine.name)]
    while turns[-1].attributes.get("asked") != Question.ANOTHER:
        turns.append(person.say(intents.NEXT))
    return [(turn, read_back(turn.document)) for turn in turns]


def test_progress_counts_holds_done_as_each_hold_ends(viewer, catalog):
    for routine in catalog:
        total = sum(timing.hold_count(step) for step in routine.steps)
        if not total:
            continue
        done = 0
        for _, view in walk(viewer, routine):
            if not isinstance(view, StepView):
                continue
            assert view.progress == round(done / total, 3), routine.id
            holds = [c for c in view.countdowns if c.hold]
            assert [through for _, through in view.marks] == [
                round((done + n) / total, 3) for n in range(1, len(holds) + 1)]
            assert [at for at, _ in view.marks] == [c.end_ms for c in holds]
            done += len(holds)
        assert done == total


def test_a_first_step_shows_nothing_done(viewer, catalog):
    for routine in catalog:
        (_, first), *_ = walk(viewer, routine)
        if isinstance(first, StepView):
            assert first.progress == 0.0, routine.id


def test_a_checklist_counts_the_tips_heard_before(viewer, catalog):
    checklist = next(routine for routine in catalog if routine.kind == Kind.CHECKLIST)
    views = [view for _, view in walk(viewer, checklist) if isinstance(view, StepView)]
    heard = 0
    for view in views:
        assert view.progress == round(heard / len(checklist.steps), 3)
        assert view.marks == ()
        heard += len(view.texts)


def test_every_timed_step_shows_a_pause_button(viewer, catalog):
    timed = 0
    for routine in catalog:
        for _, view in walk(viewer, routine):
            if isinstance(view, StepView) and view.countdowns:
                timed += 1
                assert intents.PAUSE in [button.intent for button in view.buttons], routine.id
    assert timed >= sum(1 for routine in catalog for step in routine.steps if step.timed)


def test_the_pause_button_on_a_timed_step_pauses_like_saying_it(viewer, catalog):
    routine, index = next((routine, index) for routine in catalog
                          for index, step in enumerate(routine.steps[:-1]) if step.timed)
    viewer.start(routine.name)
    viewer.intent(intents.GO_TO_STEP, {intents.NUMBER_SLOT: {
        "name": intents.NUMBER_SLOT, "value": str(index + 1), "confirmationStatus": "NONE"}})
    viewer.after(3)  # while the step is still being spoken
    touched = viewer.touch(intents.PAUSE)
    assert touched.ends_session
    assert touched.speech.startswith(f"Paused at step {index + 1} of {len(routine.steps)}")
