"""The visible text of a .docx in document order: headers, body, footers, each table cell whole.

A generated form's PDF is laid out by LibreOffice from this .docx, so its text is known cell
by cell here, while a PDF text layer reads a table row line by line and interleaves the wrapped
lines of neighbouring cells. Paragraphs and cells are separated by a blank line, so that no
phrase is joined across two of them; merged cells appear once; a text box appears once (its
mc:Fallback copy is skipped).
"""

from collections.abc import Iterator
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TEXT_BOX = f"{_W}txbxContent"
_BREAKS = {f"{_W}br", f"{_W}cr"}
_CONTAINERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}smartTag", f"{_W}hyperlink"}


def _paragraph(p) -> tuple[str, list]:
    """The text of one paragraph and the text boxes anchored in it."""
    parts, boxes = [], []
    stack = list(reversed(p))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == _MC_FALLBACK or tag == f"{_W}del" or tag == f"{_W}instrText":
            continue
        if tag == _TEXT_BOX:
            boxes.append(node)
            continue
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        stack.extend(reversed(node))
    return "".join(parts), boxes


def _blocks(element) -> Iterator[str]:
    for child in element:
        if child.tag == f"{_W}p":
            text, boxes = _paragraph(child)
            yield text
            for box in boxes:
                yield from _blocks(box)
        elif child.tag == f"{_W}tbl":
            for cell in _cells(child):
                yield from _blocks(cell)
        elif child.tag in _CONTAINERS:
            yield from _blocks(child)


def _cells(table) -> Iterator:
    """The cells of one table, row by row; a nested table is reached through its own cell."""
    for node in _unwrapped(table):
        if node.tag == f"{_W}tr":
            yield from (cell for cell in _unwrapped(node) if cell.tag == f"{_W}tc")


def _unwrapped(element) -> Iterator:
    for child in element:
        if child.tag in _CONTAINERS:
            yield from _unwrapped(child)
        else:
            yield child


def _parts(path: Path) -> tuple[list, object, list]:
    document = Document(str(path))
    related = [rel for rel in document.part.rels.values() if not rel.is_external]
    headers = [rel.target_part.element for rel in related if rel.reltype == RT.HEADER]
    footers = [rel.target_part.element for rel in related if rel.reltype == RT.FOOTER]
    return headers, document.element.body, footers


def docx_text(path: Path) -> str:
    """Return the text of a .docx in reading order: headers, body, footers; blocks apart by blank lines."""
    headers, body, footers = _parts(path)
    blocks = [text for part in (*headers, body, *footers) for text in _blocks(part)]
    return "\n\n".join(b.strip() for b in blocks if b.strip())
