"""The conversation about a daily stretch reminder: its time, Alexa's permission, and what
became of it. Part of the Coach (a mixin): pure, no I/O; the Alexa layer asks Alexa's
Reminders API and hands the outcome in.

Articles 002 (9.) and 004 say that people who get cramps at night should stretch before going
to bed: the skill offers a reminder once, after such a routine in the evening.
"""

from __future__ import annotations

import dataclasses
import enum

from ..content.routines import Routine
from .bedtime import Bedtime, HeardTime, Unclear, bedtime
from .replies import Effect, Line, Reply
from .state import Question, State

# The concern whose routines end with the offer (002, 004: stretch before bed if cramps come
# at night). A catalog without it never makes the offer.
NIGHT_CRAMPS = "night-cramps"
REMINDER_TIMES = (Question.REMINDER_TIME, Question.REMINDER_AGAIN)
REMINDER_QUESTIONS = (Question.REMINDER_OFFER, *REMINDER_TIMES)
# Open questions a reminder's answer comes back to when the person is not in a routine.
MENU_QUESTIONS = (Question.CHOOSE, Question.ANYTHING)


class Outcome(enum.Enum):
    """What became of a call to Alexa's Reminders API."""

    DONE = "done"
    NOT_FOUND = "not_found"  # the reminder is gone: deleted in the Alexa app, say
    NO_PERMISSION = "no_permission"  # 401 or 403: the permission is missing or was revoked
    THROTTLED = "throttled"  # 429
    FAILED = "failed"  # a 5xx, any other status, an answer that cannot be read
    TIMED_OUT = "timed_out"  # no answer within the deadline


class Consent(enum.Enum):
    """How Alexa's voice consent for reminders ended."""

    ACCEPTED = "ACCEPTED"
    DENIED = "DENIED"
    NOT_ANSWERED = "NOT_ANSWERED"
    UNAVAILABLE = "UNAVAILABLE"  # the device could not ask: a card in the Alexa app instead


class Action(enum.StrEnum):
    """What was asked of the reminder, as the phrases name it."""

    SET = "set"
    CHECK = "check"
    CANCEL = "cancel"


class ReminderConversation:
    """The Coach's reminder events, in the Coach's own shapes of reply (_keep_place is the
    Coach's)."""

    # Setting it: the time first, then the permission, then Alexa's answer.

    def remind(self, state: State, heard: HeardTime) -> Reply | Bedtime:
        """The reminder time `heard` gives, or the question that makes it clear (asked back
        once; after that, no time at all ends the attempt)."""
        asked_back = state.asked is Question.REMINDER_AGAIN
        wanted = bedtime(heard, asked_back)
        if isinstance(wanted, Bedtime):
            return wanted
        if wanted is Unclear.NO_TIME and asked_back:
            return self._after_reminder(state, Line("reminder_give_up"))
        if wanted is Unclear.NO_TIME and state.asked is not Question.REMINDER_TIME:
            return self._ask_time(state, Line("reminder_sure"))
        return self._ask_time(state, Line(f"reminder_unclear.{wanted.value}"), again=True)

    def ask_permission(self, state: State, time: Bedtime) -> Reply:
        """Say back the time and that it repeats daily, then hand over to Alexa, who asks for
        the permission and answers in a new session: the state (the place, the question to
        come back to, the time) goes with the request, to come back with the answer."""
        asked = Question.CHOOSE if state.asked in REMINDER_QUESTIONS else state.asked
        waiting = dataclasses.replace(
            state.then(state.place, asked, state.offer, state.suggestion), bedtime=time)
        return Reply((Line("reminder_permission", time=time),), None, waiting,
                     frozenset({Effect.ASK_PERMISSION}))

    def reminder_set(self, state: State, time: Bedtime, outcome: Outcome,
                     changed: bool = False) -> Reply:
        if outcome is Outcome.DONE:
            return self._after_reminder(
                state, Line("reminder_changed" if changed else "reminder_set", time=time))
        return self._failed(state, outcome, Action.SET)

    def consent(self, state: State, consent: Consent) -> Reply:
        """Alexa's answer to the permission request, other than a yes with a time waiting."""
        if consent is Consent.ACCEPTED:
            return self._ask_time(state, Line("reminder_allowed"))
        card = frozenset() if consent is Consent.DENIED else frozenset({Effect.PERMISSION_CARD})
        return self._after_reminder(state, Line(f"reminder_consent.{consent.name.lower()}"),
                                    effects=card)

    # What is set, and cancelling it.

    def reminder_status(self, state: State, outcome: Outcome, exists: bool,
                        time: Bedtime | None = None) -> Reply:
        if outcome is not Outcome.DONE:
            return self._failed(state, outcome, Action.CHECK)
        if not exists:
            return self._after_reminder(state, Line("reminder_status.none"))
        key = "reminder_status.set" if time else "reminder_status.untimed"
        return self._after_reminder(state, Line(key, time=time))

    def reminder_cancelled(self, state: State, outcome: Outcome, existed: bool) -> Reply:
        if outcome is not Outcome.DONE:
            return self._failed(state, outcome, Action.CANCEL)
        return self._after_reminder(
            state, Line("reminder_cancelled" if existed else "reminder_status.none"))

    def forgotten(self, reply: Reply, outcome: Outcome) -> Reply:
        """`reply` to "delete everything", once the person's reminder was cancelled, or not."""
        key = "reminder_cancelled_too" if outcome is Outcome.DONE else "reminder_not_cancelled"
        lines = (*reply.lines[:-1], Line(key), *reply.lines[-1:])
        return dataclasses.replace(reply, lines=lines)

    # The offer, once, at the end of a routine for night cramps in the evening.

    def helps_at_night(self, routine: Routine) -> bool:
        return NIGHT_CRAMPS in routine.helps_with

    def offer_reminder(self, reply: Reply) -> Reply:
        """`reply`, finishing a routine, asking about a bedtime reminder instead of another
        routine (which is asked again after the answer)."""
        state = reply.state
        return Reply((*reply.lines, Line("reminder_offer_lead")), Question.REMINDER_OFFER,
                     state.then(state.place, Question.REMINDER_OFFER),
                     reply.effects | {Effect.REMINDER_OFFERED})

    # Answers to the reminder questions.

    def reminder_yes(self, state: State) -> Reply:
        if state.asked is Question.REMINDER_OFFER:
            return self._ask_time(state, Line("reminder_sure"))
        answer = self.remind(state, HeardTime())  # "yes" is no time: asked again, or given up
        assert isinstance(answer, Reply)
        return answer

    def reminder_no(self, state: State) -> Reply:
        return self._after_reminder(state, Line("reminder_declined"))

    # Shapes of reply.

    def _ask_time(self, state: State, lead: Line, again: bool = False) -> Reply:
        asked = Question.REMINDER_AGAIN if again else Question.REMINDER_TIME
        return Reply((lead,), asked, state.then(state.place, asked, state.offer,
                                                state.suggestion))

    def _failed(self, state: State, outcome: Outcome, action: Action) -> Reply:
        card = frozenset({Effect.PERMISSION_CARD}) if outcome is Outcome.NO_PERMISSION \
            else frozenset()
        failure = Outcome.FAILED if outcome is Outcome.NOT_FOUND else outcome
        return self._after_reminder(state, Line(f"reminder_failed.{failure.value}",
                                                action=action), effects=card)

    def _after_reminder(self, state: State, *lines: Line,
                        effects: frozenset[Effect] = frozenset()) -> Reply:
        """`lines`, then back to where the person was: their routine's question, the menu's
        (after a conversation about the reminder alone), or (asked in one go) nothing more."""
        if state.place or state.offer or state.suggestion:
            reply = self._keep_place(state, *lines)
        elif state.asked in (*MENU_QUESTIONS, *REMINDER_QUESTIONS):
            asked = state.asked if state.asked in MENU_QUESTIONS else Question.CHOOSE
            reply = Reply(lines, asked, state.then(asked=asked))
        else:
            reply = Reply(lines, None, state.then())
        return dataclasses.replace(reply, effects=reply.effects | effects)
