"""Settings from the environment: the one place each is named, parsed, bounded and defaulted.

A value the skill cannot use is a SettingsError: one line naming the variable and what it
accepts.
"""

# Hand-written rather than pydantic-settings: importing it took 395-457 ms here, against
# 80-94 ms for this module and 0.6-0.8 s for the whole app (2 shared cores), paid by every
# command and every cold start; its BaseSettings reads the environment whenever one is made,
# where tests build Settings from plain values; and its errors are several lines each.

from __future__ import annotations

import enum
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .files import FileRefused, read_small_file
from .untrusted import shown

PACKAGE_DIR = Path(__file__).parent
# Alexa's requests are a few kilobytes; anything far bigger is refused before it is read.
DEFAULT_MAX_BODY_BYTES = 128 * 1024
# Below this no real Alexa request fits; above it one request pins a worker's memory.
BODY_BYTES = (512, 16 * 1024 * 1024)
PORTS = (1, 65535)
# Each worker is a process with its own copy of the app; past 64 on one host is a typo.
WORKERS = (1, 64)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# certifi's whole bundle of public roots is about 300 KB.
MAX_ROOTS_BYTES = 4 * 1024 * 1024
DEFAULT_DATABASE_URL = "sqlite:///data/stretch-coach.sqlite3"
DEFAULT_RESUME_HOURS = 72
# From an hour (a pause to press a point) to a month (away for a while).
RESUME_HOURS = (1, 720)
DEFAULT_TIME_ZONE = "UTC"
# RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?")
ZONE_KEY = re.compile(r"[A-Za-z0-9_+-]{1,30}(?:/[A-Za-z0-9_+-]{1,30}){0,2}")


class SettingsError(ValueError):
    """An environment variable holds a value the skill cannot use."""


def bundled(name: str) -> Path:
    """A content folder: inside the installed package, else at the top of the source tree."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


_PASSWORD_PARAMETER = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


class DatabaseKind(enum.StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"


@dataclass(frozen=True, repr=False)
class DatabaseUrl:
    """Where progress is stored: the URL as given, and which database it names."""

    url: str
    kind: DatabaseKind

    @classmethod
    def parse(cls, url: str, name: str = "SKILL_DATABASE_URL") -> DatabaseUrl:
        accepts = (f"{name} must be sqlite:///relative/path, sqlite:////absolute/path or "
                   "postgresql://user:password@host/database")
        scheme, _, rest = url.partition("://")
        if scheme == "sqlite":
            path = rest[1:] if rest.startswith("/") else ""
            if not path or path.endswith("/") or "\x00" in path:
                raise SettingsError(f"{accepts}; got no file name in {shown(url)}")
            if path == ":memory:":
                raise SettingsError(f"{name}: an in-memory database is not shared by workers "
                                    "and forgets everything at exit; name a file")
            return cls(url, DatabaseKind.SQLITE)
        if scheme in ("postgresql", "postgres"):
            try:
                urlsplit(url).port  # noqa: B018 - raises ValueError on a bad port
            except ValueError:
                raise SettingsError(f"{name}: the port in the postgresql:// URL must be a "
                                    "number from 1 to 65535") from None
            return cls(url, DatabaseKind.POSTGRESQL)
        # Never echo the URL: it may hold a password.
        raise SettingsError(f"{accepts}; got a URL starting {shown(scheme[:20])}")

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file (relative to the working directory unless absolute), if SQLite."""
        if self.kind is not DatabaseKind.SQLITE:
            return None
        return Path(self.url.partition("://")[2][1:])

    def __str__(self) -> str:
        """The URL fit for a log or a terminal: any password replaced by stars, whether in
        the address or as a `password=` parameter."""
        url = _PASSWORD_PARAMETER.sub(r"\1***", self.url)
        password = urlsplit(url).password
        return url if password is None else url.replace(f":{password}@", ":***@", 1)

    def __repr__(self) -> str:
        return f"DatabaseUrl({str(self)!r})"


@dataclass(frozen=True)
class Settings:
    routines: tuple[Path, ...] = ()
    verify: bool = True
    skill_ids: frozenset[str] = frozenset()
    trusted_roots: Path | None = None
    cert_cache_dir: Path | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_level: str = "INFO"
    # As written in a URL: an IPv6 address in brackets, so that f"{host}:{port}" is both
    # gunicorn's bind address and the authority of the service's URL.
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = min(os.cpu_count() or 1, WORKERS[1])
    database: DatabaseUrl = field(
        default_factory=lambda: DatabaseUrl.parse(DEFAULT_DATABASE_URL))
    resume_hours: int = DEFAULT_RESUME_HOURS
    # The zone for people whose device's zone cannot be read from Alexa's settings API.
    time_zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIME_ZONE))

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Read the skill's variables from `env`; SettingsError names a bad one."""
        routines = env.get("STRETCH_COACH_ROUTINES", "")
        return cls(
            routines=tuple(Path(p) for p in routines.split(os.pathsep) if p)
            or (bundled("routines"),),
            verify=_flag(env, "ALEXA_VERIFY", default=True),
            skill_ids=frozenset(
                part.strip() for part in env.get("ALEXA_SKILL_ID", "").split(",") if part.strip()
            ),
            trusted_roots=_given(env, "ALEXA_TRUSTED_ROOTS", parse_trusted_roots),
            cert_cache_dir=_given(env, "ALEXA_CERT_CACHE_DIR", parse_folder),
            max_body_bytes=_whole(env, "STRETCH_COACH_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES,
                                  BODY_BYTES),
            log_level=_given(env, "LOG_LEVEL", parse_log_level) or cls.log_level,
            host=_given(env, "HOST", parse_host) or cls.host,
            port=_whole(env, "PORT", cls.port, PORTS),
            workers=_whole(env, "WEB_CONCURRENCY", cls.workers, WORKERS),
            database=_given(env, "SKILL_DATABASE_URL", DatabaseUrl.parse)
            or DatabaseUrl.parse(DEFAULT_DATABASE_URL),
            resume_hours=_whole(env, "STRETCH_COACH_RESUME_HOURS", DEFAULT_RESUME_HOURS,
                                RESUME_HOURS),
            time_zone=_given(env, "STRETCH_COACH_TIME_ZONE", parse_time_zone)
            or ZoneInfo(DEFAULT_TIME_ZONE),
        )


def parse_whole(text: str, name: str, bounds: tuple[int, int]) -> int:
    low, high = bounds
    # ASCII digits only: str.isdigit() and int() also take '²' and other scripts' digits.
    if not re.fullmatch(r"[0-9]{1,12}", text) or not low <= int(text) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, "
                            f"got {shown(text)}")
    return int(text)


def parse_host(text: str, name: str = "HOST") -> str:
    """An IP address or host name to listen on; an IPv6 address comes back in brackets."""
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        address = None
    if address is not None:
        return f"[{bare}]" if address.version == 6 else bare
    if bare == text and HOST_NAME.fullmatch(text):
        return text
    raise SettingsError(f"{name} must be an IP address (127.0.0.1, 0.0.0.0, ::1, ::) or a host "
                        f"name, got {shown(text)}")


def parse_log_level(text: str, name: str = "LOG_LEVEL") -> str:
    if text.upper() not in LOG_LEVELS:
        raise SettingsError(f"{name} must be one of {', '.join(LOG_LEVELS)}, got {shown(text)}")
    return text.upper()


def parse_trusted_roots(text: str, name: str = "ALEXA_TRUSTED_ROOTS") -> Path:
    """A PEM file holding at least one certificate, all of them readable."""
    path = Path(text)
    wanted = f"{name} must be a PEM file of root certificates"
    try:
        data = read_small_file(path, MAX_ROOTS_BYTES, "certificate bundle")
    except FileRefused as error:
        raise SettingsError(f"{wanted}; {shown(text)}: {error}") from None
    if not data.strip():
        raise SettingsError(f"{wanted}; {shown(text)} is empty")
    # Only when set: most installations use certifi's bundle.
    from .verify.chain import read_certificates

    try:
        read_certificates(data)
    except ValueError:
        raise SettingsError(f"{wanted}; {shown(text)} holds no certificate that can be read "
                            "(-----BEGIN CERTIFICATE----- ...)") from None
    return path


def parse_folder(text: str, name: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise SettingsError(f"{name} must be an existing folder, got {shown(text)}")
    return path


def parse_time_zone(text: str, name: str = "STRETCH_COACH_TIME_ZONE") -> ZoneInfo:
    wanted = f"{name} must be an IANA time zone such as UTC or Europe/Paris"
    if not ZONE_KEY.fullmatch(text):
        raise SettingsError(f"{wanted}, got {shown(text)}")
    try:
        return ZoneInfo(text)
    except (ValueError, OSError, KeyError):  # unknown, a folder, or not a zone file
        raise SettingsError(f"{wanted}, got {shown(text)}") from None


def _given(env: Mapping[str, str], name: str, parse):
    """`parse(value, name)` of the variable, or None when it is unset or blank."""
    value = env.get(name, "").strip()
    return parse(value, name) if value else None


def _whole(env: Mapping[str, str], name: str, default: int, bounds: tuple[int, int]) -> int:
    value = env.get(name, "").strip()
    return parse_whole(value, name, bounds) if value else default


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off), "
                        f"got {shown(value)}")
