"""Client values are shown quoted, escaped and short, whatever they hold."""

from skill.untrusted import clip, shown, token


def test_a_short_value_is_quoted_as_is():
    assert shown("amzn1.ask.skill.1") == "'amzn1.ask.skill.1'"


def test_a_huge_value_is_cut_and_its_size_said():
    text = shown("x" * 100_000)
    assert len(text) < 120 and "100000 characters" in text


def test_control_characters_are_escaped():
    assert "\n" not in shown("a\nb\x00c") and "\\x00" in shown("a\nb\x00c")


def test_non_strings_are_described_not_dumped():
    assert shown({"a": "b" * 10_000}) == "'an object'"
    assert shown([1] * 10_000) == "'a list'"


def test_clip_bounds_a_message():
    assert clip("m" * 10_000, 50) == "m" * 47 + "..."
    assert clip("short") == "short"


def test_an_identifier_is_shown_bare_and_anything_else_escaped():
    assert token("amzn1.echo-api.request.1") == "amzn1.echo-api.request.1"
    assert token("AMAZON.NextIntent") == "AMAZON.NextIntent"
    assert token("a\nforged line") == "'a\\nforged line'"
    assert token(None) == "'nothing'"
