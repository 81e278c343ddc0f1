"""The container files hold together: Dockerfile, .dockerignore, compose.yaml, the Caddyfile
and the manual agree. Building and running them is deploy/check_container.py's job (manual)."""

from __future__ import annotations

import re
import shlex
import tomllib
from urllib.parse import urlsplit

import pytest
import yaml

from .helpers import ROOT

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
INTERPOLATED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*)|:?\?[^}]*)?\}")
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined and comments dropped.
    A dozen lines of parsing; a Dockerfile-parsing dependency would be more than it saves."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(word.upper(), rest.strip()) for word, _, rest in
            (line.partition(" ") for line in lines if line and not line.startswith("#"))]


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile()
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


def image_env() -> dict[str, str]:
    env = {}
    for word, args in final_stage():
        if word == "ENV":
            env.update(part.split("=", 1) for part in shlex.split(args))
    return env


def documented_settings(page: str, section: str) -> set[str]:
    """Variables named in the first column of the tables under heading `section` of the
    manual's `page` (docs/...)."""
    text = re.sub(r"```.*?```", "", (ROOT / "docs" / page).read_text(), flags=re.S)
    start = text.index(f"\n{section}\n")
    level = section.split()[0]
    after = re.compile(rf"\n#{{1,{len(level)}}} ").search(text, start + len(section))
    rows = text[start:after.start() if after else None].splitlines()
    cells = [row.split("|")[1] for row in rows if row.startswith("| `")]
    return {name for cell in cells for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", cell)}


def service_env(name: str, **env: str) -> dict[str, str]:
    """A service's environment as compose gives it, with `env` as the shell's."""
    def resolve(match: re.Match) -> str:
        return env.get(match[1]) or match[2] or ""
    return {key: INTERPOLATED.sub(resolve, str(value))
            for key, value in SERVICES[name]["environment"].items()}


def compose_variables() -> set[str]:
    return {name for name, _ in INTERPOLATED.findall((ROOT / "compose.yaml").read_text())}


# The image.

def test_both_stages_start_from_the_base_image_argument():
    instructions = dockerfile()
    assert instructions[0][0] == "ARG" and instructions[0][1].startswith("BASE_IMAGE=")
    stages = [args for word, args in instructions if word == "FROM"]
    assert len(stages) == 2
    assert all(stage.split()[0] == "${BASE_IMAGE}" for stage in stages)


def test_the_server_runs_as_a_numeric_non_root_user():
    users = [args for word, args in final_stage() if word == "USER"]
    assert len(users) == 1
    uid, _, gid = users[0].partition(":")
    assert uid.isdigit() and int(uid) > 0 and gid.isdigit() and int(gid) > 0


def test_the_health_check_asks_the_services_health_endpoint():
    [check] = [args for word, args in final_stage() if word == "HEALTHCHECK"]
    assert "/health" in check and "127.0.0.1" in check and "PORT" in check


def test_the_data_folder_is_a_volume_and_the_default_database_lives_in_it():
    [volume] = [args for word, args in final_stage() if word == "VOLUME"]
    database = urlsplit(image_env()["SKILL_DATABASE_URL"])
    assert database.scheme == "sqlite"
    assert database.path.startswith(f"/{volume}/")


def test_the_server_listens_beyond_the_container_on_the_exposed_port():
    env = image_env()
    assert env["HOST"] == "0.0.0.0"
    assert [args for word, args in final_stage() if word == "EXPOSE"] == [env["PORT"]]


def test_the_runtime_stage_installs_from_the_built_wheels_without_a_network():
    installs = [args for word, args in final_stage() if word == "RUN" and "pip install" in args]
    assert len(installs) == 1
    assert "--no-index" in installs[0] and "from=build" in installs[0]
    assert not any("apt-get" in args for word, args in final_stage() if word == "RUN")


def wheel_sources() -> set[str]:
    """What the wheel is built from, as pyproject.toml names it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    return {"pyproject.toml", project["project"]["readme"], *wheel["packages"],
            *wheel.get("force-include", {})}


@pytest.mark.parametrize("source", sorted(wheel_sources()))
def test_everything_the_wheel_is_built_from_reaches_the_build(source):
    allowed = {line.strip().removeprefix("!").rstrip("/")
               for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")}
    assert source in allowed, f".dockerignore keeps {source} out of the build"
    copied = {part.rstrip("/") for word, args in dockerfile() if word == "COPY"
              for part in args.split()[:-1] if not part.startswith("--")}
    assert source in copied, f"the Dockerfile does not COPY {source}"


# The compose stack.

def test_compose_runs_the_skill_postgresql_and_caddy():
    assert set(SERVICES) == {"skill", "postgres", "caddy"}


def test_the_skill_uses_the_compose_postgresql_with_its_credentials():
    database = urlsplit(service_env("skill", POSTGRES_PASSWORD="s3cret")["SKILL_DATABASE_URL"])
    postgres = service_env("postgres", POSTGRES_PASSWORD="s3cret")
    assert database.scheme == "postgresql"
    assert database.hostname == "postgres" and database.port == 5432
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"] == "s3cret"
    assert database.path == f"/{postgres['POSTGRES_DB']}"


def test_only_caddy_is_reachable_from_outside():
    assert "ports" not in SERVICES["skill"] and "ports" not in SERVICES["postgres"]
    published = {port.rsplit(":", 1)[1] for port in SERVICES["caddy"]["ports"]}
    assert published == {"80", "443"}


def test_caddy_reads_the_repositorys_caddyfile_and_proxies_to_the_skills_port():
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in SERVICES["caddy"]["volumes"]}
    caddyfile = ROOT / mounts["/etc/caddy/Caddyfile"]
    upstreams = re.findall(r"reverse_proxy\s+(\S+)", caddyfile.read_text())
    assert upstreams == [f"skill:{image_env()['PORT']}"]
    assert "{$SKILL_DOMAIN}" in caddyfile.read_text()
    assert service_env("caddy", SKILL_DOMAIN="coach.example.org") == {
        "SKILL_DOMAIN": "coach.example.org"}


def test_the_skill_and_postgres_keep_their_data_in_named_volumes():
    assert "skill-data:/data" in SERVICES["skill"]["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert {"skill-data", "postgres-data", "caddy-data"} <= set(COMPOSE["volumes"])


def test_what_must_be_chosen_is_required_not_defaulted():
    text = (ROOT / "compose.yaml").read_text()
    for name in ("SKILL_DOMAIN", "ALEXA_SKILL_ID", "POSTGRES_PASSWORD"):
        assert re.search(rf"\$\{{{name}:\?", text), f"{name} should be required (:?)"
        assert not re.search(rf"\$\{{{name}:-", text), f"{name} should have no default"


# Every name in these files is one the manual explains.

def test_every_setting_the_containers_give_the_skill_is_a_documented_setting():
    given = set(service_env("skill")) | set(image_env())
    settings = {name for name in given if name != "PATH" and not name.startswith("PYTHON")}
    undocumented = settings - documented_settings("operating.md", "## Settings")
    assert not undocumented


def test_every_variable_compose_reads_is_in_the_manuals_compose_table_and_back():
    assert compose_variables() == documented_settings("deploying/container.md",
                                                      "## The whole stack with compose")
