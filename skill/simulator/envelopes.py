"""Request envelopes shaped exactly like Alexa's, and a session that carries them turn to turn.

Used by the local simulator and by the tests; field names follow Alexa's request JSON reference.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..alexa import intents
from ..content.timing import speaking_seconds
from ..voice.sounds import SOUND_SECONDS
from ..voice.ssml import heard, to_plain

DEFAULT_APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
ALEXA_API_ENDPOINT = "https://api.amazonalexa.com"
APL = "Alexa.Presentation.APL"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
SEND_REQUEST = "Connections.SendRequest"
ASK_FOR = "AskFor"
ER_AUTHORITY = "amzn1.er-authority.echo-sdk.{application_id}.{slot_type}"
# A person answers about three seconds after Alexa stops speaking: their reaction, their words
# and Alexa hearing that they have finished, before the request is stamped.
ANSWER_SECONDS = 3.0
# The simulator's apiAccessToken names the person and the permissions they gave, for the
# stand-ins of Alexa's APIs to read (Alexa's own is opaque and signed).
TOKEN = "simulated|{user}|{scopes}"


def _id(kind: str) -> str:
    return f"amzn1.echo-api.{kind}.{uuid.uuid4()}"


def timestamp(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Resolution:
    """Entity resolution for a slot value: the matched value's id and name, or no match."""

    slot_type: str
    id: str | None = None
    name: str | None = None


def slot(name: str, value: str | None, resolution: Resolution | None = None,
         application_id: str = DEFAULT_APPLICATION_ID) -> dict[str, Any]:
    filled: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return filled
    filled.update(value=value, source="USER")
    if resolution:
        authority = ER_AUTHORITY.format(application_id=application_id,
                                        slot_type=resolution.slot_type)
        block: dict[str, Any] = {"authority": authority}
        if resolution.id:
            block["status"] = {"code": "ER_SUCCESS_MATCH"}
            block["values"] = [{"value": {"name": resolution.name, "id": resolution.id}}]
        else:
            block["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
        filled["resolutions"] = {"resolutionsPerAuthority": [block]}
    return filled


def launch_request(locale: str = "en-US", moment: datetime | None = None) -> dict[str, Any]:
    return {"type": intents.LAUNCH_REQUEST, "requestId": _id("request"),
            "timestamp": timestamp(moment), "locale": locale, "shouldLinkResultBeReturned": False}


def intent_request(name: str, slots: dict[str, dict[str, Any]] | None = None,
                   locale: str = "en-US", moment: datetime | None = None) -> dict[str, Any]:
    return {
        "type": intents.INTENT_REQUEST, "requestId": _id("request"),
        "timestamp": timestamp(moment), "locale": locale, "dialogState": "COMPLETED",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": slots or {}},
    }


def session_ended_request(reason: str = "USER_INITIATED", error: dict | None = None,
                          locale: str = "en-US", moment: datetime | None = None
                          ) -> dict[str, Any]:
    request = {"type": intents.SESSION_ENDED_REQUEST, "requestId": _id("request"),
               "timestamp": timestamp(moment), "locale": locale, "reason": reason}
    if error:
        request["error"] = error
    return request


def user_event(*arguments: Any, token: str = "stretch-coach", locale: str = "en-US",
               moment: datetime | None = None) -> dict[str, Any]:
    """A touch on a screen: the SendEvent's arguments, as Alexa forwards them."""
    return {"type": USER_EVENT, "requestId": _id("request"), "timestamp": timestamp(moment),
            "locale": locale, "token": token, "arguments": list(arguments),
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "button"}}


def event_request(kind: str, body: dict[str, Any] | None = None,
                  locale: str = "en-US") -> dict[str, Any]:
    """A request Alexa sends outside any session, such as AlexaSkillEvent.SkillDisabled."""
    request = {"type": kind, "requestId": _id("request"), "timestamp": timestamp(),
               "locale": locale}
    if kind.startswith("AlexaSkillEvent."):
        request.update(eventCreationTime=timestamp(), eventPublishingTime=timestamp(),
                       body=body or {"userInformationPersistenceStatus": "NOT_PERSISTED"})
    elif body:
        request.update(body)
    return request


def connections_response(name: str, payload: dict[str, Any], token: str, code: str = "200",
                         locale: str = "en-US", moment: datetime | None = None
                         ) -> dict[str, Any]:
    """Alexa's answer to a Connections.SendRequest, such as the voice consent's."""
    return {"type": intents.CONNECTIONS_RESPONSE, "requestId": _id("request"),
            "timestamp": timestamp(moment), "locale": locale, "name": name, "payload": payload,
            "status": {"code": code, "message": "OK" if code == "200" else "failed"},
            "token": token}


def read_access_token(token: str) -> tuple[str | None, frozenset[str]]:
    """The person a simulated apiAccessToken names, and the permissions it carries."""
    kind, _, rest = token.partition("|")
    user, _, scopes = rest.partition("|")
    if kind != "simulated" or not user:
        return None, frozenset()
    return user, frozenset(filter(None, scopes.split(",")))


@dataclass
class Device:
    """An Echo and its user: the ids Alexa puts in every envelope, and the permissions the
    user gave the skill."""

    application_id: str = DEFAULT_APPLICATION_ID
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.{uuid.uuid4().hex}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.{uuid.uuid4().hex}")
    api_endpoint: str = ALEXA_API_ENDPOINT
    # An Echo Show and the like: the newest APL its runtime speaks; None for voice only.
    screen: str | None = None
    granted: set[str] = field(default_factory=set)

    @property
    def api_access_token(self) -> str:
        return TOKEN.format(user=self.user_id, scopes=",".join(sorted(self.granted)))

    def interfaces(self) -> dict[str, Any]:
        if self.screen is None:
            return {}
        return {APL: {"runtime": {"maxVersion": self.screen}}}

    def envelope(self, request: dict[str, Any], session: dict[str, Any] | None) -> dict[str, Any]:
        application = {"applicationId": self.application_id}
        user: dict[str, Any] = {"userId": self.user_id}
        if self.granted:
            user["permissions"] = {
                "consentToken": self.api_access_token,
                "scopes": {scope: {"status": "GRANTED"} for scope in sorted(self.granted)}}
        envelope: dict[str, Any] = {
            "version": "1.0",
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": self.device_id,
                               "supportedInterfaces": self.interfaces()},
                    "apiEndpoint": self.api_endpoint,
                    "apiAccessToken": self.api_access_token,
                },
            },
            "request": request,
        }
        if session is not None:
            envelope["session"] = {**session, "application": application, "user": user}
        return envelope


@dataclass(frozen=True)
class Turn:
    """One response, read as a person would hear it."""

    status: int
    body: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return self.body.get("response", {})

    @property
    def ssml(self) -> str:
        return self.response.get("outputSpeech", {}).get("ssml", "")

    @property
    def speech(self) -> str:
        return to_plain(self.ssml) if self.ssml else ""

    @property
    def reprompt(self) -> str:
        ssml = self.response.get("reprompt", {}).get("outputSpeech", {}).get("ssml")
        return to_plain(ssml) if ssml else ""

    @property
    def directives(self) -> list[dict[str, Any]]:
        return self.response.get("directives", [])

    @property
    def document(self) -> dict[str, Any] | None:
        """The RenderDocument directive, if the response shows a screen."""
        return next((directive for directive in self.directives
                     if directive.get("type") == f"{APL}.RenderDocument"), None)

    @property
    def consent_request(self) -> dict[str, Any] | None:
        """The voice consent request (Connections.SendRequest AskFor), if the response makes
        one."""
        return next((directive for directive in self.directives
                     if directive.get("type") == SEND_REQUEST
                     and directive.get("name") == ASK_FOR), None)

    @property
    def card(self) -> dict[str, Any] | None:
        return self.response.get("card")

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession") is not False

    @property
    def attributes(self) -> dict[str, Any]:
        return self.body.get("sessionAttributes") or {}

    @property
    def seconds(self) -> float:
        """About how long Alexa takes to say it: words estimated, silences exact, and each
        sound as long as the skill's timeline counts it."""
        if not self.ssml:
            return 0.0
        return sum(piece if isinstance(piece, float) else speaking_seconds(piece)
                   for piece in heard(self.ssml)) + SOUND_SECONDS * self.ssml.count("<audio ")


Send = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]


class Session:
    """Talks to a skill the way Alexa does: one session id, attributes carried between turns.

    Requests are stamped as a person who hears each response out would send them (Alexa's
    clock starts at `now`), unless `after` says the next one comes sooner (cutting a response
    short) or later.
    """

    def __init__(self, send: Send, device: Device | None = None, locale: str = "en-US",
                 now: datetime | None = None):
        self.send = send
        self.device = device or Device()
        self.locale = locale
        self.now = now or datetime.now(UTC)  # when the next request is sent
        self._sent = self.now
        self._session: dict[str, Any] | None = None
        # The last voice consent request a response made, until it is answered.
        self.asking: dict[str, Any] | None = None

    def after(self, seconds: float) -> None:
        """The next request comes `seconds` after the last was sent."""
        self.now = self._sent + timedelta(seconds=seconds)

    @property
    def open(self) -> bool:
        return self._session is not None

    def close(self) -> None:
        """Forgets the open session: the next request starts a new one."""
        self._session = None

    def launch(self) -> Turn:
        self.close()
        return self.request(launch_request(self.locale, self.now))

    def intent(self, name: str, slots: dict[str, dict[str, Any]] | None = None) -> Turn:
        return self.request(intent_request(name, slots, self.locale, self.now))

    def end(self, reason: str = "USER_INITIATED", error: dict | None = None) -> Turn:
        return self.request(session_ended_request(reason, error, self.locale, self.now))

    def touch(self, *arguments: Any) -> Turn:
        """Touches a button whose SendEvent carries `arguments`, in the current session."""
        return self.request(user_event(*arguments, locale=self.locale, moment=self.now))

    def consent(self, status: str = "ACCEPTED", code: str = "200") -> Turn:
        """Answers the voice consent request the skill made, as Alexa does once the person has
        answered it: in a new session, the request's token given back; ACCEPTED grants the
        permissions asked for. `code` other than "200": the device could not ask."""
        asking, self.asking = self.asking, None
        assert asking is not None, "the skill asked for no permission"
        payload = asking.get("payload") or {}
        scopes = [scope.get("permissionScope") for scope in payload.get("permissionScopes", ())]
        if status == "ACCEPTED" and code == "200":
            self.device.granted.update(scope for scope in scopes if isinstance(scope, str))
        answer = {"permissionScopes": payload.get("permissionScopes", []), "status": status}
        self.close()
        return self.request(connections_response(ASK_FOR, answer, asking.get("token", ""),
                                                 code, self.locale, self.now))

    def event(self, request: dict[str, Any]) -> Turn:
        """Sends `request` outside any session, as Alexa sends skill events."""
        status, body = self.send(self.device.envelope(request, None))
        return Turn(status, body)

    def request(self, request: dict[str, Any]) -> Turn:
        """Sends `request` in the current session (starting one if none is open)."""
        if self._session is None:
            self._session = {"new": True, "sessionId": _id("session")}
        status, body = self.send(self.device.envelope(request, self._session))
        turn = Turn(status, body)
        self._sent = self.now
        self.now += timedelta(seconds=turn.seconds + ANSWER_SECONDS)
        if status == 200 and turn.consent_request:
            self.asking = turn.consent_request
        if status != 200 or turn.ends_session or request["type"] == intents.SESSION_ENDED_REQUEST:
            self._session = None
        else:
            self._session = {**self._session, "new": False}
            if turn.attributes:
                self._session["attributes"] = turn.attributes
        return turn
