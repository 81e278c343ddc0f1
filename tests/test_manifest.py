"""The skill package `ask deploy` uploads: its layout, its manifest, Amazon's schema and the
rules certification applies that a schema cannot."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from ask_sdk_model_runtime.exceptions import SerializationException
from ask_sdk_model_runtime.serializer import DefaultSerializer

from skill.cli import main
from skill.model.definitions import load_definitions
from skill.model.manifest import PLACEHOLDER, Endpoint, build_manifest
from skill.model.manifest_rules import manifest_problems
from skill.model.publishing import PUBLISHING_FILE, PublishingError, load_publishing

from .helpers import MODELS, PACKAGE, ROOT, committed, run

LOCALES = load_definitions().locales
ENVELOPE = "ask_smapi_model.v1.skill.manifest.skill_manifest_envelope.SkillManifestEnvelope"


def committed_manifest() -> dict:
    return json.loads((PACKAGE / "skill.json").read_text(encoding="utf-8"))


def models() -> dict[str, dict]:
    return {locale: committed(locale) for locale in LOCALES}


def schema_problems(manifest: dict) -> list[str]:
    """Where `manifest` departs from Amazon's schema (ask-smapi-model's classes). The SDK's
    deserializer neither refuses unknown keys nor checks types (it casts), so the manifest is
    read, written back, and compared: a key the schema lacks is dropped, a mistyped value
    comes back changed, an unknown enum value or interface type refuses to read."""
    serializer = DefaultSerializer()
    try:
        again = serializer.serialize(serializer.deserialize(json.dumps(manifest), ENVELOPE))
    except SerializationException as error:
        return [str(error)]
    return list(_differences(manifest, again, ""))


def _differences(original: Any, again: Any, path: str) -> Iterator[str]:
    if isinstance(original, dict) and isinstance(again, dict):
        for key, value in original.items():
            if key not in again:
                yield f"{path}.{key}: not in Amazon's schema"
            else:
                yield from _differences(value, again[key], f"{path}.{key}")
    elif isinstance(original, list) and isinstance(again, list) and len(original) == len(again):
        for index, (one, other) in enumerate(zip(original, again, strict=True)):
            yield from _differences(one, other, f"{path}[{index}]")
    elif type(original) is not type(again) or original != again:
        yield f"{path}: {original!r} reads as {again!r}"


# The package as `ask deploy` takes it.

def test_the_package_holds_the_manifest_and_one_model_a_locale_and_nothing_else():
    files = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*")
                   if path.is_file())
    assert files == sorted(["skill.json", *(f"interactionModels/custom/{locale}.json"
                                            for locale in LOCALES)])
    assert MODELS == PACKAGE / "interactionModels" / "custom"


def test_ask_resources_points_the_cli_at_the_package_with_no_code_deployer():
    text = (ROOT / "ask-resources.json").read_text(encoding="utf-8")
    resources = json.loads(text)
    assert resources["askcliResourcesVersion"] == "2020-03-31"  # the ASK CLI v2 format
    (profile,) = resources["profiles"].values()
    assert resources["profiles"] == {"default": profile}
    assert profile == {"skillMetadata": {"src": "./interaction_model"}}  # no code, no infra
    assert (ROOT / profile["skillMetadata"]["src"]).resolve() == PACKAGE


@pytest.mark.parametrize("path", ["ask-resources.json", "interaction_model/skill.json"])
def test_files_the_cli_rewrites_are_already_in_its_format(path):
    # `ask deploy` writes these back with JSON.stringify(content, null, 2): no change to commit.
    text = (ROOT / path).read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False)


def test_deploy_state_stays_out_of_git():
    assert ".ask/" in (ROOT / ".gitignore").read_text().splitlines()


# What the manifest says.

def test_the_manifest_describes_a_health_skill_in_every_locale_of_the_model():
    manifest = committed_manifest()["manifest"]
    publishing = manifest["publishingInformation"]
    assert list(publishing["locales"]) == list(LOCALES)
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    for text in publishing["locales"].values():
        assert text["name"] == "Stretch Coach"
        assert "not a substitute for professional medical advice" in text["description"]
        assert text["examplePhrases"][0] == "Alexa, open Stretch Coach"


def test_the_manifest_answers_privacy_for_what_the_skill_keeps():
    manifest = committed_manifest()["manifest"]
    assert manifest["privacyAndCompliance"] == {
        "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
        "isExportCompliant": True, "containsAds": False}
    # The time zone needs no permission; reminders do.
    assert manifest["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"}]
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"},
                                                   {"eventName": "REMINDER_DELETED"}]
    assert manifest["events"]["endpoint"] == manifest["apis"]["custom"]["endpoint"]


def test_the_committed_manifest_follows_the_rules():
    assert manifest_problems(committed_manifest(), models()) == []


def test_screens_are_one_line_in_publishing_yaml(tmp_path):
    (apl,) = committed_manifest()["manifest"]["apis"]["custom"]["interfaces"]
    assert apl["type"] == "ALEXA_PRESENTATION_APL"
    assert {view["mode"] for view in apl["supportedViewports"]} == {"HUB", "TV"}
    text = PUBLISHING_FILE.read_text(encoding="utf-8")
    assert text.count("\nscreens: true\n") == 1
    edited = tmp_path / "publishing.yaml"
    edited.write_text(text.replace("\nscreens: true\n", "\nscreens: false\n"))
    manifest = build_manifest(load_publishing(edited), LOCALES, PLACEHOLDER)
    assert "interfaces" not in manifest["manifest"]["apis"]["custom"]
    assert schema_problems(manifest) == []


# Amazon's schema, offline.

def test_the_committed_manifest_reads_as_amazons_schema():
    assert schema_problems(committed_manifest()) == []


def test_a_manifest_with_every_option_reads_as_amazons_schema():
    privacy = dataclasses.replace(load_publishing().privacy, uses_personal_info=True,
                                  privacy_policy_url="https://example.org/privacy",
                                  terms_of_use_url="https://example.org/terms")
    manifest = build_manifest(
        dataclasses.replace(load_publishing(), screens=True, privacy=privacy), LOCALES,
        Endpoint("https://abc.ngrok-free.app/", "Wildcard"))
    assert schema_problems(manifest) == []
    assert manifest_problems(manifest, models()) == []


def _set(path: str, value: Any) -> dict:
    manifest = copy.deepcopy(committed_manifest())
    *parents, last = path.split(".")
    target = manifest
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    target[last] = value
    return manifest


@pytest.mark.parametrize(("path", "value", "words"), [
    ("manifest.privacyAndCompliance.usesPersonalInfos", False, "not in Amazon's schema"),
    ("manifest.publishingInformation.locales.en-US.examplePhrase", [], "not in Amazon's schema"),
    ("manifest.apis.custom.endPoint", {}, "not in Amazon's schema"),
    ("manifest.privacyAndCompliance.containsAds", "no", "'no' reads as True"),
    ("manifest.publishingInformation.isAvailableWorldwide", 1, "1 reads as True"),
    ("manifest.publishingInformation.locales.en-US.keywords", "legs, knees", "reads as"),
    ("manifest.publishingInformation.locales.en-US.name", 42, "42 reads as '42'"),
    ("manifest.apis.custom.endpoint.sslCertificateType", "trusted", "not a valid"),
    ("manifest.events.subscriptions", [{"eventName": "SKILL_DISABLE"}], "not a valid"),
    ("manifest.apis.custom.interfaces", [{"type": "APL"}], "discriminator"),
    ("manifest.manifestVersion", "2.0", "not a valid ManifestVersion"),
])
def test_a_misspelt_or_mistyped_field_breaks_the_schema(path, value, words):
    problems = schema_problems(_set(path, value))
    assert any(words in problem for problem in problems), problems


# The rules certification applies that the schema cannot: each fails on a bad manifest.

@pytest.mark.parametrize(("path", "value", "words"), [
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["Alexa, ask Stretch Coach to dance"], "'Alexa, ask Stretch Coach to dance' is not"),
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["open Stretch Coach"], "'open Stretch Coach' is not"),
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["Alexa, ask Stretch Coach to start the moon walk"], "is not"),
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["Alexa, open Stretch Teacher"], "is not"),
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["Alexa, ask Stretch Coach to go to step three"], "is not"),  # AMAZON.NUMBER: unchecked
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["Alexa, open Stretch Coach"] * 2, "a phrase is given twice"),
    ("manifest.publishingInformation.locales.en-US.examplePhrases",
     ["Alexa, open Stretch Coach", "Alexa, start Stretch Coach", "Alexa, launch Stretch Coach",
      "Alexa, begin Stretch Coach"], "between 1 and 3 phrases"),
    ("manifest.publishingInformation.locales.en-US.examplePhrases", [], "between 1 and 3"),
    ("manifest.publishingInformation.locales.en-GB.description", "Stretches for your legs.",
     "en-GB.description: no health disclaimer"),
    ("manifest.publishingInformation.locales.en-IN.summary", " ", "en-IN.summary: missing"),
    ("manifest.privacyAndCompliance.containsAds", None, "containsAds: must be answered"),
    ("manifest.privacyAndCompliance.isExportCompliant", False, "export compliance"),
    ("manifest.privacyAndCompliance.usesPersonalInfo", True,
     "en-US.privacyPolicyUrl: required when the skill collects personal information"),
    ("manifest.privacyAndCompliance.isChildDirected", True, "privacyPolicyUrl: required"),
    ("manifest.permissions", [{"name": "alexa::devices:all:address:full:read"}],
     "usesPersonalInfo: must be true, the skill asks for alexa::devices:all:address:full:read"),
    ("manifest.permissions", [{"name": "alexa::profile:given_name:read"}],
     "usesPersonalInfo: must be true"),
    ("manifest.apis.custom.endpoint", {"uri": "http://coach.example.org/",
                                       "sslCertificateType": "Trusted"},
     "is not an https:// address"),
    ("manifest.apis.custom.endpoint", {"uri": "https://coach.example.org/",
                                       "sslCertificateType": "SelfSigned"},
     "'SelfSigned', expected Trusted or Wildcard"),
    ("manifest.apis.custom.endpoint", {"uri": "https://abc.ngrok-free.app/",
                                       "sslCertificateType": "Trusted"},
     "is a tunnel's address, served under a wildcard certificate"),
    ("manifest.events.subscriptions", [{"eventName": "SKILL_ENABLED"}],
     "no SKILL_DISABLED: the skill could not delete a person's data"),
    ("manifest.events.subscriptions", [{"eventName": "SKILL_DISABLED"}],
     "no REMINDER_DELETED: the id of a reminder deleted in the Alexa app would stay stored"),
    ("manifest.permissions", [], "permissions: no alexa::alerts:reminders:skill:readwrite: the "
     "skill asks people for it"),
    ("manifest.events.endpoint", {"uri": "https://elsewhere.example.org/",
                                  "sslCertificateType": "Trusted"},
     "events.endpoint: must be the skill's own endpoint"),
])
def test_certification_rules(path, value, words):
    problems = manifest_problems(_set(path, value), models())
    assert any(words in problem for problem in problems), problems


def test_a_child_directed_skill_may_not_carry_ads_or_collect_personal_information():
    manifest = _set("manifest.privacyAndCompliance.isChildDirected", True)
    manifest["manifest"]["privacyAndCompliance"].update(containsAds=True, usesPersonalInfo=True)
    problems = manifest_problems(manifest, models())
    assert "privacyAndCompliance.containsAds: a skill directed at children may not contain " \
           "ads" in problems
    assert "privacyAndCompliance.usesPersonalInfo: a skill directed at children may not " \
           "collect personal information" in problems


def test_a_privacy_policy_satisfies_the_personal_information_rule():
    manifest = _set("manifest.privacyAndCompliance.usesPersonalInfo", True)
    manifest["manifest"]["privacyAndCompliance"]["locales"] = {
        locale: {"privacyPolicyUrl": "https://example.org/privacy"} for locale in LOCALES}
    assert manifest_problems(manifest, models()) == []


def test_example_phrases_may_use_any_name_of_a_routine_and_any_connecting_word():
    phrases = ["Alexa, ask Stretch Coach for the butterfly", "Alexa, tell Stretch Coach "
               "i'd like the inner thigh stretch.", "Alexa, ask Stretch Coach list routines"]
    manifest = _set("manifest.publishingInformation.locales.en-US.examplePhrases", phrases)
    assert manifest_problems(manifest, models()) == []


def test_locales_must_be_in_both_the_manifest_and_the_models():
    extra = {**models(), "en-ZA": committed("en-US")}
    missing = {locale: model for locale, model in models().items() if locale != "en-AU"}
    assert "locale en-ZA: has a model but no publishing information" in \
        manifest_problems(committed_manifest(), extra)
    assert "locale en-AU: has publishing information but no model" in \
        manifest_problems(committed_manifest(), missing)


def test_hostile_manifests_are_problems_not_crashes():
    phrases = "manifest.publishingInformation.locales.en-US.examplePhrases"
    for manifest in ({}, {"manifest": []}, {"manifest": {"publishingInformation": 3}},
                     _set("manifest.publishingInformation.locales.en-US", None),
                     _set("manifest.permissions", "all"), _set("manifest.events", []),
                     _set("manifest.apis.custom.endpoint.uri", "https://[::1"),
                     _set("manifest.apis.custom.endpoint", {"uri": 7, "sslCertificateType": []}),
                     _set(phrases, ["x" * 10_000]), _set(phrases, [None, 3, ["a"]])):
        assert manifest_problems(manifest, models())
    manifest = _set("manifest.privacyAndCompliance.usesPersonalInfo", True)
    manifest["manifest"]["publishingInformation"]["locales"] = 3
    assert "publishingInformation.locales: none" in manifest_problems(manifest, models())


# build-model: writes the package, keeps the endpoint, and --check covers the manifest.

@pytest.fixture
def build(monkeypatch, capsys):
    """`python -m skill build-model ARGS` in this process (the subprocess form is slower)."""
    for name in list(os.environ):
        if name.startswith(("STRETCH_COACH_", "ALEXA_")):
            monkeypatch.delenv(name)

    def build(*args: str) -> subprocess.CompletedProcess:
        try:
            status = main(["build-model", *args])
        except SystemExit as exit_:  # argparse refusing an option
            status = exit_.code
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out, err)
    return build


def test_a_hand_edited_manifest_is_stale_and_a_rebuild_restores_it(tmp_path):
    out = tmp_path / "package"
    shutil.copytree(PACKAGE, out)
    manifest = json.loads((out / "skill.json").read_text())
    manifest["manifest"]["publishingInformation"]["category"] = "GAMES"
    (out / "skill.json").write_text(json.dumps(manifest, indent=2))
    stale = run("build-model", "--check", "--out", str(out))
    assert stale.returncode == 1
    assert f"{out}/skill.json: stale" in stale.stderr and '"GAMES"' in stale.stderr
    assert run("build-model", "--out", str(out)).returncode == 0
    assert (out / "skill.json").read_text() == (PACKAGE / "skill.json").read_text()


def test_the_endpoint_comes_from_the_options_and_survives_a_rebuild(tmp_path, build):
    out = tmp_path / "package"
    shutil.copytree(PACKAGE, out)
    tunnel = "https://calm-legs-42.ngrok-free.app/"
    assert build("--out", str(out), "--endpoint", tunnel).returncode == 0
    assert build("--out", str(out)).returncode == 0  # keeps what skill.json says
    manifest = json.loads((out / "skill.json").read_text())["manifest"]
    expected = {"uri": tunnel, "sslCertificateType": "Wildcard"}  # a tunnel's is wildcard
    assert manifest["apis"]["custom"]["endpoint"] == manifest["events"]["endpoint"] == expected
    assert build("--check", "--out", str(out)).returncode == 0
    own = build("--out", str(out), "--endpoint", "https://coach.example.org/alexa")
    assert own.returncode == 0 and "placeholder" not in own.stderr
    manifest = json.loads((out / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {
        "uri": "https://coach.example.org/alexa", "sslCertificateType": "Trusted"}
    assert build("--out", str(out), "--certificate", "wildcard").returncode == 0
    manifest = json.loads((out / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["endpoint"]["sslCertificateType"] == "Wildcard"


def test_a_rebuild_without_an_endpoint_says_the_placeholder_must_be_replaced(tmp_path,
                                                                             build):
    result = build("--out", str(tmp_path))
    assert result.returncode == 0
    assert "the endpoint is the placeholder https://stretch-coach.example.com/" in result.stderr


@pytest.mark.parametrize(("options", "words", "status"), [
    (["--endpoint", "http://coach.example.org/"], "--endpoint: expected an https:// address", 2),
    (["--endpoint", "coach.example.org"], "--endpoint: expected an https:// address", 2),
    (["--endpoint", "https://user:secret@coach.example.org/"], "without credentials", 2),
    (["--endpoint", "https://[::1"], "--endpoint: expected an https:// address", 2),
    (["--endpoint", "https://coach.example.org/?" + "x" * 5000], "characters)", 2),
    (["--endpoint", "https://abc.trycloudflare.com/", "--certificate", "trusted"],
     "is a tunnel's address, served under a wildcard certificate", 1),
    (["--certificate", "selfsigned"], "invalid choice", 2),
])
def test_bad_endpoint_options_are_refused_and_nothing_is_written(tmp_path, build, options,
                                                                 words, status):
    result = build("--out", str(tmp_path), *options)
    assert result.returncode == status and words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and not any(tmp_path.iterdir())


# publishing.yaml is read strictly: a mistake names the field.

@pytest.mark.parametrize(("change", "words"), [
    (("\nscreens: true\n", "\nscreens: no please\n"), "screens: expected true or false"),
    (("\nscreens: true\n", "\nscreen: true\n"), "screen: unknown field"),
    (("  contains_ads: false\n", "  contains_ads: false\n  contains_ads: true\n"),
     "duplicate key 'contains_ads'"),
    (("  privacy_policy_url: null\n", "  privacy_policy_url: ftp://example.org/\n"),
     "privacy.privacy_policy_url: expected an https:// address"),
    (("category: HEALTH_AND_FITNESS", "category: health"), "category: expected one of"),
    (("example_phrases:\n", "example_phrases: []\nold_phrases:\n"), "example_phrases: expected"),
    (("name: Stretch Coach", "name: [Stretch Coach]"), "name: expected text"),
    (("category: HEALTH_AND_FITNESS", "category: !!int abc"), "category: expected one of"),
    (("category: HEALTH_AND_FITNESS", "category: 2024-02-30"), "category: expected one of"),
    (("category: HEALTH_AND_FITNESS", "category: !!timestamp xyz"), "category: expected one of"),
    (("category: HEALTH_AND_FITNESS", "? [a, b]\n: 1\ncategory: HEALTH_AND_FITNESS"),
     "a key must be a plain word"),
])
def test_a_bad_publishing_file_names_the_field(tmp_path, change, words):
    text = PUBLISHING_FILE.read_text(encoding="utf-8")
    assert change[0] in text
    bad = tmp_path / "publishing.yaml"
    bad.write_text(text.replace(change[0], change[1], 1))
    with pytest.raises(PublishingError) as error:
        load_publishing(bad)
    assert words in str(error.value)


def test_a_publishing_file_that_is_not_a_mapping_is_one_clear_error(tmp_path):
    bad = tmp_path / "publishing.yaml"
    for text in ("- a list\n", "name: [unclosed\n", ""):
        bad.write_text(text)
        with pytest.raises(PublishingError):
            load_publishing(bad)


def test_the_disclaimer_may_open_a_sentence_and_wrap_lines():
    manifest = _set("manifest.publishingInformation.locales.en-US.description",
                    "Stretches for legs.\nNot a substitute for professional\nmedical advice.")
    assert manifest_problems(manifest, models()) == []
