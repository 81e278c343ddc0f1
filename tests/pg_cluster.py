"""A throw-away PostgreSQL cluster on a free loopback port, for the tests and for .ci/run.

    python -m tests.pg_cluster start FOLDER   # prints the cluster's URL
    python -m tests.pg_cluster stop FOLDER

initdb refuses to run as root, so as root the cluster runs as the unprivileged `postgres`
user that Debian's package creates. Nothing is fsynced: the cluster dies with the tests.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Debian's package creates `postgres`; without it, the account that owns nothing.
UNPRIVILEGED_USERS = ("postgres", "nobody")


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, if PostgreSQL is installed."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@dataclass(frozen=True)
class Cluster:
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def _unprivileged() -> pwd.struct_passwd:
    for name in UNPRIVILEGED_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError(f"running as root, and none of {UNPRIVILEGED_USERS} exists to run "
                       "PostgreSQL as")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], folder: Path) -> None:
    """Runs `command` as an unprivileged user when we are root; raises with its output."""
    as_user: dict = {}
    if os.geteuid() == 0:
        account = _unprivileged()
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=120, **as_user)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def start(folder: Path) -> Cluster:
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb)")
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        account = _unprivileged()
        os.chown(folder, account.pw_uid, account.pw_gid)
    port = _free_port()
    _run([str(bin_dir / "initdb"), "-D", "data", "-U", "postgres", "-A", "trust", "--no-sync",
          "-E", "UTF8"], folder)
    options = (f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    _run([str(bin_dir / "pg_ctl"), "-D", "data", "-l", "log", "-w", "-t", "60",
          "-o", options, "start"], folder)
    (folder / "port").write_text(str(port))
    return Cluster(folder, port)


def stop(folder: Path) -> None:
    bin_dir = binaries()
    if bin_dir and (folder / "data" / "postmaster.pid").exists():
        _run([str(bin_dir / "pg_ctl"), "-D", "data", "-m", "immediate", "-w", "stop"], folder)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1]).resolve()
    if argv[0] == "start":
        print(start(folder).url)
    else:
        stop(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
