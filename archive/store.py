"""The store (一事一档): filing documents into a case folder, atomically, with versions.

A filing is three steps: (1) catalog rows are committed as *pending*, (2) each
file is copied to .staging, fsync'd and renamed into the case folder, (3) the
rows become *filed* together with their events and the lifecycle step they
prove, in one transaction. A crash leaves pending rows that explain every file
on disk; `recover` rolls them back (the sources were only copied).
"""

import os
import re
import shutil
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from archive import events
from archive.atomicio import fsync_dir
from archive.cases import case_row
from archive.categories import Category, category
from archive.db import cases, documents
from archive.errors import DuplicateError, InputFileError, NotFoundError, TransitionError, UsageError
from archive.faults import crash_point
from archive.fileinfo import FileInfo, inspect
from archive.indexing import refresh
from archive.locks import exclusive
from archive.lifecycle import SUSPEND_REASONS, SUSPENDED, proved_by, refusal
from archive.session import Archive
from archive.textextract import extract_text

PENDING, FILED, WITHDRAWN = "pending", "filed", "withdrawn"
KINDS = ("generated", "signed", "upload", "photo", "original")
KIND_LABELS = {"generated": "生成件", "signed": "签署件", "upload": "上传件", "photo": "照片",
               "original": "原始扫描件"}
IMAGE_KINDS = ("jpeg", "png", "tiff")
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "tiff": ".tif", "docx": ".docx"}


@dataclass(frozen=True)
class FilingRequest:
    """One file to be filed and what it is."""

    path: Path
    category: str | None = None
    title: str | None = None
    form_id: str | None = None
    kind: str | None = None
    version: int | None = None
    doc_no: str = ""
    author: str = ""
    doc_date: date | None = None
    parent_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class FiledDocument:
    """A document in the case file."""

    id: int
    case_no: str
    item_no: int
    category: str
    title: str
    form_id: str | None
    version: int
    kind: str
    doc_no: str
    author: str
    doc_date: str | None
    pages: int | None
    sha256: str
    size: int
    path: str
    state: str
    parent_id: int | None = None


@dataclass(frozen=True)
class _Planned:
    request: FilingRequest
    info: FileInfo
    category: Category
    title: str
    kind: str
    text: str


def _row_to_doc(row, case_no: str) -> FiledDocument:
    return FiledDocument(row.id, case_no, row.item_no, row.category, row.title, row.form_id,
                         row.version, row.kind, row.doc_no, row.author, row.doc_date, row.pages,
                         row.sha256, row.size, row.path, row.state, row.parent_id)


def _safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .")[:80]


def _plan(archive: Archive, request: FilingRequest, signed: bool) -> _Planned:
    info = inspect(request.path)
    spec = None
    if request.form_id:
        spec = archive.forms.get(request.form_id)
        if spec is None:
            raise NotFoundError(f"未知的表单编号“{request.form_id}”（用 daiban forms list 查看）")
    if request.category is None and spec is None:
        raise UsageError(f"{request.path}：请用 --category 指定档案类别，或用 --form 指定表单")
    cat = category(request.category or spec.category)
    kind = request.kind or ("signed" if signed else "photo" if cat.code == "photo" else "upload")
    if kind not in KINDS:
        raise UsageError(f"未知的文件性质“{kind}”，应为：{'、'.join(KINDS)}")
    title = request.title or (spec.title if spec else request.path.stem)
    text = request.text if request.text is not None else extract_text(info.path, info.kind)
    return _Planned(request, info, cat, title, kind, text)


def _check_duplicates(conn: Connection, case_id: int, planned: list[_Planned]) -> None:
    seen: dict[str, Path] = {}
    problems = []
    for p in planned:
        if p.info.sha256 in seen:
            problems.append(f"{p.info.path}：与同批的 {seen[p.info.sha256]} 内容完全相同")
            continue
        seen[p.info.sha256] = p.info.path
        existing = conn.execute(select(documents.c.item_no, documents.c.path).where(
            documents.c.case_id == case_id, documents.c.sha256 == p.info.sha256,
            documents.c.state != WITHDRAWN)).first()
        if existing:
            problems.append(f"{p.info.path}：重复文件，本案已存有相同内容（件号 {existing.item_no:04d}：{existing.path}）")
    if problems:
        raise DuplicateError("未归档，发现重复：\n  " + "\n  ".join(problems))


def _next_version(conn: Connection, case_id: int, form_id: str, kind: str, ext: str) -> int:
    current = conn.execute(select(func.max(documents.c.version)).where(
        documents.c.case_id == case_id, documents.c.form_id == form_id, documents.c.kind == kind,
        documents.c.path.like(f"%{ext}"), documents.c.state != WITHDRAWN)).scalar()
    return (current or 0) + 1


def next_form_version(archive: Archive, case_no: str, form_id: str, kind: str = "generated") -> int:
    """Return the version number the next copy of this form gets (withdrawn ones count: QR codes never repeat)."""
    with archive.engine.connect() as conn:
        case_id = case_row(conn, case_no).id
        current = conn.execute(select(func.max(documents.c.version)).where(
            documents.c.case_id == case_id, documents.c.form_id == form_id,
            documents.c.kind == kind)).scalar()
    return (current or 0) + 1


def _insert_pending(archive: Archive, conn: Connection, row, planned: list[_Planned]) -> list[tuple[int, str]]:
    """Insert pending rows; return each one's id and path relative to the root."""
    item = conn.execute(select(func.max(documents.c.item_no)).where(
        documents.c.case_id == row.id)).scalar() or 0
    placed = []
    for p in planned:
        item += 1
        ext = EXTENSIONS.get(p.info.kind, p.request.path.suffix.lower())
        version = p.request.version or (
            _next_version(conn, row.id, p.request.form_id, p.kind, ext) if p.request.form_id else 1)
        suffix = (f" v{version}" if p.request.form_id else "") + (" 签署件" if p.kind == "signed" else "")
        rel = f"{row.folder}/{p.category.folder}/{item:04d} {_safe(p.title)}{suffix}{ext}"
        doc_id = conn.execute(documents.insert().values(
            case_id=row.id, item_no=item, category=p.category.name, title=p.title,
            form_id=p.request.form_id, version=version, kind=p.kind, doc_no=p.request.doc_no,
            author=p.request.author, doc_date=p.request.doc_date.isoformat() if p.request.doc_date else None,
            pages=p.info.pages, sha256=p.info.sha256, size=p.info.size, path=rel,
            source_name=p.request.path.name, text=p.text, stage=row.status, state=PENDING,
            parent_id=p.request.parent_id, filed=events.now(), actor=archive.actor,
        )).inserted_primary_key[0]
        placed.append((doc_id, rel))
    return placed



def _place(archive: Archive, doc_id: int, source: Path, rel: str) -> None:
    staged = archive.root.staging_dir / f"{doc_id}.part"
    staged.parent.mkdir(parents=True, exist_ok=True)
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
                reason_code: int | None, doc_id: int) -> str | None:
    step = proved_by(form_id, signed, row.status)
    if step is None:
        return None
    values = {"status": step.target, "updated": events.now()}
    if step.target == SUSPENDED:
        values |= {"suspend_code": reason_code, "suspend_reason": SUSPEND_REASONS[reason_code]}
    conn.execute(cases.update().where(cases.c.id == row.id).values(**values))
    events.append(conn, archive.actor, "case.status", case_no=row.case_no, doc_id=doc_id,
                  old=row.status, new=step.target, proof=form_id, reason_code=reason_code)
    return step.target


def _check_transition(archive: Archive, row, form_id: str | None, signed: bool,
                      reason_code: int | None) -> None:
    if not form_id:
        return
    spec = archive.forms.get(form_id)
    if signed and (why := refusal(form_id, signed, row.status, spec.title)):
        raise TransitionError(f"案件 {row.case_no}：{why}。未归档任何文件。")
    step = proved_by(form_id, signed, row.status)
    if step and step.target == SUSPENDED and reason_code not in SUSPEND_REASONS:
        reasons = "\n  ".join(f"{k}. {v}" for k, v in SUSPEND_REASONS.items())
        raise UsageError(f"中止须注明中止情形（--reason 1-7）：\n  {reasons}")


def _store_lock(archive: Archive):
    return exclusive(archive.root.store_lock)


def file_documents(archive: Archive, case_no: str, requests: list[FilingRequest],
                   signed: bool = False, reason_code: int | None = None) -> list[FiledDocument]:
    """File files into a case; all or nothing; fires the lifecycle step a signed form proves."""
    planned = [_plan(archive, r, signed) for r in requests]
    with _store_lock(archive):
        _recover_unlocked(archive)
        ids = _file_locked(archive, case_no, planned, signed, reason_code)
    refresh(archive, ids)
    return [get_document(archive, i) for i in ids]


def _file_locked(archive: Archive, case_no: str, planned: list[_Planned], signed: bool,
                 reason_code: int | None) -> list[int]:
    with archive.write() as conn:
        row = case_row(conn, case_no)
        _check_duplicates(conn, row.id, planned)
        for form_id in {p.request.form_id for p in planned}:
            _check_transition(archive, row, form_id, signed, reason_code)
        placed = _insert_pending(archive, conn, row, planned)
    ids = [doc_id for doc_id, _ in placed]
    crash_point("store.pending")
    try:
        for (doc_id, rel), p in zip(placed, planned):
            _place(archive, doc_id, p.info.path, rel)
            crash_point("store.placed")
    except BaseException:
        _recover_unlocked(archive)
        raise
    with archive.write() as conn:
        row = case_row(conn, case_no)
        for doc_id, p in zip(ids, planned):
            conn.execute(documents.update().where(documents.c.id == doc_id).values(state=FILED))
            events.append(conn, archive.actor, "document.filed", case_no=case_no, doc_id=doc_id,
                          title=p.title, category=p.category.name, form=p.request.form_id,
                          kind=p.kind, sha256=p.info.sha256, source=p.request.path.name)
        forms_filed = {p.request.form_id: doc_id for doc_id, p in zip(ids, planned) if p.request.form_id}
        for form_id, doc_id in forms_filed.items():
            if _transition(archive, conn, row, form_id, signed, reason_code, doc_id):
                row = case_row(conn, case_no)
    crash_point("store.committed")
    return ids


def recover(archive: Archive) -> list[str]:
    """Roll back filings a crash interrupted: remove their copies and pending rows."""
    with _store_lock(archive):
        return _recover_unlocked(archive)


def _recover_unlocked(archive: Archive) -> list[str]:
    undone = []
    with archive.write() as conn:
        pending = conn.execute(select(documents.c.id, documents.c.path, documents.c.case_id)
                               .where(documents.c.state == PENDING)).all()
        for doc_id, rel, _case_id in pending:
            for leftover in (archive.root.staging_dir / f"{doc_id}.part", archive.root.path / rel):
                leftover.unlink(missing_ok=True)
            conn.execute(documents.delete().where(documents.c.id == doc_id))
            undone.append(rel)
        if undone:
            events.append(conn, archive.actor, "store.recovered", rolled_back=undone)
    return undone


def get_document(archive: Archive, doc_id: int) -> FiledDocument:
    """Return one document by id."""
    with archive.engine.connect() as conn:
        row = conn.execute(select(documents, cases.c.case_no).join(cases).where(
            documents.c.id == doc_id)).first()
    if row is None:
        raise NotFoundError(f"文件不存在：#{doc_id}")
    return _row_to_doc(row, row.case_no)


def locate(archive: Archive, sha256: str, case_no: str | None = None) -> FiledDocument | None:
    """Return a current document holding these bytes (in one case, or anywhere), if any."""
    query = select(documents, cases.c.case_no).join(cases).where(
        documents.c.sha256 == sha256, documents.c.state == FILED)
    if case_no:
        query = query.where(cases.c.case_no == case_no)
    with archive.engine.connect() as conn:
        row = conn.execute(query.order_by(documents.c.id).limit(1)).first()
    return _row_to_doc(row, row.case_no) if row else None


def case_documents(archive: Archive, case_no: str, include_withdrawn: bool = True) -> list[FiledDocument]:
    """Return a case's filed documents in 件号 order."""
    with archive.engine.connect() as conn:
        row = case_row(conn, case_no)
        query = select(documents).where(documents.c.case_id == row.id,
                                        documents.c.state != PENDING)
        if not include_withdrawn:
            query = query.where(documents.c.state == FILED)
        rows = conn.execute(query.order_by(documents.c.item_no)).all()
    return [_row_to_doc(r, case_no) for r in rows]


def withdraw(archive: Archive, case_no: str, item_no: int, reason: str) -> FiledDocument:
    """Mark a document withdrawn (撤回): kept on disk and in the catalog, logged, no longer current."""
    with archive.write() as conn:
        row = case_row(conn, case_no)
        doc = conn.execute(select(documents).where(and_(
            documents.c.case_id == row.id, documents.c.item_no == item_no))).first()
        if doc is None or doc.state == PENDING:
            raise NotFoundError(f"案件 {case_no} 中没有件号 {item_no:04d}")
        if doc.state == WITHDRAWN:
            raise UsageError(f"件号 {item_no:04d} 已撤回")
        conn.execute(documents.update().where(documents.c.id == doc.id)
                     .values(state=WITHDRAWN, withdrawn_reason=reason))
        events.append(conn, archive.actor, "document.withdrawn", case_no=case_no, doc_id=doc.id,
                      reason=reason)
    refresh(archive, [doc.id])
    return replace(_row_to_doc(doc, case_no), state=WITHDRAWN)
