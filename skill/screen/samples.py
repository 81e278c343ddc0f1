"""Sample views of every kind, from the Coach's own replies to the shipped routines.

For the validator, the preview and the tests: the very path a real response takes (a reply,
then its view), without a request. `python -m skill.screen.samples` prints every sample's
directive as JSON.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ..coach.conversation import Coach
from ..coach.progress import Progress
from ..coach.replies import History
from ..coach.state import Place, Question, State
from ..content.catalog import Catalog
from ..voice.speech import Speech
from .render import render
from .screens import Screens
from .views import View

NEWEST_APL = "2024.3"
# A week to show at the end of a routine.
SAMPLE_WEEK = Progress(finished=3, days=2, routines=(), streak=2)


def sample_views(catalog: Catalog) -> dict[str, View]:
    """A view of every kind, named: the menu, every turn of every routine, its end, messages."""
    speech = Speech(catalog)
    coach, screens = Coach(catalog, speech.part_count), Screens(catalog, speech)

    def view(reply) -> View:
        return screens.view(reply, lambda: SAMPLE_WEEK)

    views: dict[str, View] = {"menu": view(coach.launch(State(), History(known=True)))}
    for routine in catalog:
        reply = coach.start(State(), routine)
        for number in range(1, len(routine.steps) + 1):
            views[f"{routine.id}-{number}"] = view(reply)
            if reply.ask == Question.ANOTHER:
                break
            reply = coach.next(reply.state)
        views[f"{routine.id}-done"] = view(coach.next(reply.state))
    massage = next(routine for routine in catalog if routine.for_cramps)
    views["welcome-back"] = view(coach.launch(State(), History(True, Place(massage, 2))))
    views["help"] = view(coach.help(State()))
    views["pain"] = view(coach.hurts(State()))
    first_concern = next(concern for concern in catalog.concerns if not concern.see_doctor)
    views["suggestion"] = view(coach.concern(State(), first_concern))
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
