"""The handover dossier (移交档案) of a case for the enterprise: one PDF volume per GB/T 9705 — 案卷封面, 卷内目录,
every 件 handed over in archival order (the signed copy where there is one, else the generated PDF;
uploaded approvals and licences), stamped with archival page numbers (and 归档章 once sealed), then the
卷内备考表 saying what is in it and what is not, and why."""

import errno
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import img2pdf

from archive.base.atomicio import atomic_output
from archive.base.errors import UsageError
from archive.base.terms import DocKind, DocState
from archive.casework.sealing import archival_order
from archive.catalog import events
from archive.catalog.access import handed_over
from archive.catalog.cases import Case, get_case
from archive.catalog.documents import CaseItem, case_items
from archive.catalog.session import Archive
from archive.content.fileinfo import sha256_of
from archive.outputs.context import FormValues
from archive.outputs.forms import render_unfiled
from archive.outputs.package import DOSSIER_NAME, LIST_NAME, PackedFile, make_package
from docgen.assembly import VolumePart, assemble, page_sizes
from docgen.frontmatter import Cover, Notes, Stamp, TocRow, render_matter, uncovered
from docgen.signature import sign_pdf

log = logging.getLogger("daiban")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
CATEGORY_NAME = "投资项目“全代办”"
# The files handed over as they are, besides the volume: signed copies, uploads, photos.
PACKED_KINDS = (DocKind.SIGNED, DocKind.UPLOAD, DocKind.PHOTO)
# The 备注 of the 卷内目录: which copy of the 件 is in the volume.
TOC_NOTES = {"签署件（正本）": "签署件", "定稿（PDF）": "定稿", "照片": "照片"}


@dataclass(frozen=True)
class DossierEntry:
    """One 件 in the dossier: its numbers, what the 目录 says of it, and where it starts in the volume."""

    seq: int
    item_no: int
    archival_no: int | None
    reference: str | None
    title: str
    doc_no: str
    author: str
    date: str
    rendition: str
    pages: int
    start: int
    path: str


@dataclass(frozen=True)
class Dossier:
    """A built dossier: the volume, its entries, what was left out and why, and its checksum."""

    case_no: str
    pdf: Path
    pages: int
    entries: list[DossierEntry]
    left_out: list[str]
    warnings: list[str]
    sha256: str
    package: Path
    package_sha256: str


@dataclass(frozen=True)
class _Chosen:
    item: CaseItem
    pdf: Path


def _chosen_pdf(archive: Archive, item: CaseItem, work: Path) -> Path | None:
    main = item.main
    source = archive.root.path / main.path
    suffix = source.suffix.lower()
    if suffix == ".pdf":
        return source
    if suffix in IMAGE_SUFFIXES:
        out = work / f"{item.item_no:04d}.pdf"
        out.write_bytes(img2pdf.convert(str(source)))
        return out
    return None


def _choose(archive: Archive, found: list[CaseItem], include_internal: bool,
            work: Path) -> tuple[list[_Chosen], list[CaseItem], list[str]]:
    """The 件 bound into the volume, those handed over only as files (not PDF), and what is left out and why."""
    by_no = {item.item_no: item for item in found}
    chosen, loose, left_out = [], [], []
    for item_no in archival_order(found):
        item = by_no[item_no]
        if not handed_over(item.form_id) and not include_internal:
            left_out.append(f"件号{item_no:04d}《{item.title}》为内部材料，不随卷移交")
            continue
        pdf = _chosen_pdf(archive, item, work)
        if pdf is None:
            # An upload goes into the package as it is; a form rendered without a PDF is not handed over.
            packed = item.main.kind in PACKED_KINDS
            if packed:
                loose.append(item)
            where = "原件在移交包内" if packed else "尚未生成 PDF，请先生成后再移交"
            left_out.append(f"件号{item_no:04d}《{item.title}》为 {Path(item.main.path).suffix} 文件，"
                            f"未并入案卷（{where}）")
            continue
        chosen.append(_Chosen(item, pdf))
    return chosen, loose, left_out


def _author(archive: Archive, case: Case, item: CaseItem) -> str:
    main = item.main
    if main.author:
        return main.author
    return archive.settings.agency.name if main.kind in (DocKind.GENERATED, DocKind.SIGNED) else case.facts.unit


def _entries(archive: Archive, case: Case, chosen: list[_Chosen], counts: list[int]) -> list[DossierEntry]:
    entries, start = [], 1
    for n, (c, pages) in enumerate(zip(chosen, counts, strict=True), start=1):
        main = c.item.main
        # The signed copy carries no 文号 of its own: the 件's is the one its 定稿 was given.
        doc_no = next((f.doc_no for f in c.item.files if f.doc_no), "")
        entries.append(DossierEntry(n, c.item.item_no, c.item.archival_no, c.item.reference, c.item.title, doc_no,
                                    _author(archive, case, c.item), (main.doc_date or main.filed)[:10],
                                    main.rendition, pages, start, main.path))
        start += pages
    return entries


def _toc(entries: list[DossierEntry]) -> list[TocRow]:
    # GB/T 9705: each document's first page; the last one its first and last.
    rows = [TocRow(e.seq, e.doc_no, e.author, e.title, e.date, str(e.start), TOC_NOTES.get(e.rendition, ""))
            for e in entries]
    if entries and entries[-1].pages > 1:
        last = entries[-1]
        rows[-1] = TocRow(last.seq, last.doc_no, last.author, last.title, last.date,
                          f"{last.start}–{last.start + last.pages - 1}", rows[-1].note)
    return rows


def _volume_reference(archive: Archive, entries: list[DossierEntry]) -> str:
    # The cover of a volume (GB/T 9705) carries the volume's 档号: what its items' 档号 share before their
    # own number; under a pattern without a volume number, the range of its items'.
    refs = [e.reference for e in entries if e.reference]
    if not refs:
        return "（未归档，档号待编）"
    volumes = {ref.rpartition("-")[0] for ref in refs}
    if len(volumes) == 1 and "{volume" in archive.settings.reference:
        return volumes.pop()
    return refs[0] if len(refs) == 1 else f"{refs[0]} 至 {refs[-1]}"


def _cover(archive: Archive, case: Case, entries: list[DossierEntry]) -> Cover:
    dates = sorted(e.date for e in entries)
    period = f"{dates[0]} 至 {dates[-1]}" if dates else ""
    return Cover(archive.settings.agency.name, CATEGORY_NAME, case.facts.project_name, case.facts.unit, period,
                 len(entries), sum(e.pages for e in entries), case.retention, _volume_reference(archive, entries))


def _notes(archive: Archive, entries: list[DossierEntry], left_out: list[str], today: date) -> Notes:
    lines = [f"本卷共 {len(entries)} 件，{sum(e.pages for e in entries)} 页；各件以签署件（正本）为准，"
             "无签署件的以生成的定稿 PDF 入卷。"]
    lines += left_out or ["本案现行文件均已入卷。"]
    return Notes(tuple(lines), archive.actor, "", today.isoformat())


def _seal(archive: Archive, case: Case, entry: DossierEntry) -> tuple[tuple[str, str], ...]:
    if not entry.reference:
        return ()
    year = entry.reference.split("·", 1)[-1][:4]
    return (("全宗号", archive.settings.agency.fonds), ("年度", year), ("保管期限", case.retention),
            ("件号", f"{entry.archival_no:04d}"), ("页数", str(entry.pages)))


def _coverage(case_no: str, cover: Cover, rows: list[TocRow], notes: Notes) -> list[str]:
    """Say which characters of the front matter no face can print (fpdf2 falls back per character first)."""
    text = " ".join([*map(str, vars(cover).values()), *(f"{r.doc_no} {r.author} {r.title}" for r in rows),
                     *notes.lines])
    missing = uncovered(text)
    if not missing:
        return []
    warning = f"案件 {case_no} 封面或目录中的字符 {'、'.join(missing)} 没有任何已安装字体可显示，将印为空白"
    log.warning(warning)
    return [warning]


def _packed(archive: Archive, volume: Path, entries: list[DossierEntry], handed: list[CaseItem]) -> list[PackedFile]:
    """The dossier, then every original handed over (signed copies, uploads, photos) under 原件/."""
    originals = [PackedFile(archive.root.path / f.path, f"原件/{Path(f.path).name}", item.title, f.kind.label,
                            next((g.doc_no for g in item.files if g.doc_no), ""),
                            "原件扫描件" if f.kind == DocKind.SIGNED else "电子件", f.pages)
                 for item in handed for f in item.files if f.state == DocState.FILED and f.kind in PACKED_KINDS]
    reference = _volume_reference(archive, entries) if any(e.reference for e in entries) else ""
    whole = PackedFile(volume, DOSSIER_NAME, f"移交档案（案卷封面、卷内目录、{len(entries)} 件、卷内备考表）", "案卷",
                       reference)
    return [whole, *originals]


def _handover_list(archive: Archive, case_no: str, packed: list[PackedFile], pages: int, work: Path) -> PackedFile:
    """The 移交清单 form filled with exactly what the bag holds besides itself, one row per file named with
    its path in the bag."""
    rows = [{"name": f"{f.title}（data/{f.name}）", "kind": f.kind, "doc_no": f.doc_no, "form": f.copy,
             "copies": "1", "pages": str(pages if f.name == DOSSIER_NAME else f.pages or ""), "note": ""}
            for f in packed]
    pdf = render_unfiled(archive, case_no, "handover", FormValues(data={"handover": {"items": rows}}), work)
    return PackedFile(pdf, LIST_NAME, "移交清单", "表单")


def _bag_info(archive: Archive, case: Case, cover: Cover, today: date) -> dict[str, str]:
    agency = archive.settings.agency
    info = {"Source-Organization": agency.name, "External-Identifier": case.case_no,
            "External-Description": case.facts.project_name, "Bagging-Date": today.isoformat(),
            "Project-Unit": case.facts.unit, "Archival-Reference": cover.reference,
            "Bag-Group-Identifier": agency.fonds}
    if agency.address:
        info["Organization-Address"] = agency.address
    if agency.phone:
        info["Contact-Phone"] = agency.phone
    return info


def _unembedded(entries: list[DossierEntry], pages: dict[int, list[str]]) -> list[str]:
    """Name the 件 whose PDF uses fonts it does not carry (the volume then falls short of PDF/A-2b)."""
    found = []
    for e in entries:
        fonts = sorted({f for n in range(e.start, e.start + e.pages) for f in pages.get(n, [])})
        if fonts:
            found.append(f"件号{e.item_no:04d}《{e.title}》的 PDF 未嵌入字体 {'、'.join(fonts)}，"
                         "移交档案因此不完全符合 PDF/A-2b")
    return found


def _sign(archive: Archive, pdf: Path) -> list[str]:
    """Sign the volume with the agency's key (PAdES), or say that no key is configured."""
    settings = archive.settings
    if not (settings.signing_key and settings.signing_cert):
        return ["未配置签名密钥和证书（daiban.toml [signing]），移交档案未加数字签名"]
    root = archive.root.path
    sign_pdf(pdf, root / settings.signing_key, root / settings.signing_cert, reason="移交档案",
             location=settings.agency.city or settings.agency.name)
    return []


def _publish(built: Path, out: Path) -> None:
    """Put the finished volume at out whole: a rename, or a copy renamed into place on another filesystem."""
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(built, out)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with built.open("rb") as source, atomic_output(out) as target:
            shutil.copyfileobj(source, target)


def dossier_path(archive: Archive, case_no: str, out_dir: Path | None = None) -> Path:
    """Where a case's dossier PDF is written: out_dir, else exports/dossiers/<case>/."""
    folder = out_dir or archive.root.exports_dir / "dossiers" / case_no
    return Path(folder) / f"{case_no} 移交档案.pdf"


def build_dossier(archive: Archive, case_no: str, out_dir: Path | None = None, include_internal: bool = False,
                  today: date | None = None) -> Dossier:
    """Build the handover dossier PDF of a case and record it in the event log (a user without the right is
    refused before anything is written)."""
    archive.require("dossier.built", case_no)
    today = today or date.today()
    case = get_case(archive, case_no)
    out = dossier_path(archive, case_no, out_dir)
    with archive.root.scratch("dossier") as work:
        chosen, loose, left_out = _choose(archive, case_items(archive, case_no, include_withdrawn=False),
                                          include_internal, work)
        if not chosen:
            raise UsageError(f"案件 {case_no} 没有可移交的文件：" + ("；".join(left_out) or "尚未归入任何文件"))
        sizes = page_sizes([c.pdf for c in chosen])
        entries = _entries(archive, case, chosen, [len(s) for s in sizes])
        cover, rows, notes = _cover(archive, case, entries), _toc(entries), _notes(archive, entries, left_out, today)
        warnings = _coverage(case_no, cover, rows, notes)
        stamps = [Stamp(e.start + k, width, height, _seal(archive, case, e) if k == 0 else ())
                  for e, pages in zip(entries, sizes, strict=True) for k, (width, height) in enumerate(pages)]
        matter = render_matter(cover, rows, notes, stamps, work / "matter.pdf")
        parts = [VolumePart(e.title, c.pdf, f"{c.item.main.stage}阶段") for e, c in zip(entries, chosen, strict=True)]
        # Built and signed in the scratch folder: out is never a half-signed volume.
        volume = assemble(matter, parts, work / "volume.pdf", f"{case_no} {case.facts.project_name} 移交档案")
        warnings += _unembedded(entries, volume.unembedded) + _sign(archive, volume.path)
        _publish(volume.path, out)
        packed = _packed(archive, out, entries, [c.item for c in chosen] + loose)
        packed.append(_handover_list(archive, case_no, packed, volume.pages, work))
        package = make_package(packed,
                               _bag_info(archive, case, cover, today),
                               out.with_name(f"{case_no} 移交包.zip"), work / "bag")
    digest, package_digest = sha256_of(out), sha256_of(package)
    events.record(archive, "dossier.built", case_no=case_no, path=str(out), sha256=digest, pages=volume.pages,
                  items=[e.item_no for e in entries], internal=include_internal, package=str(package),
                  package_sha256=package_digest)
    return Dossier(case_no, out, volume.pages, entries, left_out, warnings, digest, package, package_digest)

