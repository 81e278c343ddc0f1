"""The Alexa interaction model: intent definitions (data) joined with the routines."""
