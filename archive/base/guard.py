"""Run a command so that it cannot outlive daiban: `python -m archive.base.guard -- COMMAND...`.

LibreOffice forks (soffice → oosplash → soffice.bin): a parent-death signal on
the first process alone would leave the others running, still writing. This
guard leads the command's process group; when daiban dies, even by SIGKILL, the
kernel signals the guard, which kills the whole group.
"""

import os
import signal
import subprocess
import sys

from archive.base.processes import die_with_parent


def _kill_group(_signum, _frame) -> None:
    os.killpg(0, signal.SIGKILL)


def main() -> int:
    """Start the command after '--' in this process group and pass on its exit code."""
    command = sys.argv[sys.argv.index("--") + 1:]
    signal.signal(signal.SIGTERM, _kill_group)
    die_with_parent(signal.SIGTERM)
    return subprocess.Popen(command).wait()


if __name__ == "__main__":
    sys.exit(main())
