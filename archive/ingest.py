"""Ingest (扫描件入库): OCR a scan, read its forms' QR codes, split a stack, and file each part.

Like paperless-ngx's consumer: check the input, OCR it into a PDF/A, identify
it, then file it as the signed copy of the right form — or queue it for a
person with the best guesses, or refuse it with the reason. The original is
kept beside the PDF/A, never modified.
"""

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from sqlalchemy import select

from archive import review
from archive.batchsplit import Segment, split_pages
from archive.cases import case_row
from archive.db import cases, documents
from archive.errors import DaibanError, DuplicateError, NotFoundError, TransitionError, UsageError
from archive.fileinfo import sha256_of
from archive.guess import guess_cases
from archive.ocr import OcrResult, ocr_to_pdfa
from archive.qrscan import find_identities
from archive.session import Archive
from archive.store import FilingRequest, file_documents, locate
from docgen.identity import DocIdentity, parse_identity

SCAN_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
FILED, REVIEW, DUPLICATE, FAILED = "filed", "review", "duplicate", "failed"
OUTCOME_LABELS = {FILED: "已归档", REVIEW: "待审核", DUPLICATE: "重复", FAILED: "失败"}
QR_DPI = 150

Progress = Callable[[str, float, float | None], None]


@dataclass
class Outcome:
    """What became of one scan, or of one form of a scanned stack."""

    source: str
    status: str
    message: str
    pages: list[int] = field(default_factory=list)
    case_no: str | None = None
    form_id: str | None = None
    identity: str | None = None
    doc_ids: list[int] = field(default_factory=list)
    review_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Target:
    """Where the user said the scan belongs (--case, --form, --category)."""

    case_no: str | None = None
    form_id: str | None = None
    category: str | None = None


def expand(paths: list[Path]) -> list[Path]:
    """Files to ingest: the given files, and the scans inside given folders, in name order."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and is_scan(p))
        else:
            found.append(path)
    return found


def _where(archive: Archive, sha256: str) -> str | None:
    """Describe where these bytes already are: a case's document or a review item."""
    doc = locate(archive, sha256)
    if doc:
        return f"案件 {doc.case_no} 件号 {doc.item_no:04d}（{doc.path}）"
    waiting = review.find_by_sha256(archive, sha256)
    return f"待审核队列 #{waiting.id}" if waiting else None


def _identity(archive: Archive, text: str) -> DocIdentity | None:
    try:
        identity = parse_identity(text)
    except DaibanError:
        return None
    if archive.forms.get(identity.form_id) is None:
        return None
    with archive.engine.connect() as conn:
        try:
            case_row(conn, identity.case_no)
        except NotFoundError:
            return None
    return identity


def _page_codes(archive: Archive, pdf: Path) -> list[list[str]]:
    codes = []
    for page in find_identities(pdf, QR_DPI):
        codes.append([str(i) for t in page.texts if (i := _identity(archive, t)) is not None])
    return codes


def _extract(pdf: Path, pages: list[int], out: Path) -> Path:
    """Write the given 0-based pages of pdf to out, keeping the text layer and PDF/A metadata."""
    with pikepdf.open(pdf) as source:
        if pages == list(range(len(source.pages))):
            shutil.copyfile(pdf, out)
            return out
        with pikepdf.new() as part:
            part.pages.extend(source.pages[i] for i in pages)
            for key in ("/Metadata", "/OutputIntents"):
                if key in source.Root:
                    value = source.Root[key]
                    part.Root[key] = part.copy_foreign(value if value.is_indirect else source.make_indirect(value))
            part.save(out)
    return out


def _generated_doc_id(archive: Archive, identity: DocIdentity) -> int | None:
    with archive.engine.connect() as conn:
        return conn.execute(select(documents.c.id).join(cases).where(
            cases.c.case_no == identity.case_no, documents.c.form_id == identity.form_id,
            documents.c.kind == "generated", documents.c.version == identity.version,
            documents.c.path.like("%.pdf"))).scalar()


def _file_segment(archive: Archive, source: Path, part: Path, text: str, case_no: str, form_id: str | None,
                  category: str | None, identity: DocIdentity | None, with_original: bool) -> list[int]:
    spec = archive.forms.get(form_id) if form_id else None
    title = spec.title if spec else source.stem
    parent = _generated_doc_id(archive, identity) if identity else None
    requests = [FilingRequest(part, category=category, form_id=form_id, text=text, parent_id=parent,
                              kind="signed" if form_id else "upload", title=title)]
    if with_original:
        requests.append(FilingRequest(source, category=category, form_id=form_id, kind="original",
                                      title=f"{title} 原始扫描件", text=""))
    filed = file_documents(archive, case_no, requests, signed=bool(form_id))
    return [d.id for d in filed]


def _to_review(archive: Archive, source: Path, part: Path, text: str, pages: list[int], reason: str,
               consume: bool) -> Outcome:
    guesses = guess_cases(archive, text)
    item = review.add_item(archive, part, source, source.name, len(pages), text, guesses, reason,
                           move_original=consume)
    hint = "；".join(f"{g.case_no}（{g.why}）" for g in guesses) or "无"
    return Outcome(source.name, REVIEW, f"转入待审核 #{item.id}：{reason}。推测：{hint}",
                   [p + 1 for p in pages], review_id=item.id, reason=reason)


def _segments(archive: Archive, ocr: OcrResult, target: Target) -> list[Segment]:
    if target.form_id:
        return [Segment(None, list(range(ocr.pages)))]
    return split_pages(_page_codes(archive, ocr.output))


def _route(archive: Archive, segment: Segment, target: Target) -> tuple[str | None, str | None, DocIdentity | None]:
    """Decide case and form of a segment: its code, completed or overridden by --case/--form."""
    identity = parse_identity(segment.identity) if segment.identity else None
    case_no = target.case_no or (identity.case_no if identity else None)
    form_id = target.form_id or (identity.form_id if identity else None)
    if identity and (identity.case_no, identity.form_id) != (case_no, form_id):
        identity = None
    return case_no, form_id, identity


def _handle_segment(archive: Archive, source: Path, ocr: OcrResult, segment: Segment, target: Target,
                    work: Path, index: int, originals: set[str], consume: bool) -> Outcome:
    pages = [p + 1 for p in segment.pages]
    # Named after the scan and its pages: the catalog records this as the document's source.
    part = _extract(ocr.output, segment.pages, work / f"{source.stem} 第{pages[0]}-{pages[-1]}页.pdf")
    text = "\n\n".join(ocr.texts[p] for p in segment.pages if ocr.texts[p])
    case_no, form_id, identity = _route(archive, segment, target)
    if case_no is None or (form_id is None and target.category is None):
        reason = "首页前无二维码的页面" if index == 0 and len(ocr.texts) > len(segment.pages) else "未识别到本系统表单二维码"
        return _to_review(archive, source, part, text, segment.pages, reason, consume and index == 0)
    try:
        ids = _file_segment(archive, source, part, text, case_no, form_id, target.category, identity,
                            with_original=case_no not in originals)
    except (TransitionError, NotFoundError, UsageError) as exc:
        return _to_review(archive, source, part, text, segment.pages, exc.message, consume and index == 0)
    except DuplicateError as exc:
        return Outcome(source.name, DUPLICATE, exc.message, pages, case_no, form_id)
    originals.add(case_no)
    label = f"《{archive.forms.get(form_id).title}》签署件" if form_id else target.category
    return Outcome(source.name, FILED, f"归入 {case_no}：{label}（第 {pages[0]}–{pages[-1]} 页）", pages,
                   case_no, form_id, str(identity) if identity else None, ids)


def ingest_file(archive: Archive, source: Path, target: Target = Target(), consume: bool = False,
                progress: Progress | None = None) -> list[Outcome]:
    """Ingest one scan (maybe a stack of several forms); never raises for bad input, reports it."""
    try:
        sha256 = sha256_of(source) if source.is_file() else None
    except OSError as exc:
        return [_failed(archive, source, "unreadable", f"{source}：无法读取（{exc.strerror}）", consume)]
    if sha256 and (where := _where(archive, sha256)):
        if consume:
            review.fail_input(archive, source, "duplicate", f"重复文件，已存于{where}", move=True)
        return [Outcome(source.name, DUPLICATE, f"{source}：重复文件，已存于{where}", reason="duplicate")]
    with tempfile.TemporaryDirectory(prefix="daiban-ingest-", dir=archive.root.staging_dir) as tmp:
        work = Path(tmp)
        try:
            ocr = ocr_to_pdfa(source, work / "ocr.pdf", archive.settings.ocr, archive.settings.ocr_timeout,
                              progress=progress)
        except DaibanError as exc:
            code = str(getattr(exc, "reason", "failed"))
            return [_failed(archive, source, code, exc.message, consume)]
        originals: set[str] = set()
        outcomes = [_handle_segment(archive, source, ocr, seg, target, work, i, originals, consume)
                    for i, seg in enumerate(_segments(archive, ocr, target))]
    if consume and source.exists() and not any(o.status == REVIEW for o in outcomes):
        source.unlink()
    return outcomes


def _failed(archive: Archive, source: Path, code: str, message: str, consume: bool) -> Outcome:
    review.fail_input(archive, source, code, message, move=consume)
    return Outcome(source.name, FAILED, message, reason=code)


def check_target(archive: Archive, target: Target) -> None:
    """Refuse an unknown --case or --form before any file is touched."""
    if target.form_id and archive.forms.get(target.form_id) is None:
        raise NotFoundError(f"未知的表单编号“{target.form_id}”（用 daiban forms list 查看）")
    if target.form_id and not target.case_no:
        raise UsageError("--form 须与 --case 一起使用")
    if target.case_no:
        with archive.engine.connect() as conn:
            case_row(conn, target.case_no)


def summarize(outcomes: list[Outcome]) -> str:
    """One line counting outcomes by status, in Chinese."""
    counts = {s: sum(o.status == s for o in outcomes) for s in OUTCOME_LABELS}
    return "，".join(f"{OUTCOME_LABELS[s]} {n}" for s, n in counts.items())


def is_scan(path: Path) -> bool:
    """Tell whether a file name looks like something ingest takes."""
    return path.suffix.lower() in SCAN_SUFFIXES and not re.match(r"^[.~]", path.name)
