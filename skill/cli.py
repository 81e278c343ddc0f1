"""The command line: python -m skill serve | validate | build-model | chat."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .content.loader import ContentError, check_content, display_path, load_catalog
from .settings import Settings, SettingsError, bundled

log = logging.getLogger("skill")

DEV_MODE_BANNER = """\
************************************************************************
  DEVELOPMENT MODE (ALEXA_VERIFY=0): requests are NOT verified.
  Anyone who can reach this port can talk to the skill. Never expose it.
************************************************************************"""


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m skill", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill on gunicorn")
    serve.add_argument("--host", default=settings.host)
    serve.add_argument("--port", type=int, default=settings.port)
    serve.add_argument("--workers", type=int, default=settings.workers)
    serve.set_defaults(run=run_serve)

    validate = commands.add_parser("validate", help="check routine files; non-zero if any is bad")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="routine files or folders (default: the configured routines)")
    validate.set_defaults(run=run_validate)

    build = commands.add_parser("build-model",
                                help="generate interaction_model/*.json from the routines")
    build.add_argument("--check", action="store_true",
                       help="only check that the committed files are current; non-zero if not")
    build.add_argument("--out", type=Path, default=None,
                       help="folder for the model files (default: interaction_model/)")
    build.set_defaults(run=run_build_model)

    chat = commands.add_parser("chat", help="talk to the skill as the developer console does")
    chat.add_argument("--url", help="a running skill (default: start one in-process, in "
                                    "development mode)")
    chat.add_argument("--script", type=Path, help="play the utterances in FILE, one a line")
    chat.add_argument("--json", action="store_true", help="show each request and response")
    chat.add_argument("--realtime", action="store_true", help="wait out the silences")
    chat.add_argument("--locale", default="en-US", help="the interaction model's locale")
    chat.set_defaults(run=run_chat)

    args = parser.parse_args(argv)
    return args.run(args, settings)


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    catalog, problems = check_content(args.paths or settings.routines)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"{len(catalog)} routines OK: {', '.join(routine.id for routine in catalog)}")
    return 0


def run_build_model(args: argparse.Namespace, settings: Settings) -> int:
    from .model.build import build_model, model_files, stale_files
    from .model.definitions import load_definitions
    from .model.rules import model_problems

    try:
        catalog = load_catalog(settings.routines)
    except ContentError as error:
        print(f"error: the routines are invalid:\n{error}", file=sys.stderr)
        return 1
    definitions = load_definitions()
    problems = model_problems(build_model(definitions, catalog),
                              {intent.name: intent.understood for intent in definitions.intents})
    for problem in problems:
        print(f"model: {problem}", file=sys.stderr)
    if problems:
        return 1
    files = model_files(definitions, catalog, args.out or bundled("interaction_model"))
    if args.check:
        stale = stale_files(files)
        for difference in stale:
            print(difference, file=sys.stderr)
        if stale:
            print("run `python -m skill build-model` and commit the result", file=sys.stderr)
            return 1
        print(f"{len(files)} model files are current")
        return 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {display_path(path)}")
    return 0


def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    from .simulator.session import run_chat_session

    return run_chat_session(settings, url=args.url, script=args.script, show_json=args.json,
                            realtime=args.realtime, locale=args.locale)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .app import create_app
    from .server import THREADS, serve

    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not settings.verify:
        print(DEV_MODE_BANNER, file=sys.stderr)
    if not settings.skill_ids:
        print("warning: ALEXA_SKILL_ID is not set, so requests for ANY skill id are accepted",
              file=sys.stderr)
    try:
        app = create_app(settings)
    except ContentError as error:
        print(f"error: the routines are invalid, not starting:\n{error}", file=sys.stderr)
        return 1
    routines = len(app.extensions["stretch_coach"]["catalog"])
    log.info("serving %d routines on http://%s:%d with %d workers of %d threads",
             routines, args.host, args.port, args.workers, THREADS)
    serve(app, args.host, args.port, args.workers, settings.log_level)
    return 0
