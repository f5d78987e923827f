"""A stage packet: render its forms, convert them in one LibreOffice call, merge one printable PDF."""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from archive.errors import InputFileError, UsageError
from archive.atomicio import atomic_output
from docgen.convert import convert_to_pdf
from docgen.render import RenderJob, render_forms


@dataclass(frozen=True)
class PacketPart:
    """One document of a merged PDF and its bookmark title."""

    title: str
    pdf: Path


@dataclass(frozen=True)
class PacketResult:
    """Files a packet produced: per form .docx and .pdf (catalog order), and the merged PDF."""

    docx: list[Path]
    pdf: list[Path]
    packet: Path


def make_packet(jobs: Sequence[RenderJob], out_dir: Path, template_dirs: Sequence[Path], *,
                packet_name: str, timeout: float | None = None) -> PacketResult:
    """Render every job to out_dir/<form-id>.docx, convert all in one call, merge out_dir/<packet_name>.pdf."""
    _check_jobs(jobs, packet_name)
    out_dir = Path(out_dir)
    docx = render_forms(jobs, [out_dir / f"{job.spec.id}.docx" for job in jobs], template_dirs)
    pdfs = convert_to_pdf(docx, out_dir, timeout=timeout)
    parts = [PacketPart(job.spec.title, pdf) for job, pdf in zip(jobs, pdfs, strict=True)]
    packet = merge_pdfs(parts, out_dir / f"{packet_name}.pdf", title=packet_name)
    return PacketResult(docx, pdfs, packet)


def _check_jobs(jobs: Sequence[RenderJob], packet_name: str) -> None:
    ids = [job.spec.id for job in jobs]
    if not ids:
        raise UsageError(f"材料包 {packet_name} 中没有任何表单")
    repeated = sorted({form_id for form_id in ids if ids.count(form_id) > 1})
    if repeated:
        raise UsageError(f"同一材料包中表单重复：{'、'.join(repeated)}")
    if packet_name in ids:
        raise UsageError(f"材料包名 {packet_name} 与表单编号相同，合并的 PDF 会覆盖该表单的 PDF")


def merge_pdfs(parts: Sequence[PacketPart], out_path: Path, *, title: str = "") -> Path:
    """Concatenate the PDFs into out_path with one bookmark per part, written atomically."""
    out_path = Path(out_path)
    with contextlib.ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        with merged.open_outline() as outline:
            for part in parts:
                source = stack.enter_context(_open_pdf(part.pdf))
                outline.root.append(pikepdf.OutlineItem(part.title, len(merged.pages)))
                merged.pages.extend(source.pages)
        if title:
            merged.docinfo["/Title"] = title
        _save_atomically(merged, out_path)
    return out_path


def _open_pdf(path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except (pikepdf.PdfError, FileNotFoundError) as exc:
        raise InputFileError(f"无法读取 PDF：{path}（{exc}）") from exc


def _save_atomically(pdf: pikepdf.Pdf, out_path: Path) -> None:
    with atomic_output(out_path) as handle:
        pdf.save(handle)
