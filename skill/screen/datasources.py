"""View models as the data sources their documents bind to: `${payload.screen.…}`."""

from __future__ import annotations

import html
from typing import Any

from .views import Choice, CompletionView, Countdown, MenuView, MessageView, StepView, View

# The name the data source goes by in the directive: documents bind `${payload.screen.x}`,
# `payload` being the whole of `datasources`.
NAME = "screen"
# A Text component reads its text as markup; these are the characters that start markup.
_MARKUP = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def shown(text: str) -> str:
    """`text` to be shown exactly as written, not read as APL text markup."""
    return text.translate(_MARKUP)


def button(choice: Choice) -> dict[str, Any]:
    """A button: its label, and the SendEvent arguments (the intent, then any argument)."""
    sends = [choice.intent] if choice.argument is None else [choice.intent, choice.argument]
    return {"label": shown(choice.label), "sends": sends}


def choices(buttons: tuple[Choice, ...]) -> list[dict[str, Any]]:
    return [button(choice) for choice in buttons]


def countdowns(segments: tuple[Countdown, ...]) -> list[dict[str, Any]]:
    """Each segment in milliseconds from the start of speech: shown `from` the end of the one
    before (or the start), counting from `start` to `end`."""
    shown_from, result = 0, []
    for segment in sorted(segments, key=lambda segment: segment.start_ms):
        start = max(0, segment.start_ms)
        end = max(start, segment.end_ms)  # through the cues said inside it
        result.append({"label": shown(segment.label), "seconds": segment.seconds,
                       "from": min(shown_from, start), "start": start, "end": end,
                       "hold": segment.hold})
        shown_from = max(shown_from, end)
    return result


def menu(view: MenuView) -> dict[str, Any]:
    return {"title": shown(view.title), "hint": shown(view.hint),
            "groups": [{"heading": shown(heading), "choices": choices(routines)}
                       for heading, routines in view.groups]}


def step(view: StepView) -> dict[str, Any]:
    segments = countdowns(view.countdowns)
    return {
        "routine": shown(view.routine), "position": shown(view.position),
        "texts": [shown(text) for text in view.texts],
        "progress": round(min(1.0, max(0.0, view.progress)), 3),
        "timed": bool(segments), "countdowns": segments,
        "end": max((segment["end"] for segment in segments), default=0),
        "done": shown(view.done), "buttons": choices(view.buttons),
        "marks": [{"at": max(0, at), "progress": round(min(1.0, max(0.0, through)), 3)}
                  for at, through in view.marks],
    }


def message(view: MessageView) -> dict[str, Any]:
    return {"title": shown(view.title), "text": shown(view.text), "buttons": choices(view.buttons)}


def completion(view: CompletionView) -> dict[str, Any]:
    return {"headline": shown(view.headline), "week": shown(view.week),
            "streak": shown(view.streak), "buttons": choices(view.buttons)}


BUILDERS = {MenuView: ("menu", menu), StepView: ("step", step),
            MessageView: ("message", message), CompletionView: ("completion", completion)}


def build(view: View) -> tuple[str, dict[str, Any]]:
    """The document kind for `view` and its data source."""
    kind, builder = BUILDERS[type(view)]
    return kind, {NAME: builder(view)}


def read_back(directive: dict[str, Any]) -> View:
    """The view a RenderDocument directive shows, read back from its data source (what the
    simulator describes, seeing only the response)."""
    kind = str(directive.get("token", "")).removeprefix("stretch-coach-")
    data = directive["datasources"][NAME]
    return READERS[kind](data)


def _text(value: str) -> str:
    return html.unescape(value)


def _choices(items: list[dict[str, Any]]) -> tuple[Choice, ...]:
    return tuple(Choice(_text(item["label"]), *item["sends"]) for item in items)


READERS = {
    "menu": lambda d: MenuView(_text(d["title"]), _text(d["hint"]), tuple(
        (_text(group["heading"]), _choices(group["choices"])) for group in d["groups"])),
    "step": lambda d: StepView(
        _text(d["routine"]), _text(d["position"]), tuple(_text(t) for t in d["texts"]),
        d["progress"], tuple(Countdown(_text(c["label"]), c["start"], c["seconds"], c["hold"],
                                       c["end"] - c["start"])
                             for c in d["countdowns"]),
        _choices(d["buttons"]), _text(d["done"]),
        tuple((mark["at"], mark["progress"]) for mark in d.get("marks", ()))),
    "message": lambda d: MessageView(_text(d["title"]), _text(d["text"]), _choices(d["buttons"])),
    "completion": lambda d: CompletionView("", _text(d["headline"]), _text(d["week"]),
                                           _text(d["streak"]), _choices(d["buttons"])),
}
