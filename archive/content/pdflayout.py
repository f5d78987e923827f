"""The text layer of a PDF read by its layout: each ruled table cell whole, pages joined, nothing deleted.

pdftotext reads a table row line by line, so the wrapped lines of neighbouring cells interleave,
and it drops a hyphen where a line wraps (2026-140500-44-01-012345 became …-01012345). Here
pdfplumber finds the ruled tables of a page from their lines and rectangles; each cell is read
on its own and set apart by blank lines, the text around the tables is read line by line in
page order, and lines are joined without removing a character. Pages are joined as one text,
so a sentence running over a page break stays whole; running headers and footers (a margin
line repeated on several pages, or a page number) are moved after the body instead of
splitting it.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

from archive.base.errors import ExternalToolError
from archive.content.pdftotext import pdftotext

log = logging.getLogger("daiban")
MARGIN = 0.08  # the top and bottom share of a page where running headers and footers sit
_PAGE_NUMBER = re.compile(r"[-—–\s]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*(?:/\s*\d+)?)[-—–\s]*")
_DIGITS = re.compile(r"\d+")


@dataclass
class _Page:
    """One page's text: the body in reading order and the lines in its top and bottom margins."""

    body: list[tuple[float, str]] = field(default_factory=list)
    margins: list[tuple[float, str]] = field(default_factory=list)


def _cells(table) -> Iterator[str]:
    for row in table.extract():
        yield from (cell.strip() for cell in row if cell and cell.strip())


def _centre_in(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _read_page(page) -> _Page:
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    # A character belongs to a table when its centre is inside it, as pdfplumber reads cells; cropping
    # by the table's box instead would drop a line that merely touches the table's border.
    rest = page.filter(lambda obj: obj.get("object_type") != "char" or not any(_centre_in(obj, b) for b in boxes))
    result = _Page()
    height = float(page.height) or 1.0
    for line in rest.extract_text_lines(return_chars=False):
        placed = (line["top"], line["text"])
        in_margin = line["bottom"] < height * MARGIN or line["top"] > height * (1 - MARGIN)
        (result.margins if in_margin else result.body).append(placed)
    for table in tables:
        result.body.append((table.bbox[1], "\n\n" + "\n\n".join(_cells(table)) + "\n\n"))
    result.body.sort(key=lambda item: item[0])
    result.margins.sort(key=lambda item: item[0])
    return result


def _running(pages: list[_Page]) -> set[str]:
    """Margin lines that repeat on several pages (page numbers aside), or are page numbers."""
    seen: dict[str, int] = {}
    for page in pages:
        for shape in {_DIGITS.sub("#", text) for _, text in page.margins}:
            seen[shape] = seen.get(shape, 0) + 1
    return {shape for shape, count in seen.items() if count > 1}


def _is_running(text: str, repeated: set[str]) -> bool:
    return _DIGITS.sub("#", text) in repeated or _PAGE_NUMBER.fullmatch(text) is not None


def _joined(pages: list[_Page]) -> str:
    repeated = _running(pages) if len(pages) > 1 else set()
    bodies, trailing = [], []
    for page in pages:
        lines = list(page.body)
        for top, text in page.margins:
            if _is_running(text, repeated):
                trailing.append(text)
            else:
                lines.append((top, text))
        bodies.append("\n".join(text for _, text in sorted(lines, key=lambda item: item[0])))
    # One line break between pages: the cleaner joins a CJK sentence that runs over the break.
    return "\n".join(bodies) + ("\n\n" + "\n".join(trailing) if trailing else "")


def pdf_layout_text(pdf: Path, page: int | None = None) -> str:
    """Return the text of a PDF (or of one page, 1-based) by its layout; pdftotext's if pdfplumber fails."""
    try:
        with pdfplumber.open(pdf) as document:
            chosen = [document.pages[page - 1]] if page else document.pages
            pages = []
            for each in chosen:
                pages.append(_read_page(each))
                each.close()  # pdfplumber caches every object of a page: free it before the next
            return _joined(pages)
    except ExternalToolError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure: the plainer reader may still cope
        log.debug("%s: pdfplumber failed (%s), falling back to pdftotext", pdf.name, exc)
        return pdftotext(pdf, page)
