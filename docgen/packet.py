"""The print file of a stage packet: generated PDFs merged into one, with a bookmark per form."""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from archive.base.atomicio import atomic_output
from archive.base.errors import InputFileError


@dataclass(frozen=True)
class PacketPart:
    """One document of a merged PDF and its bookmark title."""

    title: str
    pdf: Path


def merge_pdfs(parts: Sequence[PacketPart], out_path: Path, *, title: str = "") -> Path:
    """Concatenate the PDFs into out_path with one bookmark per part, written atomically."""
    out_path = Path(out_path)
    with contextlib.ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        with merged.open_outline() as outline:
            for part in parts:
                source = stack.enter_context(open_pdf(part.pdf))
                outline.root.append(pikepdf.OutlineItem(part.title, len(merged.pages)))
                merged.pages.extend(source.pages)
        if title:
            merged.docinfo["/Title"] = title
        save_atomically(merged, out_path)
    return out_path


def open_pdf(path: Path) -> pikepdf.Pdf:
    """Open a PDF, or raise InputFileError naming it."""
    try:
        return pikepdf.open(path)
    except (pikepdf.PdfError, FileNotFoundError) as exc:
        raise InputFileError(f"无法读取 PDF：{path}（{exc}）") from exc


def save_atomically(pdf: pikepdf.Pdf, out_path: Path) -> None:
    """Save a PDF so that out_path is either the old file or the whole new one."""
    with atomic_output(out_path) as handle:
        pdf.save(handle)
