"""External programs run in a session of their own, so a timeout can end them with every child,
and so that none of them outlives daiban."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

KILL_WAIT_S = 10.0
POLL_S = 0.01
PR_SET_PDEATHSIG = 1
PARENT_ENV = "DAIBAN_PARENT_PID"


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


def guarded(command: list[str]) -> list[str]:
    """The command run under archive.base.guard, which ends its whole process group if daiban dies."""
    return [sys.executable, "-m", "archive.base.guard", "--", *command]


def child_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment of a child that must die with us: it carries our pid to check against."""
    return dict(env, **{PARENT_ENV: str(os.getpid())})


def die_with_parent(signum: int) -> None:
    """Have the kernel send signum to this process when the daiban process that started it dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    # The parent may have died before the request took effect: then act at once.
    expected = os.environ.get(PARENT_ENV)
    if expected and os.getppid() != int(expected):
        os.kill(os.getpid(), signum)
