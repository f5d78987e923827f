"""External programs run in a session of their own, so a timeout can end them with every child."""

import contextlib
import os
import signal
import subprocess
import time

KILL_WAIT_S = 10.0
POLL_S = 0.01


def kill_group(process: subprocess.Popen, wait_s: float = KILL_WAIT_S) -> None:
    """Kill a process started with start_new_session=True and everything it forked; return once all are gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    # communicate() reaps the leader and closes any pipes, so nothing is left open behind the kill.
    process.communicate(timeout=wait_s)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(POLL_S)
