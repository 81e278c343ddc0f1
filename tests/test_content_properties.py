"""Property tests of the routine loader: whatever a routine file holds, the answer is a routine
or problems naming the file; and the schema and the validator agree on every document."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from skill.content import fields
from skill.content.loader import check_content, display_path
from skill.content.schema import SCHEMA_FILE

from .helpers import GOOD, ROUTINES, VALIDATOR_ONLY

# Modest counts keep the whole suite fast; each run draws new examples. (The same tests at
# 2,000 examples each, about three minutes, pass too.)
FEW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOOD_TEXT = "\n".join(line[4:] for line in GOOD.format(
    id="test-stretch", name="Test stretch", synonym="testing").splitlines()) + "\n"
SCHEMA = Draft7Validator(json.loads((ROUTINES / SCHEMA_FILE).read_text()))

# Pieces of YAML, the routine's own words and the tags, numbers and escapes that used to raise.
TOKENS = [
    "\n", " ", "  ", "- ", ": ", "? ", "[", "]", "{", "}", ",", "'", '"', "#", "---", "...", "|",
    ">-", "&a ", "*a", "<<: ", "%YAML 1.1\n", "!!int ", "!!bool ", "!!float ", "!!timestamp ",
    "!!binary ", "!!set ", "!!omap ", "!!str ", "!!null ", "!!python/object:os.system ", "!x ",
    "~", "null", "yes", "true", ".inf", ".nan", "0x_", "0b_", "0o", "1:30", "9" * 40,
    "2024-02-30", "2024-01-01T25:61:00", "\\x07", "\\0", "\\ud800", "\\uFFFE", "\\N", "\t",
    "\ufeff", "\x85", "\u2028", "id", "name", "synonyms", "kind", "summary", "safety", "steps",
    "per_turn", "sources", "for_cramps", "say", "hold", "reps", "sides", "rest", "stretch",
    "massage", "checklist", "8", "-3", "2.5", "left", "right",
]


def check_file(text: str | bytes, name: str = "test-stretch") -> tuple[int, list]:
    """Routines and problems for one file holding `text`; every problem must name the file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        catalog, problems = check_content([path])
        assert all(problem.file == display_path(path) for problem in problems), problems
        # A routine with a problem of its own is left out; one naming a concern no file
        # defines is checked across files, and kept.
        own = [problem for problem in problems if "no concern" not in problem.message]
        assert (len(catalog), bool(own)) in ((1, False), (0, True))
        return len(catalog), problems


@FEW
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_routine_or_problems_naming_the_file(data):
    check_file(data)


@FEW
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=60))
def test_any_yaml_ish_text_gives_a_routine_or_problems_naming_the_file(pieces):
    check_file("".join(pieces))


@FEW
@given(st.lists(st.tuples(st.integers(0, len(GOOD_TEXT)), st.sampled_from(TOKENS)),
                min_size=1, max_size=6))
def test_a_good_routine_with_anything_spliced_in_never_raises(insertions):
    text = GOOD_TEXT
    for position, token in sorted(insertions, reverse=True):
        text = text[:position] + token + text[position:]
    check_file(text)


# Documents near the rules, drawn from the field table itself: a valid routine, then none, one
# or two of its fields given a wrong value, dropped, or joined by an unknown one.

ODD_TEXT = ["", " ", "it's a b", "ab-cd", "abc\n", "Go\x07", "\ud800", "\x85", "\t", "a\u00a0b",
            "\x1f", "\ufffe", "2", "a  b", "Ab"]


def valid(kind) -> st.SearchStrategy:
    if isinstance(kind, fields.Text):
        if kind.pattern:
            return st.from_regex(kind.anchored.replace("(?:", "(", 1), fullmatch=True).filter(
                lambda text: len(text) <= kind.max_length)
        return st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]),
                       min_size=1, max_size=12).filter(str.strip)
    if isinstance(kind, fields.Whole):
        return st.integers(kind.minimum, kind.maximum)
    if isinstance(kind, fields.Flag):
        return st.booleans()
    if isinstance(kind, fields.Choice):
        return st.sampled_from([choice.value for choice in kind.choices])
    if isinstance(kind, fields.Items):
        return st.lists(valid(kind.item), min_size=kind.min_items,
                        max_size=min(kind.max_items, 3), unique=kind.unique)
    if isinstance(kind, fields.Named):
        return st.dictionaries(valid(kind.name), valid(kind.value),
                               max_size=min(kind.max_items, 3))
    if isinstance(kind, fields.Record):
        return st.fixed_dictionaries(
            {field.name: valid(field.type) for field in kind.fields if field.required},
            optional={field.name: valid(field.type) for field in kind.fields
                      if not field.required},
        ).map(lambda record: {name: value for name, value in record.items()
                              if _needs(kind, name) in (None, *record)})
    raise TypeError(kind)


def _needs(record: fields.Record, name: str) -> str | None:
    return next(field.needs for field in record.fields if field.name == name)


def odd(kind) -> st.SearchStrategy:
    wrong = st.sampled_from([None, "x", 8, 2.5, 8.0, True, [], {}, ["x"], {"say": "Go."}])
    if isinstance(kind, fields.Text):
        return wrong | st.sampled_from(ODD_TEXT) | st.text(st.characters(codec=None), max_size=8) \
            | st.just("x" * (kind.max_length + 1))
    if isinstance(kind, fields.Whole):
        return wrong | st.sampled_from([kind.minimum - 1, kind.maximum + 1]) | st.floats()
    if isinstance(kind, fields.Items) and not isinstance(kind.item, fields.Record):
        return wrong | st.lists(st.text("abcdef", min_size=1, max_size=4), unique=True,
                                min_size=kind.max_items + 1, max_size=kind.max_items + 1)
    return wrong


# Built once: hypothesis works out each strategy's shape the first time it draws from it.
VALID_ROUTINE = valid(fields.ROUTINE)
ODD = {(record.what, field.name): odd(field.type)
       for record in (fields.ROUTINE, fields.STEP) for field in record.fields}


@st.composite
def documents(draw) -> dict:
    document = draw(VALID_ROUTINE)
    for _ in range(draw(st.sampled_from([1, 0, 1, 2]))):
        record, mapping = fields.ROUTINE, document
        steps = document.get("steps")
        if isinstance(steps, list) and steps and isinstance(steps[0], dict) and \
                draw(st.booleans()):
            record, mapping = fields.STEP, draw(st.sampled_from(steps))
        field = draw(st.sampled_from(record.fields))
        change = draw(st.sampled_from(["odd", "drop", "unknown"]))
        if change == "odd":
            mapping[field.name] = draw(ODD[record.what, field.name])
        elif change == "drop":
            mapping.pop(field.name, None)
        else:
            mapping["colour"] = "red"
    return document


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(documents())
def test_the_schema_and_the_validator_agree_on_every_document(document):
    routine_id = document.get("id") if isinstance(document, dict) else None
    id_type = fields.ROUTINE.fields[0].type
    named = isinstance(routine_id, str) and len(routine_id) <= id_type.max_length and \
        re.search(id_type.anchored, routine_id)
    name = " ".join(routine_id.split()) if named else "some-routine"
    text = yaml.dump(document, Dumper=_NoAliases, allow_unicode=False)
    _, problems = check_file(text, name)
    problems = [p for p in problems if not any(rule in p.message for rule in VALIDATOR_ONLY)]
    errors = [error.message for error in SCHEMA.iter_errors(document)]
    event("valid" if not errors else "invalid")
    assert (problems == []) == (errors == []), (problems, errors)
