"""Screens: APL documents for devices with a display, rendered from typed view models."""

from .describe import describe
from .render import DIRECTIVE, INTERFACE, render, supports
from .views import Choice, CompletionView, Countdown, MenuView, MessageView, StepView, View

__all__ = ["DIRECTIVE", "INTERFACE", "Choice", "CompletionView", "Countdown", "MenuView",
           "MessageView", "StepView", "View", "describe", "render", "supports"]
