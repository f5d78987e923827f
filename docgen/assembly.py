"""One volume PDF from its parts (pikepdf): front matter, the documents, back matter; bookmarks per stage
and per document, page labels (front and back matter unnumbered, the documents from 1), and every
document page stamped with its archival page number (and a document's first page with its 归档章)."""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from docgen.frontmatter import Stamp, render_stamps
from docgen.packet import open_pdf, save_atomically


@dataclass(frozen=True)
class VolumePart:
    """One document of the volume: its bookmark title, its PDF, its stage, and its 归档章 (when sealed)."""

    title: str
    pdf: Path
    stage: str
    seal: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Matter:
    """Pages around the documents, each with its bookmark title."""

    title: str
    pdf: Path


@dataclass(frozen=True)
class Volume:
    """The assembled volume: where each document starts (body page numbers, from 1) and the page totals."""

    path: Path
    pages: int
    body_pages: int
    starts: list[int]


def page_counts(pdfs: Sequence[Path]) -> list[int]:
    """The number of pages of each PDF."""
    counts = []
    for path in pdfs:
        with open_pdf(path) as pdf:
            counts.append(len(pdf.pages))
    return counts


def _label(style: str | None = None, prefix: str = "", start: int = 1) -> pikepdf.Dictionary:
    label = pikepdf.Dictionary(St=start)
    if style:
        label.S = pikepdf.Name(style)
    if prefix:
        label.P = pikepdf.String(prefix)
    return label


def _stamp(merged: pikepdf.Pdf, first_body: int, parts: Sequence[VolumePart], counts: list[int],
           work: Path) -> None:
    starts = _starts(counts)
    seals = {start: part.seal for start, part in zip(starts, parts, strict=True) if part.seal}
    body = list(merged.pages)[first_body:first_body + sum(counts)]
    stamps = [Stamp(n, float(page.mediabox[2]) - float(page.mediabox[0]),
                    float(page.mediabox[3]) - float(page.mediabox[1]), seals.get(n, ()))
              for n, page in enumerate(body, start=1)]
    overlay_path = render_stamps(stamps, work / "stamps.pdf")
    with pikepdf.open(overlay_path) as overlay:
        for page, stamp_page in zip(body, overlay.pages, strict=True):
            page.add_overlay(stamp_page)


def _starts(counts: list[int]) -> list[int]:
    starts, page = [], 1
    for count in counts:
        starts.append(page)
        page += count
    return starts


def assemble(front: Sequence[Matter], parts: Sequence[VolumePart], back: Sequence[Matter], out: Path,
             title: str, work: Path) -> Volume:
    """Write the volume to out (atomically) and say where each document starts."""
    counts = page_counts([p.pdf for p in parts])
    with contextlib.ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        with merged.open_outline() as outline:
            for matter in front:
                outline.root.append(pikepdf.OutlineItem(matter.title, len(merged.pages)))
                merged.pages.extend(stack.enter_context(open_pdf(matter.pdf)).pages)
            first_body, stage_node = len(merged.pages), None
            for part in parts:
                if stage_node is None or stage_node.title != part.stage:
                    stage_node = pikepdf.OutlineItem(part.stage, len(merged.pages))
                    outline.root.append(stage_node)
                stage_node.children.append(pikepdf.OutlineItem(part.title, len(merged.pages)))
                merged.pages.extend(stack.enter_context(open_pdf(part.pdf)).pages)
            first_back = len(merged.pages)
            for matter in back:
                outline.root.append(pikepdf.OutlineItem(matter.title, len(merged.pages)))
                merged.pages.extend(stack.enter_context(open_pdf(matter.pdf)).pages)
        _stamp(merged, first_body, parts, counts, work)
        # GB/T 9705: cover, 目录 and 备考表 carry no page numbers; the documents are numbered from 1.
        merged.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
            0, _label(prefix="卷首"), first_body, _label("/D"), first_back, _label(prefix="备考")]))
        merged.docinfo["/Title"] = title
        save_atomically(merged, out)
        total = len(merged.pages)
    return Volume(out, total, sum(counts), _starts(counts))
