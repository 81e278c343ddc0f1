"""A stand-in for Alexa's Reminders API (/v1/alerts/reminders), for the simulator and tests.

The settings API's stand-in serves it on the same loopback port, as Alexa serves both at one
apiEndpoint. It keeps each person's reminders (the person the bearer token names), and checks
requests the way Amazon's reference describes them: 401 unless the token carries the
reminders permission, 400 for a body that is not a reminder (a time with an offset, an
unknown zone, a rule it cannot read, no words to say), 404 for a reminder that is not there.
Tests make it answer any status instead, slowly, or garbled.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..alexa.intents import REMINDERS_PERMISSION
from .envelopes import read_access_token

PATH = "/v1/alerts/reminders"
ONE = re.compile(rf"{PATH}/(?P<token>[^/?]+)")
# A local time, as Amazon wants it: no offset, no "Z".
LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?")
RULE = re.compile(r"FREQ=(?:DAILY|WEEKLY)(?:;(?:BYDAY=[A-Z,]+|BYHOUR=(?:1?\d|2[0-3])|"
                  r"BYMINUTE=[0-5]?\d|BYSECOND=[0-5]?\d|INTERVAL=\d+))*;?")
TRIGGERS = ("SCHEDULED_ABSOLUTE", "SCHEDULED_RELATIVE")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code = status, code


@dataclass
class RemindersApi:
    """What the stand-in keeps and answers."""

    status: int | None = None  # answer every request with this status instead
    delay: float = 0.0  # seconds before answering
    body: bytes | None = None  # a raw answer instead of the real one, to garble it
    kept: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # person -> id
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, path), in order
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reminders(self, person: str) -> list[dict[str, Any]]:
        """The reminders the person has, as GET would give them."""
        with self._lock:
            return list(self.kept.get(person, {}).values())

    def answer(self, method: str, path: str, authorization: str, body: bytes
               ) -> tuple[int, bytes]:
        """The status and JSON body the API answers `method` `path` with."""
        self.calls.append((method, path))
        time.sleep(self.delay)
        if self.status is not None:  # refused as told: nothing is changed
            status = self.status
            answer: dict[str, Any] | None = {
                "code": "STAND_IN", "message": f"answering {status} as told"}
        else:
            try:
                person = self._person(authorization)
                with self._lock:
                    status, answer = self._answer(method, path, person, body)
            except Refused as refused:
                status, answer = refused.status, {"code": refused.code, "message": str(refused)}
        if self.body is not None:
            return status, self.body
        return status, json.dumps(answer).encode() if answer is not None else b""

    def _person(self, authorization: str) -> str:
        person, scopes = read_access_token(authorization.removeprefix("Bearer "))
        if person is None or REMINDERS_PERMISSION not in scopes:
            raise Refused(401, "UNAUTHORIZED", "the token does not allow reminders")
        return person

    def _answer(self, method: str, path: str, person: str, body: bytes
                ) -> tuple[int, dict[str, Any] | None]:
        mine = self.kept.setdefault(person, {})
        if path == PATH and method == "GET":
            alerts = list(mine.values())
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
        if path == PATH and method == "POST":
            alert_token = str(uuid.uuid4())
            mine[alert_token] = _stored(alert_token, _reminder(body), None)
            return 200, _summary(mine[alert_token])
        found = ONE.fullmatch(path)
        if found is None or method not in ("GET", "PUT", "DELETE"):
            raise Refused(404, "NOT_FOUND", f"no such operation: {method} {path}")
        alert_token = found["token"]
        if alert_token not in mine:
            raise Refused(404, "NOT_FOUND", "no such reminder")
        if method == "GET":
            return 200, mine[alert_token]
        if method == "DELETE":
            del mine[alert_token]
            return 200, None
        mine[alert_token] = _stored(alert_token, _reminder(body), mine[alert_token])
        return 200, _summary(mine[alert_token])


def _reminder(body: bytes) -> dict[str, Any]:
    """The reminder in a request body, checked as Amazon checks one; Refused if it is not."""
    try:
        reminder = json.loads(body)
    except ValueError:
        raise Refused(400, "INVALID_REQUEST", "the body is not JSON") from None
    trigger = _object(reminder, "trigger")
    if trigger.get("type") not in TRIGGERS:
        raise Refused(400, "INVALID_TRIGGER_TYPE", f"trigger.type {trigger.get('type')!r}")
    zone = trigger.get("timeZoneId")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, TypeError, OSError):
            raise Refused(400, "INVALID_TIMEZONE", f"timeZoneId {zone!r}") from None
    recurrence = trigger.get("recurrence")
    times = [reminder.get("requestTime"), trigger.get("scheduledTime"),
             *((recurrence or {}).get(key) for key in ("startDateTime", "endDateTime"))]
    for value in times:
        if value is not None and not (isinstance(value, str) and LOCAL_TIME.fullmatch(value)):
            raise Refused(400, "INVALID_SCHEDULED_TIME_FORMAT", f"{value!r} is not a local "
                          "ISO 8601 time without an offset")
    rules = (recurrence or {}).get("recurrenceRules")
    if recurrence is not None and not (isinstance(rules, list) and rules and all(
            isinstance(rule, str) and RULE.fullmatch(rule) for rule in rules)):
        raise Refused(400, "INVALID_RECURRENCE_RULES", f"recurrenceRules {rules!r}")
    if recurrence is None and trigger.get("scheduledTime") is None:
        raise Refused(400, "INVALID_TRIGGER", "neither a scheduledTime nor a recurrence")
    content = _object(_object(reminder, "alertInfo"), "spokenInfo").get("content")
    if not (isinstance(content, list) and content and all(
            isinstance(said, dict) and isinstance(said.get("locale"), str)
            and isinstance(said.get("text"), str) and said["text"].strip() for said in content)):
        raise Refused(400, "INVALID_ALERT_INFO", "alertInfo.spokenInfo.content has no text")
    return reminder


def _object(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        raise Refused(400, "INVALID_REQUEST", f"{key} must be an object")
    return value


def _stored(alert_token: str, reminder: dict[str, Any], before: dict[str, Any] | None
            ) -> dict[str, Any]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    version = int(before["version"]) + 1 if before else 1
    return {"alertToken": alert_token, "createdTime": before["createdTime"] if before else now,
            "updatedTime": now, "status": "ON", "version": str(version),
            "trigger": reminder["trigger"], "alertInfo": reminder["alertInfo"],
            "pushNotification": reminder.get("pushNotification", {"status": "ENABLED"})}


def _summary(stored: dict[str, Any]) -> dict[str, Any]:
    """What create and update answer: the reminder's id, times, status and version."""
    return {key: stored[key] for key in ("alertToken", "createdTime", "updatedTime", "status",
                                         "version")} | {"href": f"{PATH}/{stored['alertToken']}"}
