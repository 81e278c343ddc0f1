"""The chat loop: typed words in, Alexa's request envelopes out over HTTP, speech printed."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ..screen.datasources import read_back
from ..screen.describe import describe
from ..settings import Settings
from ..voice.ssml import heard
from .envelopes import Device, Send, Session, Turn
from .nlu import Heard, Understanding, normalize
from .reminders_api import RemindersApi

# "@40 pause": said 40 seconds into the last response, cutting it short ("Alexa, pause"); a
# line without it is said once the response has been heard out.
CUT_IN = re.compile(r"@([0-9]{1,5}(?:\.[0-9]+)?)\s+(.+)")
NOT_REACHED = ("(Alexa would not send that to the skill: no session is open. "
               "Start with \"open {invocation}\".)")
# Alexa's own words when a skill asks for the reminders permission by voice, and the answers
# it takes; anything else is no answer.
CONSENT_PROMPT = ("(Alexa asks: Do you give {invocation} permission to update your reminders? "
                  "You can say \"I approve\" or \"no\".)")
CONSENT_ANSWERS = {"ACCEPTED": ("i approve", "approve", "yes", "yes please", "okay", "sure"),
                   "DENIED": ("no", "no thanks", "nope", "i don't approve", "deny")}
PERMISSION_CARD = "(Card in the Alexa app: allow {invocation} to set reminders.)"


class Unreachable(RuntimeError):
    """The skill's URL did not answer."""


def http_sender(url: str, timeout: float = 30) -> Send:
    """Posts envelopes to `url` as Alexa does: JSON over HTTP POST."""
    def send(envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(url, data=json.dumps(envelope).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            try:
                return error.code, json.load(error)
            except ValueError:
                return error.code, {"error": error.reason}
        except (urllib.error.URLError, OSError) as error:
            raise Unreachable(f"cannot reach the skill at {url}: "
                              f"{getattr(error, 'reason', error)}") from None
    return send


@contextlib.contextmanager
def local_skill(settings: Settings) -> Iterator[str]:
    """The skill served in this process, in development mode, on a free loopback port."""
    from werkzeug.serving import make_server

    from ..app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app(dataclasses.replace(settings, verify=False))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@dataclass(frozen=True)
class Exchange:
    utterance: str
    heard: Heard
    turn: Turn | None


class Chat:
    """One person at one Echo: hears words, sends requests, prints what Alexa says."""

    def __init__(self, understanding: Understanding, send: Send, device: Device,
                 out: TextIO, show_json: bool = False, realtime: bool = False,
                 sleep: Callable[[float], None] = time.sleep,
                 reminders: RemindersApi | None = None):
        self.understanding = understanding
        self.reminders = reminders
        self.out = out
        self.show_json = show_json
        self.realtime = realtime
        self.sleep = sleep
        self._send = send
        self.session = Session(self._send_and_show, device)

    def say(self, utterance: str) -> Exchange:
        cut_in = CUT_IN.fullmatch(utterance)
        if cut_in:
            self.session.after(float(cut_in.group(1)))
            utterance = cut_in.group(2)
        if self.session.asking is not None:  # Alexa asked for the permission: this answers it
            words = normalize(utterance)
            answer = next((status for status, said in CONSENT_ANSWERS.items() if words in said),
                          "NOT_ANSWERED")
            turn = self._with_reminders(lambda: self.session.consent(answer))
            return Exchange(utterance, Heard(), turn)
        heard_as = self.understanding.hear(utterance, self.session.open)
        if heard_as.outside:
            self._print(NOT_REACHED.format(invocation=self.understanding.invocation))
            return Exchange(utterance, heard_as, None)
        if heard_as.launch:
            turn = self._with_reminders(self.session.launch)
        else:
            if heard_as.new_session:
                self.session.close()
            turn = self._with_reminders(
                lambda: self.session.intent(heard_as.intent, heard_as.slots))
        return Exchange(utterance, heard_as, turn)

    def _with_reminders(self, ask: Callable[[], Turn]) -> Turn:
        """The turn `ask` gets, shown, and what it changed in Alexa's reminders."""
        before = self._reminders()
        turn = ask()
        self._show(turn)
        after = self._reminders()
        if after != before:
            self._print(f"(Alexa's reminders: {'; '.join(after) or 'none'})")
        return turn

    def _reminders(self) -> list[str]:
        """The simulated person's reminders, as the Alexa app would list them."""
        if self.reminders is None:
            return []
        return [describe_reminder(reminder)
                for reminder in self.reminders.reminders(self.session.device.user_id)]

    def play(self, utterances: Iterable[str], echo: bool = True) -> list[Exchange]:
        exchanges = []
        for line in utterances:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if echo:
                self._print(f"You: {line}")
            exchanges.append(self.say(line))
        return exchanges

    def _send_and_show(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.show_json:
            self._print(">>> request\n" + json.dumps(envelope, indent=2))
        status, body = self._send(envelope)
        if self.show_json:
            self._print(f"<<< response (HTTP {status})\n" + json.dumps(body, indent=2))
        return status, body

    def _show(self, turn: Turn) -> None:
        if turn.status != 200:
            self._print(f"(the skill answered HTTP {turn.status}: {turn.body.get('error')})")
            if "verification" in str(turn.body.get("error")):
                self._print("(the simulator cannot sign requests: run that server with "
                            "ALEXA_VERIFY=0, or leave out --url)")
            return
        if turn.ssml:
            self._speak(turn.ssml)
        if turn.document:
            self._print(_indented("Screen", describe(read_back(turn.document))))
        invocation = self.understanding.invocation
        if (turn.card or {}).get("type") == "AskForPermissionsConsent":
            self._print(PERMISSION_CARD.format(invocation=invocation))
        if turn.ends_session:
            self._print("(the session has ended)")
        if turn.consent_request:
            self._print(CONSENT_PROMPT.format(invocation=invocation))

    def _speak(self, ssml: str) -> None:
        pieces = heard(ssml)
        if not self.realtime:
            shown = (f"[{p:g} s]" if isinstance(p, float) else p for p in pieces)
            self._print("Alexa: " + " ".join(shown))
            return
        self.out.write("Alexa:")
        for piece in pieces:
            if isinstance(piece, float):
                self.out.write(" …")
                self.out.flush()
                self.sleep(piece)
            else:
                self.out.write(f" {piece}")
                self.out.flush()
        self.out.write("\n")

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def describe_reminder(reminder: dict[str, Any]) -> str:
    """ "every day at 21:00 (America/New_York): Time to stretch before bed. ..." """
    trigger = reminder.get("trigger") or {}
    rules = (trigger.get("recurrence") or {}).get("recurrenceRules") or []
    when = "; ".join(rules) or str(trigger.get("scheduledTime"))
    hour = next((part.split("=")[1] for rule in rules for part in rule.split(";")
                 if part.startswith("BYHOUR=")), None)
    minute = next((part.split("=")[1] for rule in rules for part in rule.split(";")
                   if part.startswith("BYMINUTE=")), "0")
    if hour is not None and all("FREQ=DAILY" in rule for rule in rules):
        when = f"every day at {int(hour):02d}:{int(minute):02d}"
    said = ((reminder.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or [{}]
    return f"{when} ({trigger.get('timeZoneId', 'device time')}): {said[0].get('text', '')}"


def _indented(heading: str, text: str) -> str:
    lines = text.splitlines()
    return "\n".join([f"{heading}: {lines[0]}", *(f"        {line}" for line in lines[1:])])
