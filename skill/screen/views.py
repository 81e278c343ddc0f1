"""What a screen shows for one response: typed, frozen view models filled by the Alexa layer.

All visible text comes from here; the documents only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass

# A step's countdowns are the voice's own timeline (voice/steps.py), shown as they are.
from ..voice.steps import Countdown


@dataclass(frozen=True)
class Choice:
    """One touch target that stands for a spoken intent."""

    label: str  # "Next", "Butterfly stretch"
    intent: str  # "AMAZON.NextIntent", "StartRoutineIntent", ...
    argument: str | None = None  # the routine id for StartRoutineIntent


@dataclass(frozen=True)
class MenuView:
    """Launch, menu or list routines: the routines grouped as the welcome groups them."""

    title: str
    hint: str
    groups: tuple[tuple[str, tuple[Choice, ...]], ...]  # ("Stretches", (Choice, ...))


@dataclass(frozen=True)
class StepView:
    """One response's worth of a routine."""

    routine: str  # "Spiral twist"
    position: str  # "Step 2 of 4" or "Tips 4 to 6 of 12"
    texts: tuple[str, ...]  # the instruction text(s) shown
    progress: float  # 0..1 through the routine: its holds done (its steps, if it has none)
    countdowns: tuple[Countdown, ...]  # empty for an untimed step
    buttons: tuple[Choice, ...]  # Previous, Repeat, Pause, Next
    done: str = ""  # shown once the last countdown ends ("And release."); "" shows nothing
    # How far through once each of this response's holds ends: (ms from the start of speech,
    # 0..1), so the bar moves as holds are done.
    marks: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class MessageView:
    """Welcome back (with a Resume button), help, pain advice, anything else said."""

    title: str
    text: str
    buttons: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class CompletionView:
    """The end of a routine, with the week's progress and the streak."""

    routine: str
    headline: str  # "Butterfly stretch: all done"
    week: str  # "3 routines on 2 days this week"
    streak: str  # "2 days in a row" or ""
    buttons: tuple[Choice, ...]


View = MenuView | StepView | MessageView | CompletionView
