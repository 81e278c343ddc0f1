"""The routine files: what the articles ask for, and every error a content author can make."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from skill.content import fields
from skill.content.loader import (
    CONCERNS_FILE,
    ContentError,
    check_content,
    display_path,
    load_catalog,
    routine_files,
)
from skill.content.routines import Kind
from skill.content.schema import (
    CONCERNS_SCHEMA_FILE,
    MODELINE,
    SCHEMA_FILE,
    schema_files,
    schema_text,
)

from .helpers import FIXTURE_ROUTINES, GOOD, ROUTINES, VALIDATOR_ONLY, good, run, write


def problems_in(*paths: Path) -> list[str]:
    return [str(problem) for problem in check_content(paths)[1]]


def test_the_shipped_routines_are_valid():
    catalog = load_catalog([ROUTINES])
    assert len(catalog) == len(routine_files([ROUTINES]))  # every file is a routine


@pytest.mark.parametrize(("routine_id", "hold", "reps", "sides"), [
    ("spiral-twist", 10, 3, ("right", "left")),
    ("butterfly-stretch", 8, 2, ()),
    ("horizontal-stretch", 10, 4, ()),
])
def test_the_article_003_stretches_keep_the_articles_numbers(routine_id, hold, reps, sides):
    routine = load_catalog([ROUTINES]).get(routine_id)
    (timed,) = routine.timed_steps
    assert (timed.hold, timed.reps, timed.sides) == (hold, reps, sides)


def test_cramp_prevention_merges_both_articles_without_repeats():
    routine = load_catalog([ROUTINES]).get("cramp-prevention")
    assert routine.kind == Kind.CHECKLIST and set(routine.sources) == {"002", "004"}
    text = " ".join(step.say for step in routine.steps).lower()
    for advice in ("ventilated", "electrolytes", "too tight", "warm up", "relaxed mood",
                   "before bed", "overdo", "greasy", "massage the muscles", "swim"):
        assert advice in text
    assert text.count("ventilated") == 1 and text.count("relaxed mood") == 1


def test_the_massage_times_half_a_minute_per_point():
    routine = load_catalog([ROUTINES]).get("leg-cramp-massage")
    assert routine.kind == Kind.MASSAGE
    assert [step.hold for step in routine.timed_steps] == [30] * 5


def test_a_new_file_is_a_new_routine(tmp_path):
    good(tmp_path, "test-stretch")
    good(tmp_path, "other-stretch", name="Other stretch", synonym="other")
    assert [r.id for r in load_catalog([tmp_path])] == ["other-stretch", "test-stretch"]


def test_a_wrong_type_names_file_and_field(tmp_path):
    path = write(tmp_path, "butterfly-stretch", GOOD.format(
        id="butterfly-stretch", name="Butterfly", synonym="b").replace("hold: 8", "hold: eight"))
    assert problems_in(path) == [f"{path}: steps[1].hold: expected seconds, got 'eight'"]


# Every mistake an author can make in one file, with where it is reported and what is said.
MISTAKES = [
    (("hold: 8", "hold: -3"), "steps[1].hold", "expected 1 to 600 seconds, got -3"),
    (("hold: 8", "hold: 2.5"), "steps[1].hold", "expected seconds, got 2.5"),
    (("hold: 8", "hold: true"), "steps[1].hold", "expected seconds, got True"),
    (("reps: 2", "reps: two"), "steps[1].reps", "expected a number of rounds, got 'two'"),
    (("reps: 2", "reps: 0"), "steps[1].reps", "expected 1 to 20 rounds, got 0"),
    (("reps: 2", "rest: -1"), "steps[1].rest", "expected 0 to 120 seconds, got -1"),
    (("reps: 2", "sides: right"), "steps[1].sides", "expected a list of side names, got 'right'"),
    (("kind: stretch", "kind: yoga"), "kind",
     "expected one of stretch, massage, checklist, got 'yoga'"),
    (("summary: A test routine.", "summary: 42"), "summary", "expected text, got 42"),
    (("summary: A test routine.", "summary:"), "summary", "expected text, got nothing"),
    (("  - say: Get ready.", "  - say: ''"), "steps[0].say", "expected text, got ''"),
    (("  - say: Get ready.", "  - hold: 3"), "steps[0].say", "expected text, got nothing"),
    (("  - say: Get ready.", "  - say: Go.\n    hlod: 3"), "steps[0].hlod",
     "unknown field (expected one of: say, hold, reps, sides, hold_up_to, get_ready, switch, "
     "rest, quick, side_say)"),
    (("reps: 2", "reps: 2\n    sides: [right, left]\n    side_say: {front: Turn.}"),
     "steps[1].side_say.front", "no side 'front' in sides (right, left)"),
    (("reps: 2", "reps: 2\n    sides: [right, left]\n    side_say: [Turn.]"),
     "steps[1].side_say", "expected a mapping of side names to what to say, got a list"),
    (("reps: 2", "reps: 2\n    side_say: {left: Turn.}"), "steps[1].side_say",
     "only makes sense with 'sides'"),
    (("reps: 2", "reps: 2\n    sides: [right, left]\n    side_say: {left: ''}"),
     "steps[1].side_say.left", "expected text, got ''"),
    (("hold: 8", "hold: 8\n    hold_up_to: 8"), "steps[1].hold_up_to",
     "expected more than hold (8 seconds), got 8"),
    (("hold: 8", "hold: 8\n    switch: 4"), "steps[1].switch",
     "only makes sense with 'sides'"),
    (("  - say: Get ready.", "  - say: Go.\n    get_ready: 4"), "steps[0].get_ready",
     "only makes sense with 'hold'"),
    (("hold: 8", "hold: 8\n    get_ready: 61"), "steps[1].get_ready",
     "expected 0 to 60 seconds, got 61"),
    (("name: Test stretch", "name: Test stretch\nhelps_with: [no-such-concern]"),
     "helps_with[0]", "no concern 'no-such-concern'"),
    (("name: Test stretch", "name: Test stretch\ncolour: red"), "colour", "unknown field"),
    (("synonyms: [testing]", "synonyms: testing"), "synonyms",
     "expected a list of phrases, got 'testing'"),
    (("synonyms: [testing]", "synonyms: [testing, The Testing]"), "synonyms[1]",
     "duplicate synonym 'The Testing'"),
    (("synonyms: [testing]", "synonyms: [testing, test 2]"), "synonyms[1]",
     "'test 2': a spoken name takes letters, spaces and apostrophes only"),
    (("name: Test stretch", "name: Test stretch!"), "name", "a spoken name takes letters"),
    (("synonyms: [testing]", "synonyms: [the]"), "synonyms[0]", "has no words left"),
    (("id: test-stretch", "id: Test Stretch"), "id", "expected a lower-case-hyphenated id"),
    (("id: test-stretch", "id: other"), "id", "'other' does not match the file name"),
    (("reps: 2", "reps: 2\n    sides: [left, left]"), "steps[1].sides[1]",
     "'left' is already in the list"),
    (("reps: 2", "reps: 2\n    sides: [a, b, c, d, e]"), "steps[1].sides",
     "expected at most 4 sides, got 5"),
    (("hold: 8", "hold: .inf"), "steps[1].hold", "expected seconds, got inf"),
    (("steps:", "per_turn: 6\nsteps:"), "per_turn", "expected 1 to 5 steps per turn, got 6"),
    (("summary: A test routine.", "summary: " + "word " * 61), "summary",
     "too long to speak well: 304 characters, at most 300"),
    (("  - say: Get ready.", "  - say: Get ready.\n" * 50), "steps", "at most 50 steps, got 51"),
    (("synonyms: [testing]", "synonyms: [" + ", ".join(["testing"] * 21) + "]"), "synonyms",
     "expected at most 20 synonyms, got 21"),
    (("  - say: Get ready.", '  - say: "Get\\a ready."'), "steps[0].say",
     "U+0007 at character 4 is a control character"),
    (("summary: A test routine.", 'summary: "Go\\a"'), "summary",
     "U+0007 at character 3 is a control character: it cannot be spoken or shown"),
    (("summary: A test routine.", 'summary: "Go\\0 on"'), "summary", "U+0000"),
    (("summary: A test routine.", 'summary: Fine.\nsafety: "Careful\\x1b[31m"'), "safety",
     "U+001B"),
    (("summary: A test routine.", 'summary: "Next\\N line"'), "summary", "U+0085"),
    (("summary: A test routine.", 'summary: "half \\ud800 a pair"'), "summary", "U+D800"),
    (("summary: A test routine.", 'summary: "not a character \\uFFFE"'), "summary", "U+FFFE"),
    (("summary: A test routine.", 'summary: "not a character \\uFFFF"'), "summary", "U+FFFF"),
    (("summary: A test routine.", 'summary: "delete \\x7f"'), "summary", "U+007F"),
    (("reps: 2", 'reps: 2\n    sides: ["right\\0", left]'), "steps[1].sides[0]",
     "control character"),
    (("kind: stretch", 'kind: stretch\nsources: ["\\x01"]'), "sources[0]", "control character"),
    (("synonyms: [testing]", 'synonyms: ["test\\x1fing"]'), "synonyms[0]", "control character"),
    (("name: Test stretch", 'name: "Test\\vstretch"'), "name", "U+000B"),
]


@pytest.mark.parametrize(("change", "field", "message"), MISTAKES)
def test_each_mistake_is_named(tmp_path, change, field, message):
    text = good(tmp_path).read_text().replace(*change)
    path = write(tmp_path, "test-stretch", text)
    problems = problems_in(path)
    assert any(p.startswith(f"{path}: {field}: ") and message in p for p in problems), problems


def test_a_whole_number_written_with_a_point_is_that_number(tmp_path):
    text = good(tmp_path).read_text().replace("hold: 8", "hold: 8.0")
    path = write(tmp_path, "test-stretch", text)
    assert load_catalog([path]).get("test-stretch").steps[1].hold == 8


def test_reps_without_a_hold_is_an_error(tmp_path):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text().replace(
        "  - say: Get ready.", "  - say: Get ready.\n    reps: 3"))
    assert problems_in(path) == [
        f"{path}: steps[0].reps: only makes sense with 'hold': add 'hold' too"]


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    path = write(tmp_path, "test-stretch", """\
        id: test-stretch
        kind: stretch
        steps:
          - say: Go.
            hold: eight
          - 7
    """)
    fields = [p.split(": ")[1] for p in problems_in(path)]
    assert fields == ["name", "summary", "steps[0].hold", "steps[1]"]


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "test-stretch", "id: test-stretch\nsteps: [unclosed\n")
    (problem,) = problems_in(path)
    assert problem.startswith(f"{path}: line ") and "not valid YAML" in problem


def test_a_key_given_twice_is_an_error_not_an_overwrite(tmp_path):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text() + "kind: massage\n")
    (problem,) = problems_in(path)
    assert "duplicate key 'kind'" in problem and "line 11" in problem


def test_a_file_that_is_not_a_mapping(tmp_path):
    path = write(tmp_path, "test-stretch", "- just\n- a list\n")
    assert problems_in(path) == [f"{path}: expected a mapping of routine fields, got a list"]


def test_duplicate_ids_across_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good(tmp_path / "a")
    second = good(tmp_path / "b", synonym="something else")
    problems = problems_in(tmp_path / "a", tmp_path / "b")
    first = tmp_path / "a" / "test-stretch.yaml"
    assert f"{second}: id: duplicate id 'test-stretch', also in {first}" in problems


def test_a_synonym_claimed_by_two_routines(tmp_path):
    good(tmp_path, "first-stretch", name="First stretch", synonym="the leg stretch")
    second = good(tmp_path, "second-stretch", name="Second stretch", synonym="Leg stretch")
    assert problems_in(tmp_path) == [
        f"{second}: synonyms[0]: 'Leg stretch' is already a name of routine 'first-stretch' "
        f"({tmp_path}/first-stretch.yaml)"]


def test_no_files_at_all(tmp_path):
    assert problems_in(tmp_path) == [f"{tmp_path}: no routine files (*.yaml) found"]


def test_load_catalog_raises_with_every_problem(tmp_path):
    write(tmp_path, "test-stretch", "id: test-stretch\n")
    with pytest.raises(ContentError) as raised:
        load_catalog([tmp_path])
    assert len(raised.value.problems) == 4  # name, kind, summary, steps


# Hostile files: each is named with its file and field (or line), never an exception.

BILLION_LAUGHS = "\n".join(
    ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)])


@pytest.mark.parametrize(("change", "field", "message"), [
    (("kind: stretch", "kind: stretch\n? [a, b]\n: x"), "",
     "line 5, column 3: not valid YAML: a key must be a plain word, not a list or a mapping"),
    (("kind: stretch", "kind: stretch\n{a: b}: x"), "", "not a list or a mapping"),
    (("hold: 8", "hold: " + "9" * 5000), "steps[1].hold",
     "expected seconds, got a number 5000 characters long"),
    (("hold: 8", "hold: 0x" + "f" * 5000), "steps[1].hold", "a number 5002 characters long"),
    (("hold: 8", "hold: " + "1:" * 3000 + "1"), "steps[1].hold", "a number 6001 characters"),
    (("hold: 8", "hold: !!int abc"), "steps[1].hold",
     "expected seconds, got !!int 'abc', which is not a whole number"),
    (("hold: 8", "hold: 0b_"), "steps[1].hold", "got !!int '0b_', which is not a whole number"),
    (("hold: 8", "hold: !!float abc"), "steps[1].hold", "!!float 'abc', which is not a number"),
    (("reps: 2", "reps: 0x_"), "steps[1].reps", "'0x_', which is not a whole number"),
    (("kind: stretch", "kind: stretch\nfor_cramps: !!bool maybe"), "for_cramps",
     "expected true or false, got !!bool 'maybe', which is not true or false"),
    (("summary: A test routine.", "summary: !!timestamp nope"), "summary",
     "expected text, got !!timestamp 'nope', which is not a date"),
    (("summary: A test routine.", "summary: !!timestamp 2024-02-30"), "summary",
     "!!timestamp '2024-02-30', which is not a date"),
    (("hold: 8", "hold: 2024-02-30"), "steps[1].hold", "expected seconds, got '2024-02-30'"),
    (("synonyms: [testing]", "synonyms: " + "[" * 5000 + "]" * 5000), "",
     "not valid YAML: nested more than 20 levels deep"),
    (("synonyms: [testing]", "synonyms:" + "".join(f"\n{' ' * i}- " for i in range(0, 200, 2))),
     "", "nested more than 20 levels deep"),
    (("kind: stretch", "kind: stretch\n" + BILLION_LAUGHS), "",
     "not valid YAML: aliases (*name) are not allowed in routine files"),
])
def test_hostile_yaml_is_named_not_raised(tmp_path, change, field, message):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text().replace(*change))
    problems = problems_in(path)
    where = f"{path}: {field}: " if field else f"{path}: "
    assert any(p.startswith(where) and message in p for p in problems), problems


def test_a_date_where_text_is_expected_is_just_text(tmp_path):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text().replace(
        "summary: A test routine.", "summary: 2024-02-30"))
    assert load_catalog([path]).get("test-stretch").summary == "2024-02-30"


@pytest.mark.parametrize("text", ["", "\n\n", "~\n", "null\n", "# only a comment\n", "---\n"])
def test_a_file_without_a_routine_is_an_error(tmp_path, text):
    path = write(tmp_path, "test-stretch", text)
    assert problems_in(path) == [
        f"{path}: no routine in the file: it is empty, null or only comments"]


def test_tabs_and_line_breaks_in_text_are_ordinary_spaces(tmp_path):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text().replace(
        "summary: A test routine.", 'summary: "A\\ttest\\r\\nroutine."'))
    assert load_catalog([path]).get("test-stretch").summary == "A test routine."


def test_a_folder_or_a_large_file_named_like_a_routine_is_refused(tmp_path):
    good(tmp_path)
    (tmp_path / "folder.yaml").mkdir()
    with open(tmp_path / "huge.yaml", "wb") as huge:
        huge.truncate(10 * 1024 * 1024)  # sparse: ten megabytes that take no disk
    problems = problems_in(tmp_path)
    assert f"{tmp_path}/folder.yaml: not a regular file (a folder)" in problems
    assert (f"{tmp_path}/huge.yaml: too large for a routine: 10485760 bytes, "
            "at most 65536") in problems
    assert len(problems) == 2


def test_a_pipe_or_a_device_named_like_a_routine_is_refused_without_reading_it(tmp_path):
    # In a child process with a timeout: reading either would hang or never end.
    good(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "null.yaml").symlink_to("/dev/null")
    result = run("validate", str(tmp_path), timeout=30)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}/null.yaml: not a regular file (a device)",
        f"{tmp_path}/pipe.yaml: not a regular file (a named pipe)",
        f"{tmp_path}/zero.yaml: not a regular file (a device)",
        "3 problem(s) found",
    ]


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "gone.yaml"
    assert problems_in(path) == [f"{path}: cannot read the file: No such file or directory"]


def test_bytes_that_are_not_utf8_are_named(tmp_path):
    path = tmp_path / "test-stretch.yaml"
    path.write_bytes(b"id: test-stretch\nname: \xff\n")
    (problem,) = problems_in(path)
    assert problem.startswith(f"{path}: not UTF-8 text: ")


# The JSON Schema editors check routine files with: the validator's rules, written for editors.

SCHEMA = Draft7Validator(json.loads((ROUTINES / SCHEMA_FILE).read_text()))


def test_the_committed_schema_is_current_and_well_formed():
    assert (ROUTINES / SCHEMA_FILE).read_text() == schema_text()
    assert (ROUTINES / CONCERNS_SCHEMA_FILE).read_text() == schema_files()[CONCERNS_SCHEMA_FILE]
    Draft7Validator.check_schema(SCHEMA.schema)


@pytest.mark.parametrize("path", routine_files([ROUTINES]), ids=lambda path: path.stem)
def test_every_shipped_routine_points_editors_at_the_schema_and_passes_it(path):
    text = path.read_text()
    assert text.splitlines()[0] == MODELINE
    assert [error.message for error in SCHEMA.iter_errors(yaml.safe_load(text))] == []


@pytest.mark.parametrize(("change", "field", "message"), MISTAKES)
def test_the_schema_rejects_what_the_validator_rejects(tmp_path, change, field, message):
    document = yaml.safe_load(good(tmp_path).read_text().replace(*change))
    if any(rule in message for rule in VALIDATOR_ONLY):
        assert SCHEMA.is_valid(document)  # the list above is exact
    else:
        assert not SCHEMA.is_valid(document)


@pytest.mark.parametrize("text", ["", "~", "- just\n- a list\n", "just text"])
def test_the_schema_wants_a_mapping(text):
    assert not SCHEMA.is_valid(yaml.safe_load(text))


def test_the_schema_says_what_it_cannot_check():
    assert all(rule in SCHEMA.schema["description"] for rule in (
        "the id matches the file name", "unique across all routines", "filler words"))


def test_routine_schema_check_fails_on_a_stale_file_and_writing_fixes_it(tmp_path):
    stale = tmp_path / SCHEMA_FILE
    stale.write_text("{}\n")
    (tmp_path / CONCERNS_SCHEMA_FILE).write_text(schema_files()[CONCERNS_SCHEMA_FILE])
    result = run("routine-schema", "--check", "--out", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (f"{stale} is not current: run `python -m skill routine-schema` "
                             "and commit the result\n")
    assert run("routine-schema", "--out", str(tmp_path)).returncode == 0
    assert stale.read_text() == schema_text()
    result = run("routine-schema", "--check", "--out", str(tmp_path))
    assert result.returncode == 0 and result.stdout == f"the schemas in {tmp_path} are current\n"


def test_the_shipped_concerns_pass_their_schema_and_a_wrong_one_fails():
    schema = Draft7Validator(json.loads((ROUTINES / CONCERNS_SCHEMA_FILE).read_text()))
    text = (ROUTINES / CONCERNS_FILE).read_text()
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={CONCERNS_SCHEMA_FILE}"
    assert [error.message for error in schema.iter_errors(yaml.safe_load(text))] == []
    assert not schema.is_valid({"Leg Cramp": {"name": "a leg cramp"}})
    assert not schema.is_valid({"leg-cramp": {"name": "a leg cramp", "doctor": True}})


@pytest.mark.parametrize("synonyms", ["8", "{a: b}", "yes", "[testing, 8, [x]]"])
def test_synonyms_of_the_wrong_shape_are_named(tmp_path, synonyms):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text().replace(
        "synonyms: [testing]", f"synonyms: {synonyms}"))
    problems = problems_in(path)
    assert problems and all(p.startswith(f"{path}: synonyms") for p in problems), problems


def test_a_field_added_to_the_table_is_read_by_the_validator_and_written_in_the_schema():
    transition = fields.Field("transition", fields.Whole(0, 30, "seconds", noun="seconds"),
                              "Seconds to move into the next position.", default=0)
    step = fields.Record("a step", (*fields.STEP.fields, transition))
    problems = []
    step.read({"say": "Go.", "transition": 45}, "steps[0]",
              lambda field, message: problems.append(f"{field}: {message}"))
    assert problems == ["steps[0].transition: expected 0 to 30 seconds, got 45"]
    assert step.read({"say": "Go."}, "", problems.append)["transition"] == 0
    schema = step.schema()["properties"]["transition"]
    assert (schema["maximum"], schema["default"], schema["description"]) == \
        (30, 0, "Seconds to move into the next position.")
    assert Draft7Validator({"properties": {"transition": schema}}).is_valid({"transition": 12})
    assert not Draft7Validator({"properties": {"transition": schema}}).is_valid({"transition": 45})


def test_routine_files_named_one_by_one_find_the_concerns_beside_them():
    picked = [FIXTURE_ROUTINES / "butterfly-stretch.yaml", FIXTURE_ROUTINES / "concerns.yaml"]
    catalog = load_catalog(picked)
    assert [routine.id for routine in catalog] == ["butterfly-stretch"]
    helped = {concern.id for concern in catalog.concerns if not concern.see_doctor}
    assert helped == set(catalog.get("butterfly-stretch").helps_with)


def test_in_a_whole_folder_every_concern_needs_a_routine(tmp_path):
    folder = tmp_path / "routines"
    shutil.copytree(FIXTURE_ROUTINES, folder)
    with (folder / "concerns.yaml").open("a") as concerns:
        concerns.write("sore-elbows:\n  name: sore elbows\n  synonyms: [tennis elbow]\n")
    assert problems_in(folder) == [
        f"{display_path(folder / 'concerns.yaml')}: sore-elbows: no routine helps with it: name "
        "it in a routine's helps_with, or mark it see_doctor"]
    assert "sore-elbows" not in {c.id for c in load_catalog(
        [folder / "butterfly-stretch.yaml"]).concerns}
