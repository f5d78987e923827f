"""The review queue (待审核): scans nobody could identify wait with best guesses until a person files them.

Refused inputs go to `review/failed/` beside a note of the reason; the case
files are never touched by them.
"""

import shutil
from datetime import datetime
from pathlib import Path

from archive.base.errors import NotFoundError, UsageError
from archive.base.terms import DocKind, ReviewState
from archive.base.text import display_name, readable
from archive.casework.filing import FilingRequest, file_documents
from archive.casework.values import checked_text
from archive.catalog import review as queue
from archive.catalog.documents import FiledDocument, locate
from archive.catalog.events import now, record
from archive.catalog.failed import FailedInput, register
from archive.catalog.review import NewReviewItem, ReviewItem
from archive.catalog.scans import ScanPart
from archive.catalog.session import Archive
from archive.content.fileinfo import sha256_of
from archive.dataroot.folders import NAME_BYTES, safe_name
from archive.indexing.outbox import run_outbox
from archive.intake.guess import guess_cases


def send_to_review(archive: Archive, pdf: Path, original: Path, sha256: str, pages: int, text: str, reason: str,
                   scan_part: ScanPart | None = None, warnings: tuple[str, ...] = ()) -> ReviewItem:
    """Queue a scan (its OCR'd PDF and a copy of the original) for a person, with the best guesses of its case."""
    new = NewReviewItem(pdf, original, display_name(original.name), sha256, pages, text, guess_cases(archive, text),
                        reason, warnings)
    item = queue.add_item(archive, new, scan_part)
    run_outbox(archive)
    return item


def list_items(archive: Archive, show_all: bool = False) -> list[ReviewItem]:
    """Return the waiting queue items (or every item ever queued), oldest first (the listing is logged)."""
    items = queue.list_items(archive, None if show_all else ReviewState.WAITING)
    record(archive, "review.listed", all=show_all, hits=len(items))
    return items


def file_item(archive: Archive, review_id: int, case_no: str, form_id: str | None = None,
              category: str | None = None) -> list[FiledDocument]:
    """File a queue item into a case: as the signed copy of a form, or under a category (refused before any
    filing to a user who may not take items out of the queue)."""
    archive.require("review.filed", case_no)
    item = queue.waiting_item(archive, review_id)
    if not form_id and not category:
        raise UsageError("请用 --form 指明是哪张表单的签署件，或用 --category 指定档案类别")
    spec = archive.forms.require(form_id) if form_id else None
    root = archive.root.path
    title = spec.title if spec else Path(item.source_name).stem
    scan = FilingRequest(root / item.pdf, category=category, form_id=form_id, text=item.text,
                         kind=DocKind.SIGNED if form_id else DocKind.UPLOAD, title=None if form_id else title)
    original = FilingRequest(root / item.original, category=category, form_id=form_id, kind=DocKind.ORIGINAL,
                             title=f"{title} 原始扫描件", text="", checked_at_intake=True, with_previous=True)
    requests = [scan] if locate(archive, item.sha256, case_no) else [scan, original]
    filed = file_documents(archive, case_no, requests, signed=bool(form_id)).documents
    queue.mark_filed(archive, item, case_no, filed[0].id, form_id)
    run_outbox(archive)
    return filed


def queue_length(archive: Archive) -> int:
    """How many scans wait in the review queue (for those who may see it)."""
    archive.require("review.listed")
    return queue.waiting_count(archive)


def show_waiting(archive: Archive, review_id: int) -> ReviewItem:
    """One scan still waiting in the queue, for a person to file or send back (the viewing is logged)."""
    archive.require("review.listed")
    item = queue.get_item(archive, review_id)
    if item.state != ReviewState.WAITING:
        raise NotFoundError(f"待审核队列中没有等待处理的编号 {review_id}（可能已归档或已退回）")
    record(archive, "review.listed", review_id=review_id)
    return item


def open_review_pdf(archive: Archive, review_id: int) -> Path:
    """The OCR'd PDF of a waiting queue item, for a person to look at beside the guesses (the opening is logged)."""
    archive.require("review.opened")
    item = queue.get_item(archive, review_id)
    if item.state != ReviewState.WAITING or not item.pdf:
        raise NotFoundError(f"待审核项 {review_id} 已{item.state.label}，其扫描件已不在待审核队列中")
    record(archive, "review.opened", review_id=review_id, source=item.source_name)
    return archive.root.path / item.pdf


def reject_item(archive: Archive, review_id: int, reason: str) -> ReviewItem:
    """Send a queue item back (not a document of any case); its files move to review/rejected/."""
    if not checked_text("退回原因", reason).strip():
        raise UsageError("退回须说明原因（--reason）")
    rejected = queue.mark_rejected(archive, queue.waiting_item(archive, review_id), reason)
    run_outbox(archive)
    return rejected


def fail_input(archive: Archive, source: Path, reason_code: str, message: str, move: bool) -> Path:
    """Keep a refused input in review/failed/ beside a note of why; the archive is otherwise untouched."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    name = display_name(source.name)
    target = archive.root.review_dir / "failed" / f"{stamp} {safe_name(name, NAME_BYTES)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = source.is_file()
    if kept:
        if move:
            shutil.move(source, target)
        else:
            shutil.copy2(source, target)
    note = target.with_name(target.name + ".reason.txt")
    note.write_text(f"文件：{readable(str(source))}\n原因代码：{reason_code}\n说明：{message}\n时间：{now()}\n",
                    encoding="utf-8")
    register(archive, FailedInput(
        (target if kept else note).relative_to(archive.root.path).as_posix(), name,
        sha256_of(target) if kept else None, target.stat().st_size if kept else None, reason_code, message))
    return target
