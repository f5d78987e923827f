"""The pages of a case volume around its documents (GB/T 9705-2008): 案卷封面, 卷内目录, 卷内备考表, and the
overlay that stamps archival page numbers and the 归档章 (DA/T 22) onto the documents.

Set with fpdf2 in Noto Serif CJK SC, embedded as a subset; a character that face lacks is taken, one
character at a time, from the fallback faces (LXGW WenKai, then Noto Sans CJK SC). `uncovered` names
what none of them has, so a caller can say so instead of printing a blank.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from fpdf import FPDF

NOTO = Path("/usr/share/fonts/opentype/noto")
# (name, file, index in a .ttc): the main face first, then the per-character fallbacks.
FACES = (
    ("serif", NOTO / "NotoSerifCJK-Regular.ttc", 2),
    ("kai", Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"), 0),
    ("sans", NOTO / "NotoSansCJK-Regular.ttc", 2),
)
BOLD = NOTO / "NotoSerifCJK-Bold.ttc"
MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Cover:
    """What the 案卷封面 says (GB/T 9705 5.1)."""

    fonds_name: str
    category_name: str
    title: str
    unit: str
    period: str
    items: int
    pages: int
    retention: str
    reference: str


@dataclass(frozen=True)
class TocRow:
    """One line of the 卷内目录: 序号, 文号, 责任者, 题名, 日期, 页号, 备注."""

    seq: int
    doc_no: str
    author: str
    title: str
    date: str
    pages: str
    note: str = ""


@dataclass(frozen=True)
class Notes:
    """The 卷内备考表: 本卷情况说明, 立卷人, 检查人, 立卷时间."""

    lines: tuple[str, ...]
    compiler: str
    checker: str
    compiled_on: str


@dataclass(frozen=True)
class Stamp:
    """What one body page gets: its archival page number, and the 归档章 when it opens a 件."""

    number: int
    width_pt: float
    height_pt: float
    seal: tuple[tuple[str, str], ...] = ()


def _faces(path: Path, index: int):
    return TTCollection(path).fonts[index] if path.suffix == ".ttc" else TTFont(path)


@cache
def _cmap(path: Path, index: int) -> frozenset[int]:
    return frozenset(_faces(path, index).getBestCmap())


def uncovered(text: str) -> list[str]:
    """The characters of text that none of the faces has (they would print as blanks)."""
    covered = set().union(*(_cmap(path, index) for _, path, index in FACES if path.exists()))
    return sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})


@dataclass(frozen=True)
class MatterPages:
    """The volume's own pages, set in one document (the CJK faces are loaded once): which pages are the
    cover, the 目录, the 备考表, and the stamp overlays of the body pages, in that order."""

    path: Path
    cover: range
    toc: range
    notes: range
    stamps: range


def cjk_document(text: str) -> FPDF:
    """An A4 fpdf2 document set in the CJK faces, with the fallbacks loaded when text needs them."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(auto=True, margin=20)
    present = [(name, path, index) for name, path, index in FACES if path.exists()]
    main, fallbacks = present[0], present[1:]
    pdf.add_font(main[0], fname=str(main[1]), collection_font_number=main[2])
    pdf.add_font(main[0], style="B", fname=str(BOLD if BOLD.exists() else main[1]), collection_font_number=main[2])
    # The fallback faces cost a second each to load: only when the text has a character the main face lacks.
    if any(ord(ch) not in _cmap(main[1], main[2]) for ch in set(text) if not ch.isspace()):
        for name, path, index in fallbacks:
            pdf.add_font(name, fname=str(path), collection_font_number=index)
        pdf.set_fallback_fonts([name for name, _, _ in fallbacks])
    pdf.set_font(main[0], size=12)
    return pdf


def _save(pdf: FPDF, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out


def _cover(pdf: FPDF, cover: Cover) -> None:
    """The 案卷封面: title block and the volume's facts in a ruled table."""
    pdf.add_page(format="A4")
    pdf.set_font("serif", "B", size=26)
    pdf.ln(25)
    pdf.cell(0, 14, "案  卷  封  面", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("serif", size=14)
    rows = (("全宗名称", cover.fonds_name), ("类目名称", cover.category_name), ("案卷题名", cover.title),
            ("项目单位", cover.unit), ("起止日期", cover.period), ("件数", f"{cover.items} 件"),
            ("页数", f"{cover.pages} 页"), ("保管期限", cover.retention), ("档号", cover.reference))
    with pdf.table(col_widths=(35, 125), line_height=10, text_align=("CENTER", "LEFT"),
                   first_row_as_headings=False) as table:
        for label, value in rows:
            table.row((label, value))


def _toc(pdf: FPDF, rows: Sequence[TocRow]) -> None:
    """The 卷内目录, its header repeated on every page."""
    pdf.add_page(format="A4")
    pdf.set_font("serif", size=18)
    pdf.cell(0, 12, "卷 内 目 录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=10.5)
    header = ("序号", "文号", "责任者", "题名", "日期", "页号", "备注")
    with pdf.table(col_widths=(10, 36, 30, 62, 22, 14, 16), line_height=6, text_align="CENTER",
                   repeat_headings=1) as table:
        table.row(header)
        for r in rows:
            table.row((str(r.seq), r.doc_no, r.author, r.title, r.date, r.pages, r.note))


def _notes(pdf: FPDF, notes: Notes) -> None:
    """The 卷内备考表: the volume's account, then who compiled and checked it, and when."""
    pdf.add_page(format="A4")
    pdf.set_font("serif", size=18)
    pdf.cell(0, 12, "卷 内 备 考 表", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("serif", size=12)
    pdf.cell(0, 8, "本卷情况说明：", new_x="LMARGIN", new_y="NEXT")
    for line in notes.lines:
        pdf.multi_cell(0, 8, f"　　{line}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(20)
    for label, value in (("立卷人", notes.compiler), ("检查人", notes.checker), ("立卷时间", notes.compiled_on)):
        pdf.cell(0, 10, f"{label}：{value or '＿＿＿＿＿＿'}", align="R", new_x="LMARGIN", new_y="NEXT")


def _stamps(pdf: FPDF, stamps: Sequence[Stamp]) -> None:
    """One overlay page per body page: the number top-right on odd pages and top-left on even ones (a form's
    own footer is at the bottom), and the 归档章 box top-centre on a 件's first page."""
    pdf.set_auto_page_break(auto=False)
    for stamp in stamps:
        width, height = stamp.width_pt * MM_PER_PT, stamp.height_pt * MM_PER_PT
        pdf.add_page(format=(width, height))
        pdf.set_font("serif", size=11)
        pdf.set_xy(width - 25 if stamp.number % 2 else 8, 6)
        pdf.cell(17, 6, str(stamp.number), align="R" if stamp.number % 2 else "L")
        if stamp.seal:
            _seal_box(pdf, stamp.seal, width)


def render_matter(cover: Cover, rows: Sequence[TocRow], notes: Notes, stamps: Sequence[Stamp],
                  out: Path) -> MatterPages:
    """Set the cover, the 目录, the 备考表 and the stamp overlays in one PDF and say which pages are which."""
    text = " ".join([*map(str, vars(cover).values()), *(f"{r.doc_no}{r.author}{r.title}{r.note}" for r in rows),
                     *notes.lines, notes.compiler])
    pdf = cjk_document(text)
    marks = [0]
    for part in (lambda: _cover(pdf, cover), lambda: _toc(pdf, rows), lambda: _notes(pdf, notes),
                 lambda: _stamps(pdf, stamps)):
        part()
        marks.append(pdf.page)
    _save(pdf, out)
    return MatterPages(out, *(range(a, b) for a, b in zip(marks, marks[1:], strict=False)))


def _seal_box(pdf: FPDF, seal: tuple[tuple[str, str], ...], page_width: float) -> None:
    """The 归档章: a two-row box, labels above values (DA/T 22 6.3), in red."""
    cell_w, cell_h = 17.0, 5.5
    left = (page_width - cell_w * len(seal)) / 2
    pdf.set_draw_color(200, 0, 0)
    pdf.set_text_color(200, 0, 0)
    pdf.set_font("serif", size=7.5)
    for n, (label, value) in enumerate(seal):
        x = left + n * cell_w
        pdf.rect(x, 6, cell_w, cell_h)
        pdf.rect(x, 6 + cell_h, cell_w, cell_h)
        pdf.set_xy(x, 6)
        pdf.cell(cell_w, cell_h, label, align="C")
        pdf.set_xy(x, 6 + cell_h)
        pdf.cell(cell_w, cell_h, value, align="C")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
