import os
import sys

from .cli import main

try:
    raise SystemExit(main())
except BrokenPipeError:
    # The reader went away (`chat | head`): the usual quiet exit, as Python's documentation on
    # SIGPIPE advises; stdout is pointed at devnull so the interpreter's final flush cannot fail.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise SystemExit(1) from None
