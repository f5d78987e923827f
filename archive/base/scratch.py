"""Scratch folders for one run's temporary files: locked while the run lives, swept by a later run.

A run killed with SIGKILL cannot clean up after itself. Its scratch folder keeps
a lock file that the kernel unlocks when the process dies, so the next run can
tell a dead run's folder from a live one's and remove it.
"""

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".in-use"
PREFIX = "daiban-"
# A folder this new may belong to a run that has not taken its lock yet.
GRACE_S = 60.0


@contextmanager
def scratch_dir(parent: Path, purpose: str) -> Iterator[Path]:
    """A new folder under parent for this run's temporary files, removed when the run ends."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{purpose}-", dir=parent))
    fd = os.open(path / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


def _dead(path: Path) -> bool:
    """Tell whether a scratch folder's run has ended (its lock is free, or it never had one)."""
    if time.time() - path.stat().st_mtime < GRACE_S:
        return False
    try:
        fd = os.open(path / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def abandoned(parent: Path) -> list[Path]:
    """Scratch folders under parent whose run has ended without removing them."""
    if not parent.is_dir():
        return []
    return sorted(p for p in parent.glob(f"{PREFIX}*") if p.is_dir() and _dead(p))


def sweep(parent: Path) -> list[Path]:
    """Remove the scratch folders killed runs left under parent; return what was removed."""
    found = abandoned(parent)
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return found
