"""The routine files: what the articles ask for, and every error a content author can make."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.content.loader import ContentError, check_content, load_catalog
from skill.content.routines import Kind

from .helpers import GOOD, ROUTINES, good, write


def problems_in(*paths: Path) -> list[str]:
    return [str(problem) for problem in check_content(paths)[1]]


def test_the_shipped_routines_are_valid():
    catalog = load_catalog([ROUTINES])
    assert len(catalog) >= 9


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


@pytest.mark.parametrize(("change", "field", "message"), [
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
     "unknown field (expected one of: say, hold, reps, sides, rest)"),
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
])
def test_each_mistake_is_named(tmp_path, change, field, message):
    text = good(tmp_path).read_text().replace(*change)
    path = write(tmp_path, "test-stretch", text)
    problems = problems_in(path)
    assert any(p.startswith(f"{path}: {field}: ") and message in p for p in problems), problems


def test_reps_without_a_hold_is_an_error(tmp_path):
    path = write(tmp_path, "test-stretch", good(tmp_path).read_text().replace(
        "  - say: Get ready.", "  - say: Get ready.\n    reps: 3"))
    assert problems_in(path) == [
        f"{path}: steps[0].reps: only makes sense with a hold: add 'hold' seconds"]


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
