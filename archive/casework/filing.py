"""Filing services: check files by their bytes, describe them for the catalog, file them, keep the index current.

Every path into a case file (the `file` command, generated forms, ingested scans,
the review queue) comes through file_documents, so the same checks apply to all.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive.base.errors import UsageError
from archive.base.terms import CaseStatus, DocKind, category
from archive.base.text import display_name, undecodable_bytes
from archive.casework.values import checked_text
from archive.catalog import store
from archive.catalog.cases import get_case
from archive.catalog.documents import FiledDocument, form_item
from archive.catalog.meetings import attach_items, get_meeting
from archive.catalog.scans import ScanPart
from archive.catalog.session import Archive
from archive.catalog.store import Filing, FilingOptions
from archive.content.fileinfo import describe_checked, inspect
from archive.content.text import extract_text
from archive.indexing.outbox import run_outbox


@dataclass(frozen=True)
class FilingRequest:
    """One file to be filed and what is known of it (anything left None is derived)."""

    path: Path
    category: str | None = None
    title: str | None = None
    form_id: str | None = None
    kind: DocKind | None = None
    version: int | None = None
    doc_no: str = ""
    author: str = ""
    doc_date: date | None = None
    parent_id: int | None = None
    text: str | None = None
    checked_at_intake: bool = False
    warnings: tuple[str, ...] = ()
    # The 件 it is a rendition of (see store.Filing); a signed copy of a form finds its own.
    item_no: int | None = None
    with_previous: bool = False


@dataclass(frozen=True)
class FilingResult:
    """The documents filed and the case's status before and after (a signed form may move it)."""

    documents: list[FiledDocument]
    status_before: CaseStatus
    status_after: CaseStatus


def _item_no(archive: Archive, case_no: str, request: FilingRequest, kind: DocKind) -> int | None:
    if request.item_no is not None or request.with_previous or kind != DocKind.SIGNED or not request.form_id:
        return request.item_no
    return form_item(archive, case_no, request.form_id)


def _filing(archive: Archive, case_no: str, request: FilingRequest, signed: bool) -> Filing:
    info = describe_checked(request.path) if request.checked_at_intake else inspect(request.path)
    spec = archive.forms.require(request.form_id) if request.form_id else None
    if request.category is None and spec is None:
        raise UsageError(f"{request.path}：请用 --category 指定档案类别，或用 --form 指定表单")
    cat = category(request.category or spec.category)
    kind = request.kind or (DocKind.SIGNED if signed else DocKind.PHOTO if cat.code == "photo" else DocKind.UPLOAD)
    text = request.text if request.text is not None else extract_text(info.path, info.kind)
    name = display_name(request.path.name)
    return Filing(
        source=request.path, source_name=name, source_bytes=undecodable_bytes(request.path.name),
        file_type=info.kind, sha256=info.sha256, size=info.size, pages=info.pages,
        category=cat, title=request.title or (spec.title if spec else Path(name).stem), kind=kind,
        text=text, form_id=request.form_id, version=request.version, doc_no=request.doc_no,
        author=request.author, doc_date=request.doc_date, parent_id=request.parent_id, warnings=request.warnings,
        item_no=_item_no(archive, case_no, request, kind), with_previous=request.with_previous,
    )


def file_documents(archive: Archive, case_no: str, requests: Sequence[FilingRequest], signed: bool = False,
                   reason_code: int | None = None, scan_part: ScanPart | None = None,
                   supplement: str = "") -> FilingResult:
    """File files into a case, all or nothing; a signed form moves the case; the index follows the commit.
    A sealed case takes files only as a 补充 with its reason."""
    before = get_case(archive, case_no).status
    filings = [_filing(archive, case_no, r, signed) for r in requests]
    options = FilingOptions(signed, reason_code, scan_part, checked_text("补充原因", supplement))
    filed = store.file_documents(archive, case_no, filings, options)
    run_outbox(archive)
    return FilingResult(filed, before, get_case(archive, case_no).status)


def file_paths(archive: Archive, case_no: str, paths: Sequence[Path], *, category: str | None = None,
               title: str | None = None, form_id: str | None = None, signed: bool = False,
               doc_date: date | None = None, doc_no: str = "", author: str = "",
               reason_code: int | None = None, supplement: str = "", meeting_id: int | None = None) -> FilingResult:
    """File files a person hands in (the `file` command): one title for one file, --signed names its form;
    with a meeting, the items filed become part of it (its minutes, photos)."""
    if title and len(paths) > 1:
        raise UsageError("--title 只能用于单个文件")
    for label, value in (("题名", title or ""), ("文号", doc_no), ("责任者", author)):
        checked_text(label, value)
    if signed and not form_id:
        raise UsageError("--signed 须同时用 --form 指明是哪张表单的签署件")
    meeting = get_meeting(archive, meeting_id) if meeting_id is not None else None
    if meeting is not None and meeting.case_no != case_no:
        raise UsageError(f"会议 {meeting.id} 属于案件 {meeting.case_no}，不是 {case_no}")
    requests = [FilingRequest(p, category=category, title=title, form_id=form_id, doc_no=doc_no,
                              author=author, doc_date=doc_date) for p in paths]
    result = file_documents(archive, case_no, requests, signed=signed, reason_code=reason_code,
                            supplement=supplement)
    if meeting is not None:
        attach_items(archive, meeting, sorted({d.item_no for d in result.documents}))
    return result


def withdraw_item(archive: Archive, case_no: str, item_no: int, reason: str) -> list[FiledDocument]:
    """Withdraw an item with its renditions (撤回): kept and logged, no longer current, gone from search."""
    if not checked_text("撤回原因", reason).strip():
        raise UsageError("撤回须说明原因（--reason）")
    withdrawn = store.withdraw(archive, case_no, item_no, reason)
    run_outbox(archive)
    return withdrawn
