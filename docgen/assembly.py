"""One volume PDF from its parts (pikepdf): cover and 目录, the documents, the 备考表; bookmarks per stage
and per document, page labels (front and back matter unnumbered, the documents from 1), and every
document page overlaid with its stamp (archival page number, and a document's first page its 归档章)."""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from docgen.frontmatter import MatterPages
from docgen.packet import open_pdf, save_atomically


@dataclass(frozen=True)
class VolumePart:
    """One document of the volume: its bookmark title, its PDF and the stage it is filed under."""

    title: str
    pdf: Path
    stage: str


@dataclass(frozen=True)
class Volume:
    """The assembled volume: where each document starts (body page numbers, from 1) and the page totals."""

    path: Path
    pages: int
    body_pages: int
    starts: list[int]
    # Body pages (from 1) using a font the file does not embed: PDF/A-2b forbids it, a reader may substitute.
    unembedded: dict[int, list[str]]


def page_sizes(pdfs: Sequence[Path]) -> list[list[tuple[float, float]]]:
    """The width and height in points of every page of each PDF."""
    sizes = []
    for path in pdfs:
        with open_pdf(path) as pdf:
            sizes.append([(float(p.mediabox[2]) - float(p.mediabox[0]), float(p.mediabox[3]) - float(p.mediabox[1]))
                          for p in pdf.pages])
    return sizes


def _label(style: str | None = None, prefix: str = "", start: int = 1) -> pikepdf.Dictionary:
    label = pikepdf.Dictionary(St=start)
    if style:
        label.S = pikepdf.Name(style)
    if prefix:
        label.P = pikepdf.String(prefix)
    return label


def _starts(counts: list[int]) -> list[int]:
    starts, page = [], 1
    for count in counts:
        starts.append(page)
        page += count
    return starts


# Ghostscript's sRGB profile (libgs-common, with the ghostscript package daiban installs).
SRGB_ICC = Path("/usr/share/color/icc/ghostscript/srgb.icc")


def _font_embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _unembedded_fonts(resources: pikepdf.Dictionary, depth: int = 0) -> set[str]:
    found = {str(font.get("/BaseFont", name)).lstrip("/")
             for name, font in resources.get("/Font", pikepdf.Dictionary()).items() if not _font_embedded(font)}
    for xobject in resources.get("/XObject", pikepdf.Dictionary()).values():
        if depth < 4 and xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found |= _unembedded_fonts(xobject.Resources, depth + 1)
    return found


def _claim_pdfa(merged: pikepdf.Pdf, title: str) -> None:
    """Give the volume what PDF/A-2b asks of a document as a whole: an sRGB output intent and XMP metadata
    that identifies it (pdfaid part 2, conformance B) and repeats its title."""
    icc = merged.make_stream(SRGB_ICC.read_bytes())
    icc.N = 3
    merged.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier="sRGB IEC61966-2.1",
        Info="sRGB IEC61966-2.1", DestOutputProfile=icc)])
    with merged.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title


def assemble(matter: MatterPages, parts: Sequence[VolumePart], out: Path, title: str) -> Volume:
    """Write the volume to out (atomically): cover and 目录, the documents stamped with the overlays, the 备考表."""
    with contextlib.ExitStack() as stack:
        merged = stack.enter_context(pikepdf.new())
        own = stack.enter_context(open_pdf(matter.path))
        with merged.open_outline() as outline:
            for label, pages in (("案卷封面", matter.cover), ("卷内目录", matter.toc)):
                outline.root.append(pikepdf.OutlineItem(label, len(merged.pages)))
                merged.pages.extend(own.pages[n] for n in pages)
            first_body, stage_node, counts = len(merged.pages), None, []
            for part in parts:
                if stage_node is None or stage_node.title != part.stage:
                    stage_node = pikepdf.OutlineItem(part.stage, len(merged.pages))
                    outline.root.append(stage_node)
                stage_node.children.append(pikepdf.OutlineItem(part.title, len(merged.pages)))
                source = stack.enter_context(open_pdf(part.pdf))
                counts.append(len(source.pages))
                merged.pages.extend(source.pages)
            first_back = len(merged.pages)
            outline.root.append(pikepdf.OutlineItem("卷内备考表", first_back))
            merged.pages.extend(own.pages[n] for n in matter.notes)
        body = list(merged.pages)[first_body:first_back]
        for page, n in zip(body, matter.stamps, strict=True):
            page.add_overlay(own.pages[n])
        # GB/T 9705: cover, 目录 and 备考表 carry no page numbers; the documents are numbered from 1.
        merged.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
            0, _label(prefix="卷首"), first_body, _label("/D"), first_back, _label(prefix="备考")]))
        merged.docinfo["/Title"] = title
        _claim_pdfa(merged, title)
        unembedded = {n: sorted(fonts) for n, page in enumerate(body, start=1)
                      if (fonts := _unembedded_fonts(page.Resources))}
        save_atomically(merged, out)
        total = len(merged.pages)
    return Volume(out, total, sum(counts), _starts(counts), unembedded)
