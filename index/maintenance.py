"""Writing the index: incremental updates, atomic rebuild, sync with the catalog, check."""

import itertools
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.backend import Backend, BackendWriter
from index.document import IndexDoc, fingerprint
from index.layout import current_version, new_build_dir, publish, remove_stale
from index.locking import DEFAULT_TIMEOUT, writer_lock
from index.registry import DEFAULT_BACKEND, backend_type, create_empty, open_current, open_version

BATCH_SIZE = 500
Progress = Callable[[int, int | None], None]
Loader = Callable[[Sequence[int]], Iterable[IndexDoc]]


@dataclass(frozen=True)
class RebuildReport:
    """Outcome of a rebuild."""

    backend: str
    documents: int
    seconds: float
    path: Path


@dataclass(frozen=True)
class CheckReport:
    """Differences between the catalog and the index, as sorted doc ids."""

    indexed: int
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    duplicated: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether index and catalog agree."""
        return not (self.missing or self.extra or self.stale or self.duplicated)


@dataclass(frozen=True)
class SyncReport:
    """What sync changed."""

    added: int
    updated: int
    deleted: int


def catalog_fingerprints(docs: Iterable[IndexDoc]) -> dict[int, int]:
    """Return {doc_id: fingerprint} for catalog records, streaming (nothing else is kept)."""
    return {doc.doc_id: fingerprint(doc) for doc in docs}


def _batches(items: Iterable, size: int) -> Iterable[tuple]:
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


def _write(backend: Backend, change: Callable[[BackendWriter], None]) -> None:
    writer = backend.writer()
    try:
        change(writer)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _open_or_create(index_dir: Path, backend: str) -> Backend:
    version = current_version(index_dir) or create_empty(index_dir, backend)
    return open_version(version)


def update_documents(index_dir: Path, docs: Iterable[IndexDoc], backend: str = DEFAULT_BACKEND, *,
                     batch_size: int = BATCH_SIZE, lock_timeout: float = DEFAULT_TIMEOUT) -> int:
    """Add or replace documents (one commit per batch); create the index with backend if none."""
    written = 0
    with writer_lock(index_dir, lock_timeout):
        index = _open_or_create(index_dir, backend)
        try:
            for batch in _batches(docs, batch_size):
                _write(index, lambda w, batch=batch: w.upsert(batch))
                written += len(batch)
        finally:
            index.close()
    return written


def delete_documents(index_dir: Path, doc_ids: Iterable[int], *,
                     lock_timeout: float = DEFAULT_TIMEOUT) -> int:
    """Remove documents from the index (withdrawn or gone); return how many ids were given."""
    ids = list(doc_ids)
    with writer_lock(index_dir, lock_timeout):
        version = current_version(index_dir)
        if version is None or not ids:
            return 0
        index = open_version(version)
        try:
            _write(index, lambda w: w.delete(ids))
        finally:
            index.close()
    return len(ids)


def rebuild(index_dir: Path, docs: Iterable[IndexDoc], backend: str = DEFAULT_BACKEND, *,
            total: int | None = None, progress: Progress | None = None, batch_size: int = BATCH_SIZE,
            lock_timeout: float = DEFAULT_TIMEOUT) -> RebuildReport:
    """Build a new index from docs in batches and swap it in; the old one serves until then."""
    kind = backend_type(backend)
    started = time.monotonic()
    with writer_lock(index_dir, lock_timeout):
        live = current_version(index_dir)
        remove_stale(index_dir, keep=live.path if live else None)
        build = new_build_dir(index_dir, backend)
        index = kind.create(build)
        writer = index.writer(bulk=True)
        done = 0
        try:
            for batch in _batches(docs, batch_size):
                writer.add(batch)
                done += len(batch)
                if progress:
                    progress(done, total)
            writer.commit()
        except BaseException:
            writer.cancel()
            index.close()
            shutil.rmtree(build, ignore_errors=True)
            raise
        index.close()
        version = publish(index_dir, build, backend)
    return RebuildReport(backend, done, time.monotonic() - started, version.path)


def _compare(indexed: list[tuple[int, int]], catalog: Mapping[int, int]) -> CheckReport:
    copies = Counter(doc_id for doc_id, _ in indexed)
    prints = dict(indexed)
    return CheckReport(
        indexed=len(copies),
        missing=sorted(set(catalog) - set(prints)),
        extra=sorted(set(prints) - set(catalog)),
        stale=sorted(i for i, fp in prints.items() if i in catalog and catalog[i] != fp),
        duplicated=sorted(i for i, n in copies.items() if n > 1),
    )


def check(index_dir: Path, catalog: Mapping[int, int]) -> CheckReport:
    """Compare the index with the catalog's {doc_id: fingerprint}; IndexMissingError if no index."""
    _, index = open_current(index_dir)
    try:
        return _compare(index.fingerprints(), catalog)
    finally:
        index.close()


def sync(index_dir: Path, catalog: Mapping[int, int], load: Loader, backend: str = DEFAULT_BACKEND, *,
         progress: Progress | None = None, batch_size: int = BATCH_SIZE,
         lock_timeout: float = DEFAULT_TIMEOUT) -> SyncReport:
    """Make the index match the catalog: load missing/stale/duplicated docs, delete extra ones."""
    with writer_lock(index_dir, lock_timeout):
        index = _open_or_create(index_dir, backend)
        try:
            diff = _compare(index.fingerprints(), catalog)
            if diff.extra:
                _write(index, lambda w: w.delete(diff.extra))
            wanted = sorted({*diff.missing, *diff.stale, *diff.duplicated})
            done = 0
            for ids in _batches(wanted, batch_size):
                docs = list(load(ids))
                _write(index, lambda w, docs=docs: w.upsert(docs))
                done += len(ids)
                if progress:
                    progress(done, len(wanted))
        finally:
            index.close()
    return SyncReport(added=len(diff.missing), updated=len(diff.stale) + len(diff.duplicated),
                      deleted=len(diff.extra))
