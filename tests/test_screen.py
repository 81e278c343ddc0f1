"""Screens: each view renders a RenderDocument directive Alexa accepts, bound to its own data,
with buttons that send the intents they stand for and countdowns that keep the step's time."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from skill.alexa import intents
from skill.content import timing
from skill.screen import (
    Choice,
    CompletionView,
    Countdown,
    MenuView,
    MessageView,
    StepView,
    datasources,
    describe,
    documents,
    render,
    samples,
    supports,
)

from . import apl_bindings
from .helpers import ROOT, walk

# The Node tools for screens: Amazon's APL validator and its web renderer.
VALIDATOR = ROOT / "tools" / "apl-validator"
PREVIEW = ROOT / "tools" / "apl-preview"
MAX_RESPONSE_BYTES = 24 * 1024
NEWEST = "2024.3"
STEP_BUTTONS = tuple(Choice(label, intent) for label, intent in (
    ("Previous", intents.PREVIOUS), ("Repeat", intents.REPEAT), ("Pause", intents.PAUSE),
    ("Next", intents.NEXT)))


@pytest.fixture(scope="module")
def views(fixture_catalog):
    """A view of every kind, from the tests' own catalog."""
    return samples.sample_views(fixture_catalog)


@pytest.fixture(scope="module")
def shipped_views(shipped_catalog):
    return samples.sample_views(shipped_catalog)


def kind_of(view) -> str:
    return datasources.build(view)[0]


def a_step(*countdowns: Countdown, texts=("Sit down.",), done="And release") -> StepView:
    return StepView("Spiral twist", "Step 2 of 2", texts, 0.5, countdowns, STEP_BUTTONS, done)


def needs_tool(reason: str):
    """Skip when a tool is missing here, but fail under CI, which must install it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"under CI {reason}")
    pytest.skip(reason)


# The directive.

def test_every_kind_of_view_renders_a_directive_alexa_accepts(views):
    kinds = {}
    for name, view in views.items():
        directive = render(view, NEWEST)
        assert directive["type"] == "Alexa.Presentation.APL.RenderDocument", name
        assert directive["token"] and isinstance(directive["token"], str)
        document = directive["document"]
        assert document["type"] == "APL"
        assert document["version"] == documents.minimum_version()
        assert document["mainTemplate"]["parameters"] == ["payload"]
        assert "item" in document["mainTemplate"] or "items" in document["mainTemplate"]
        assert set(directive["datasources"]) == {datasources.NAME}
        assert json.loads(json.dumps(directive)) == directive  # plain JSON, nothing else
        kinds[kind_of(view)] = directive["token"]
    assert set(kinds) == set(documents.KINDS)
    assert len(set(kinds.values())) == len(kinds)  # a token says which screen is showing


def test_documents_are_json_files_beside_the_code():
    for kind in (*documents.KINDS, documents.COMMON):
        path = documents.FOLDER / f"{kind}.json"
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    for kind in documents.KINDS:
        assert json.loads((documents.FOLDER / f"{kind}.json").read_text())["version"] == "1.4"


@pytest.mark.parametrize("max_version", ["1.4", "1.5", "1.10", "2023.3", "2024.3"])
def test_a_device_with_apl_14_or_newer_gets_the_screen(max_version):
    assert supports(max_version)
    assert render(MessageView("Help", "Say next."), max_version) is not None


@pytest.mark.parametrize("max_version", ["1.3", "1.0", "0.9", "", "one", "1..4", "-1.4", None,
                                         14, "1.4.x", "9" * 40, "²", "1.¹"])
def test_an_older_or_unreadable_apl_version_gets_no_screen(max_version):
    assert not supports(max_version)
    assert render(MessageView("Help", "Say next."), max_version) is None


def test_a_rendered_document_is_a_copy_the_caller_may_change():
    first = render(MessageView("Help", "Say next."), NEWEST)
    first["document"]["mainTemplate"]["parameters"].append("tampered")
    again = render(MessageView("Help", "Say next."), NEWEST)
    assert again["document"]["mainTemplate"]["parameters"] == ["payload"]


# Data: bindings, text, buttons, countdowns.

def test_every_binding_resolves_against_the_data_sent_with_it(views):
    reached: dict[str, set[str]] = {kind: set() for kind in documents.KINDS}
    for name, view in views.items():
        directive = render(view, NEWEST)
        checked = apl_bindings.Bindings(directive["document"]).check(directive["datasources"])
        assert checked.problems == [], name
        reached[kind_of(view)] |= checked.checked
    for kind in documents.KINDS:  # and the samples between them reach every binding
        assert set(apl_bindings.bound(documents.load(kind))) <= reached[kind], kind


def test_a_binding_to_data_that_is_not_sent_is_caught():
    directive = render(a_step(Countdown("Hold", 1000, 10)), NEWEST)
    document, data = directive["document"], directive["datasources"]
    document["mainTemplate"]["item"]["item"]["items"][0]["text"] = "${payload.screen.title}"
    document["layouts"]["Countdown"]["item"]["items"][0]["text"] = "${labell}"
    del data["screen"]["countdowns"][0]["end"]
    problems = apl_bindings.Bindings(document).check(data).problems
    assert any("payload.screen.title" in problem for problem in problems)
    assert any("labell" in problem for problem in problems)
    assert any("data.end" in problem for problem in problems)


def test_text_is_shown_as_written_not_read_as_markup():
    view = MessageView("<b>Bold</b> & co", "1 < 2 > 0", (Choice("A&B", intents.YES),))
    screen = render(view, NEWEST)["datasources"]["screen"]
    assert screen["title"] == "&lt;b&gt;Bold&lt;/b&gt; &amp; co"
    assert screen["text"] == "1 &lt; 2 &gt; 0"
    assert screen["buttons"][0]["label"] == "A&amp;B"


def pressed(view) -> list[list[str]]:
    """What each button on the rendered screen sends when touched, in screen order."""
    directive = render(view, NEWEST)
    return apl_bindings.Bindings(directive["document"]).check(directive["datasources"]).sent


def test_step_buttons_send_previous_repeat_pause_and_next(views):
    assert pressed(views["leg-cramp-massage-2"]) == [
        [intents.PREVIOUS], [intents.REPEAT], [intents.PAUSE], [intents.NEXT]]
    # the last step can still be paused, and offers what comes after it
    assert pressed(views["spiral-twist-2"]) == [[intents.PAUSE], [intents.YES],
                                                [intents.LIST_ROUTINES]]


def test_each_routine_on_the_menu_starts_it_by_id(views, fixture_catalog):
    sent = pressed(views["menu"])
    assert sorted(sent) == sorted([intents.START_ROUTINE, r.id] for r in fixture_catalog)


def test_welcome_back_has_a_resume_button_and_the_end_offers_another(views):
    assert [intents.RESUME] in pressed(views["welcome-back"])
    assert pressed(views["spiral-twist-done"]) == [[intents.YES], [intents.LIST_ROUTINES]]
    assert pressed(views["help"]) == []


def test_countdowns_carry_the_views_seconds_in_milliseconds_from_the_start_of_speech():
    view = a_step(Countdown("Get into position", 2500, 5), Countdown("Hold", 9000, 10),
                  Countdown("Rest", 20000, 5))
    screen = render(view, NEWEST)["datasources"]["screen"]
    assert screen["timed"] is True
    assert [(c["label"], c["seconds"], c["start"], c["end"]) for c in screen["countdowns"]] == [
        ("Get into position", 5, 2500, 7500), ("Hold", 10, 9000, 19000), ("Rest", 5, 20000, 25000)]
    # each is on screen from the end of the one before (dimmed until it starts)
    assert [c["from"] for c in screen["countdowns"]] == [0, 7500, 19000]
    assert screen["end"] == 25000 and screen["done"] == "And release"


def test_an_untimed_step_shows_no_countdown():
    screen = render(a_step(), NEWEST)["datasources"]["screen"]
    assert screen["timed"] is False and screen["countdowns"] == [] and screen["end"] == 0


def test_the_shipped_routines_countdowns_add_up_to_their_holds_and_rests(shipped_views,
                                                                          shipped_catalog):
    for routine in shipped_catalog:
        for index, step in enumerate(routine.steps):
            if not step.timed or routine.per_turn != 1:
                continue
            view = shipped_views[f"{routine.id}-{index + 1}"]
            screen = render(view, NEWEST)["datasources"]["screen"]
            seconds = [c["seconds"] for c in screen["countdowns"]]
            assert seconds == [c.seconds for c in view.countdowns]
            assert sum(seconds) == timing.silent_seconds(step), routine.id
            # each counts its seconds, and lasts through the cues said inside it
            assert all(c["end"] - c["start"] == view_c.end_ms - view_c.start_ms
                       >= c["seconds"] * 1000
                       for c, view_c in zip(screen["countdowns"], view.countdowns, strict=True))


# Size: a whole response with the document attached stays under Alexa's 24 KB.

def response_bytes(body: dict, view, title: str) -> int:
    """The response as sent, with the directive and a card of the step's text attached."""
    body = copy.deepcopy(body)
    response = body["response"]
    texts = getattr(view, "texts", None) or (getattr(view, "text", ""),)
    response["card"] = {"type": "Simple", "title": title, "content": "\n".join(texts)}
    response.setdefault("directives", []).append(render(view, NEWEST))
    return len(json.dumps(body).encode())


def test_every_step_of_every_shipped_routine_fits_in_a_response_with_its_screen(
        shipped_person, shipped_catalog, shipped_views):
    largest = 0
    for routine in shipped_catalog:
        screens = [v for n, v in shipped_views.items() if n.startswith(f"{routine.id}-")
                   and n[len(routine.id) + 1:].isdigit()]
        turns = walk(shipped_person, routine)
        assert len(turns) == len(screens), routine.id
        for turn, screen in zip(turns, screens, strict=True):
            largest = max(largest, response_bytes(turn.body, screen, routine.name))
        largest = max(largest, response_bytes(
            turns[-1].body, shipped_views[f"{routine.id}-done"], routine.name))
    assert largest < MAX_RESPONSE_BYTES


def test_the_longest_step_imaginable_here_still_fits(shipped_person, shipped_catalog):
    """The longest spoken response any shipped routine gives, with a step screen of its three
    longest tips and 24 countdown segments (more than any shipped step has) attached."""
    bodies = [turn.body for routine in shipped_catalog
              for turn in walk(shipped_person, routine)]
    longest_body = max(bodies, key=lambda body: len(json.dumps(body)))
    tips = sorted((step.say for r in shipped_catalog for step in r.steps), key=len)[-3:]
    segments = tuple(Countdown(f"Round {n // 8 + 1} of 3 · Right side · Switch sides",
                               60_000 + n * 16_000, 10) for n in range(24))
    view = a_step(*segments, texts=tuple(tips))
    assert response_bytes(longest_body, view, "Cramp prevention tips") < MAX_RESPONSE_BYTES


# describe(): the screen as text for the simulator.

def test_a_step_is_described_with_its_countdown_segments_and_buttons():
    view = a_step(Countdown("Get into position", 1000, 5),
                  Countdown("Round 1 of 3 · Right side · Hold", 8000, 10))
    assert describe(view) == "\n".join([
        "Spiral twist · Step 2 of 2 · 50% done",
        "Sit down.",
        "Countdown: Get into position 5 s, Round 1 of 3 · Right side · Hold 10 s",
        "Then: And release",
        "[Previous] [Repeat] [Pause] [Next]",
    ])


def test_the_other_screens_are_described_line_by_line():
    menu = MenuView("Stretch Coach", "Touch a routine.",
                    (("Stretches", (Choice("Spiral twist", intents.START_ROUTINE, "spiral-twist"),
                                    Choice("Butterfly stretch", intents.START_ROUTINE, "b"))),))
    assert describe(menu) == ("Stretch Coach\nTouch a routine.\n"
                              "Stretches: [Spiral twist] [Butterfly stretch]")
    assert describe(MessageView("Welcome back", "Carry on?", (Choice("Resume", intents.RESUME),))
                    ) == "Welcome back\nCarry on?\n[Resume]"
    done = CompletionView("Spiral twist", "Spiral twist: all done", "1 routine on 1 day", "",
                          (Choice("List routines", intents.LIST_ROUTINES),))
    assert describe(done) == "Spiral twist: all done\n1 routine on 1 day\n[List routines]"


# Amazon's own tools.

def node_tool(folder: Path, package: str) -> str:
    node = shutil.which("node")
    if node is None:
        needs_tool("Node.js is required (apt-get install nodejs)")
    if not (folder / "node_modules" / package).is_dir():
        needs_tool(f"{package} is not installed (npm ci --prefix {folder.relative_to(ROOT)})")
    return node


def test_every_document_passes_amazons_apl_validator(fixture_catalog, shipped_catalog):
    """Every kind of screen, and every screen the shipped routines show."""
    node = node_tool(VALIDATOR, "apl-suggester")
    kinds = [{**sample, "name": f"tests' catalog: {sample['name']}"}
             for sample in samples.directives(fixture_catalog)]
    given = json.dumps(samples.directives(shipped_catalog) + kinds)
    result = subprocess.run([node, str(VALIDATOR / "validate.js")], input=given, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("0 problems")


def test_the_validator_reports_what_is_wrong():
    node = node_tool(VALIDATOR, "apl-suggester")
    directive = render(a_step(Countdown("Hold", 1000, 10)), NEWEST)
    directive["document"]["mainTemplate"]["item"]["item"]["items"][0]["fontSize"] = "huge"
    result = subprocess.run([node, str(VALIDATOR / "validate.js")], text=True,
                            input=json.dumps([{"name": "broken", "directive": directive}]),
                            capture_output=True, timeout=120)
    assert result.returncode == 1
    assert "broken (as sent): WARNING /mainTemplate/item/item/items/0/fontSize" in result.stdout


def test_the_countdown_runs_in_amazons_web_renderer():
    """The document keeps time by itself once rendered (needs the preview's tools)."""
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    node = shutil.which("node")
    if not (node and Path(chromium).exists() and (PREVIEW / "node_modules").is_dir()):
        needs_tool("the preview needs Chromium and npm ci --prefix tools/apl-preview")
    view = a_step(Countdown("Get into position", 500, 1), Countdown("Hold", 2000, 2))
    given = json.dumps([{"name": "timeline", "directive": render(view, NEWEST)}])
    # Each moment is well before the next change on screen: it can only be seen late.
    result = subprocess.run([node, str(PREVIEW / "preview.js"), "--observe",
                             "250,1000,1750,3500,4500"], input=given, text=True,
                            capture_output=True, timeout=120, check=True)
    seen = [moment["lines"] for moment in json.loads(result.stdout)]
    countdown = [lines[lines.index("Sit down.") + 1:-4] for lines in seen]
    assert countdown == [["Get into position", "1"], ["Get into position", "1"],
                         ["Hold", "2"], ["Hold", "1"], ["And release"]]
    assert all(lines[-4:] == ["Previous", "Repeat", "Pause", "Next"] for lines in seen)
