"""Settings from the environment: the one place each is named, parsed and defaulted."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
# Alexa's requests are a few kilobytes; anything far bigger is refused before it is read.
DEFAULT_MAX_BODY_BYTES = 128 * 1024
# One file under a data folder of the working directory: nothing to set up to start.
DEFAULT_DATABASE_URL = "sqlite:///data/stretch-coach.sqlite3"
# An unfinished routine is offered for three days: long enough for "tomorrow" and a weekend,
# short enough that a welcome back still means something.
DEFAULT_RESUME_HOURS = 72


class SettingsError(ValueError):
    """An environment variable holds a value the skill cannot use."""


def bundled(name: str) -> Path:
    """A content folder: inside the installed package, else at the top of the source tree."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


@dataclass(frozen=True)
class Settings:
    routines: tuple[Path, ...] = ()
    verify: bool = True
    skill_ids: frozenset[str] = frozenset()
    trusted_roots: Path | None = None
    cert_cache_dir: Path | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = os.cpu_count() or 1
    database_url: str = DEFAULT_DATABASE_URL
    resume_hours: int = DEFAULT_RESUME_HOURS
    time_zone: str = "UTC"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Read STRETCH_COACH_* and ALEXA_* variables; SettingsError names a bad one."""
        routines = env.get("STRETCH_COACH_ROUTINES", "")
        return cls(
            routines=tuple(Path(p) for p in routines.split(os.pathsep) if p)
            or (bundled("routines"),),
            verify=_flag(env, "ALEXA_VERIFY", default=True),
            skill_ids=frozenset(
                part.strip() for part in env.get("ALEXA_SKILL_ID", "").split(",") if part.strip()
            ),
            trusted_roots=_path(env, "ALEXA_TRUSTED_ROOTS"),
            cert_cache_dir=_path(env, "ALEXA_CERT_CACHE_DIR"),
            max_body_bytes=_positive(env, "STRETCH_COACH_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES),
            log_level=env.get("LOG_LEVEL", "INFO").upper(),
            host=env.get("HOST", "").strip() or cls.host,
            port=_positive(env, "PORT", cls.port),
            workers=_positive(env, "WEB_CONCURRENCY", cls.workers),
            database_url=env.get("SKILL_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            resume_hours=_positive(env, "STRETCH_COACH_RESUME_HOURS", DEFAULT_RESUME_HOURS),
            time_zone=env.get("STRETCH_COACH_TIME_ZONE", "").strip() or "UTC",
        )


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0, got {value!r}")


def _path(env: Mapping[str, str], name: str) -> Path | None:
    value = env.get(name, "").strip()
    return Path(value) if value else None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) == 0:
        raise SettingsError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)
