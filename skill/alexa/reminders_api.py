"""Alexa's Reminders API, at the request's apiEndpoint with its apiAccessToken.

Amazon's "Alexa Reminders API Reference": POST /v1/alerts/reminders creates a reminder,
GET /v1/alerts/reminders lists the skill's reminders for the person, and GET, PUT and DELETE
/v1/alerts/reminders/{alertToken} read, replace and delete one. Each call goes through
outbound.py (a thread of its own, a deadline, a bounded answer), and every way it can end is
named (coach/reminders.py: Outcome) and logged: 401 or 403 (the permission is missing or was
revoked), 404 (the reminder is gone), 429 (throttled), a 5xx or any other status, an answer
that cannot be read, and no answer in time.

Why not the SDK's ReminderManagementServiceClient: it turns a failure to connect into a
status 500, and reads an error's body as its Error model, failing without the status when
that body is not JSON; the skill must tell each of these apart. The requests and answers
here are the SDK's own model classes, written and read by its serializer.
"""

from __future__ import annotations

import json
import logging
import re
import time
import urllib.error
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from ask_sdk_model.services import ApiClientRequest
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)

from ..coach.bedtime import Bedtime
from ..coach.reminders import Outcome
from ..untrusted import shown
from .model_meta import SDK, sdk_read
from .outbound import DeadlineApiClient, Gate

log = logging.getLogger(__name__)

PATH = "/v1/alerts/reminders"
# One call, and all the calls of one request (at most three: find the reminder, replace it,
# create it if it was gone). Alexa waits 8 seconds for the response; the store may take 3 to
# load and 3 to save (a load that failed skips the save), and the settings API 1.
CALL_SECONDS = 1.5
BUDGET_SECONDS = 2.0
MAX_CALLS = 4
# Amazon's answers are a few hundred bytes; a list of the skill's reminders (one a person)
# somewhat more.
MAX_ANSWER_BYTES = 64 * 1024
API_CLIENT = DeadlineApiClient(CALL_SECONDS, MAX_ANSWER_BYTES)
REMINDERS_API = Gate("reminders API", MAX_CALLS)

MODELS = "ask_sdk_model.services.reminder_management"
CREATED = f"{MODELS}.reminder_response.ReminderResponse"
ONE = f"{MODELS}.get_reminder_response.GetReminderResponse"
ALL = f"{MODELS}.get_reminders_response.GetRemindersResponse"
ERROR = f"{MODELS}.error.Error"
OUTCOMES = {401: Outcome.NO_PERMISSION, 403: Outcome.NO_PERMISSION, 404: Outcome.NOT_FOUND,
            429: Outcome.THROTTLED}
DAILY = "FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"
RULE_TIME = re.compile(r"(?:^|;)BYHOUR=(?P<hour>\d{1,2});BYMINUTE=(?P<minute>\d{1,2})(?:;|$)")


@dataclass(frozen=True)
class Answer:
    """How a call ended, and on success the SDK model read from Amazon's answer."""

    outcome: Outcome
    body: Any = None


class RemindersApi:
    """The Reminders API for one request: its endpoint, its token, its share of time."""

    def __init__(self, endpoint: str, token: str, request: str,
                 clock: Callable[[], float] = time.monotonic, budget: float = BUDGET_SECONDS):
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        self.request = request  # the Alexa request's id, for the log
        self.clock = clock
        self.ends = clock() + budget

    def create(self, reminder: ReminderRequest) -> Answer:
        return self._call("POST", PATH, reminder, CREATED)

    def all(self) -> Answer:
        return self._call("GET", PATH, None, ALL)

    def get(self, alert_token: str) -> Answer:
        return self._call("GET", _one(alert_token), None, ONE)

    def update(self, alert_token: str, reminder: ReminderRequest) -> Answer:
        return self._call("PUT", _one(alert_token), reminder, CREATED)

    def delete(self, alert_token: str) -> Answer:
        return self._call("DELETE", _one(alert_token), None, None)

    def _call(self, method: str, path: str, body: Any, answer_type: str | None) -> Answer:
        left = self.ends - self.clock()
        if left <= 0:
            return self._failed(method, path, Outcome.TIMED_OUT, "no time left in this request")
        outgoing = ApiClientRequest(
            url=self.endpoint + path, method=method,
            headers=[("Authorization", f"Bearer {self.token}"),
                     ("Content-Type", "application/json"), ("Accept", "application/json")],
            body=json.dumps(SDK.serialize(body)) if body is not None else None)
        try:
            answer = REMINDERS_API.run(lambda: API_CLIENT.invoke(outgoing), min(CALL_SECONDS, left))
        except TimeoutError as error:
            return self._failed(method, path, Outcome.TIMED_OUT, str(error))
        except urllib.error.URLError as error:
            timed_out = isinstance(error.reason, TimeoutError)
            return self._failed(method, path, Outcome.TIMED_OUT if timed_out else Outcome.FAILED,
                                str(error.reason))
        except (OSError, ValueError) as error:  # refused, reset, a malformed address
            return self._failed(method, path, Outcome.FAILED, str(error))
        status = answer.status_code
        if not 200 <= status < 300:
            outcome = OUTCOMES.get(status, Outcome.FAILED)
            return self._failed(method, path, outcome, f"HTTP {status}: {_why(answer.body)}")
        if answer_type is None:
            return Answer(Outcome.DONE)
        try:
            return Answer(Outcome.DONE, read_answer(answer.body, answer_type))
        except Exception as error:  # not JSON, the SDK's SerializationException, or worse
            return self._failed(method, path, Outcome.FAILED,
                                f"HTTP {status}, an answer that cannot be read: {error}")

    def _failed(self, method: str, path: str, outcome: Outcome, why: str) -> Answer:
        level = logging.INFO if outcome is Outcome.NOT_FOUND else logging.WARNING
        log.log(level, "request %s: reminders API %s %s: %s (%s)", self.request, method,
                path, outcome.value, shown(why, 300))
        return Answer(outcome)


def read_answer(body: str, answer_type: str) -> Any:
    """Amazon's answer as the SDK's model, its reminders' alertInfo left out.

    The SDK's AlertInfo declares its spokenInfo as a class in a module the SDK does not ship
    (ask-sdk-model 1.82: reminder_management.alert_info_spoken_info), so no serializer can
    read one; the skill never needs the text back.
    """
    data = json.loads(body)
    alerts = data.get("alerts") if isinstance(data, dict) else None
    for reminder in [data, *(alerts if isinstance(alerts, list) else ())]:
        if isinstance(reminder, dict):
            reminder.pop("alertInfo", None)
    return sdk_read(data, answer_type)


def _one(alert_token: str) -> str:
    return f"{PATH}/{urllib.parse.quote(alert_token, safe='')}"


def _why(body: str | None) -> str:
    """What Amazon's error body says ({"code": ..., "message": ...}), or the body itself."""
    try:
        error = SDK.deserialize(body, ERROR)
        return f"{error.code}: {error.message}"
    except Exception:
        return body or "no body"


def daily_reminder(at: Bedtime, zone: tzinfo, now: datetime, locale: str,
                   text: str) -> ReminderRequest:
    """A reminder saying `text` every day at `at` in `zone`, from `now` on.

    Times are the zone's local times without an offset (Amazon refuses one), and the
    recurrence is a rule with a start: the API's freq and byDay are deprecated.
    """
    local = now.astimezone(zone).replace(tzinfo=None, microsecond=0)
    rule = DAILY.format(hour=at.hour, minute=at.minute)
    return ReminderRequest(
        request_time=local,
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, time_zone_id=str(zone),
                        recurrence=Recurrence(start_date_time=local, recurrence_rules=[rule])),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale,
                                                                         text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))


def reminder_time(reminder: Any) -> Bedtime | None:
    """When a reminder Amazon gave back goes off each day: its rule's hour and minute, else its
    scheduled time's; None if it says neither."""
    trigger = getattr(reminder, "trigger", None)
    recurrence = getattr(trigger, "recurrence", None)
    for rule in getattr(recurrence, "recurrence_rules", None) or ():
        found = RULE_TIME.search(rule) if isinstance(rule, str) else None
        if found and int(found["hour"]) < 24 and int(found["minute"]) < 60:
            return Bedtime(int(found["hour"]), int(found["minute"]))
    scheduled = getattr(trigger, "scheduled_time", None)
    return Bedtime(scheduled.hour, scheduled.minute) if isinstance(scheduled, datetime) else None
