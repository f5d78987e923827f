"""Named crash points, so tests can kill a process exactly between two steps of a write."""

import os
import signal

CRASH_ENV = "DAIBAN_CRASH_AT"


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL when $DAIBAN_CRASH_AT names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
