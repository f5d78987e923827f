"""The archive's side of the full-text index: catalog rows as index records, updates after each
change, rebuild/sync/check from the catalog alone, and searches recorded in the event log."""

import logging
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import select

from archive import events
from archive.config import SETTINGS_FILE
from archive.db import cases, documents, index_queue, people
from archive.errors import DaibanError, NotFoundError
from archive.session import Archive
from index.document import IndexDoc
from index.layout import current_version
from index.maintenance import (
    BATCH_SIZE, CheckReport, Progress, RebuildReport, SyncReport, catalog_fingerprints, check,
    delete_documents, rebuild, sync, update_documents,
)
from index.query import Filters
from index.search import SearchPage, search

FILED = "filed"
log = logging.getLogger("daiban")


def _people(conn, case_ids: set[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = conn.execute(select(people.c.case_id, people.c.name).where(people.c.case_id.in_(case_ids))
                        .order_by(people.c.id))
    for case_id, name in rows:
        if name not in names.setdefault(case_id, []):
            names[case_id].append(name)
    return names


def _record(row, names: list[str]) -> IndexDoc:
    when = row.doc_date or row.filed[:10]
    return IndexDoc(
        doc_id=row.id, case_no=row.case_no, project_name=row.project_name, unit=row.unit,
        form_id=row.form_id or "", category=row.category, stage=row.stage, kind=row.kind,
        title=row.title, doc_no=row.doc_no, author=row.author,
        people=names + ([row.author] if row.author and row.author not in names else []),
        date=date.fromisoformat(when), path=row.path, text=row.text,
    )


def iter_index_docs(archive: Archive, doc_ids: Sequence[int] | None = None) -> Iterator[IndexDoc]:
    """Stream the catalog's current documents as index records, a batch at a time."""
    query = (select(documents, cases.c.case_no, cases.c.project_name, cases.c.unit)
             .join(cases).where(documents.c.state == FILED).order_by(documents.c.id))
    ids = list(doc_ids) if doc_ids is not None else None
    chunks = [ids[i:i + BATCH_SIZE] for i in range(0, len(ids), BATCH_SIZE)] if ids is not None else [None]
    with archive.engine.connect() as conn:
        for chunk in chunks:
            batch_query = query if chunk is None else query.where(documents.c.id.in_(chunk))
            result = conn.execution_options(yield_per=BATCH_SIZE).execute(batch_query)
            for rows in result.partitions():
                names = _people(conn, {r.case_id for r in rows})
                yield from (_record(r, names.get(r.case_id, [])) for r in rows)


def live_backend(archive: Archive) -> str:
    """The backend of the live index, else the one daiban.toml names."""
    version = current_version(archive.root.index_dir)
    return version.backend if version else archive.settings.index_backend


def _queue(archive: Archive, doc_ids: Sequence[int], error: str) -> None:
    with archive.write() as conn:
        for doc_id in doc_ids:
            conn.execute(index_queue.delete().where(index_queue.c.doc_id == doc_id))
            conn.execute(index_queue.insert().values(doc_id=doc_id, error=error, ts=events.now()))


def queued(archive: Archive) -> list[tuple[int, str]]:
    """Documents whose index update failed and wait for `index sync`."""
    with archive.engine.connect() as conn:
        return [(r.doc_id, r.error) for r in conn.execute(select(index_queue).order_by(index_queue.c.doc_id))]


def _clear_queue(archive: Archive) -> None:
    with archive.write() as conn:
        conn.execute(index_queue.delete())


def refresh(archive: Archive, doc_ids: Sequence[int]) -> None:
    """Bring these documents' index entries up to date after a catalog commit.

    A failure never undoes the filing: it is queued for `daiban index sync` and logged.
    """
    if not doc_ids:
        return
    try:
        current = list(iter_index_docs(archive, doc_ids))
        gone = sorted(set(doc_ids) - {d.doc_id for d in current})
        if current:
            update_documents(archive.root.index_dir, current, live_backend(archive))
        if gone and current_version(archive.root.index_dir):
            delete_documents(archive.root.index_dir, gone)
    except (DaibanError, OSError) as exc:
        _queue(archive, doc_ids, str(exc))
        log.warning("全文索引未能更新（已记录，运行 daiban index sync 补齐）：%s", exc)


def _set_backend_setting(archive: Archive, backend: str) -> None:
    path = archive.root.path / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    updated, count = re.subn(r'(?m)^(backend\s*=\s*)"[^"]*"', f'\\1"{backend}"', text)
    if count:
        path.write_text(updated, encoding="utf-8")


def rebuild_index(archive: Archive, backend: str | None = None,
                  progress: Progress | None = None) -> RebuildReport:
    """Recreate the index from the catalog alone (no OCR), optionally switching backend."""
    chosen = backend or live_backend(archive)
    report = rebuild(archive.root.index_dir, iter_index_docs(archive), chosen, progress=progress)
    if backend and backend != archive.settings.index_backend:
        _set_backend_setting(archive, backend)
    _clear_queue(archive)
    with archive.write() as conn:
        events.append(conn, archive.actor, "index.rebuilt", backend=chosen, documents=report.documents)
    return report


def sync_index(archive: Archive, progress: Progress | None = None) -> SyncReport:
    """Add what the index lacks, refresh what changed, remove what is gone."""
    catalog = catalog_fingerprints(iter_index_docs(archive))
    report = sync(archive.root.index_dir, catalog, lambda ids: iter_index_docs(archive, ids),
                  live_backend(archive), progress=progress)
    _clear_queue(archive)
    return report


def check_index(archive: Archive) -> CheckReport:
    """Compare index and catalog."""
    return check(archive.root.index_dir, catalog_fingerprints(iter_index_docs(archive)))


def search_archive(archive: Archive, text: str, filters: Filters, page: int = 1, limit: int = 20) -> SearchPage:
    """Search the archive and record who searched for what (auditors' access is traceable)."""
    result = search(archive.root.index_dir, text, filters, page, limit)
    with archive.write() as conn:
        events.append(conn, archive.actor, "search", case_no=filters.case_no, query=text,
                      filters={k: str(v) for k, v in vars(filters).items() if v}, page=page,
                      hits=result.total)
    return result


def open_document(archive: Archive, case_no: str, item_no: int) -> Path:
    """Return the path of a case document for reading, recording who opened it."""
    with archive.engine.connect() as conn:
        row = conn.execute(select(documents.c.id, documents.c.path).join(cases).where(
            cases.c.case_no == case_no, documents.c.item_no == item_no,
            documents.c.state != "pending")).first()
    if row is None:
        raise NotFoundError(f"案件 {case_no} 中没有件号 {item_no:04d}")
    with archive.write() as conn:
        events.append(conn, archive.actor, "document.opened", case_no=case_no, doc_id=row.id)
    return archive.root.path / row.path

