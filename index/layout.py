"""The index directory: versioned builds and an atomically swapped `current` symlink.

    <index_dir>/write.lock            flock of the single writer (holds its pid)
    <index_dir>/current -> v0007-whoosh
    <index_dir>/v0007-whoosh/         the live index; daiban-index.json names its backend
    <index_dir>/.build-0008-tantivy/  a rebuild in progress (removed if a crash left it)
"""

import datetime
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from archive.base.atomicio import fsync_dir

CURRENT = "current"
META = "daiban-index.json"
# 2: own text and case facts in separate fields, traditional characters folded, case codes indexed.
FORMAT = 2
_NUMBERED = re.compile(r"^(?:v|\.build-)(\d+)-")


@dataclass(frozen=True)
class IndexVersion:
    """One complete index directory and the backend that wrote it."""

    path: Path
    backend: str
    format: int = FORMAT


def current_version(index_dir: Path) -> IndexVersion | None:
    """Return the live index version, or None when there is none (or it is incomplete)."""
    meta = index_dir / CURRENT / META
    try:
        values = json.loads(meta.read_text("utf-8"))
        backend, built = values["backend"], int(values.get("format", 1))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return IndexVersion((index_dir / CURRENT).resolve(), backend, built)


def new_build_dir(index_dir: Path, backend: str) -> Path:
    """Create and return an empty directory for a new index version."""
    index_dir.mkdir(parents=True, exist_ok=True)
    numbers = [int(m.group(1)) for m in map(_NUMBERED.match, os.listdir(index_dir)) if m]
    path = index_dir / f".build-{max(numbers, default=0) + 1:04d}-{backend}"
    path.mkdir()
    return path



def publish(index_dir: Path, build_dir: Path, backend: str) -> IndexVersion:
    """Mark a finished build complete and make it current in one rename; remove older versions."""
    meta = {"backend": backend, "format": FORMAT, "created": datetime.datetime.now().isoformat(timespec="seconds")}
    meta_path = build_dir / META
    with open(meta_path, "w", encoding="utf-8") as out:
        json.dump(meta, out)
        out.flush()
        os.fsync(out.fileno())
    fsync_dir(build_dir)
    final = index_dir / build_dir.name.replace(".build-", "v", 1)
    build_dir.rename(final)
    link = index_dir / f".{CURRENT}.tmp"
    link.unlink(missing_ok=True)
    link.symlink_to(final.name)
    link.replace(index_dir / CURRENT)
    fsync_dir(index_dir)
    remove_stale(index_dir, keep=final)
    return IndexVersion(final, backend)


def remove_stale(index_dir: Path, keep: Path | None) -> None:
    """Delete every version and unfinished build except keep (the caller holds the writer lock)."""
    for entry in index_dir.iterdir():
        if _NUMBERED.match(entry.name) and entry.is_dir() and (keep is None or entry.resolve() != keep.resolve()):
            shutil.rmtree(entry, ignore_errors=True)
