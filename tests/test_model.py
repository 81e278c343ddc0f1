"""The interaction model: generated from the routines, current, and within Amazon's rules."""

from __future__ import annotations

import json
import shutil

import pytest

from skill.alexa import intents
from skill.alexa.handlers import HANDLED_INTENTS
from skill.model.build import build_model
from skill.model.definitions import load_definitions
from skill.model.rules import invocation_problems, model_problems

from .helpers import PACKAGE, ROUTINES, committed, good, run, understood

LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")


def language(model: dict) -> dict:
    return model["interactionModel"]["languageModel"]


def test_the_committed_package_is_current():
    result = run("build-model", "--check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "the skill package is current: skill.json and 5 model files"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_follows_the_rules(locale):
    model = committed(locale)
    assert language(model)["invocationName"] == "stretch coach"
    assert model_problems(model, understood()) == []


def slot_values(type_name: str) -> dict[str, dict]:
    types = {kind["name"]: kind for kind in language(committed())["types"]}
    return {value["id"]: value["name"] for value in types[type_name]["values"]}


def test_every_routine_is_a_slot_value_with_its_names(catalog):
    values = slot_values(intents.ROUTINE_SLOT_TYPE)
    assert set(values) == {routine.id for routine in catalog}
    for routine in catalog:
        assert values[routine.id] == {"value": routine.name, "synonyms": list(routine.synonyms)}


def test_every_concern_is_a_slot_value_with_its_names(catalog):
    values = slot_values(intents.CONCERN_SLOT_TYPE)
    assert set(values) == {concern.id for concern in catalog.concerns}
    for concern in catalog.concerns:
        assert values[concern.id] == {"value": concern.name, "synonyms": list(concern.synonyms)}


def test_the_model_and_the_handlers_agree_on_intents():
    assert {intent["name"] for intent in language(committed())["intents"]} == HANDLED_INTENTS


def test_custom_intents_have_ten_varied_samples():
    for intent in language(committed())["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert len(set(intent["samples"])) >= 10, intent["name"]


def test_a_new_routine_makes_the_committed_model_stale(tmp_path):
    routines = tmp_path / "routines"
    shutil.copytree(ROUTINES, routines)
    good(routines, "calf-raise", name="Calf raise", synonym="heel lift")
    out = tmp_path / "package"
    shutil.copytree(PACKAGE, out)
    stale = run("build-model", "--check", "--out", str(out),
                env={"STRETCH_COACH_ROUTINES": str(routines)})
    assert stale.returncode == 1
    assert f"{out}/interactionModels/custom/en-US.json: stale" in stale.stderr
    assert '"id": "calf-raise"' in stale.stderr
    assert run("build-model", "--out", str(out),
               env={"STRETCH_COACH_ROUTINES": str(routines)}).returncode == 0
    models = out / "interactionModels" / "custom"
    values = language(json.loads((models / "en-GB.json").read_text()))["types"][0]["values"]
    assert "calf-raise" in [value["id"] for value in values]


def test_a_missing_model_file_is_named(tmp_path):
    result = run("build-model", "--check", "--out", str(tmp_path))
    missing = f"{tmp_path}/interactionModels/custom/en-US.json: missing"
    assert result.returncode == 1 and missing in result.stderr


@pytest.mark.parametrize(("name", "words"), [
    ("coach", "at least two words"),
    ("open stretch coach", "may not contain 'open'"),
    ("ask the coach", "may not contain 'ask'"),
    ("alexa stretch guide", "may not contain 'alexa'"),
    ("stretch coach app", "may not contain 'app'"),
    ("coach for legs", "may not contain 'for'"),
    ("Stretch Coach", "only lower-case letters"),
    ("stretch coach two thousand and 2", "only lower-case letters"),
])
def test_invocation_name_rules(name, words):
    assert any(words in problem for problem in invocation_problems(name))


def tiny_model(**intents) -> dict:
    model = build_model(load_definitions(), build_catalog())
    language(model)["intents"] += [{"name": name, **body} for name, body in intents.items()]
    return model


def build_catalog():
    from skill.content.loader import load_catalog

    return load_catalog([ROUTINES])


@pytest.mark.parametrize(("intent", "words"), [
    ({"samples": ["go to step 3"] * 10}, "numbers spelled out"),
    ({"samples": ["what's up?"] * 10}, "only lower-case words"),
    ({"samples": ["Start Now"] * 10}, "only lower-case words"),
    ({"samples": ["find {thing}"] * 10}, "undeclared slot {thing}"),
    ({"samples": ["a b c"] * 9}, "9 samples, at least 10"),
    ({"samples": ["it hurts"] * 10}, "'it hurts' is in both PainIntent and ExtraIntent"),
    ({"samples": ["next"] * 10}, "'next' is in both AMAZON.NextIntent and ExtraIntent"),
    ({"slots": [{"name": "x", "type": "NOPE"}], "samples": ["x {x}"] * 10},
     "undefined type 'NOPE'"),
    ({"slots": [{"name": "x", "type": "AMAZON.NUMBER"}], "samples": ["hello there"] * 10},
     "slot 'x' appears in no sample"),
])
def test_sample_rules(intent, words):
    problems = model_problems(tiny_model(ExtraIntent=intent), understood())
    assert any(words in problem for problem in problems), problems


def test_a_routine_name_that_is_another_intents_sample_is_caught():
    model = tiny_model()
    language(model)["types"][0]["values"][0]["name"]["synonyms"].append("help me")
    problems = model_problems(model, understood())
    assert "ROUTINE_NAME value 'help me' is also a sample of AMAZON.HelpIntent" in problems
