"""The sounds the skill plays, from the Alexa Skills Kit Sound Library, and Alexa's limits on
audio in one response.

Only sounds whose names Amazon itself uses are listed, each with where: the library's own
pages list sounds in a table their text does not carry, so a name is taken from Amazon's
documentation or Amazon's sample skills, never guessed. A person can say "no sounds" (and
"sounds on"); it is remembered with their pace.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

# The end of a long hold. Used by Amazon's own sample skill alexa-samples/
# skill-sample-nodejs-zero-to-hero (05/lambda/localisation.js, POSITIVE_SOUND); the library:
# developer.amazon.com/docs/custom-skills/ask-soundlibrary.html.
END_OF_HOLD = "soundbank://soundlibrary/ui/gameshow/amzn_ui_sfx_gameshow_positive_response_02"
SOUNDS = frozenset({END_OF_HOLD})

# Alexa's limits for audio in one response (Speech Synthesis Markup Language reference, audio:
# developer.amazon.com/docs/custom-skills/speech-synthesis-markup-language-ssml-reference.html
# #audio): at most five audio tags (also what Amazon's Litexa checks every response for:
# alexa-games/litexa, packages/litexa/src/parser/testing.coffee, "more than 5 <audio/> tags in
# one response"), and at most 240 seconds of audio in all (the limit APL for Audio states for a
# whole response, developer.amazon.com/docs/alexa-presentation-language/apla-audio.html).
MAX_AUDIO_TAGS = 5
MAX_AUDIO_SECONDS = 240
# How long the end-of-hold sound plays, as the voice's timeline counts it: a short chime,
# estimated (the library's pages give durations only in their table).
SOUND_SECONDS = 1.5


def audio(src: str) -> str:
    """An SSML audio tag for one of SOUNDS."""
    if src not in SOUNDS:
        raise ValueError(f"not a confirmed Alexa Skills Kit sound: {src!r}")
    return f"<audio src={quoteattr(src)}/>"
