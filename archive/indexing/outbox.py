"""Carrying out the index outbox after a catalog commit: a failure never undoes a filing, it waits for `index sync`."""

import contextlib
import logging

from archive.base.errors import DaibanError, StorageError, storage_error
from archive.catalog import outbox
from archive.catalog.session import Archive
from archive.indexing.records import index_records, live_backend
from index.layout import current_version
from index.maintenance import delete_documents, update_documents

log = logging.getLogger("daiban")


def _apply(archive: Archive, doc_ids: list[int]) -> None:
    current = list(index_records(archive, doc_ids))
    gone = sorted(set(doc_ids) - {d.doc_id for d in current})
    if current:
        update_documents(archive.root.index_dir, current, live_backend(archive))
    if gone and current_version(archive.root.index_dir):
        delete_documents(archive.root.index_dir, gone)


def run_outbox(archive: Archive) -> int:
    """Bring the index up to date with every waiting outbox item; return how many are still waiting."""
    items = outbox.waiting(archive)
    if not items:
        return 0
    try:
        _apply(archive, sorted({item.doc_id for item in items}))
    except (DaibanError, OSError) as exc:
        message = exc.message if isinstance(exc, DaibanError) else storage_error(exc, archive.root.path).message
        log.warning("全文索引未能更新（已记录，运行 daiban index sync 补齐）：%s", message)
        with contextlib.suppress(StorageError):
            # The work itself is already in the outbox: only the note of this attempt may be lost.
            outbox.failed(archive, [item.id for item in items], message)
        return len(items)
    with contextlib.suppress(StorageError):
        # Left in the outbox, the work is only done again by the next writer: it is idempotent.
        outbox.done(archive, [item.id for item in items])
    return 0
