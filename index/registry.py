"""Which backend serves an index directory, and opening or creating it."""

import os
from dataclasses import dataclass
from pathlib import Path

from index.backend import Backend, BackendType
from index.errors import IndexCorruptError, IndexMissingError, IndexOutdatedError, UnknownBackendError
from index.layout import FORMAT, IndexVersion, current_version, new_build_dir, publish

BACKENDS = ("whoosh", "tantivy")
DEFAULT_BACKEND = "whoosh"


@dataclass(frozen=True)
class IndexInfo:
    """What `daiban index` can tell about the live index."""

    backend: str
    path: Path
    documents: int
    size_bytes: int


def backend_type(name: str) -> BackendType:
    """Return the backend class for a configured name (imported lazily: each pulls in its engine)."""
    if name == "whoosh":
        from index.whoosh_backend import WhooshBackend
        return WhooshBackend
    if name == "tantivy":
        from index.tantivy_backend import TantivyBackend
        return TantivyBackend
    raise UnknownBackendError(name)


def open_version(version: IndexVersion) -> Backend:
    """Open an index version with the backend that wrote it; IndexOutdatedError if an earlier daiban did."""
    if version.format != FORMAT:
        raise IndexOutdatedError(version.path.parent, version.format, FORMAT)
    try:
        return backend_type(version.backend).open(version.path)
    except (OSError, ValueError, EOFError) as exc:
        raise IndexCorruptError(version.path, str(exc)) from exc


def open_current(index_dir: Path) -> tuple[IndexVersion, Backend]:
    """Open the live index, or raise IndexMissingError."""
    version = current_version(index_dir)
    if version is None:
        raise IndexMissingError(index_dir)
    return version, open_version(version)


def create_empty(index_dir: Path, backend: str) -> IndexVersion:
    """Create and publish an empty index (the caller holds the writer lock)."""
    kind = backend_type(backend)
    build = new_build_dir(index_dir, backend)
    kind.create(build).close()
    return publish(index_dir, build, backend)


def directory_size(path: Path) -> int:
    """Return the total size in bytes of the files under path."""
    return sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path) for f in files)


def index_info(index_dir: Path) -> IndexInfo:
    """Describe the live index, or raise IndexMissingError."""
    version, backend = open_current(index_dir)
    try:
        return IndexInfo(version.backend, version.path, backend.count(), directory_size(version.path))
    finally:
        backend.close()
