"""Read a small file that someone else chose: only a regular file, never more than a cap.

A path can name a pipe (reading it waits for a writer forever), a device (/dev/zero never ends)
or a huge file; each is refused with a one-line reason instead.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_KINDS = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device",
              stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket"}


class FileRefused(Exception):
    """The path is not a readable regular file of at most the cap; the message says which."""


def read_small_file(path: Path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of `path`, if it is a regular file of at most `max_bytes`."""
    try:
        _check(os.stat(path), max_bytes, what)
        # Non-blocking, so that a file swapped for a pipe since the stat cannot hang the open.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise FileRefused(f"cannot read the file: {error.strerror}") from None
    try:
        _check(os.fstat(descriptor), max_bytes, what)
        chunks, size = [], 0
        while chunk := os.read(descriptor, max_bytes + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:  # it grew since the stat
                raise FileRefused(f"too large for a {what}: more than {max_bytes} bytes")
        return b"".join(chunks)
    except OSError as error:
        raise FileRefused(f"cannot read the file: {error.strerror}") from None
    finally:
        os.close(descriptor)


def _check(info: os.stat_result, max_bytes: int, what: str) -> None:
    kind = stat.S_IFMT(info.st_mode)
    if kind != stat.S_IFREG:
        raise FileRefused(f"not a regular file ({FILE_KINDS.get(kind, 'something else')})")
    if info.st_size > max_bytes:
        raise FileRefused(f"too large for a {what}: {info.st_size} bytes, at most {max_bytes}")
