"""Alexa's voice consent for the reminders permission, both ways, and the card that stands in
for it where a device cannot ask.

Amazon's "Set Up Voice Permissions for Reminders": the skill sends a Connections.SendRequest
directive named "AskFor" with an AskForPermissionsConsentRequest; Alexa asks the person and
answers with a Connections.Response request of the same name, its payload's status ACCEPTED,
DENIED or NOT_ANSWERED. Sending the directive ends the session and the answer opens a new
one, so the conversation's state travels in the directive's token, which Alexa gives back
as it was: it comes back from the client like session attributes, and is read as warily.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import PermissionStatus
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard

from ..coach.reminders import Consent
from ..coach.replies import Effect, Reply
from ..coach.state import State, clean_attributes
from ..untrusted import shown
from . import intents
from .inputs import request_id

log = logging.getLogger(__name__)

ASK_FOR = "AskFor"
# Version 2 of the request names each scope with its consent level: ACCOUNT, the whole
# account's (reminders are not per voice profile).
CONSENT_REQUEST = {
    "@type": "AskForPermissionsConsentRequest",
    "@version": "2",
    "permissionScopes": [{"permissionScope": intents.REMINDERS_PERMISSION,
                          "consentLevel": "ACCOUNT"}],
}
# The token is our own state, a few dozen characters; anything longer is not ours.
MAX_TOKEN_CHARS = 1000
SUCCESS = "200"


def permitted(handler_input: HandlerInput) -> bool:
    """Whether the person has allowed the skill their reminders, as the request says.

    Alexa lists the scopes granted; a request with a consent token and no list is read as
    granted, since the reminders scope is the only one the skill asks for.
    """
    user = handler_input.request_envelope.context.system.user
    permissions = user.permissions if user else None
    if permissions is None:
        return False
    scopes = permissions.scopes if isinstance(permissions.scopes, dict) else None
    if scopes:
        scope = scopes.get(intents.REMINDERS_PERMISSION)
        return getattr(scope, "status", None) is PermissionStatus.GRANTED
    return isinstance(permissions.consent_token, str) and bool(permissions.consent_token)


def attach(handler_input: HandlerInput, reply: Reply) -> None:
    """Adds what `reply` asks of Alexa: the voice consent request, or the permission card."""
    builder = handler_input.response_builder
    if Effect.ASK_PERMISSION in reply.effects:
        builder.add_directive(SendRequestDirective(
            name=ASK_FOR, payload=CONSENT_REQUEST, token=token_for(reply.state)))
    if Effect.PERMISSION_CARD in reply.effects:
        builder.set_card(AskForPermissionsConsentCard(
            permissions=[intents.REMINDERS_PERMISSION]))


def token_for(state: State) -> str:
    return json.dumps(state.to_attributes(), separators=(",", ":"))


def is_consent_answer(handler_input: HandlerInput) -> bool:
    request = handler_input.request_envelope.request
    return (request.object_type == intents.CONNECTIONS_RESPONSE
            and getattr(request, "name", None) == ASK_FOR)


def token_attributes(handler_input: HandlerInput) -> dict[str, Any]:
    """The state our consent request carried out, as session attributes; {} if the token is
    missing, too long or not ours."""
    token = handler_input.request_envelope.request.token
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return {}
    try:
        return clean_attributes(json.loads(token))
    except ValueError:
        log.warning("request %s: a consent answer's token is not ours: %s",
                    request_id(handler_input), shown(token))
        return {}


def consent_of(handler_input: HandlerInput) -> Consent:
    """How the consent ended. A failed connection, or an answer of no known shape, means the
    device could not ask: the card stands in."""
    request = handler_input.request_envelope.request
    code = getattr(request.status, "code", None)
    payload = request.payload if isinstance(request.payload, dict) else {}
    status = payload.get("status")
    known = {consent.value: consent for consent in Consent if consent is not Consent.UNAVAILABLE}
    if code == SUCCESS and isinstance(status, str) and status in known:
        return known[status]
    log.warning("request %s: voice consent unavailable (status %s, answer %s)",
                request_id(handler_input), shown(code), shown(status))
    return Consent.UNAVAILABLE
