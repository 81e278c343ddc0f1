"""Stretch Coach: an Alexa skill that talks people through stretches, massage and tips."""
