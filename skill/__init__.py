"""Stretch Coach: an Alexa skill that talks people through stretches, massage and tips."""

__version__ = "0.1.0"
