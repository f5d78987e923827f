"""The review queue (待审核): scans nobody could identify wait here with best guesses until a person files them.

Each item is a folder `review/<id> <name>/` holding the OCR'd PDF and the
untouched original; refused inputs go to `review/failed/` with the reason.
"""

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from archive import events
from archive.db import review
from archive.errors import NotFoundError, UsageError
from archive.fileinfo import sha256_of
from archive.guess import Guess
from archive.session import Archive
from archive.store import FiledDocument, FilingRequest, file_documents, locate

WAITING, FILED, REJECTED = "waiting", "filed", "rejected"
STATE_LABELS = {WAITING: "待审核", FILED: "已归档", REJECTED: "已退回"}


@dataclass(frozen=True)
class ReviewItem:
    """One scan waiting for a person, with what daiban guessed about it."""

    id: int
    source_name: str
    original: str
    pdf: str | None
    sha256: str
    pages: int | None
    text: str
    guesses: list[Guess]
    state: str
    reason: str | None
    created: str


def _item(row) -> ReviewItem:
    guesses = [Guess(**g) for g in json.loads(row.guesses)]
    return ReviewItem(row.id, row.source_name, row.original, row.pdf, row.sha256, row.pages,
                      row.text, guesses, row.state, row.reason, row.created)


def _copy_into(source: Path, target: Path, move: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if move:
        shutil.move(source, target)
    else:
        shutil.copy2(source, target)


def add_item(archive: Archive, pdf: Path, original: Path, source_name: str, pages: int | None,
             text: str, guesses: list[Guess], reason: str, move_original: bool) -> ReviewItem:
    """Put a scan (its OCR'd PDF and the original) into the queue."""
    with archive.write() as conn:
        review_id = conn.execute(review.insert().values(
            source_name=source_name, original="", pdf=None, sha256=sha256_of(original),
            size=original.stat().st_size, pages=pages, text=text,
            guesses=json.dumps([g.__dict__ for g in guesses], ensure_ascii=False),
            state=WAITING, reason=reason, created=events.now(),
        )).inserted_primary_key[0]
        folder = archive.root.review_dir / f"{review_id:05d} {Path(source_name).stem}"
        kept_original = folder / f"原件{original.suffix.lower()}"
        kept_pdf = folder / "识别结果.pdf"
        _copy_into(pdf, kept_pdf, move=True)
        _copy_into(original, kept_original, move=move_original)
        rel = archive.root.path
        conn.execute(review.update().where(review.c.id == review_id).values(
            original=kept_original.relative_to(rel).as_posix(), pdf=kept_pdf.relative_to(rel).as_posix()))
        events.append(conn, archive.actor, "review.added", review_id=review_id, source=source_name,
                      reason=reason, guesses=[g.case_no for g in guesses])
    return get_item(archive, review_id)


def get_item(archive: Archive, review_id: int) -> ReviewItem:
    """Return one queue item."""
    with archive.engine.connect() as conn:
        row = conn.execute(select(review).where(review.c.id == review_id)).first()
    if row is None:
        raise NotFoundError(f"待审核队列中没有编号 {review_id}")
    return _item(row)


def list_items(archive: Archive, state: str | None = WAITING) -> list[ReviewItem]:
    """Return queue items, oldest first (all states when state is None)."""
    query = select(review).order_by(review.c.id)
    if state:
        query = query.where(review.c.state == state)
    with archive.engine.connect() as conn:
        return [_item(r) for r in conn.execute(query)]


def find_by_sha256(archive: Archive, sha256: str) -> ReviewItem | None:
    """Return the waiting item holding these bytes, if any."""
    with archive.engine.connect() as conn:
        row = conn.execute(select(review).where(review.c.sha256 == sha256,
                                                review.c.state == WAITING)).first()
    return _item(row) if row else None


def _waiting(archive: Archive, review_id: int) -> ReviewItem:
    item = get_item(archive, review_id)
    if item.state != WAITING:
        raise UsageError(f"待审核项 {review_id} 已{STATE_LABELS[item.state]}，不能再处理")
    return item


def file_item(archive: Archive, review_id: int, case_no: str, form_id: str | None = None,
              category: str | None = None) -> list[FiledDocument]:
    """File a queue item into a case: as the signed copy of a form, or under a category."""
    item = _waiting(archive, review_id)
    if not form_id and not category:
        raise UsageError("请用 --form 指明是哪张表单的签署件，或用 --category 指定档案类别")
    spec = archive.forms.get(form_id) if form_id else None
    if form_id and spec is None:
        raise NotFoundError(f"未知的表单编号“{form_id}”（用 daiban forms list 查看）")
    root = archive.root.path
    title = spec.title if spec else Path(item.source_name).stem
    scan = FilingRequest(root / item.pdf, category=category, form_id=form_id, text=item.text,
                         kind="signed" if form_id else "upload", title=None if form_id else title)
    original = FilingRequest(root / item.original, category=category, form_id=form_id, kind="original",
                             title=f"{title} 原始扫描件",
                             text="")
    requests = [scan] if locate(archive, item.sha256, case_no) else [scan, original]
    filed = file_documents(archive, case_no, requests, signed=bool(form_id))
    with archive.write() as conn:
        conn.execute(review.update().where(review.c.id == review_id).values(
            state=FILED, resolved=events.now(), doc_id=filed[0].id))
        events.append(conn, archive.actor, "review.filed", case_no=case_no, doc_id=filed[0].id,
                      review_id=review_id, form=form_id)
    shutil.rmtree(root / Path(item.pdf).parent, ignore_errors=True)
    return filed


def reject_item(archive: Archive, review_id: int, reason: str) -> ReviewItem:
    """Send a queue item back (not a document of any case); its files move to review/rejected/."""
    if not reason.strip():
        raise UsageError("退回须说明原因（--reason）")
    item = _waiting(archive, review_id)
    folder = archive.root.path / Path(item.pdf).parent
    target = archive.root.review_dir / "rejected" / folder.name
    with archive.write() as conn:
        conn.execute(review.update().where(review.c.id == review_id).values(
            state=REJECTED, resolved=events.now(), reason=reason))
        events.append(conn, archive.actor, "review.rejected", review_id=review_id, reason=reason)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(folder, target)
    return get_item(archive, review_id)


def fail_input(archive: Archive, source: Path, reason_code: str, message: str, move: bool) -> Path:
    """Keep a refused input in review/failed/ beside a note of why; the archive is otherwise untouched."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = archive.root.review_dir / "failed" / f"{stamp} {source.name}"
    if source.is_file():
        _copy_into(source, target, move=move)
    note = target.with_name(target.name + ".reason.txt")
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(f"文件：{source}\n原因代码：{reason_code}\n说明：{message}\n时间：{events.now()}\n",
                    encoding="utf-8")
    return target
