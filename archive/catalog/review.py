"""The review queue as the catalog keeps it: each waiting scan has a row and a folder `review/<id> <name>/`
holding its OCR'd PDF and the untouched original."""

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import func, select

from archive.base.errors import NotFoundError, UsageError
from archive.base.terms import ReviewState
from archive.catalog import events, outbox, scans
from archive.catalog.scans import ScanPart
from archive.catalog.schema import review
from archive.catalog.session import Archive
from archive.content.fileinfo import sha256_of
from archive.dataroot.folders import NAME_BYTES, safe_name


@dataclass(frozen=True)
class Guess:
    """One candidate case for a scan (and the form version, when its printed identity shows it), with a
    score in [0, 1] and the reason in Chinese."""

    case_no: str
    score: float
    why: str
    identity: str | None = None


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
    state: ReviewState
    reason: str | None
    created: str
    warnings: tuple[str, ...] = ()
    pdf_sha256: str | None = None


@dataclass(frozen=True)
class NewReviewItem:
    """A scan to queue: its OCR'd PDF, the original, and what is known about it."""

    pdf: Path
    original: Path
    source_name: str
    sha256: str
    pages: int | None
    text: str
    guesses: list[Guess]
    reason: str
    warnings: tuple[str, ...] = ()


def _item(row) -> ReviewItem:
    guesses = [Guess(**g) for g in json.loads(row.guesses)]
    return ReviewItem(row.id, row.source_name, row.original, row.pdf, row.sha256, row.pages,
                      row.text, guesses, ReviewState(row.state), row.reason, row.created,
                      tuple(json.loads(row.warnings)), row.pdf_sha256)


def _copy_into(source: Path, target: Path, move: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if move:
        shutil.move(source, target)
    else:
        shutil.copy2(source, target)


def add_item(archive: Archive, new: NewReviewItem, scan_part: ScanPart | None = None) -> ReviewItem:
    """Put a scan into the queue: a row, and its folder holding the OCR'd PDF and a copy of the original.

    A part of a scanned stack is recorded as handled in the same transaction.
    """
    with archive.write() as conn:
        review_id = conn.execute(review.insert().values(
            source_name=new.source_name, original="", pdf=None, sha256=new.sha256,
            size=new.original.stat().st_size, pages=new.pages, text=new.text,
            guesses=json.dumps([asdict(g) for g in new.guesses], ensure_ascii=False),
            state=ReviewState.WAITING, reason=new.reason, created=events.now(),
            warnings=json.dumps(list(new.warnings), ensure_ascii=False),
        )).inserted_primary_key[0]
        folder = archive.root.review_dir / f"{review_id:05d} {safe_name(Path(new.source_name).stem, NAME_BYTES)}"
        kept_original = folder / f"原件{new.original.suffix.lower()}"
        kept_pdf = folder / "识别结果.pdf"
        _copy_into(new.pdf, kept_pdf, move=True)
        _copy_into(new.original, kept_original, move=False)
        rel = archive.root.path
        conn.execute(review.update().where(review.c.id == review_id).values(
            original=kept_original.relative_to(rel).as_posix(), pdf=kept_pdf.relative_to(rel).as_posix(),
            pdf_sha256=sha256_of(kept_pdf)))
        events.append(conn, archive.actor, "review.added", review_id=review_id, source=new.source_name,
                      reason=new.reason, guesses=[g.case_no for g in new.guesses])
        if scan_part:
            scans.record(conn, scan_part, review_id=review_id)
        outbox.enqueue(conn, [outbox.review_key(review_id)])
    return get_item(archive, review_id)


def get_item(archive: Archive, review_id: int) -> ReviewItem:
    """Return one queue item."""
    with archive.read() as conn:
        row = conn.execute(select(review).where(review.c.id == review_id)).first()
    if row is None:
        raise NotFoundError(f"待审核队列中没有编号 {review_id}")
    return _item(row)


def waiting_item(archive: Archive, review_id: int) -> ReviewItem:
    """Return a queue item that still waits for a person, refusing one already handled."""
    item = get_item(archive, review_id)
    if item.state != ReviewState.WAITING:
        raise UsageError(f"待审核项 {review_id} 已{item.state.label}，不能再处理")
    return item


def list_items(archive: Archive, state: ReviewState | None = ReviewState.WAITING) -> list[ReviewItem]:
    """Return queue items, oldest first (all states when state is None)."""
    query = select(review).order_by(review.c.id)
    if state:
        query = query.where(review.c.state == state)
    with archive.read() as conn:
        return [_item(r) for r in conn.execute(query)]


def waiting_count(archive: Archive) -> int:
    """How many scans wait for a person."""
    with archive.read() as conn:
        waiting = select(func.count()).select_from(review).where(review.c.state == ReviewState.WAITING)
        return conn.execute(waiting).scalar()


def waiting_items(archive: Archive, review_ids: list[int] | None = None) -> list[ReviewItem]:
    """The scans waiting for a person (all, or those of these numbers)."""
    query = select(review).where(review.c.state == ReviewState.WAITING).order_by(review.c.id)
    if review_ids is not None:
        query = query.where(review.c.id.in_(review_ids))
    with archive.read() as conn:
        return [_item(r) for r in conn.execute(query)]


def find_by_sha256(archive: Archive, sha256: str) -> ReviewItem | None:
    """Return the waiting item holding these bytes, if any."""
    with archive.read() as conn:
        row = conn.execute(select(review).where(review.c.sha256 == sha256,
                                                review.c.state == ReviewState.WAITING)).first()
    return _item(row) if row else None


def mark_filed(archive: Archive, item: ReviewItem, case_no: str, doc_id: int, form_id: str | None) -> None:
    """Record that a queue item was filed into a case; its folder is no longer needed."""
    with archive.write() as conn:
        conn.execute(review.update().where(review.c.id == item.id).values(
            state=ReviewState.FILED, resolved=events.now(), doc_id=doc_id))
        events.append(conn, archive.actor, "review.filed", case_no=case_no, doc_id=doc_id,
                      review_id=item.id, form=form_id)
        outbox.enqueue(conn, [outbox.review_key(item.id)])
    shutil.rmtree(archive.root.path / Path(item.pdf).parent, ignore_errors=True)


def mark_rejected(archive: Archive, item: ReviewItem, reason: str) -> ReviewItem:
    """Send a queue item back (not a document of any case); its files move to review/rejected/."""
    folder = archive.root.path / Path(item.pdf).parent
    target = archive.root.review_dir / "rejected" / folder.name
    with archive.write() as conn:
        conn.execute(review.update().where(review.c.id == item.id).values(
            state=ReviewState.REJECTED, resolved=events.now(), reason=reason))
        events.append(conn, archive.actor, "review.rejected", review_id=item.id, reason=reason)
        outbox.enqueue(conn, [outbox.review_key(item.id)])
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(folder, target)
    return get_item(archive, item.id)
