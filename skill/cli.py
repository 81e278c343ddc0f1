"""The command line: python -m skill serve | validate | build-model | routine-schema | chat |
db upgrade."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import logs
from .content.loader import ContentError, check_content, display_path
from .files import FileRefused, read_small_file
from .settings import PORTS, WORKERS, Settings, SettingsError, bundled, parse_host, parse_whole
from .store import StoreError
from .store.database import open_database

log = logging.getLogger("skill")
# A chat script is typed by hand; anything larger is not one.
MAX_SCRIPT_BYTES = 1024 * 1024

DEV_MODE_BANNER = """\
************************************************************************
  DEVELOPMENT MODE (ALEXA_VERIFY=0): requests are NOT verified.
  Anyone who can reach this port can talk to the skill. Never expose it.
************************************************************************"""


def main(argv: list[str] | None = None) -> int:
    # Arguments first, so that --help and argument errors do not wait on the environment.
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return args.run(args, settings)
    except StoreError as error:
        print(f"error: the database {settings.database}: {error}",
              file=sys.stderr)
        return 1


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m skill", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the skill on gunicorn")
    serve.add_argument("--host", type=_option(parse_host, "--host"),
                       help="default: HOST, else 127.0.0.1")
    serve.add_argument("--port", type=_option(parse_whole, "--port", PORTS),
                       help="default: PORT, else 8080")
    serve.add_argument("--workers", type=_option(parse_whole, "--workers", WORKERS),
                       help=f"default: WEB_CONCURRENCY, else one per CPU (at most {WORKERS[1]})")
    serve.set_defaults(run=run_serve)

    validate = commands.add_parser("validate", help="check routine files; non-zero if any is bad")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="routine files or folders (default: the configured routines)")
    validate.set_defaults(run=run_validate)

    build = commands.add_parser("build-model",
                                help="generate the skill package (interaction_model/) from the "
                                     "routines")
    build.add_argument("--check", action="store_true",
                       help="only check that the committed files are current; non-zero if not")
    build.add_argument("--out", type=Path, default=None,
                       help="the skill package folder (default: interaction_model/)")
    build.add_argument("--endpoint", metavar="https://...",
                       help="the skill's HTTPS address (default: the one in skill.json)")
    build.add_argument("--certificate", choices=("trusted", "wildcard"),
                       help="the endpoint's certificate: wildcard for a tunnel's address "
                            "(default: guessed from the address)")
    build.set_defaults(run=run_build_model)

    schema = commands.add_parser("routine-schema",
                                 help="generate routines/routine.schema.json and "
                                      "concerns.schema.json, the JSON Schemas editors check "
                                      "routine files and concerns.yaml with")
    schema.add_argument("--check", action="store_true",
                        help="only check that the committed file is current; non-zero if not")
    schema.add_argument("--out", type=Path, default=None,
                        help="the folder to write them in (default: routines/)")
    schema.set_defaults(run=run_routine_schema)

    chat = commands.add_parser("chat", help="talk to the skill as the developer console does")
    chat.add_argument("--url", type=_http_url,
                      help="a running skill (default: start one in-process, in development "
                           "mode)")
    chat.add_argument("--script", type=_script, metavar="FILE",
                      help="play the utterances in FILE, one a line")
    chat.add_argument("--json", action="store_true", help="show each request and response")
    chat.add_argument("--realtime", action="store_true", help="wait out the silences")
    chat.add_argument("--locale", default="en-US",
                      help="the interaction model's locale (default: en-US)")
    chat.add_argument("--apl", action="store_true",
                      help="be a device with a screen, and show in text what it shows")
    chat.set_defaults(run=run_chat)

    database = commands.add_parser("db", help="the database the skill remembers people in")
    database.add_argument("action", choices=["upgrade"],
                          help="upgrade: create or upgrade the schema (serve does it too)")
    database.set_defaults(run=run_db)

    return parser


def _option(parse, name: str, *args):
    """An argparse type that reads an option as the matching setting is read."""

    def convert(text: str):
        try:
            return parse(text, name, *args)
        except SettingsError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def _http_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected an http:// or https:// URL, got {text!r}")
    return text


def _script(text: str) -> list[str]:
    """The lines of a chat script, read as any file someone else names is read."""
    try:
        return read_small_file(Path(text), MAX_SCRIPT_BYTES, "script").decode(
            "utf-8").splitlines()
    except (FileRefused, UnicodeDecodeError) as error:
        raise argparse.ArgumentTypeError(f"{text}: {error}") from None


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
    from .model.command import build_package

    return build_package(settings.routines, args.out, args.check, args.endpoint, args.certificate)


def run_db(args: argparse.Namespace, settings: Settings) -> int:
    from .store.schema import upgrade

    database = open_database(settings.database, serving=False)
    try:
        upgraded = upgrade(database, settings.time_zone)
    finally:
        database.close()
    where = settings.database
    if upgraded.found == upgraded.now:
        print(f"{where}: schema version {upgraded.now}, already current")
        return 0
    print(f"{where}: schema version {upgraded.found} -> {upgraded.now}")
    for done in upgraded.done:
        print(f"  {done}")
    return 0


def run_routine_schema(args: argparse.Namespace, settings: Settings) -> int:
    from .content.schema import schema_files

    folder = args.out or bundled("routines")
    if not args.check:
        folder.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, text in schema_files().items():
        path = folder / name
        if args.check:
            try:
                current = path.read_text(encoding="utf-8") == text
            except (OSError, UnicodeDecodeError):
                current = False
            if not current:
                stale.append(path)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"wrote {display_path(path)}")
    for path in stale:
        print(f"{display_path(path)} is not current: run `python -m skill routine-schema` "
              "and commit the result", file=sys.stderr)
    if args.check and not stale:
        print(f"the schemas in {display_path(folder)} are current")
    return 1 if stale else 0


def run_chat(args: argparse.Namespace, settings: Settings) -> int:
    from .simulator.session import run_chat_session

    return run_chat_session(settings, url=args.url, script=args.script, show_json=args.json,
                            realtime=args.realtime, locale=args.locale, apl=args.apl)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .app import create_app
    from .server import THREADS, serve

    handler = logs.configure(settings.log_level)
    if not settings.verify:
        print(DEV_MODE_BANNER, file=sys.stderr)
    if not settings.skill_ids:
        print("warning: ALEXA_SKILL_ID is not set, so requests for ANY skill id are accepted",
              file=sys.stderr)
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    try:
        app = create_app(settings)
    except ContentError as error:
        print(f"error: the routines are invalid, not starting:\n{error}", file=sys.stderr)
        return 1
    routines = len(app.extensions["stretch_coach"]["catalog"])
    log.info("serving %d routines on http://%s:%d with %d workers of %d threads",
             routines, host, port, workers, THREADS)
    handler.flush_now()  # or each worker would write the master's lines again
    serve(app, host, port, workers, settings.log_level)
    return 0
