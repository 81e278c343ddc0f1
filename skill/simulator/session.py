"""`python -m skill chat`: wiring the simulator to a model, a skill and a terminal."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator

from ..content.loader import ContentError
from ..model.definitions import load_definitions
from ..model.package import model_path, package_folder
from ..settings import Settings
from .chat import Chat, Unreachable, http_sender, local_skill
from .envelopes import DEFAULT_APPLICATION_ID, Device
from .nlu import Understanding
from .reminders_api import RemindersApi
from .settings_api import SettingsApi, local_zone, settings_api

SIMULATED_USER = "amzn1.ask.account.stretch-coach-simulator"
# With --apl, the simulated device is an Echo Show of today's APL.
SIMULATED_SCREEN = "2024.3"

BANNER = ("Stretch Coach simulator: talking to {url}{mode}.\n"
          "Type what you would say, e.g. \"open {invocation}\". Ctrl-D to leave.")


def run_chat_session(settings: Settings, url: str | None, script: list[str] | None,
                     show_json: bool, realtime: bool, locale: str, apl: bool = False) -> int:
    definitions = load_definitions()
    if locale not in definitions.locales:
        print(f"error: --locale: the skill speaks {', '.join(definitions.locales)}, "
              f"not {locale!r}", file=sys.stderr)
        return 2
    model_file = model_path(package_folder(), locale)
    if not model_file.is_file():
        print(f"error: no interaction model at {model_file}: run `python -m skill build-model`",
              file=sys.stderr)
        return 2
    understood = {intent.name: intent.understood for intent in definitions.intents}
    application_id = min(settings.skill_ids, default=DEFAULT_APPLICATION_ID)
    understanding = Understanding(json.loads(model_file.read_text(encoding="utf-8")),
                                  understood, application_id)
    try:
        reminders = RemindersApi()
        with _skill(settings, url) as (address, mode), \
                settings_api(SettingsApi(zone=local_zone()), reminders) as api:
            # One simulated person, the same every run, so the skill remembers them. Alexa's
            # reminders are kept for this run only.
            device = Device(application_id, user_id=SIMULATED_USER, api_endpoint=api.url,
                            screen=SIMULATED_SCREEN if apl else None)
            chat = Chat(understanding, http_sender(address), device,
                        sys.stdout, show_json=show_json, realtime=realtime, reminders=reminders)
            return _converse(chat, script, address, mode)
    except ContentError as error:
        print(f"error: the routines are invalid:\n{error}", file=sys.stderr)
    except Unreachable as error:
        print(f"error: {error}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def _skill(settings: Settings, url: str | None) -> Iterator[tuple[str, str]]:
    if url:
        yield url, ""
    else:
        with local_skill(settings) as address:
            yield address, " (in-process, development mode)"


def _converse(chat: Chat, script: list[str] | None, address: str, mode: str) -> int:
    if script is not None:
        exchanges = chat.play(script)
    elif not sys.stdin.isatty():
        exchanges = chat.play(sys.stdin)
    else:
        print(BANNER.format(url=address, mode=mode, invocation=chat.understanding.invocation))
        exchanges = []
        while True:
            try:
                line = input("You: ")
            except (EOFError, KeyboardInterrupt):
                print()
                break
            exchanges += chat.play([line], echo=False)
    failed = [e for e in exchanges if e.turn is not None and e.turn.status != 200]
    return 1 if failed else 0
