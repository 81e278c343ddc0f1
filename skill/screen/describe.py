"""What a screen shows, as a few lines of plain text (the simulator's `--apl`)."""

from __future__ import annotations

from .views import Choice, CompletionView, Countdown, MenuView, MessageView, StepView, View


def buttons(choices: tuple[Choice, ...]) -> str:
    """ "[Previous] [Repeat] [Pause] [Next]"."""
    return " ".join(f"[{choice.label}]" for choice in choices)


def countdowns(segments: tuple[Countdown, ...]) -> str:
    """ "Get into position 5 s, Round 1 of 3 · Right side · Hold 10 s"."""
    ordered = sorted(segments, key=lambda segment: segment.start_ms)
    return ", ".join(f"{segment.label} {segment.seconds} s" for segment in ordered)


def _menu(view: MenuView) -> list[str]:
    return [view.title, view.hint,
            *(f"{heading}: {buttons(routines)}" for heading, routines in view.groups)]


def _step(view: StepView) -> list[str]:
    done = f"{round(view.progress * 100)}% done"
    if view.marks:
        done += f", {round(view.marks[-1][1] * 100)}% once its holds end"
    lines = [f"{view.routine} · {view.position} · {done}", *view.texts]
    if view.countdowns:
        lines.append(f"Countdown: {countdowns(view.countdowns)}")
        if view.done:
            lines.append(f"Then: {view.done}")
    return [*lines, buttons(view.buttons)]


def _message(view: MessageView) -> list[str]:
    return [view.title, view.text, buttons(view.buttons)]


def _completion(view: CompletionView) -> list[str]:
    return [view.headline, view.week, view.streak, buttons(view.buttons)]


DESCRIBERS = {MenuView: _menu, StepView: _step, MessageView: _message,
              CompletionView: _completion}


def describe(view: View) -> str:
    """The screen in plain text, one line for each thing on it (empty lines left out)."""
    return "\n".join(line for line in DESCRIBERS[type(view)](view) if line)
