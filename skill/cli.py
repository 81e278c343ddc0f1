"""The command line: python -m skill serve | validate."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .content import ContentError, check_content
from .settings import Settings, SettingsError

log = logging.getLogger("skill")

DEV_MODE_BANNER = """\
************************************************************************
  DEVELOPMENT MODE (ALEXA_VERIFY=0): requests are NOT verified.
  Anyone who can reach this port can talk to the skill. Never expose it.
************************************************************************"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m skill", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill on gunicorn")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    serve.add_argument("--workers", type=int,
                       default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1)))
    serve.set_defaults(run=run_serve)

    validate = commands.add_parser("validate", help="check routine files; non-zero if any is bad")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="routine files or folders (default: the configured routines)")
    validate.set_defaults(run=run_validate)

    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
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


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .app import create_app
    from .server import serve

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
    log.info("serving %d routines on http://%s:%d with %d workers",
             routines, args.host, args.port, args.workers)
    serve(app, args.host, args.port, args.workers, settings.log_level)
    return 0
