"""Sample views of every kind, made from the shipped routines and phrases.

For the validator, the preview and the tests: not on the path of a real response. Countdown
times come from the same estimate the voice's timeline makes (words at Alexa's pace, silences
exact), simplified. `python -m skill.screen.samples` prints every sample's directive as JSON.
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Any

from ..alexa import intents
from ..content import timing
from ..content.catalog import Catalog
from ..content.routines import Kind, Routine
from ..voice.speech import Phrases
from .render import render
from .views import Choice, CompletionView, Countdown, MenuView, MessageView, StepView, View

NEWEST_APL = "2024.3"
STEP_BUTTONS = (Choice("Previous", intents.PREVIOUS), Choice("Repeat", intents.REPEAT),
                Choice("Pause", intents.PAUSE), Choice("Next", intents.NEXT))
SEPARATOR = " · "


def sentence(text: str) -> str:
    """A phrase as a label: first letter up, closing full stop dropped."""
    return (text[:1].upper() + text[1:]).removesuffix(".")


def menu(catalog: Catalog, phrases: Phrases) -> MenuView:
    ordered = sorted(catalog, key=lambda routine: list(Kind).index(routine.kind))
    groups = tuple(
        (phrases(f"kinds.{kind}.heading"),
         tuple(Choice(r.name, intents.START_ROUTINE, r.id) for r in routines))
        for kind, routines in itertools.groupby(ordered, key=lambda routine: routine.kind))
    return MenuView(phrases("welcome").removesuffix("."), "Say a routine's name, or touch one.",
                    groups)


def countdowns(routine: Routine, indexes: range, phrases: Phrases) -> tuple[Countdown, ...]:
    """Where each hold and rest of these steps starts, estimated as the voice speaks them."""
    clock, found, labels = 0.0, [], {}
    for index in indexes:
        step = routine.steps[index]
        clock += timing.speaking_seconds(f"Step {index + 1} of {len(routine.steps)}. {step.say}")
        for event in timing.step_events(step):
            match event:
                case timing.Silence(seconds=seconds):
                    clock += seconds
                case timing.RoundStart(number=number, total=total):
                    labels = {"round": sentence(phrases("round", number=number, total=total))}
                    clock += timing.CUE_SECONDS
                case timing.SideStart(name=name):
                    labels["side"] = f"{name.capitalize()} side"
                    clock += timing.CUE_SECONDS * (1 if event.first else 3)
                case timing.HoldStart():
                    clock += timing.CUE_SECONDS
                    label = SEPARATOR.join([*labels.values(),
                                            sentence(phrases(f"hold.{routine.kind}"))])
                    found.append(Countdown(label, round(clock * 1000), step.hold))
                case timing.RestStart():
                    clock += timing.CUE_SECONDS
                    found.append(Countdown(sentence(phrases("rest")), round(clock * 1000),
                                           step.rest))
                case _:
                    clock += timing.CUE_SECONDS
    return tuple(found)


def steps(routine: Routine, phrases: Phrases) -> list[StepView]:
    """Every response's worth of `routine`, as its step screens."""
    views = []
    for first in range(0, len(routine.steps), routine.per_turn):
        indexes = range(first, min(first + routine.per_turn, len(routine.steps)))
        number, last, total = first + 1, indexes.stop, len(routine.steps)
        if routine.kind != Kind.CHECKLIST:
            position = phrases("position.step", number=number, total=total)
        elif last > number:
            position = phrases("position.checklist", number=number, last=last, total=total)
        else:
            position = phrases("position.checklist_single", number=number, total=total)
        timed = countdowns(routine, indexes, phrases)
        views.append(StepView(
            routine.name, sentence(position), tuple(routine.steps[i].say for i in indexes),
            last / total, timed, STEP_BUTTONS,
            sentence(phrases(f"release.{routine.kind}")) if timed else ""))
    return views


def messages(catalog: Catalog, phrases: Phrases) -> dict[str, MessageView]:
    massage = next(routine for routine in catalog if routine.for_cramps)
    return {
        "welcome-back": MessageView(
            phrases("welcome_back").removesuffix("."),
            phrases("saved_place", position="step 3 of 7", name="leg cramp massage"),
            (Choice("Resume", intents.RESUME), Choice("List routines", intents.LIST_ROUTINES))),
        "help": MessageView("Help", phrases("help_menu", example="spiral twist")),
        "pain": MessageView(
            "Let's stop", " ".join([phrases("pain_advice"),
                                    phrases("offer_relief", name=massage.name.lower())]),
            (Choice(massage.name, intents.START_ROUTINE, massage.id),)),
    }


def completion(routine: Routine, phrases: Phrases) -> CompletionView:
    return CompletionView(
        routine.name, phrases("close", Name=routine.name).removesuffix(" Nice work."),
        "3 routines on 2 days this week", phrases("progress.streak", days=2),
        (Choice("Another routine", intents.YES), Choice("List routines", intents.LIST_ROUTINES)))


def sample_views(catalog: Catalog, phrases: Phrases | None = None) -> dict[str, View]:
    """A view of every kind, named: the menu, every turn of every routine, messages, an end."""
    phrases = phrases or Phrases.load()
    views: dict[str, View] = {"menu": menu(catalog, phrases)}
    for routine in catalog:
        for number, view in enumerate(steps(routine, phrases), start=1):
            views[f"{routine.id}-{number}"] = view
        views[f"{routine.id}-done"] = completion(routine, phrases)
    views.update(messages(catalog, phrases))
    return views


def directives(catalog: Catalog, max_version: str = NEWEST_APL) -> list[dict[str, Any]]:
    return [{"name": name, "directive": render(view, max_version)}
            for name, view in sample_views(catalog).items()]


def main(argv: list[str] | None = None) -> int:
    from ..content.loader import load_catalog
    from ..settings import Settings

    del argv
    catalog = load_catalog(Settings.from_env({}).routines)
    json.dump(directives(catalog), sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
