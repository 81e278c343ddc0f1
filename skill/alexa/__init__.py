"""The Alexa layer: ASK SDK handlers, envelope parsing, (de)serialization, intent names."""
