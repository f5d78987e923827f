"""Ingest (扫描件入库): OCR a scan, read its forms' QR codes, split a stack, and file each part.

Like paperless-ngx's consumer: check the input, OCR it into a PDF/A, identify
it, then file it as the signed copy of the right form — or queue it for a
person with the best guesses, or refuse it with the reason. The original is
kept beside the PDF/A, never modified.
"""

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from archive.base.errors import AccessError, DaibanError, DuplicateError, NotFoundError, TransitionError, UsageError
from archive.base.faults import crash_point
from archive.base.terms import DocKind
from archive.base.text import display_name, readable
from archive.casework.filing import FilingRequest, file_documents
from archive.catalog import review as queue
from archive.catalog import scans
from archive.catalog.cases import get_case
from archive.catalog.documents import form_item, generated_pdf_id, get_document, locate
from archive.catalog.scans import HandledPart, ScanPart, record_alone
from archive.catalog.session import Archive
from archive.content.fileinfo import sha256_of
from archive.dataroot.folders import NAME_BYTES, safe_name
from archive.intake.identify import evidence, route, segments
from archive.intake.ocr import OcrResult, ocr_to_pdfa
from archive.intake.outcomes import IngestProgress, IngestReport, IngestStatus, Outcome, Target, pages_text
from archive.intake.review import fail_input, file_item, send_to_review
from archive.intake.scaninput import Reason, ScanInputError, scanned_pages
from archive.intake.stacksplit import Segment
from docgen.identity import DocIdentity

log = logging.getLogger("daiban")
SCAN_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


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
    waiting = queue.find_by_sha256(archive, sha256)
    if waiting is None:
        return None
    return (f"待审核队列 #{waiting.id}（用 daiban review file {waiting.id} 案件编号 --form 表单编号"
            " 或 --category 类别 归档）")


def _from_queue(archive: Archive, name: str, sha256: str, target: Target) -> Outcome | None:
    """A scan already waiting in review, ingested again naming its case and form: file it from the queue."""
    waiting = queue.find_by_sha256(archive, sha256)
    if waiting is None or not target.case_no or not (target.form_id or target.category):
        return None
    try:
        filed = file_item(archive, waiting.id, target.case_no, target.form_id, target.category)
    except DaibanError as exc:
        return Outcome(name, IngestStatus.REVIEW, f"仍在待审核 #{waiting.id}：{exc.message}", review_id=waiting.id,
                       reason=exc.message)
    label = f"《{archive.forms.require(target.form_id).title}》签署件" if target.form_id else target.category
    return Outcome(name, IngestStatus.FILED, f"由待审核 #{waiting.id} 归入 {target.case_no}：{label}",
                   case_no=target.case_no, form_id=target.form_id, doc_ids=[d.id for d in filed],
                   review_id=waiting.id)


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


def _file_segment(archive: Archive, scan: "_Scan", part: Path, text: str, case_no: str, form_id: str | None,
                  category: str | None, identity: DocIdentity | None, scan_part: ScanPart,
                  warnings: tuple[str, ...]) -> list[int]:
    spec = archive.forms.get(form_id) if form_id else None
    title = spec.title if spec else Path(scan.name).stem
    parent = generated_pdf_id(archive, identity.case_no, identity.form_id, identity.version) if identity else None
    item = form_item(archive, identity.case_no, identity.form_id, identity.version) if identity else None
    requests = [FilingRequest(part, category=category, form_id=form_id, text=text, parent_id=parent, item_no=item,
                              kind=DocKind.SIGNED if form_id else DocKind.UPLOAD, title=title, warnings=warnings)]
    # The original scan goes with the first of its parts filed into each case.
    if locate(archive, scan.sha256, case_no) is None:
        requests.append(FilingRequest(scan.source, category=category, form_id=form_id, kind=DocKind.ORIGINAL,
                                      title=f"{title} 原始扫描件", text="", checked_at_intake=True,
                                      with_previous=True, warnings=tuple(w for w in (scan.ocr.scan.notice,) if w)))
    filed = file_documents(archive, case_no, requests, signed=bool(form_id), scan_part=scan_part).documents
    return [d.id for d in filed]


def _to_review(archive: Archive, scan: "_Scan", part: Path, text: str, segment: Segment, reason: str,
               scan_part: ScanPart) -> Outcome:
    warnings = _warnings(scan, segment)
    item = send_to_review(archive, part, scan.source, scan.sha256, len(segment.pages), text, reason, scan_part,
                          warnings)
    hint = "；".join(f"{g.case_no}（{g.why}）" for g in item.guesses) or "无"
    return Outcome(scan.name, IngestStatus.REVIEW, f"转入待审核 #{item.id}：{reason}。推测：{hint}{_noted(warnings)}",
                   [p + 1 for p in segment.pages], review_id=item.id, reason=reason, warnings=list(warnings))


def _warnings(scan: "_Scan", segment: Segment) -> tuple[str, ...]:
    """What a person should know of these pages: a mislabelled file, pages without text, no PDF/A."""
    found = [scan.ocr.scan.notice] if scan.ocr.scan.notice else []
    found += [f.message for f in scan.ocr.soft_failures if f.page - 1 in segment.pages]
    if not scan.ocr.pdfa:
        found.append("识别结果不是 PDF/A（无法无损转换，已保存为普通 PDF）")
    return tuple(found)


def _noted(warnings: tuple[str, ...]) -> str:
    return f"（注意：{'；'.join(warnings)}）" if warnings else ""


@dataclass(frozen=True)
class _Scan:
    source: Path
    name: str
    sha256: str
    ocr: OcrResult
    scanned: list[bool]
    work: Path


def _handle_segment(archive: Archive, scan: _Scan, segment: Segment, target: Target, index: int,
                    scan_part: ScanPart) -> Outcome:
    ocr = scan.ocr
    pages = [p + 1 for p in segment.pages]
    # Named after the scan and its pages: the catalog records this as the document's source.
    stem = safe_name(Path(scan.name).stem, NAME_BYTES)
    part = _extract(ocr.output, segment.pages, scan.work / f"{stem} 第{min(pages)}-{max(pages)}页.pdf")
    text = "\n\n".join(ocr.texts[p] for p in segment.pages if ocr.texts[p])
    case_no, form_id, identity = route(segment, target)
    if segment.problem:
        return _to_review(archive, scan, part, text, segment, segment.problem, scan_part)
    if form_id and not all(scan.scanned[p] for p in segment.pages):
        reason = f"{pages_text(pages)}不是扫描件（电子生成的页面，没有签字的图像），不能作为签署件证明签署"
        return _to_review(archive, scan, part, text, segment, reason, scan_part)
    if case_no is None or (form_id is None and target.category is None):
        before_first_code = index == 0 and len(ocr.texts) > len(segment.pages)
        reason = "首页前无二维码的页面" if before_first_code else "未识别到本系统表单二维码"
        return _to_review(archive, scan, part, text, segment, reason, scan_part)
    warnings = _warnings(scan, segment)
    try:
        ids = _file_segment(archive, scan, part, text, case_no, form_id, target.category, identity, scan_part,
                            warnings)
    except (TransitionError, NotFoundError, UsageError, AccessError) as exc:
        # A code naming a case the uploader may not reach goes to the queue, where an archivist files it.
        return _to_review(archive, scan, part, text, segment, exc.message, scan_part)
    except DuplicateError as exc:
        record_alone(archive, scan_part)
        return Outcome(scan.name, IngestStatus.DUPLICATE, exc.message, pages, case_no, form_id)
    label = f"《{archive.forms.get(form_id).title}》签署件" if form_id else target.category
    where = f"归入 {case_no}：{label}（{pages_text(pages)}）{_noted(warnings)}"
    return Outcome(scan.name, IngestStatus.FILED, where, pages, case_no, form_id,
                   str(identity) if identity else None, ids, warnings=list(warnings))


def _handle_scan(archive: Archive, scan: _Scan, target: Target, done: set[int]) -> list[Outcome]:
    """Handle every part of the scan not handled by an earlier run, each recorded as it is done."""
    found = segments(archive, scan.ocr, target)
    outcomes = []
    for index, segment in enumerate(found):
        pages = [p + 1 for p in segment.pages]
        if index in done:
            outcomes.append(Outcome(scan.name, IngestStatus.DUPLICATE, f"{pages_text(pages)}已于此前入库时处理",
                                    pages))
            continue
        part = ScanPart(scan.sha256, index, len(found), ",".join(map(str, pages)))
        outcomes.append(_handle_segment(archive, scan, segment, target, index, part))
        crash_point("ingest.part_done")
    return outcomes


def failed_outcome(archive: Archive, source: Path, error: DaibanError, consume: bool) -> Outcome:
    """Keep a file that could not be ingested in review/failed/ with the reason, and say so."""
    code = str(getattr(error, "reason", "failed"))
    try:
        fail_input(archive, source, code, error.message, move=consume)
    except OSError as exc:
        log.warning("无法把 %s 移入 review/failed/（%s），文件留在原处", display_name(source.name), exc.strerror)
    return Outcome(display_name(source.name), IngestStatus.FAILED, error.message, reason=code,
                   exit_code=error.exit_code)


def _part_place(archive: Archive, part: HandledPart) -> str:
    if part.doc_id is not None:
        doc = get_document(archive, part.doc_id)
        return f"案件 {doc.case_no} 件号 {doc.item_no:04d}（{doc.path}）"
    return f"待审核队列 #{part.review_id}" if part.review_id is not None else "（与已归档文件相同，未另存）"


def _claims_signature(archive: Archive, ocr: OcrResult, target: Target) -> bool:
    """Whether the file would be taken as signed forms: it names a form, or carries a form's code."""
    return bool(target.form_id) or any(page.identity for page in evidence(archive, ocr))


def _not_a_scan(source: Path) -> ScanInputError:
    return ScanInputError(source, Reason.NOT_A_SCAN,
                          f"{display_name(source.name)}：是电子生成的 PDF（没有扫描图像），不是签字后的扫描件，"
                          "不能证明签署，未归档。请打印签字后扫描；只需存档时请用 daiban file --category … 归档"
                          "（不推进案件）")


def _already_in(archive: Archive, sha256: str, handled: list[HandledPart]) -> str | None:
    """Where a scan already is, if all of it is (a scan some of whose parts are handled is resumed)."""
    if handled:
        complete = len(handled) == handled[0].parts
        return "、".join(_part_place(archive, part) for part in handled) if complete else None
    return _where(archive, sha256)


def ingest_file(archive: Archive, source: Path, target: Target = Target(), consume: bool = False,
                progress: IngestProgress = IngestProgress()) -> list[Outcome]:
    """Ingest one scan (maybe a stack of several forms); never raises for bad input, reports it.

    A scan whose parts were partly handled by a run that was killed is resumed where it stopped.
    """
    name = display_name(source.name)
    try:
        sha256 = sha256_of(source) if source.is_file() else None
    except OSError as exc:
        unreadable = ScanInputError(source, Reason.UNREADABLE, f"{source}：无法读取（{exc.strerror}）")
        return [failed_outcome(archive, source, unreadable, consume)]
    handled = scans.handled(archive, sha256) if sha256 else []
    if sha256 and (queued := _from_queue(archive, name, sha256, target)):
        return [queued]
    if sha256 and (where := _already_in(archive, sha256, handled)):
        if consume:
            fail_input(archive, source, "duplicate", f"重复文件，已存于{where}", move=True)
        return [Outcome(name, IngestStatus.DUPLICATE, f"{source}：重复文件，已存于{where}", reason="duplicate")]
    with archive.root.scratch("ingest") as work:
        try:
            ocr = ocr_to_pdfa(source, work / "ocr.pdf", archive.settings.ocr, archive.settings.ocr_timeout,
                              progress=progress.step)
        except DaibanError as exc:
            return [failed_outcome(archive, source, exc, consume)]
        scan = _Scan(source, name, sha256, ocr, scanned_pages(ocr.output), work)
        if not any(scan.scanned) and _claims_signature(archive, ocr, target):
            return [failed_outcome(archive, source, _not_a_scan(source), consume)]
        outcomes = _handle_scan(archive, scan, target, {h.part for h in handled})
    if consume:
        source.unlink(missing_ok=True)
    return outcomes


def ingest_or_report(archive: Archive, source: Path, target: Target = Target(), consume: bool = False,
                     progress: IngestProgress = IngestProgress()) -> list[Outcome]:
    """Ingest one file; whatever goes wrong is that file's outcome, never the end of a batch or the inbox watch."""
    try:
        return ingest_file(archive, source, target, consume, progress)
    except Exception as exc:  # one file's failure is reported with the file, every later file is still served
        log.exception("处理失败：%s", readable(str(source)))
        error = exc if isinstance(exc, DaibanError) else DaibanError(f"{display_name(source.name)}：处理失败（{exc}）")
        return [failed_outcome(archive, source, error, consume)]


def check_target(archive: Archive, target: Target) -> None:
    """Refuse an unknown --case or --form before any file is touched."""
    if target.form_id:
        archive.forms.require(target.form_id)
    if target.form_id and not target.case_no:
        raise UsageError("--form 须与 --case 一起使用")
    if target.case_no:
        get_case(archive, target.case_no)


def ingest_files(archive: Archive, paths: list[Path], target: Target = Target(),
                 progress: IngestProgress = IngestProgress()) -> IngestReport:
    """Ingest files and the scans inside folders, each to its case and form, or to review, or refused."""
    check_target(archive, target)
    outcomes = []
    files = expand(paths)
    for number, path in enumerate(files, start=1):
        progress.file_started(path, number, len(files))
        found = ingest_or_report(archive, path, target, progress=progress)
        progress.file_done(path, found)
        outcomes += found
    return IngestReport(outcomes)


def is_scan(path: Path) -> bool:
    """Tell whether a file name looks like something ingest takes."""
    return path.suffix.lower() in SCAN_SUFFIXES and not re.match(r"^[.~]", path.name)
