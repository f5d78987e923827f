"""The store (一事一档): filing documents into a case folder, atomically, with versions.

A filing is three steps: (1) catalog rows are committed as *pending*, (2) each
file is copied to .staging, fsync'd and renamed into the case folder, (3) the
rows become *filed* together with their events, the lifecycle step they prove
and their index work (an outbox row), in one transaction. A crash leaves
pending rows that explain every file on disk; the next filing rolls them back
(the sources were only copied). The store never calls the search index: the
outbox is carried out after the commit (archive.indexing.outbox).
"""

import errno
import json
import logging
import os
import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import exists, func, select
from sqlalchemy.engine import Connection

from archive.base.atomicio import fsync_dir
from archive.base.errors import (
    DuplicateError,
    InputFileError,
    NotFoundError,
    TransitionError,
    UsageError,
    storage_error,
)
from archive.base.faults import crash_point
from archive.base.locks import exclusive
from archive.base.terms import SUSPEND_REASONS, CaseStatus, Category, DocKind, DocState
from archive.catalog import events, outbox, scans
from archive.catalog.access import check
from archive.catalog.cases import case_row
from archive.catalog.documents import FiledDocument, get_document, to_document
from archive.catalog.evidence import document_record
from archive.catalog.lifecycle import misplaced_form, proved_by, refusal
from archive.catalog.scans import ScanPart
from archive.catalog.schema import cases, documents, items
from archive.catalog.schema import events as events_table
from archive.catalog.sealing import number_supplement, seal_year
from archive.catalog.session import Archive
from archive.content.filetype import KIND_SUFFIXES
from archive.dataroot.folders import NAME_BYTES, safe_name

log = logging.getLogger("daiban")
# The event naming a pending filing whose leftover copy could not be removed.
STUCK = "store.rollback_failed"
SUFFIX_BYTES = 16


@dataclass(frozen=True)
class Filing:
    """One checked file to file and everything the catalog records about it."""

    source: Path
    source_name: str
    file_type: str
    sha256: str
    size: int
    pages: int | None
    category: Category
    title: str
    kind: DocKind
    text: str
    form_id: str | None = None
    version: int | None = None
    doc_no: str = ""
    author: str = ""
    doc_date: date | None = None
    parent_id: int | None = None
    source_bytes: str | None = None
    warnings: tuple[str, ...] = ()
    # The 件 it is a rendition of: an existing one (item_no), the previous filing's, or else a new one.
    item_no: int | None = None
    with_previous: bool = False


def _check_duplicates(conn: Connection, case_id: int, filings: list[Filing]) -> None:
    seen: dict[str, Path] = {}
    problems = []
    for f in filings:
        if f.sha256 in seen:
            problems.append(f"{f.source}：与同批的 {seen[f.sha256]} 内容完全相同")
            continue
        seen[f.sha256] = f.source
        existing = conn.execute(select(documents.c.item_no, documents.c.path).where(
            documents.c.case_id == case_id, documents.c.sha256 == f.sha256,
            documents.c.state != DocState.WITHDRAWN)).first()
        if existing:
            problems.append(f"{f.source}：重复文件，本案已存有相同内容（件号 {existing.item_no:04d}：{existing.path}）")
    if problems:
        raise DuplicateError("未归档，发现重复：\n  " + "\n  ".join(problems))


def _next_version(conn: Connection, case_id: int, form_id: str, kind: str, ext: str) -> int:
    current = conn.execute(select(func.max(documents.c.version)).where(
        documents.c.case_id == case_id, documents.c.form_id == form_id, documents.c.kind == kind,
        documents.c.path.like(f"%{ext}"), documents.c.state != DocState.WITHDRAWN)).scalar()
    return (current or 0) + 1


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return "." + safe_name(suffix[1:], SUFFIX_BYTES) if len(suffix) > 1 else ""


def _item_for(conn: Connection, row, f: Filing, version: int, previous: int | None, last: int) -> tuple[int, int]:
    """The 件号 a filing goes to and the highest 件号 of the case after it (a new item is numbered next)."""
    if f.with_previous and previous is not None:
        return previous, last
    if f.item_no is not None:
        if not conn.execute(select(items.c.id).where(items.c.case_id == row.id,
                                                      items.c.item_no == f.item_no)).first():
            raise NotFoundError(f"案件 {row.case_no} 中没有件号 {f.item_no:04d}")
        return f.item_no, last
    conn.execute(items.insert().values(case_id=row.id, item_no=last + 1, title=f.title, category=f.category.name,
                                       form_id=f.form_id, version=version if f.form_id else None,
                                       created=events.now()))
    return last + 1, last + 1


def _insert_pending(archive: Archive, conn: Connection, row, filings: list[Filing]) -> list[tuple[int, str]]:
    """Insert pending rows, each a rendition of its item; return each one's id and path relative to the root."""
    last = conn.execute(select(func.max(items.c.item_no)).where(items.c.case_id == row.id)).scalar() or 0
    placed, item = [], None
    for f in filings:
        ext = KIND_SUFFIXES.get(f.file_type) or _suffix(f.source_name)
        version = f.version or (_next_version(conn, row.id, f.form_id, f.kind, ext) if f.form_id else 1)
        item, last = _item_for(conn, row, f, version, item, last)
        suffix = (f" v{version}" if f.form_id else "") + (" 签署件" if f.kind == DocKind.SIGNED else "")
        rel = f"{row.folder}/{f.category.folder}/{item:04d} {safe_name(f.title, NAME_BYTES)}{suffix}{ext}"
        doc_id = conn.execute(documents.insert().values(
            case_id=row.id, item_no=item, category=f.category.name, title=f.title,
            form_id=f.form_id, version=version, kind=f.kind, doc_no=f.doc_no,
            author=f.author, doc_date=f.doc_date.isoformat() if f.doc_date else None,
            pages=f.pages, sha256=f.sha256, size=f.size, path=rel,
            source_name=f.source_name, text=f.text, stage=row.status, state=DocState.PENDING,
            parent_id=f.parent_id, filed=events.now(), actor=archive.actor,
            warnings=json.dumps(list(f.warnings), ensure_ascii=False),
        )).inserted_primary_key[0]
        placed.append((doc_id, rel))
    return placed


def _place(archive: Archive, doc_id: int, source: Path, rel: str) -> None:
    staged = archive.root.work_dir() / f"{doc_id}.part"
    with source.open("rb") as src, staged.open("wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
        dst.flush()
        os.fsync(dst.fileno())
    crash_point("store.staged")
    final = archive.root.path / rel
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        raise InputFileError(f"目标文件已存在，拒绝覆盖：{final}")
    os.rename(staged, final)
    fsync_dir(final.parent)


def _transition(archive: Archive, conn: Connection, row, form_id: str, signed: bool,
                reason_code: int | None, doc_id: int) -> CaseStatus | None:
    step = proved_by(form_id, signed, row.status)
    if step is None:
        return None
    values = {"status": step.target, "updated": events.now()}
    if step.target == CaseStatus.SUSPENDED:
        values |= {"suspend_code": reason_code, "suspend_reason": SUSPEND_REASONS[reason_code]}
    elif row.status == CaseStatus.SUSPENDED:
        # Leaving 中止 (to 终止 by a signed 终止委托单) ends the suspension, as resuming does.
        values |= {"suspend_code": None, "suspend_reason": None}
    conn.execute(cases.update().where(cases.c.id == row.id).values(**values))
    events.append(conn, archive.actor, "case.status", case_no=row.case_no, doc_id=doc_id,
                  old=row.status, new=step.target, proof=form_id, reason_code=reason_code)
    return step.target


def _check_transition(archive: Archive, row, form_id: str | None, signed: bool,
                      reason_code: int | None) -> None:
    if not form_id:
        return
    spec = archive.forms.get(form_id)
    if why := misplaced_form(row.status, spec.stage, spec.title):
        raise UsageError(f"{row.case_no}：{why}。未归档任何文件。")
    if signed and (why := refusal(form_id, signed, row.status, spec.title)):
        raise TransitionError(f"案件 {row.case_no}：{why}。未归档任何文件。")
    step = proved_by(form_id, signed, row.status)
    if step and step.target == CaseStatus.SUSPENDED and reason_code not in SUSPEND_REASONS:
        reasons = "\n  ".join(f"{k}. {v}" for k, v in SUSPEND_REASONS.items())
        raise UsageError(f"中止须注明中止情形（--reason 1-7）：\n  {reasons}")


@dataclass(frozen=True)
class FilingOptions:
    """How a batch is filed: as signed copies, the 中止 reason, the scanned part it is, a 补充 to a sealed case."""

    signed: bool = False
    reason_code: int | None = None
    scan_part: ScanPart | None = None
    supplement: str = ""


def file_documents(archive: Archive, case_no: str, filings: list[Filing],
                   options: FilingOptions = FilingOptions()) -> list[FiledDocument]:
    """File checked files into a case, all or nothing; fires the lifecycle step a signed form proves.

    A part of a scanned stack is recorded as handled in the same transaction. A sealed case takes
    files only as a 补充 with its reason, numbered after its items and logged.
    """
    with exclusive(archive.root.store_lock):
        _roll_back_interrupted(archive)
        ids = _file_locked(archive, case_no, filings, options)
    return [get_document(archive, i) for i in ids]


def _check_sealed(row, options: FilingOptions) -> None:
    if row.status == CaseStatus.ARCHIVED and not options.supplement.strip():
        raise TransitionError(f"案件 {row.case_no} 已归档（封卷于 {(row.sealed or row.updated)[:10]}），不再归入文件；"
                              "确需补充的，请用 --supplement 说明原因（补充件编在卷末并留痕）。未归档任何文件。")
    if row.status != CaseStatus.ARCHIVED and options.supplement:
        raise UsageError(f"案件 {row.case_no} 尚未归档，无需 --supplement")


def _file_locked(archive: Archive, case_no: str, filings: list[Filing], options: FilingOptions) -> list[int]:
    with archive.write() as conn:
        # Refused before a file is copied, not only when the filing is recorded.
        check(conn, archive.access, "document.filed", case_no, None)
        row = case_row(conn, case_no)
        _check_sealed(row, options)
        _check_duplicates(conn, row.id, filings)
        for form_id in {f.form_id for f in filings}:
            _check_transition(archive, row, form_id, options.signed, options.reason_code)
        placed = _insert_pending(archive, conn, row, filings)
    ids = [doc_id for doc_id, _ in placed]
    crash_point("store.pending")
    try:
        for (doc_id, rel), f in zip(placed, filings, strict=True):
            _place(archive, doc_id, f.source, rel)
            crash_point("store.placed")
        _commit(archive, case_no, ids, filings, options)
    except OSError as exc:
        _roll_back_interrupted(archive)
        raise storage_error(exc, archive.root.path) from exc
    except BaseException:
        # Placed copies are removed again (which also frees the room a full disk needs to roll back).
        _roll_back_interrupted(archive)
        raise
    crash_point("store.committed")
    return ids


def _commit(archive: Archive, case_no: str, ids: list[int], filings: list[Filing], options: FilingOptions) -> None:
    """Mark the placed rows filed with their events, index work and the step they prove, in one transaction."""
    with archive.write() as conn:
        row = case_row(conn, case_no)
        for doc_id, f in zip(ids, filings, strict=True):
            conn.execute(documents.update().where(documents.c.id == doc_id).values(state=DocState.FILED))
            filed = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
            events.append(conn, archive.actor, "document.filed", case_no=case_no, doc_id=doc_id,
                          item_no=filed.item_no, title=f.title, category=f.category.name, form=f.form_id,
                          kind=f.kind, sha256=f.sha256, source=f.source_name, source_bytes=f.source_bytes,
                          record=document_record(filed))
        outbox.enqueue(conn, ids)
        if options.scan_part:
            scans.record(conn, options.scan_part, doc_id=ids[0])
        if options.supplement:
            _supplement(archive, conn, row, ids, options.supplement)
            return
        forms_filed = {f.form_id: doc_id for doc_id, f in zip(ids, filings, strict=True) if f.form_id}
        for form_id, doc_id in forms_filed.items():
            if _transition(archive, conn, row, form_id, options.signed, options.reason_code, doc_id):
                row = case_row(conn, case_no)


def _supplement(archive: Archive, conn: Connection, row, ids: list[int], reason: str) -> None:
    """Number what a 补充 adds to a sealed case after its items, and log why; the case stays sealed."""
    item_nos = conn.execute(select(documents.c.item_no).where(documents.c.id.in_(ids))).scalars().all()
    numbered = number_supplement(conn, archive, row.id, list(item_nos), seal_year(conn, row.id), row.retention)
    events.append(conn, archive.actor, "case.supplemented", case_no=row.case_no, reason=reason,
                  references=[[i, n, r] for i, n, r in numbered])


def leftovers(archive: Archive, doc_id: int, rel: str) -> list[Path]:
    """Where an interrupted filing of this row may have left a copy."""
    return [archive.root.staging_dir / f"{doc_id}.part", archive.root.path / rel]


def _remove(path: Path) -> str | None:
    """Remove a leftover copy; return why it could not be (a name too long to exist was never written)."""
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return None if exc.errno == errno.ENAMETOOLONG else f"{path}：{exc.strerror}"
    return None


def _record_stuck(archive: Archive, conn: Connection, doc_id: int, why: list[str]) -> None:
    known = conn.execute(select(events_table.c.seq).where(
        events_table.c.action == STUCK, events_table.c.doc_id == doc_id).limit(1)).first()
    if known is None:
        events.append(conn, archive.actor, STUCK, doc_id=doc_id, reason="；".join(why))
    log.warning("中断的归档无法回滚（%s），该记录保留待处理：请运行 daiban verify 查看", "；".join(why))


def _roll_back_interrupted(archive: Archive) -> None:
    """Undo filings a crash interrupted (caller holds the store lock): remove their copies and rows.

    It always finishes: a copy that cannot be removed keeps its row pending (verify reports it)
    instead of blocking every later filing.
    """
    undone = []
    with archive.write() as conn:
        pending = conn.execute(select(documents.c.id, documents.c.path)
                               .where(documents.c.state == DocState.PENDING)).all()
        for doc_id, rel in pending:
            why = [problem for path in leftovers(archive, doc_id, rel) if (problem := _remove(path))]
            if why:
                _record_stuck(archive, conn, doc_id, why)
                continue
            conn.execute(documents.delete().where(documents.c.id == doc_id))
            undone.append(rel)
        # Items opened by the filings rolled back hold no file any more.
        conn.execute(items.delete().where(~exists().where(documents.c.case_id == items.c.case_id,
                                                          documents.c.item_no == items.c.item_no)))
        if undone:
            events.append(conn, archive.actor, "store.recovered", rolled_back=undone)


def withdraw(archive: Archive, case_no: str, item_no: int, reason: str) -> list[FiledDocument]:
    """Withdraw an item (撤回) with all its renditions: kept on disk and in the catalog, logged, no longer current."""
    with archive.write() as conn:
        row = case_row(conn, case_no)
        files = conn.execute(select(documents).where(
            documents.c.case_id == row.id, documents.c.item_no == item_no,
            documents.c.state != DocState.PENDING).order_by(documents.c.id)).all()
        if not files:
            raise NotFoundError(f"案件 {case_no} 中没有件号 {item_no:04d}")
        current = [f for f in files if f.state == DocState.FILED]
        if not current:
            raise UsageError(f"件号 {item_no:04d} 已撤回")
        for doc in current:
            conn.execute(documents.update().where(documents.c.id == doc.id)
                         .values(state=DocState.WITHDRAWN, withdrawn_reason=reason))
            events.append(conn, archive.actor, "document.withdrawn", case_no=case_no, doc_id=doc.id,
                          item_no=item_no, reason=reason)
        outbox.enqueue(conn, [doc.id for doc in current])
    return [replace(to_document(doc, case_no), state=DocState.WITHDRAWN) for doc in current]
