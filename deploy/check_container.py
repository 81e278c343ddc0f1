"""Builds the image, runs it alone and as the compose stack with podman, and talks to it as
Alexa does: signed requests, answers checked. A manual check, not part of CI.

    .venv/bin/python deploy/check_container.py [--base-image IMAGE] [--no-compose]

Needs podman and runc; debootstrap unless --base-image is given; podman-compose for the stack.
Every container, volume and network it starts is removed again; the images stay, as a cache.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from skill.alexa import intents  # noqa: E402
from skill.content.loader import load_catalog  # noqa: E402
from skill.simulator.envelopes import Device  # noqa: E402
from tests.helpers import Person, free_port  # noqa: E402
from tests.pki import NOW, SKILL_ID, AlexaLikePKI, signed  # noqa: E402

DEPLOY = ROOT / "deploy"
BASE_IMAGE = "localhost/stretch-coach-base:bookworm"
IMAGE = "localhost/stretch-coach:check"
STAND_INS = {"postgres": "localhost/stretch-coach-postgres:check",
             "caddy": "localhost/stretch-coach-caddy:check"}
CONTAINER = VOLUME = PROJECT = "stretch-coach-check"
PROJECT_LABEL = f"com.docker.compose.project={PROJECT}"
ROUTINES = len(load_catalog([ROOT / "routines"]))
# Podman settings that work without systemd (this machine); a CONTAINERS_CONF of yours wins.
ENV = {**os.environ,
       "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(DEPLOY / "containers.conf"))}


class CheckFailed(Exception):
    """Something the container should do, it did not."""


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    try:
        need("podman", "apt-get install podman")
        if ENV["CONTAINERS_CONF"] == str(DEPLOY / "containers.conf"):
            need("runc", "apt-get install runc")
        base = args.base_image or debian_base_image(args.mirror)
        step(f"building {IMAGE} on {base}")
        build(IMAGE, ROOT, ROOT / "Dockerfile", base)
        describe_image()
        with tempfile.TemporaryDirectory(prefix="stretch-coach-check-") as scratch:
            pki = make_pki(Path(scratch) / "pki")
            check_image(pki)
            if args.no_compose:
                step("compose stack: skipped (--no-compose)")
            else:
                images = {name: getattr(args, f"{name}_image") for name in STAND_INS}
                check_stack(compose_command(args.compose), base, pki, images, Path(scratch))
    except CheckFailed as failure:
        print(f"\nFAILED: {failure}", file=sys.stderr)
        return 1
    step(f"all checks passed in {time.monotonic() - started:.0f} s")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-image", help="image with python3 (3.11+) and venv for both "
                        f"stages; default: {BASE_IMAGE}, made with debootstrap once and kept")
    parser.add_argument("--mirror", default="http://deb.debian.org/debian",
                        help="Debian mirror for debootstrap")
    parser.add_argument("--no-compose", action="store_true",
                        help="check the image alone, not compose.yaml's stack")
    parser.add_argument("--compose", default="podman-compose",
                        help="the compose command (default: podman-compose)")
    parser.add_argument("--postgres-image", help="instead of a stand-in built from Debian's "
                        "postgresql-15, e.g. docker.io/library/postgres:16")
    parser.add_argument("--caddy-image", help="instead of a stand-in built from Debian's caddy, "
                        "e.g. docker.io/library/caddy:2")
    return parser.parse_args()


# Podman and friends.

def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def need(tool: str, install: str) -> None:
    if not shutil.which(tool):
        raise CheckFailed(f"{tool} is not installed ({install})")


def run(command: list[str], *, check: bool = True, stdin=None) -> str:
    """Runs `command` quietly; its output is shown only if it fails."""
    done = subprocess.run(command, env=ENV, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL if stdin is None else stdin)
    if check and done.returncode != 0:
        raise CheckFailed(f"{' '.join(command)} exited {done.returncode}:\n"
                          f"{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done.stdout.strip()


def podman(*args: str, check: bool = True) -> str:
    return run(["podman", *args], check=check)


def logs(container: str) -> str:
    """Everything the container wrote, both streams."""
    return subprocess.run(["podman", "logs", container], env=ENV, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout


def succeeds(*args: str) -> bool:
    return subprocess.run(["podman", *args], env=ENV, capture_output=True).returncode == 0


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)
    passed(message)


def passed(message: str) -> None:
    print(f"    ok: {message}", flush=True)


# Images.

def debian_base_image(mirror: str) -> str:
    """Debian bookworm with python3, its venv module and CA certificates, made once and kept."""
    if succeeds("image", "exists", BASE_IMAGE):
        step(f"base image: {BASE_IMAGE} (kept from an earlier run; podman rmi it to remake)")
        return BASE_IMAGE
    need("debootstrap", "apt-get install debootstrap")
    step(f"base image: making {BASE_IMAGE} with debootstrap from {mirror}")
    with tempfile.TemporaryDirectory(prefix="stretch-coach-base-") as scratch:
        root = Path(scratch) / "root"
        run(["debootstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates",
             "bookworm", str(root), mirror])
        slim(root)
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        podman_import = ["podman", "import", "--change", "CMD=/bin/bash", "-", BASE_IMAGE]
        run(podman_import, stdin=tar.stdout)
        tar.wait()
    return BASE_IMAGE


def slim(root: Path) -> None:
    """As Debian's own container images: no documentation, no package caches, no services."""
    excludes = ["/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*",
                "/usr/share/info/*"]
    (root / "etc/dpkg/dpkg.cfg.d/slim").write_text(
        "".join(f"path-exclude {path}\n" for path in excludes)
        + "path-include /usr/share/doc/*/copyright\n")
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\n# Packages must not start services while an image is built.\n"
                      "exit 101\n")
    policy.chmod(0o755)
    for pattern in ("var/cache/apt/archives/*.deb", "var/cache/apt/*.bin", "var/lib/apt/lists/*",
                    "usr/share/man/*", "usr/share/locale/*", "usr/share/info/*"):
        for path in root.glob(pattern):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    for path in (root / "usr/share/doc").rglob("*"):
        if path.is_file() and path.name != "copyright":
            path.unlink()


def build(tag: str, context: Path, containerfile: Path, base: str) -> None:
    # Docker format: the OCI image format has no HEALTHCHECK, and podman would drop it.
    command = ["podman", "build", "--format", "docker", "--build-arg", f"BASE_IMAGE={base}",
               "--file", str(containerfile), "--tag", tag, *pip_ca_secret(), str(context)]
    run(command)


def pip_ca_secret() -> list[str]:
    """The CA bundle this machine's pip trusts, for builds behind a TLS-inspecting proxy."""
    for name in ("PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        bundle = os.environ.get(name, "")
        if bundle and Path(bundle).is_file():
            return ["--secret", f"id=pip-ca,src={bundle}"]
    return []


def describe_image() -> None:
    config = json.loads(podman("image", "inspect", IMAGE))[0]
    size = config["Size"] / 1e6
    settings = config["Config"]
    user = settings.get("User", "")
    step(f"{IMAGE}: {size:.0f} MB, user {user!r}")
    expect(bool(user) and user.split(":")[0] not in ("0", "root"), "the image runs as non-root")
    expect("/data" in (settings.get("Volumes") or {}), "the data folder /data is a volume")
    expect(bool((config.get("Healthcheck") or {}).get("Test")),
           "the image has a health check")
    for tool in ("cc", "gcc"):
        expect(not succeeds("run", "--rm", "--entrypoint", "sh", IMAGE, "-c",
                            f"command -v {tool}"), f"no {tool} in the image")
    expect(not succeeds("run", "--rm", "--entrypoint", "python", IMAGE, "-c", "import pip"),
           "no pip beside the skill: nothing installs at run time")
    inside = podman("run", "--rm", "--entrypoint", "python", IMAGE, "-c",
                    DIGEST + "import skill\nprint(digest(Path(skill.__file__).parent))")
    expect(inside == source_digest(ROOT / "skill"),
           "the image holds this checkout's code, not an earlier build's")


# A digest of a package's Python sources, as code: run in the image on its installed copy, and
# here on the checkout's.
DIGEST = """import hashlib
from pathlib import Path
def digest(root):
    paths = sorted(path.relative_to(root).as_posix() for path in root.rglob("*.py")
                   if "node_modules" not in path.parts)
    whole = hashlib.sha256()
    for path in paths:
        whole.update(path.encode() + b"\\0" + (root / path).read_bytes())
    return whole.hexdigest()
"""


def source_digest(package: Path) -> str:
    namespace: dict = {}
    exec(DIGEST, namespace)  # the very code the image runs
    return namespace["digest"](package)


# Talking to the skill.

def make_pki(folder: Path) -> AlexaLikePKI:
    """A PKI shaped like Alexa's (tests/pki.py), its files readable by the container's user."""
    folder.mkdir()
    pki = AlexaLikePKI(folder, NOW)
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    folder.parent.chmod(0o755)
    return pki


def trusting(pki: AlexaLikePKI) -> dict[str, str]:
    """Settings that trust the test root and find its chains, with the PKI mounted at /pki."""
    return {"ALEXA_TRUSTED_ROOTS": f"/pki/{pki.roots_file.name}",
            "ALEXA_CERT_CACHE_DIR": f"/pki/{pki.cache_dir.name}"}


def fetch(url: str, context: ssl.SSLContext | None = None, body: bytes | None = None,
          headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def alexa(url: str, pki: AlexaLikePKI, context: ssl.SSLContext | None,
          chain: str = "good") -> Callable[[dict], tuple[int, dict]]:
    """Sends envelopes as Alexa does: the exact body bytes, signed, to POST /."""
    def send(envelope: dict) -> tuple[int, dict]:
        body = json.dumps(envelope).encode()
        headers = {"Content-Type": "application/json", **signed(pki, body, chain)}
        return fetch(url + "/", context, body, headers)
    return send


def converse(url: str, pki: AlexaLikePKI, context: ssl.SSLContext | None = None) -> None:
    """Health, then a short signed conversation, then a forged request."""
    status, health = fetch(url + "/health", context)
    expect(status == 200 and health == {"status": "ok", "routines": ROUTINES, "verify": True},
           f"GET /health: {health}")
    person = Person(alexa(url, pki, context), Device(application_id=SKILL_ID))
    turn = person.launch()
    expect(turn.status == 200 and turn.speech.startswith("Welcome to Stretch Coach."),
           f"signed LaunchRequest: {turn.status} {turn.speech[:45] or turn.body.get('error')!r}")
    turn = person.start("the butterfly", "butterfly-stretch")
    expect(turn.status == 200 and "Step 1 of 2" in turn.speech,
           f"StartRoutineIntent in that session: {turn.speech[:45]!r}...")
    turn = person.say(intents.NEXT)
    expect(turn.status == 200 and "Step 2 of 2" in turn.speech and "Round 2 of 2" in turn.speech,
           f"NextIntent, its place from the session attributes: {turn.speech[:45]!r}...")
    forged = Person(alexa(url, pki, context, chain="untrusted"), Device(application_id=SKILL_ID))
    turn = forged.launch()
    expect(turn.status == 400 and "request verification failed" in turn.body.get("error", ""),
           f"signed by a chain outside the trusted root: {turn.status} {turn.body['error'][:60]}")


def wait_healthy(container: str, timeout: float = 90) -> None:
    """Runs the container's own health check until it passes."""
    started = time.monotonic()
    while not succeeds("healthcheck", "run", container):
        state = podman("inspect", "--format", "{{.State.Status}}", container)
        if state != "running" or time.monotonic() - started > timeout:
            raise CheckFailed(f"{container} is {state}, not healthy:\n{logs(container)[-3000:]}")
        time.sleep(1)
    passed(f"{container}: its health check passes after {time.monotonic() - started:.1f} s")


# The image alone: verified requests, SQLite's data folder a volume, a read-only root.

def check_image(pki: AlexaLikePKI) -> None:
    step(f"running {IMAGE} alone (read-only root, /data a volume, verification on, 2 workers)")
    port = free_port()
    remove_container()
    settings = {"ALEXA_SKILL_ID": SKILL_ID, "WEB_CONCURRENCY": "2", **trusting(pki)}
    podman("run", "--detach", "--name", CONTAINER, "--read-only",
           "--publish", f"127.0.0.1:{port}:8080", "--volume", f"{VOLUME}:/data",
           "--volume", f"{pki.folder}:/pki:ro,z",
           *[f"--env={name}={value}" for name, value in settings.items()], IMAGE)
    try:
        wait_healthy(CONTAINER)
        converse(f"http://127.0.0.1:{port}", pki)
        uid = podman("exec", CONTAINER, "id", "-u")
        expect(uid != "0", f"the server runs as uid {uid}")
        expect(succeeds("exec", CONTAINER, "python", "-c", "open('/data/write-check', 'w')"),
               "that user can write the data folder")
        expect(not succeeds("exec", CONTAINER, "python", "-c", "open('/opt/write-check', 'w')"),
               "and nothing outside it")
        podman("stop", "--time", "30", CONTAINER)
        code = podman("inspect", "--format", "{{.State.ExitCode}}", CONTAINER)
        expect(code == "0", f"podman stop: gunicorn shut down cleanly (exit {code})")
        written = logs(CONTAINER)
        loaded = written.count(f"serving {ROUTINES} routines")
        forked = written.count("Booting worker")
        expect((loaded, forked) == (1, 2), "the app was loaded once, then 2 workers forked")
    finally:
        remove_container()


def remove_container() -> None:
    podman("rm", "--force", "--volumes", CONTAINER, check=False)
    podman("volume", "rm", "--force", VOLUME, check=False)


# compose.yaml: the skill, PostgreSQL and Caddy, reached over HTTPS through Caddy.

def compose_command(name: str) -> list[str]:
    need(name, "pip install podman-compose")
    return [name]


def check_stack(compose: list[str], base: str, pki: AlexaLikePKI, images: dict[str, str | None],
                scratch: Path) -> None:
    for service, stand_in in STAND_INS.items():
        if not images[service]:
            step(f"building a stand-in for the {service} image: {stand_in}")
            build(stand_in, DEPLOY / "standins", DEPLOY / "standins" / f"{service}.Containerfile",
                  base)
            images[service] = stand_in
    validate_caddyfile(images["caddy"])
    http_port, https_port = free_port(), free_port()
    password = secrets.token_hex(16)
    env = {"SKILL_IMAGE": IMAGE, "POSTGRES_IMAGE": images["postgres"],
           "CADDY_IMAGE": images["caddy"], "SKILL_DOMAIN": "localhost", "ALEXA_SKILL_ID": SKILL_ID,
           "POSTGRES_PASSWORD": password, "HTTP_PUBLISH": f"127.0.0.1:{http_port}",
           "HTTPS_PUBLISH": f"127.0.0.1:{https_port}"}
    # The test PKI is all this adds to compose.yaml: only Alexa can sign with Alexa's chain.
    override = scratch / "compose.check.yaml"
    override.write_text(json.dumps({"services": {"skill": {
        "environment": trusting(pki), "volumes": [f"{pki.folder}:/pki:ro,z"]}}}))
    command = [*compose, "--project-name", PROJECT, "--file", str(ROOT / "compose.yaml"),
               "--file", str(override)]
    ENV.update(env)  # compose.yaml takes all its settings from the environment
    take_down(command, report=False)
    step(f"compose up: skill, postgres and caddy (SKILL_DOMAIN=localhost, "
         f"HTTPS on 127.0.0.1:{https_port})")
    try:
        run([*command, "up", "--detach", "--no-build"])
        postgres, skill, caddy = map(service_container, ("postgres", "skill", "caddy"))
        wait_healthy(postgres)
        wait_healthy(skill)
        check_database(skill, postgres, password)
        context = ssl.create_default_context(cadata=caddy_root(caddy))
        step("through Caddy over HTTPS, its certificate checked against Caddy's local authority")
        converse(f"https://localhost:{https_port}", pki, context)
        check_redirect(http_port)
    finally:
        take_down(command)


def validate_caddyfile(image: str) -> None:
    """Caddy's own check of the Caddyfile for a public name, whose certificate it would get
    from a public authority: the configuration the stack below cannot run here."""
    domain = "stretch-coach.example.org"
    podman("run", "--rm", "--env", f"SKILL_DOMAIN={domain}",
           "--volume", f"{DEPLOY / 'Caddyfile'}:/etc/caddy/Caddyfile:ro,z", image,
           "caddy", "validate", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile")
    passed(f"caddy validate accepts the Caddyfile with SKILL_DOMAIN={domain}")


def take_down(command: list[str], report: bool = True) -> None:
    """compose down, then whatever it left: podman-compose 1.0.3 leaves the network."""
    run([*command, "down", "--volumes"], check=False)
    label = f"label={PROJECT_LABEL}"
    for kind in ("network", "volume"):
        for name in podman(kind, "ls", "--quiet", "--filter", label).split():
            podman(kind, "rm", "--force", name)
    left = [podman(kind, "ls", "--quiet", "--filter", label) for kind in ("network", "volume")]
    left.append(podman("ps", "--all", "--quiet", "--filter", label))
    if report:
        expect(not any(left), "the stack's containers, volumes and network are gone")


def service_container(service: str) -> str:
    names = podman("ps", "--all", "--format", "{{.Names}}",
                   "--filter", f"label={PROJECT_LABEL}",
                   "--filter", f"label=com.docker.compose.service={service}")
    if not names:
        raise CheckFailed(f"compose started no {service} container")
    return names.splitlines()[0]


def check_database(skill: str, postgres: str, password: str) -> None:
    url = podman("exec", skill, "printenv", "SKILL_DATABASE_URL")
    expect(url == f"postgresql://stretch_coach:{password}@postgres:5432/stretch_coach",
           "the skill's SKILL_DATABASE_URL names the compose PostgreSQL")
    reach = ("import socket; socket.create_connection(('postgres', 5432), timeout=5).close()")
    expect(succeeds("exec", skill, "python", "-c", reach),
           "the skill container reaches postgres:5432 on the compose network")
    who = podman("exec", postgres, "psql", url, "--no-align", "--tuples-only",
                 "--command", "select current_user || ' ' || current_database()")
    expect(who == "stretch_coach stretch_coach",
           f"that URL logs in over TCP with its password: {who}")


def caddy_root(caddy: str, timeout: float = 30) -> str:
    """The root certificate of Caddy's local authority, once it has issued for localhost."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        root = podman("exec", caddy, "cat", "/data/caddy/pki/authorities/local/root.crt",
                      check=False)
        if root.startswith("-----BEGIN CERTIFICATE-----"):
            return root + "\n"
        time.sleep(1)
    raise CheckFailed(f"Caddy made no local certificate:\n{logs(caddy)[-3000:]}")


def check_redirect(http_port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    connection.request("GET", "/health", headers={"Host": "localhost"})
    response = connection.getresponse()
    location = response.getheader("Location", "")
    connection.close()
    expect(response.status == 308 and location.startswith("https://localhost"),
           f"plain HTTP is redirected to HTTPS: {response.status} {location}")


if __name__ == "__main__":
    sys.exit(main())
