"""Screens for devices that have one: a card for every step, and an APL document where the
device speaks Alexa Presentation Language at a version our documents need."""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
from ask_sdk_model.ui import SimpleCard

from ..coach.progress import Progress
from ..coach.replies import Effect, Reply
from ..screen.render import render, supports
from ..screen.screens import Screens
from .inputs import seed


def apl_version(handler_input: HandlerInput) -> str | None:
    """The device's APL runtime.maxVersion, if it has a screen that speaks APL."""
    device = handler_input.request_envelope.context.system.device
    interfaces = device and device.supported_interfaces
    apl = interfaces and interfaces.alexa_presentation_apl
    version = apl and apl.runtime and apl.runtime.max_version
    return version if isinstance(version, str) else None


def show(handler_input: HandlerInput, screens: Screens, reply: Reply,
         progress: Callable[[], Progress]) -> None:
    """Adds the card and, on a screen device, the document showing `reply`; nothing for a
    reply that hands over to Alexa to ask for a permission (Alexa shows its own)."""
    if Effect.ASK_PERMISSION in reply.effects:
        return
    builder = handler_input.response_builder
    card = screens.card(reply)
    if card:
        builder.set_card(SimpleCard(*card))
    version = apl_version(handler_input)
    # Checked before the view is built: a view may ask for the week's progress.
    directive = render(screens.view(reply, progress, seed(handler_input)), version) \
        if version and supports(version) else None
    if directive:
        builder.add_directive(RenderDocumentDirective(
            token=directive["token"], document=directive["document"],
            datasources=directive["datasources"]))
