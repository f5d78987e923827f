"""Build the docxtpl form templates in templates/ from the catalog and the seed texts.

Run from the repository root: `.venv/bin/python tools/build_templates.py`. The output is
deterministic (fixed zip timestamps and document properties), so rebuilt templates only
show up in `git status` when this script changed.

Layout follows GB/T 9704 (A4, margins 37/35/28/26 mm, title 方正小标宋简体 二号, body
仿宋_GB2312 三号 on a fixed 28.95 pt line). Jinja tags use the render context of
docs/CONTRACTS.md plus each form's fields in templates/forms.toml; the 研判表 checkbox
labels are read from the catalog so template and catalog cannot disagree.
"""

import io
import json
import sys
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Mm
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.base.terms import STAGES, SUSPEND_REASONS  # noqa: E402
from docgen.catalog import FormSpec, load_catalog  # noqa: E402
from docgen.formatting import CHECKED, UNCHECKED  # noqa: E402

TEMPLATES = ROOT / "templates"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"

BODY_PT = 16
BODY_LINE_TWIPS = 579  # 28.95 pt: 22 lines on the 225 mm type area of GB/T 9704
TABLE_PT = {"large": 14, "normal": 12, "small": 10.5}

CN_NUM = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
BLANK = "________"
SIGN_DATE = "年　　月　　日"


def twips(mm: float) -> int:
    """Millimetres to twentieths of a point."""
    return int(round(mm * 1440 / 25.4))


# ---------------------------------------------------------------- Jinja snippets


def jstr(text: str) -> str:
    """A Jinja string literal; curly quotes are escaped because docxtpl straightens them inside tags."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    for ch in "“”‘’":
        escaped = escaped.replace(ch, f"\\u{ord(ch):04x}")
    return f"'{escaped}'"


def var(expr: str) -> str:
    """An output tag."""
    return f"{{{{ {expr} }}}}"


def cn_date(expr: str) -> str:
    """A date printed as 2026年3月5日."""
    return var(f"{expr}|cn_date")


def box(choice: str, field_name: str) -> str:
    """One checkbox option: √ when the choice is in the field's list, else □."""
    return f"{{% if {jstr(choice)} in {field_name} %}}{CHECKED}{{% else %}}{UNCHECKED}{{% endif %}}{choice}"


def boxes(choices: tuple[str, ...], field_name: str, sep: str = "　") -> str:
    """All options of a checkbox field on one line."""
    return sep.join(box(c, field_name) for c in choices)


def stage_join(field_name: str) -> str:
    """Selected stages joined without their 阶段 suffix (the form text supplies it)."""
    return var(f"{field_name}|join('、')|replace('阶段', '')")


def paragraphs(expr: str) -> str:
    """A multi-line text field printed as one paragraph per line (docxtpl turns \\a into a paragraph)."""
    return var(f"{expr}|replace('\\n', '\\a')")


def matters_of(stage: str) -> str:
    """Loop header over the case's matters of one stage."""
    return f"for m in matters if m.stage == {jstr(stage)}"


# ---------------------------------------------------------------- content model


@dataclass(frozen=True)
class Seg:
    """A run of text with its own emphasis."""

    text: str
    bold: bool = False
    underline: bool = False


Content = str | Seg | tuple


def u(text: str) -> Seg:
    """Underlined text, used for filled-in blanks."""
    return Seg(text, underline=True)


def b(text: str) -> Seg:
    """Bold text."""
    return Seg(text, bold=True)


@dataclass(frozen=True)
class Par:
    """One paragraph: content plus alignment and indents (in characters)."""

    content: Content = ""
    align: str | None = None
    first_chars: int = 0
    left_chars: int = 0
    keep_next: bool = False


@dataclass(frozen=True)
class Cell:
    """One table cell; `vmerge` is "restart" or "continue" for vertical merges."""

    paras: tuple = ("",)
    span: int = 1
    vmerge: str | None = None
    align: str = "left"
    valign: str = "center"
    bold: bool = False


@dataclass(frozen=True)
class Row:
    """One table row; height in mm is a minimum."""

    cells: tuple[Cell, ...]
    height: float | None = None
    header: bool = False
    keep_next: bool = False


def c(*paras: Content, span: int = 1, align: str = "left", bold: bool = False,
      vmerge: str | None = None, valign: str = "center") -> Cell:
    """A cell holding one or more paragraphs; one merged down several rows starts at their top."""
    return Cell(tuple(paras) or ("",), span, vmerge, align, "top" if vmerge == "restart" else valign, bold)


def lab(text: str, span: int = 1, vmerge: str | None = None) -> Cell:
    """A centred label cell (merged down several rows: at their top, so it prints on their first page)."""
    return Cell((text,), span, vmerge, "center", "top" if vmerge == "restart" else "center", False)


def tag_row(tag: str, ncols: int) -> Row:
    """A docxtpl row tag ({%tr ... %}); docxtpl removes the whole row."""
    return Row((Cell((f"{{%tr {tag} %}}",), ncols),))


def loop_rows(tag: str, body: Row, ncols: int, blank: Row | None = None) -> list[Row]:
    """Rows repeated by a {%tr for %} loop, with an optional blank row when the list is empty."""
    rows = [tag_row(tag, ncols), body]
    if blank is not None:
        rows += [tag_row("else", ncols), blank]
    return rows + [tag_row("endfor", ncols)]


def pad_rows(list_expr: str, minimum: int, blank: Row, ncols: int) -> list[Row]:
    """Blank rows that top a listed table up to `minimum` rows, for handwriting."""
    return loop_rows(f"for _ in range({minimum} - {list_expr}|length)", blank, ncols)


def para_loop(tag: str, item: Content, empty: Content = "") -> tuple:
    """Paragraphs repeated by {%p for %}; the else paragraph keeps the cell non-empty."""
    return (f"{{%p {tag} %}}", item, "{%p else %}", empty, "{%p endfor %}")


def numbered_list(list_expr: str, empty: Content = "") -> tuple:
    """A numbered paragraph per item of a list field."""
    return para_loop(f"for x in {list_expr}", var("loop.index") + "．" + var("x"), empty)


# ---------------------------------------------------------------- low-level XML


def _el(tag: str, **attrs: str | int) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def _run_props(font: str, size_pt: float) -> OxmlElement:
    # The Chinese font name goes into every slot so digits and Latin letters match the text.
    rpr = _el("w:rPr")
    rpr.append(_el("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font))
    rpr.append(_el("w:sz", val=int(size_pt * 2)))
    rpr.append(_el("w:szCs", val=int(size_pt * 2)))
    rpr.append(_el("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    return rpr


def _spacing(line: int | None = None, rule: str = "exact", before: int = 0, after: int = 0) -> OxmlElement:
    attrs = {"before": before, "after": after}
    if line is None:
        attrs.update(line=240, lineRule="auto")
    else:
        attrs.update(line=line, lineRule=rule)
    return _el("w:spacing", **attrs)


@dataclass(frozen=True)
class StyleDef:
    """A paragraph style written into styles.xml."""

    style_id: str
    name: str
    font: str
    size_pt: float
    line: int | None
    align: str = "both"
    before: int = 0
    after: int = 0
    first_chars: int = 0
    keep_next: bool = False
    outline: int | None = None


STYLES = (
    StyleDef("Normal", "Normal", FONT_BODY, BODY_PT, BODY_LINE_TWIPS),
    StyleDef("Title", "Title", FONT_TITLE, 22, 720, align="center", after=240),
    StyleDef("Heading1", "heading 1", FONT_H1, BODY_PT, BODY_LINE_TWIPS, first_chars=2, keep_next=True, outline=0),
    StyleDef("Heading2", "heading 2", FONT_H2, BODY_PT, BODY_LINE_TWIPS, first_chars=2, keep_next=True, outline=1),
    StyleDef("FormTableLarge", "表格文字（四号）", FONT_BODY, TABLE_PT["large"], None, align="left"),
    StyleDef("FormTable", "表格文字", FONT_BODY, TABLE_PT["normal"], None, align="left"),
    StyleDef("FormTableSmall", "表格文字（五号）", FONT_BODY, TABLE_PT["small"], None, align="left"),
    StyleDef("FormNote", "表单附注", FONT_BODY, 12, None, align="left"),
    StyleDef("Footer", "footer", FONT_BODY, 9, None, align="left"),
    StyleDef("FormImage", "图片段落", FONT_BODY, 9, None, align="right"),
    # Between two tables that read as one: without a paragraph, Word and LibreOffice merge them.
    StyleDef("TableGap", "表间距", FONT_BODY, 1, 20, align="left"),
)


def _style_element(sd: StyleDef) -> OxmlElement:
    style = _el("w:style", type="paragraph", styleId=sd.style_id)
    if sd.style_id == "Normal":
        style.set(qn("w:default"), "1")
    else:
        style.set(qn("w:customStyle"), "0" if sd.style_id in ("Title", "Heading1", "Heading2", "Footer") else "1")
    style.append(_el("w:name", val=sd.name))
    if sd.style_id != "Normal":
        style.append(_el("w:basedOn", val="Normal"))
        style.append(_el("w:next", val="Normal" if sd.style_id in ("Title", "Heading1", "Heading2") else sd.style_id))
    style.append(_el("w:qFormat"))
    ppr = _el("w:pPr")
    if sd.keep_next:
        ppr.append(_el("w:keepNext"))
    ppr.append(_spacing(sd.line, before=sd.before, after=sd.after))
    if sd.first_chars:
        ppr.append(_el("w:ind", firstLineChars=sd.first_chars * 100, firstLine=twips(sd.first_chars * sd.size_pt * 25.4 / 72)))
    ppr.append(_el("w:jc", val=sd.align))
    if sd.outline is not None:
        ppr.append(_el("w:outlineLvl", val=sd.outline))
    style.append(ppr)
    style.append(_run_props(sd.font, sd.size_pt))
    return style


def setup_styles(doc: Document) -> None:
    """Replace the default fonts, sizes and language with the official ones."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr_default.remove(rpr_default.find(qn("w:rPr")))
    rpr_default.append(_run_props(FONT_BODY, BODY_PT))
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr = ppr_default.find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(_spacing(None))
    for sd in STYLES:
        old = styles.find(f"{qn('w:style')}[@{qn('w:styleId')}='{sd.style_id}']")
        if old is not None:
            styles.remove(old)
        styles.append(_style_element(sd))


def add_runs(paragraph, content: Content, cell_bold: bool = False) -> None:
    """Append runs for a str, a Seg or a tuple of them."""
    parts = content if isinstance(content, tuple) else (content,)
    for part in parts:
        seg = part if isinstance(part, Seg) else Seg(part)
        if not seg.text:
            continue
        run = paragraph.add_run(seg.text)
        if seg.bold or cell_bold:
            run.bold = True
        if seg.underline:
            run.underline = True


def format_paragraph(paragraph, par: Par, style: str, font_pt: float) -> None:
    """Apply a style (by id), alignment and character indents."""
    ppr = paragraph._p.get_or_add_pPr()
    if style != "Normal":
        ppr.style = style
    if par.keep_next:
        paragraph.paragraph_format.keep_with_next = True
    if par.first_chars or par.left_chars:
        ind = _el("w:ind")
        if par.left_chars:
            ind.set(qn("w:leftChars"), str(par.left_chars * 100))
            ind.set(qn("w:left"), str(twips(par.left_chars * font_pt * 25.4 / 72)))
        if par.first_chars:
            ind.set(qn("w:firstLineChars"), str(par.first_chars * 100))
            ind.set(qn("w:firstLine"), str(twips(par.first_chars * font_pt * 25.4 / 72)))
        ppr.append(ind)
    if par.align:
        ppr.append(_el("w:jc", val=par.align))


# ---------------------------------------------------------------- tables


def _borders(tag: str, size: int, edges: tuple[str, ...]) -> OxmlElement:
    borders = _el(tag)
    for edge in edges:
        if size:
            borders.append(_el(f"w:{edge}", val="single", sz=size, space=0, color="000000"))
        else:
            borders.append(_el(f"w:{edge}", val="nil"))
    return borders


STYLE_PT = {"FormTableLarge": 14, "FormTable": 12, "FormTableSmall": 10.5, "Footer": 9}


def build_table(widths_mm: tuple[float, ...], rows: list[Row], style: str, borders: bool = True) -> CT_Tbl:
    """A fixed-layout table element with grid and cell widths set (LibreOffice reads the grid)."""
    tbl = CT_Tbl.new_tbl(0, len(widths_mm), Mm(sum(widths_mm)))
    tblpr = tbl.tblPr
    for child in list(tblpr):
        tblpr.remove(child)
    tblpr.append(_el("w:tblW", w=sum(twips(w) for w in widths_mm), type="dxa"))
    tblpr.append(_el("w:jc", val="center"))
    tblpr.append(_borders("w:tblBorders", 4 if borders else 0,
                          ("top", "left", "bottom", "right", "insideH", "insideV")))
    tblpr.append(_el("w:tblLayout", type="fixed"))
    margins = _el("w:tblCellMar")
    margins.append(_el("w:left", w=85, type="dxa"))
    margins.append(_el("w:right", w=85, type="dxa"))
    tblpr.append(margins)
    tblpr.append(_el("w:tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0,
                     noHBand=1, noVBand=1))
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(twips(width)))
    for row in rows:
        tbl.append(_row_element(row, widths_mm, style))
    return tbl


def _row_element(row: Row, widths_mm: tuple[float, ...], style: str) -> OxmlElement:
    spans = sum(cell.span for cell in row.cells)
    if spans != len(widths_mm):
        raise ValueError(f"row spans {spans} of {len(widths_mm)} columns")
    tr = _el("w:tr")
    trpr = _el("w:trPr")
    # A row is never cut across two pages: a stage label or a signature stays whole.
    trpr.append(_el("w:cantSplit"))
    if row.height:
        trpr.append(_el("w:trHeight", val=twips(row.height), hRule="atLeast"))
    if row.header:
        trpr.append(_el("w:tblHeader"))
    tr.append(trpr)
    col = 0
    for cell in row.cells:
        width = sum(widths_mm[col:col + cell.span])
        col += cell.span
        tr.append(_cell_element(cell, width, style))
    if row.keep_next:
        for p in tr.iter(qn("w:p")):
            Paragraph(p, None).paragraph_format.keep_with_next = True
    return tr


def _cell_element(cell: Cell, width_mm: float, style: str) -> OxmlElement:
    tc = _el("w:tc")
    tcpr = _el("w:tcPr")
    tcpr.append(_el("w:tcW", w=twips(width_mm), type="dxa"))
    if cell.span > 1:
        tcpr.append(_el("w:gridSpan", val=cell.span))
    if cell.vmerge:
        tcpr.append(_el("w:vMerge", val=cell.vmerge))
    tcpr.append(_el("w:vAlign", val=cell.valign))
    tc.append(tcpr)
    for content in cell.paras:
        par = content if isinstance(content, Par) else Par(content)
        if par.align is None:
            par = Par(par.content, cell.align, par.first_chars, par.left_chars)
        p = _el("w:p")
        tc.append(p)
        paragraph = Paragraph(p, None)
        format_paragraph(paragraph, par, style, STYLE_PT[style])
        add_runs(paragraph, par.content, cell.bold)
    return tc


# ---------------------------------------------------------------- the form document


@dataclass
class FormWriter:
    """One template under construction: page setup, footer, and content helpers."""

    spec: FormSpec
    landscape: bool = False
    doc: Document = field(init=False)

    def __post_init__(self) -> None:
        self.doc = Document()
        setup_styles(self.doc)
        self._setup_page()
        self._setup_footer()
        self._setup_settings()
        props = self.doc.core_properties
        props.title = self.spec.title
        props.author = "daiban"
        props.last_modified_by = "daiban"
        props.comments = f"表单模板 {self.spec.id}：由 tools/build_templates.py 生成"
        props.keywords = self.spec.id
        props.language = "zh-CN"
        props.revision = 1
        props.created = props.modified = datetime(2026, 1, 1)

    @property
    def text_width(self) -> float:
        """Width of the type area in mm."""
        return 297 - 37 - 35 if self.landscape else 210 - 28 - 26

    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        if self.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.top_margin, section.bottom_margin = Mm(28), Mm(30)
            section.left_margin, section.right_margin = Mm(37), Mm(35)
            section.footer_distance = Mm(6)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.top_margin, section.bottom_margin = Mm(37), Mm(35)
            section.left_margin, section.right_margin = Mm(28), Mm(26)
            section.footer_distance = Mm(8)
        section.header_distance = Mm(15)

    def _setup_footer(self) -> None:
        footer = self.doc.sections[0].footer
        footer.is_linked_to_previous = False
        last = footer.paragraphs[0]
        left, right = 95.0, 28.0
        page_field = ("第 ", "{PAGE}", " 页 共 ", "{NUMPAGES}", " 页")
        row = Row((
            c(var("doc.doc_no"), "文档标识：" + var("doc.identity")),
            c(page_field, align="center"),
            c(var("doc.qr"), align="right"),
        ))
        tbl = build_table((left, self.text_width - left - right, right), [row], "Footer", borders=False)
        last._p.addprevious(tbl)
        _replace_page_fields(tbl)
        # Exact line spacing would clip the inline QR image: its paragraph gets its own style.
        qr_par = tbl.findall(qn("w:tr"))[0].findall(qn("w:tc"))[2].find(qn("w:p"))
        qr_par.get_or_add_pPr().style = "FormImage"
        # A footer must end with a paragraph; keep it tiny so it adds no height.
        ppr = last._p.get_or_add_pPr()
        ppr.style = "Footer"
        ppr.append(_spacing(20))

    def _setup_settings(self) -> None:
        settings = self.doc.settings.element
        lang = settings.find(qn("w:themeFontLang"))
        lang.set(qn("w:eastAsia"), "zh-CN")
        # Lines ending in a manual break (a newline inside a value) must not be stretched.
        compat = settings.find(qn("w:compat"))
        compat.find(qn("w:useFELayout")).addprevious(_el("w:doNotExpandShiftReturn"))

    # content helpers -------------------------------------------------

    def _paragraph(self, content: Content, style: str, par: Par, font_pt: float) -> None:
        previous = self.doc.element.body.sectPr.getprevious()
        if style != "TableGap" and previous is not None and previous.tag == qn("w:tbl"):
            # A note or a line below a table never sits alone on a page: the table's last row comes along.
            self._keep_last_with_next()
        paragraph = self.doc.add_paragraph()
        format_paragraph(paragraph, par, style, font_pt)
        add_runs(paragraph, content)

    def _keep_last_with_next(self, paragraphs: int = 1) -> None:
        """Keep the content written last (its last paragraphs, or the last row of a table) with what follows.

        docxtpl removes a paragraph holding only a {%p %} tag, so the keep goes on the content before it
        (a loop's body: the list then stays with what follows it).
        """
        last, kept = self.doc.element.body.sectPr.getprevious(), 0
        while last is not None and kept < paragraphs:
            if last.tag == qn("w:tbl"):
                for p in last.findall(qn("w:tr"))[-1].iter(qn("w:p")):
                    Paragraph(p, None).paragraph_format.keep_with_next = True
                return
            if last.tag == qn("w:p") and not "".join(last.itertext()).startswith("{%p"):
                Paragraph(last, None).paragraph_format.keep_with_next = True
                kept += 1
            last = last.getprevious()

    def title(self, text: Content | None = None) -> None:
        """The form title, 方正小标宋简体 二号, centred."""
        content = text or self.spec.title
        self._paragraph(content, "Title", Par(content), 22)

    def par(self, content: Content, align: str | None = None, first_chars: int = 2, left_chars: int = 0) -> None:
        """A body paragraph (三号仿宋, fixed line), first line indented two characters by default."""
        self._paragraph(content, "Normal", Par(content, align, first_chars, left_chars), BODY_PT)

    def raw(self, tag: str) -> None:
        """A paragraph holding only a docxtpl {%p %} tag; docxtpl removes it."""
        self._paragraph(tag, "Normal", Par(tag), BODY_PT)

    def h1(self, text: str) -> None:
        """A level-1 heading (黑体)."""
        self._paragraph(text, "Heading1", Par(text), BODY_PT)

    def h2(self, text: str) -> None:
        """A level-2 heading (楷体_GB2312)."""
        self._paragraph(text, "Heading2", Par(text), BODY_PT)

    def note(self, content: Content, align: str = "left", first_chars: int = 0) -> None:
        """A 12 pt line above or below a table (编号, 注, 填报说明)."""
        self._paragraph(content, "FormNote", Par(content, align, first_chars), 12)

    def table(self, widths: tuple[float, ...], rows: list[Row], size: str = "normal") -> None:
        """A bordered table; widths in mm must add up to the type area width."""
        if abs(sum(widths) - self.text_width) > 0.5:
            raise ValueError(f"{self.spec.id}: table width {sum(widths)} mm != type area {self.text_width} mm")
        style = {"large": "FormTableLarge", "normal": "FormTable", "small": "FormTableSmall"}[size]
        self.doc.element.body.sectPr.addprevious(build_table(widths, rows, style))

    def tables(self, widths: tuple[float, ...], parts: list[list[Row]], size: str = "normal") -> None:
        """Tables that read as one, each with its own header row repeated on every page it spans."""
        for n, rows in enumerate(parts):
            if n:
                self._paragraph("", "TableGap", Par(""), 1)
            self.table(widths, rows, size)

    def signature(self, *lines: Content, date_line: bool = False) -> None:
        """Signature lines set in the right half of the page (with 年 月 日 right-aligned below them when
        date_line), kept on the page of the text they sign."""
        left = 26 if self.landscape else 12
        pars = [Par(line, left_chars=left) for line in lines]
        self.closing(*pars, *([Par(SIGN_DATE, align="right")] if date_line else []))

    def closing(self, *pars: Par, keep: int = 2) -> None:
        """A closing block (signatures, the issuing body and date) one blank line below the text, on the page
        of its last `keep` paragraphs (LibreOffice moves kept paragraphs whole, so a chain of long ones
        can outgrow a page: keep=1 where the last paragraphs are staff's own text)."""
        self._keep_last_with_next(paragraphs=keep)
        block = [Par("", keep_next=True)] + [replace(p, keep_next=True) for p in pars]
        block[-1] = replace(block[-1], keep_next=False)
        for par in block:
            self._paragraph(par.content, "Normal", par, BODY_PT)

    def save(self, path: Path) -> None:
        """Write the .docx with fixed timestamps so rebuilding is byte-identical."""
        body = self.doc.element.body
        if body.sectPr.getprevious().tag == qn("w:tbl"):
            # Word needs a paragraph between a final table and the section properties.
            self._paragraph("", "FormNote", Par(""), 12)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        write_deterministic_zip(buffer.getvalue(), path)


def _replace_page_fields(tbl) -> None:
    """Turn the {PAGE}/{NUMPAGES} placeholder runs into simple fields."""
    for run in list(tbl.iter(qn("w:r"))):
        t = run.find(qn("w:t"))
        if t is None or t.text not in ("{PAGE}", "{NUMPAGES}"):
            continue
        name = t.text.strip("{}")
        fld = _el("w:fldSimple", instr=f" {name} ")
        run.addprevious(fld)
        t.text = "1"
        fld.append(run)


def write_deterministic_zip(data: bytes, path: Path) -> None:
    """Rewrite a zip with a fixed timestamp for every member."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    tmp = path.with_suffix(".docx.tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)


# ---------------------------------------------------------------- shared blocks


def project_rows(ncols: int = 4) -> list[Row]:
    """项目名称 / 项目单位 rows: a label cell and a value spanning the other columns."""
    return [
        Row((lab("项目名称"), c(var("case.project_name"), span=ncols - 1)), 11),
        Row((lab("项目单位"), c(var("case.unit"), span=ncols - 1)), 11),
    ]


def case_line() -> Content:
    """The 案件编号 line printed above a form table."""
    return ("案件编号：", var("case.case_no"))


def stage_matters_cell(stage: str) -> Cell:
    """The matters of one stage, numbered, with their approval level (审批权限)."""
    item = (var("loop.index"), "．", var("m.name"), "（", var("m.level"),
            "{% if m.parallel %}，并联{% endif %}", "）")
    return c(*para_loop(matters_of(stage), item))


# ---------------------------------------------------------------- the forms


def build_apply(spec: FormSpec) -> FormWriter:
    """代办服务申请表 (000 代办服务申请表, 002 代办登记表, 003 附件3 登记表)."""
    w = FormWriter(spec)
    choices = {f.name: f.choices for f in spec.fields}
    w.title()
    w.note(("案件编号：", var("case.case_no"), "　　　　登记日期：", cn_date("case.opened")), align="right")
    # The label column takes an eight-character label on one line, the second a whole 项目代码; rows are
    # as low as one line of text so that the form with its signatures fits on one page.
    widths = (38.0, 52.0, 22.0, 44.0)
    rows = [
        Row((lab("项目名称"), c(var("case.project_name"), span=3)), 7),
        Row((lab("项目单位"), c(var("case.unit"), span=3)), 7),
        Row((lab("统一社会信用代码"), c(var("case.credit_code"), span=3)), 7),
        Row((lab("项目代码"), c(var("case.project_code")), lab("项目类型"),
             c(*[box(x, "[case.project_type]") for x in ("企业投资", "政府投资")])), 7),
        Row((lab("建设地点"), c(var("case.location"), span=3)), 7),
        Row((lab("建设规模及内容"), c(var("case.scale"), span=3)), 9),
        Row((lab("总投资"), c(var("case.investment|money")), lab("资金来源"), c(var("case.funding"))), 7),
        Row((lab("用地情况"), c(var("case.land"), span=3)), 7),
        Row((lab("联系人"), c(var("case.contact")), lab("联系电话"), c(var("case.phone"))), 7),
        Row((lab("项目前期工作进展"), c(var("preparation"), span=3)), 9),
        Row((lab("代办方式"), c(boxes(choices["service_mode"], "service_mode"), span=3)), 7),
        Row((lab("申请代办阶段"), c(boxes(choices["apply_stages"][:2], "apply_stages"),
                                    boxes(choices["apply_stages"][2:], "apply_stages"), span=3)), 9),
        Row((lab("拟申请代办事项"), c(var("requested_matters"), span=3)), 9),
        Row((lab("办理时限"), c(var("time_limit"), span=3)), 7),
        Row((lab("需协调解决的问题"), c(var("issues"), span=3)), 9),
        Row((lab("登记方式"), c(boxes(choices["channel"], "channel"), span=3)), 7),
        Row((lab("申请承诺"), c(
            Par("本单位自愿委托代办机构提供免费代办服务，承诺所填信息及提交材料真实、有效，"
                "按时提供审批所需材料，并对材料的真实性负责。", first_chars=2),
            Par("项目单位（盖章）：", left_chars=8),
            Par("法定代表人或授权代表（签字）：", left_chars=8),
            Par(SIGN_DATE, align="right"), span=3)), 24),
        Row((lab("代办机构意见"), c(
            f"{UNCHECKED}符合代办条件，同意受理　{UNCHECKED}不符合代办条件，理由：",
            Par("代办员（签字）：", left_chars=8),
            Par(SIGN_DATE, align="right"), span=3)), 16),
    ]
    w.table(widths, rows, "normal")
    w.note(("代办服务一律免费。代办机构：", var("agency.name"), "　电话：", var("agency.phone"),
            "　地址：", var("agency.address")))
    return w


# The seed's own stage headings (001 附件1 gives the first two); the last two follow the four stages.
ASSESS_STAGES = ("立项用地规划许可证阶段", "规划许可阶段", "施工许可阶段", "竣工验收阶段")
ASSESS_GROUPS = (
    ("apply", "一、各类申请（原件，加盖公章）"),
    ("approval", "二、项目批准文件（{note}）"),
    ("land", "三、土地手续（复印件）"),
    ("opinion", "四、部门意见{note}"),
    ("report", "五、评估文本类（原件）"),
    ("other", "六、其他"),
)
ASSESS_NOTES = {
    1: {"approval": "非市审批局核发的项目提供复印件", "opinion": "（复印件）"},
    2: {"approval": "非市审批局核发的项目提供复印件，市审批局核发的不需提供", "opinion": ""},
    3: {"approval": "非市审批局核发的项目提供复印件", "opinion": ""},
    4: {"approval": "非市审批局核发的项目提供复印件", "opinion": ""},
}


def _open_box_items(list_field: str) -> Content:
    """Items staff typed for a level without printed choices, then a blank box for handwriting."""
    return (f"{{% for x in {list_field} %}}{CHECKED}", var("x"), "　{% endfor %}", f"{UNCHECKED}{BLANK}")


def _assess_stage_sections(n: int, spec: FormSpec) -> list[list[Content]]:
    """The parts of one stage, each printed as a row of its own (a page may break between them)."""
    choices = {f.name: f.choices for f in spec.fields}
    types = {f.name: f.type for f in spec.fields}
    p = f"s{n}_"
    sections: list[list[Content]] = [[
        b("（一）事项清单"),
        "一、市级审批事项",
        boxes(choices[p + "city"], p + "city") + f"　{UNCHECKED}{BLANK}",
        "二、县级审批事项",
        _open_box_items(p + "county"),
        "三、省级审批事项",
        _open_box_items(p + "province"),
    ]]
    for i, (key, heading) in enumerate(ASSESS_GROUPS):
        sections.append(([b("（二）材料清单")] if i == 0 else []) + [
            heading.format(note=ASSESS_NOTES[n].get(key, "")),
            boxes(choices[p + key], p + key) + f"　{UNCHECKED}{BLANK}"])
    sections.append([b("（三）特殊环节"), var(p + "special")])
    if types[p + "fees"] == "checkbox":
        sections.append([(b("（四）需缴纳费用　"), boxes(choices[p + "fees"], p + "fees"))])
    else:
        sections.append([b("（四）需缴纳费用"), var(p + "fees")])
    sections.append([b("（五）要点提示"), var(p + "points")])
    sections.append([b("（六）优化流程建议"), var(p + "optimize")])
    return sections


def _assess_stage_rows(n: int, stage: str, spec: FormSpec) -> list[Row]:
    """One stage: its label merged down the left of its parts, so no part and no label is cut by a page."""
    return [Row((c(f"{CN_NUM[n - 1]}、{stage}" if i == 0 else "", align="center",
                   vmerge="restart" if i == 0 else "continue"), c(*section, span=3)))
            for i, section in enumerate(_assess_stage_sections(n, spec))]


def build_assess(spec: FormSpec) -> FormWriter:
    """一站式项目研判表 (001 一站式审批服务工作机制 附件1), four stages with every checkbox list."""
    w = FormWriter(spec)
    w.title()
    w.note(case_line(), align="right")
    widths = (22.0, 70.0, 22.0, 42.0)
    rows = [Row((lab("项目名称"), c(var("case.project_name")), lab("填表人"), c(var("filler"))), 11)]
    for n, stage in enumerate(ASSESS_STAGES, start=1):
        rows += _assess_stage_rows(n, stage, spec)
    # The signature row below takes the stage's last two parts along to its page.
    rows[-2:] = [replace(row, keep_next=True) for row in rows[-2:]]
    rows.append(Row((lab("填表人签字"), c(), lab("填表日期"), c(cn_date("doc.date"))), 13))
    w.table(widths, rows, "small")
    return w


def build_entrust(spec: FormSpec) -> FormWriter:
    """“全代办”服务委托书 (001 附件2), full text with its seven 中止 conditions."""
    w = FormWriter(spec)
    w.title()
    stages = ("{% if entrust_stages %}", stage_join("entrust_stages"), "{% else %}" + BLANK + "{% endif %}")
    matters = ("{% for m in matters if m.stage in entrust_stages %}", var("m.name"),
               "{% if not loop.last %}、{% endif %}{% else %}" + BLANK + "{% endfor %}")
    w.par(("根据《项目审批“全代办”工作方案》，", u(var("case.unit")), "（项目单位名称）委托",
           u(var("agency.name")), "（“全代办”机构名称），开展", u(var("case.project_name")),
           "（项目名称）审批“全代办”服务，现对委托内容明确如下："))
    w.par("一、代办服务事项")
    w.par(("本次主要是开展", u(stages), "阶段“全代办”工作，代办涉及审批事项：", u(matters), "。"))
    w.par(("二、我单位承诺按时提供项目审批需要的材料、缴纳相关规费、到现场实名认证和签字，并指定",
           u(var("case.contact")), "为我单位项目联系人，联系电话", u(var("case.phone")), "。"))
    w.par("三、我单位承诺在委托代办期间，因出现下列情况之一导致“全代办”服务中止，由此产生的损失由本单位自行承担：")
    for line in ENTRUST_SUSPEND_LINES:
        w.par(line)
    w.par("四、我单位对提交材料的真实性负责，因材料问题产生的法律责任由我单位承担，包括但不限于撤销审批文书。")
    w.par("本委托书自签署之日起生效。")
    w.signature("项目单位（盖章或签字）：", "", date_line=True)
    return w


ENTRUST_SUSPEND_LINES = tuple(f"{n}. {text}{'。' if n == len(SUSPEND_REASONS) else '；'}"
                              for n, text in SUSPEND_REASONS.items())


def build_plan(spec: FormSpec) -> FormWriter:
    """项目审批“全代办”服务方案 (001 附件1 and 一站式 附件2), the seed's table."""
    w = FormWriter(spec)
    w.title()
    w.note(case_line(), align="right")
    widths = (20.0, 24.0, 56.0, 24.0, 32.0)
    short = ("立项用地阶段", "工程建设许可阶段", "施工许可阶段", "竣工验收阶段")
    rows = [
        Row((lab("项目名称"), c(var("case.project_name"), span=2), lab("项目单位"), c(var("case.unit"))), 12),
        Row((lab("项目单位联系人及联系方式"), c((var("case.contact"), "　", var("case.phone")), span=2),
             lab("审批部门项目长"), c(var("case.manager"), var("case.manager_phone"))), 12),
        # Tall enough for the merged label's two lines: its text must not run into a row on the next page.
        Row((lab("审批事项清单", vmerge="restart"), lab("阶段"), lab("事项及审批权限"), lab("特殊环节"), lab("需缴纳费用")), 16),
    ]
    for n, stage in enumerate(STAGES, start=1):
        rows.append(Row((lab("", vmerge="continue"), lab(stage), stage_matters_cell(stage),
                         c(var(f"special_s{n}")), c(var(f"fees_s{n}"))), 22))
    for n, name in enumerate(short, start=1):
        rows.append(Row((lab(f"{name}申请材料清单", span=2), c(*numbered_list(f"materials_s{n}"), span=3)), 22))
    rows.append(Row((lab("审批要点提示", span=2), c(var("key_points"), span=3)), 26))
    rows.append(Row((lab("流程优化方案", span=2), c(var("optimization"), span=3)), 26))
    w.table(widths, rows, "normal")
    w.note("注：根据项目单位前期提供材料形成本审批方案，后期因项目建设条件进一步明确，涉及到其他审批事项及优化流程等以实际情况为准。",
           first_chars=2)
    w.note((var("agency.name"), "　", cn_date("doc.date")), align="right")
    return w


def build_notice(spec: FormSpec) -> FormWriter:
    """申请材料一次性告知清单 (001 项目长工作流程 (二)(五), 一次告知审批内容、材料清单、中介环节)."""
    w = FormWriter(spec, landscape=True)
    w.title()
    w.note(("项目名称：", var("case.project_name"), "　　项目单位：", var("case.unit"),
            "　　项目长：", var("case.manager"), "　", var("case.manager_phone")))
    widths = (12.0, 28.0, 35.0, 45.0, 53.0, 30.0, 22.0)
    header = Row((lab("序号"), lab("审批阶段"), lab("审批事项"), lab("办理条件"), lab("申请材料"),
                  lab("中介服务环节"), lab("办理时限")), 10, header=True)
    body = Row((c(var("loop.index"), align="center"), c(var("row.stage")), c(var("row.matter")),
                c(var("row.conditions")), c(var("row.materials")), c(var("row.intermediary")),
                c(var("row.time_limit"), align="center")), 12)
    rows = [header] + loop_rows("for row in notice_items", body, 7)
    w.table(widths, rows, "normal")
    w.note("以上为本项目审批所需的全部申请材料、办理条件、中介环节及办理时限，一次性告知。项目单位按清单准备材料，"
           "项目长协调相关科室对申请材料进行初步审查，提出一次性补正意见。涉及中介技术服务的，由项目单位自主选择中介服务机构。",
           first_chars=2)
    w.note(("告知单位：", var("agency.name"), "　　告知日期：", cn_date("doc.date")), align="right")
    return w


# A matter's planned date; counted through a year without holiday data it says so (估算).
PLANNED = "{% if m.due %}" + cn_date("m.due") + "{% if m.due_note %}（{{ m.due_note }}）{% endif %}{% endif %}"


def build_taskplan(spec: FormSpec) -> FormWriter:
    """代办任务分解计划表 (000 六(二)3, 002 六(三)): matters, 审批部门, 联络员, 时限, 时间节点."""
    w = FormWriter(spec, landscape=True)
    w.title()
    w.note(("项目名称：", var("case.project_name"), "　　项目单位：", var("case.unit"),
            "　　项目长：", var("case.manager"), "　　代办员：", var("case.agents|join('、')")))
    widths = (12.0, 30.0, 42.0, 16.0, 34.0, 20.0, 18.0, 12.0, 41.0)
    header = Row((lab("序号"), lab("审批阶段"), lab("代办事项"), lab("审批层级"), lab("审批部门"),
                  lab("审批联络员"), lab("办理时限（工作日）"), lab("并联"), lab("计划完成时间")), 12, header=True)
    body = Row((c(var("loop.index"), align="center"), c(var("m.stage")), c(var("m.name")),
                c(var("m.level"), align="center"), c(var("m.dept")), c(var("m.liaison"), align="center"),
                c(var("m.time_limit"), align="center"), c("{% if m.parallel %}是{% else %}否{% endif %}", align="center"),
                c(PLANNED, align="center")), 10)
    rows = [header] + loop_rows("for m in matters", body, 9)
    w.table(widths, rows, "normal")
    w.note(("{% if remarks %}说明：", var("remarks"), "{% endif %}"))
    w.note("代办员按本计划表实行派单，按时间节点跟踪督办；对审批权限在上级部门的事项，本级审批完成后1个工作日内推送上级审批部门。",
           first_chars=2)
    w.note(("编制单位：", var("agency.name"), "　　编制日期：", cn_date("doc.date")), align="right")
    return w


def build_card(spec: FormSpec) -> FormWriter:
    """代办联系卡 (000 六(一)5, 002 五(三))."""
    w = FormWriter(spec)
    w.title()
    widths = (40.0, 116.0)
    rows = [
        Row((c(b(var("agency.name")), "代办联系卡", span=2, align="center"),), 18),
        Row((lab("卡　号"), c(var("case.case_no"))), 11),
        Row((lab("项目名称"), c(var("case.project_name"))), 11),
        Row((lab("项目单位"), c(var("case.unit"))), 11),
        Row((lab("项目长"), c((var("case.manager"), "　电话：", var("case.manager_phone")))), 11),
        Row((lab("代办员"), c(var("case.agents|join('、')"))), 11),
        Row((lab("代办机构电话"), c(var("agency.phone"))), 11),
        Row((lab("代办机构地址"), c(var("agency.address"))), 11),
        Row((lab("监督投诉电话"), c(var("supervision_phone"))), 11),
        Row((lab("发卡日期"), c(cn_date("doc.date"))), 11),
        Row((c("凭本卡可全程免费享受“全代办”服务。代办服务不收取任何费用，法律法规规定由项目单位缴纳的费用除外。", span=2),), 16),
    ]
    w.table(widths, rows, "large")
    return w


def build_ledger(spec: FormSpec) -> FormWriter:
    """投资项目“全代办”信息台账 (001 项目长工作机制 附件1), also the 工作日志."""
    w = FormWriter(spec)
    w.title(var("agency.city") + "投资项目“全代办”信息台账")
    w.note(("项目名称：", var("case.project_name")))
    w.note(("项目长：", var("case.manager")))
    widths = (14.0, 30.0, 72.0, 40.0)
    header = Row((lab("序号"), lab("时间"), lab("内　容"), lab("完成许可事项情况")), 11, header=True)
    body = Row((c(var("loop.index"), align="center"), c(var("row.date"), align="center"),
                c(var("row.content")), c(var("row.result"))), 12)
    blank = Row((c(), c(), c(), c()), 12)
    rows = [header] + loop_rows("for row in entries", body, 4) + pad_rows("entries", 12, blank, 4)
    w.table(widths, rows, "normal")
    w.signature(("项目长（签字）：", BLANK))
    return w


def build_meeting(spec: FormSpec) -> FormWriter:
    """联合审批协调会议记录表 / 会议纪要 (000 六(一)6, 002 五(五)3, 003 二(五)6)."""
    w = FormWriter(spec)
    w.title()
    w.note(case_line(), align="right")
    widths = (26.0, 46.0, 30.0, 24.0, 30.0)
    att_body = Row((c(var("row.dept"), span=2), c(var("row.name"), align="center"),
                    c(var("row.title"), align="center"), c()), 12)
    res_body = Row((c(var("loop.index"), align="center"), c(var("row.item"), span=2),
                    c(var("row.owner"), align="center"), c(var("row.deadline"), align="center")), 12)
    meeting = project_rows(5) + [
        Row((lab("会议议题"), c(var("subject"), span=4)), 11),
        Row((lab("会议时间"), c(var("meeting_time")), lab("会议地点"), c(var("meeting_place"), span=2)), 11),
        Row((lab("主持人"), c(var("convener")), lab("记录人"), c(var("recorder"), span=2)), 11),
    ]
    attendees = [
        Row((lab("参会部门", span=2), lab("参会人员"), lab("职务"), lab("负责人签字")), 10, header=True),
        *loop_rows("for row in attendees", att_body, 5),
        *pad_rows("attendees", 4, Row((c(span=2), c(), c(), c()), 12), 5),
    ]
    issues = [Row((lab("协调事项及存在问题"), c(var("issues"), span=4)), 30)]
    resolutions = [
        Row((lab("序号"), lab("议定事项", span=2), lab("责任单位"), lab("完成时限")), 10, header=True),
        *loop_rows("for row in resolutions", res_body, 5),
    ]
    w.tables(widths, [meeting, attendees, issues, resolutions], "normal")
    w.note("注：各参加协调会议的部门负责人签字确认，确保协调结果落实到位；本记录存入项目“一事一档”。", first_chars=2)
    return w


def build_meeting_notice(spec: FormSpec) -> FormWriter:
    """会议通知 (003 一事一档: 会议通知), official notice layout."""
    w = FormWriter(spec)
    w.title(("关于召开", var("case.project_name"), "审批协调会议的通知"))
    w.par(var("doc.doc_no"), align="center", first_chars=0)
    w.par(("{% for x in recipients %}", var("x"), "{% if not loop.last %}、{% endif %}{% endfor %}："), first_chars=0)
    w.par((var("case.unit"), var("case.project_name"), "审批手续办理中，现需协调", var("subject"),
           "。经研究，决定召开协调会议。现将有关事项通知如下："))
    w.h1("一、会议时间")
    w.par(var("meeting_time"))
    w.h1("二、会议地点")
    w.par(var("meeting_place"))
    w.h1("三、会议议题")
    w.raw("{%p for x in topics %}")
    w.par((var("loop.index"), "．", var("x")))
    w.raw("{%p endfor %}")
    w.h1("四、参会人员")
    w.par(var("attendee_req"))
    w.h1("五、有关要求")
    w.par(("请各单位提前熟悉项目情况，带齐相关资料准时参会。", "{% if reply_by %}请于", var("reply_by"),
           "将参会人员名单报", var("agency.name"), "。{% endif %}", "联系人：", var("case.manager"),
           "，联系电话：", var("case.manager_phone"), "。"))
    w.closing(Par(var("agency.name"), align="right"), Par(cn_date("doc.date"), align="right"))
    return w


def build_signin(spec: FormSpec) -> FormWriter:
    """会议签到表 (003 一事一档: 会议签到表)."""
    w = FormWriter(spec)
    w.title()
    w.note(("会议名称：", var("meeting_title")))
    w.note(("会议时间：", var("meeting_time"), "　　会议地点：", var("meeting_place")))
    w.note(("项目名称：", var("case.project_name")))
    widths = (12.0, 44.0, 20.0, 22.0, 30.0, 28.0)
    header = Row((lab("序号"), lab("单位"), lab("姓名"), lab("职务"), lab("联系电话"), lab("签到")), 10, header=True)
    body = Row((c(var("loop.index"), align="center"), c(var("row.dept")), c(var("row.name"), align="center"),
                c(var("row.title"), align="center"), c(var("row.phone"), align="center"), c()), 11)
    blank = Row(tuple(c() for _ in widths), 11)
    rows = [header] + loop_rows("for row in attendees", body, 6) + pad_rows("attendees", 14, blank, 6)
    w.table(widths, rows, "normal")
    return w


def build_letter(spec: FormSpec) -> FormWriter:
    """工作联系函 (003 一事一档: 工作联系函), official letter layout."""
    w = FormWriter(spec)
    w.title(("关于", var("subject"), "的函"))
    w.par(var("doc.doc_no"), align="center", first_chars=0)
    w.par((var("recipient"), "："), first_chars=0)
    w.par(("我", var("agency.name"), "受", var("case.unit"), "委托，为", var("case.project_name"),
           "（项目代码：", var("case.project_code"), "）提供审批“全代办”服务。现就有关事项函告如下："))
    w.par(paragraphs("body"))
    w.raw("{%p if reply_by %}")
    w.par(("请于", var("reply_by"), "函复。"))
    w.raw("{%p endif %}")
    w.raw("{%p if attachments %}")
    w.par(("附件：{% for x in attachments %}", var("loop.index"), "．", var("x"),
           "{% if not loop.last %}　{% endif %}{% endfor %}"))
    w.raw("{%p endif %}")
    w.closing(Par(("（", var("agency.name"), "盖章）"), align="right"), Par(cn_date("doc.date"), align="right"),
              keep=1)
    # GB/T 9704 7.3.7: the contact person is an 附注, in parentheses below the date.
    w.par(("（联系人：", var("case.manager"), "，联系电话：", var("case.manager_phone"), "）"))
    return w


def build_assist(spec: FormSpec) -> FormWriter:
    """协办单 (001 跨层级推送, 002 六(五), 003 一事一档: 协办单)."""
    w = FormWriter(spec)
    choices = {f.name: f.choices for f in spec.fields}
    w.title()
    w.note(case_line(), align="right")
    widths = (30.0, 54.0, 22.0, 50.0)
    rows = [
        Row((lab("协办单位"), c(var("to_unit"), span=3)), 11),
        *project_rows(),
        Row((lab("项目代码"), c(var("case.project_code")), lab("项目长"), c((var("case.manager"), " ", var("case.manager_phone")))), 11),
        Row((lab("协办事项"), c(var("matter"), span=3)), 11),
        Row((lab("协办类型"), c(boxes(choices["assist_type"], "assist_type"), span=3)), 11),
        Row((lab("协办内容及要求"), c(var("request"), span=3)), 30),
        Row((lab("随附材料"), c(*numbered_list("attachments"), span=3)), 16),
        Row((lab("办理时限"), c(var("deadline"), span=3)), 11),
        Row((lab("发单单位"), c((var("agency.name"), "（盖章）"), Par(cn_date("doc.date"), align="right"), span=3)), 18),
        Row((lab("协办单位办理情况"), c("", "", Par("经办人（签字）：　　　　　联系电话：", left_chars=2),
                                     Par(SIGN_DATE, align="right"), span=3)), 36),
    ]
    w.table(widths, rows, "normal")
    w.note("注：对跨层级项目，完成本级审批职能后1个工作日内推送相应审批部门；协办单位办理后请将结果反馈发单单位，本单存入项目“一事一档”。",
           first_chars=2)
    return w


def build_progress(spec: FormSpec) -> FormWriter:
    """代办项目进度汇总 (002 六(六) 每半个月反馈项目业主, 000 六(二)6)."""
    w = FormWriter(spec)
    w.title()
    w.note(("项目名称：", var("case.project_name")))
    w.note(("项目单位：", var("case.unit")))
    w.note(("汇总期间：", var("period")))
    done = "matters|selectattr('status', 'equalto', '已办结')|list|length"
    doing = "matters|selectattr('status', 'equalto', '已受理')|list|length"
    todo = "matters|selectattr('status', 'equalto', '待办')|list|length"
    w.note(("审批事项共", var("matters|length"), "项，其中已办结", var(done), "项，已受理办理中",
            var(doing), "项，待办", var(todo), "项。"), first_chars=2)
    widths = (12.0, 30.0, 40.0, 32.0, 16.0, 26.0)
    header = Row((lab("序号"), lab("审批阶段"), lab("审批事项"), lab("审批部门"), lab("状态"), lab("计划完成")), 11, header=True)
    body = Row((c(var("loop.index"), align="center"), c(var("m.stage")), c(var("m.name")), c(var("m.dept")),
                c(var("m.status"), align="center"), c(PLANNED, align="center")), 10)
    w.table(widths, [header] + loop_rows("for m in matters", body, 6), "normal")
    w.note(b("受阻事项及协调措施"))
    widths2 = (12.0, 40.0, 52.0, 52.0)
    header2 = Row((lab("序号"), lab("事项"), lab("存在问题"), lab("协调措施")), 10, header=True)
    body2 = Row((c(var("loop.index"), align="center"), c(var("row.matter")), c(var("row.problem")), c(var("row.measure"))), 10)
    blank2 = Row((c("—", align="center"), c("无"), c(), c()), 10)
    w.table(widths2, [header2] + loop_rows("for row in blocked", body2, 4, blank2), "normal")
    w.note((b("下阶段工作安排："), var("next_plan")))
    w.note(("反馈单位：", var("agency.name")), align="right")
    w.note(("项目长：", var("case.manager"), "　　", cn_date("doc.date")), align="right")
    return w


def build_suspend(spec: FormSpec) -> FormWriter:
    """“全代办”服务中止告知 (001 四(三) 服务中止, 委托书第三条)."""
    w = FormWriter(spec)
    reasons = next(f.choices for f in spec.fields if f.name == "reasons")
    w.title()
    w.par(var("doc.doc_no"), align="center", first_chars=0)
    w.par((var("case.unit"), "："), first_chars=0)
    w.par(("你单位委托我单位开展的", var("case.project_name"), "（项目代码：", var("case.project_code"),
           "）审批“全代办”服务，因出现下列情况导致“全代办”服务无法进行，根据《“全代办”服务委托书》第三条，自",
           cn_date("doc.date"), "起中止“全代办”服务："))
    for n, reason in enumerate(reasons, start=1):
        end = "。" if n == len(reasons) else "；"
        w.par(f"{{% if {jstr(reason)} in reasons %}}{CHECKED}{{% else %}}{UNCHECKED}{{% endif %}}{n}. {reason}{end}")
    w.par(("具体情况：", paragraphs("details")))
    w.par("上述情形消除后，你单位可向我单位申请恢复“全代办”服务；不再委托的，双方办理终止委托手续。"
          "已办结事项的审批结果及相关材料，我单位将按规定向你单位移交。")
    w.par(("联系人：", var("case.manager"), "，联系电话：", var("case.manager_phone"), "。"))
    w.closing(Par(("（", var("agency.name"), "盖章）"), align="right"), Par(cn_date("doc.date"), align="right"))
    return w


def build_complete(spec: FormSpec) -> FormWriter:
    """“全代办”服务办结单 (001 附件3), the seed's full text."""
    w = FormWriter(spec)
    w.title()
    project = (var("case.project_name"), "{% if parcel_no %}／", var("parcel_no"), "{% endif %}")
    w.par(("兹有“全代办”项目(项目名称/地块编号)", u(project), "，项目代码", u(var("case.project_code")),
           "已于", u(cn_date("completed_on")), "完结", u(stage_join("completed_stages")),
           "阶段“全代办”服务工作，有关材料已向项目单位移交完毕，现作办结处理。"))
    w.par("已移交材料如下：")
    w.raw("{%p for x in handed_items %}")
    w.par((var("loop.index"), ".", var("x")))
    w.raw("{%p else %}")
    w.par("1.")
    w.par("2.")
    w.raw("{%p endfor %}")
    w.signature("项目单位：（盖章或签字）", "", date_line=True)
    w.signature("项目长：", "", date_line=True)
    return w


def build_terminate(spec: FormSpec) -> FormWriter:
    """代办项目终止委托单 (000 六(二)8, 002 六(八))."""
    w = FormWriter(spec)
    choices = {f.name: f.choices for f in spec.fields}
    w.title()
    w.note(case_line(), align="right")
    widths = (30.0, 54.0, 24.0, 48.0)  # room for a whole 项目代码
    done = "{% for m in matters if m.status == '已办结' %}" + var("m.name") + "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}"
    undone = "{% for m in matters if m.status != '已办结' %}" + var("m.name") + "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}"
    rows = project_rows() + [
        Row((lab("项目代码"), c(var("case.project_code")), lab("委托日期"), c(cn_date("entrusted_on"))), 11),
        Row((lab("项目长"), c(var("case.manager")), lab("代办员"), c(var("case.agents|join('、')"))), 11),
        Row((lab("终止原因"), c(*[box(x, "reason") for x in choices["reason"]], span=3)), 14),
        Row((lab("原因说明"), c(var("reason_detail"), span=3)), 18),
        Row((lab("已办结事项"), c(done, span=3)), 10),
        Row((lab("未办结事项"), c(undone, span=3)), 10),
        Row((lab("移交资料"), c(*numbered_list("returned_items", "无"), span=3)), 14),
        # Both parties sign in one row, so the two signatures can never land on different pages.
        Row((lab("项目单位意见"), c("同意终止“全代办”委托，上述资料已如数接收。", "项目单位（盖章）：", "经办人（签字）：",
                                   Par(SIGN_DATE, align="right")),
             lab("代办机构"), c(var("agency.name"), "代办员（签字）：", "", Par(SIGN_DATE, align="right"))), 40),
    ]
    w.table(widths, rows, "normal")
    w.note("注：本单经双方签字后，于终止代办2个工作日内连同相关资料移交代办机构留档。", first_chars=2)
    return w


def build_handover(spec: FormSpec) -> FormWriter:
    """移交清单 (001 办结告知, 002 六(八), 003 结果反馈: 原始材料、批复、证照移交项目单位)."""
    w = FormWriter(spec)
    w.title()
    w.note(("项目名称：", var("case.project_name")))
    w.note(("项目单位：", var("case.unit")))
    w.note(case_line())
    widths = (11.0, 45.0, 18.0, 30.0, 16.0, 11.0, 11.0, 14.0)
    header = Row((lab("序号"), lab("材料名称"), lab("类别"), lab("文号／证号"), lab("原件／复印件"),
                  lab("份数"), lab("页数"), lab("备注")), 12, header=True)
    body = Row((c(var("loop.index"), align="center"), c(var("row.name")), c(var("row.kind"), align="center"),
                c(var("row.doc_no")), c(var("row.form"), align="center"), c(var("row.copies"), align="center"),
                c(var("row.pages"), align="center"), c(var("row.note"))), 10)
    blank = Row(tuple(c() for _ in widths), 10)
    rows = [header] + loop_rows("for row in items", body, 8) + pad_rows("items", 8, blank, 8)
    w.table(widths, rows, "small")
    w.note(("以上材料共", var("items|length"), "项，已核对无误，由项目单位如数接收。"), first_chars=2)
    w.signature(("移交人（签字）：", BLANK), "接收人（项目单位）（签字）：", ("移交日期：", cn_date("doc.date")))
    return w


def build_evaluate(spec: FormSpec) -> FormWriter:
    """代办服务评价意见单 (000 六(二)9 and 七(四), 002 六(九))."""
    w = FormWriter(spec)
    choices = {f.name: f.choices for f in spec.fields}
    w.title()
    w.note(case_line(), align="right")
    widths = (36.0, 24.0, 96.0)
    rows = project_rows(3) + [
        Row((lab("项目长／代办员"), c((var("case.manager"), "　", var("case.agents|join('、')")), span=2)), 11),
        Row((lab("评价对象"), lab("评价内容"), lab("评价等次")), 10),
    ]
    for who, who_label in (("agent", "代办机构及代办员"), ("dept", "审批部门及窗口工作人员")):
        for i, (aspect, label) in enumerate((("attitude", "服务态度"), ("efficiency", "办事效率"), ("quality", "服务质量"))):
            name = f"{who}_{aspect}"
            rows.append(Row((lab(who_label if i == 0 else "", vmerge="restart" if i == 0 else "continue"),
                             lab(label), c(boxes(choices[name], name))), 11))
    rows += [
        Row((lab("评价方式"), c(boxes(choices["method"], "method"), span=2)), 11),
        Row((lab("意见和建议"), c(var("comments"), span=2)), 40),
        Row((lab("项目单位"), c(Par("项目单位（盖章）：", left_chars=6), Par("填写人（签字）：　　　　　联系电话：", left_chars=6),
                                Par(SIGN_DATE, align="right"), span=2)), 30),
    ]
    w.table(widths, rows, "normal")
    w.note("注：请在相应“□”内打“√”。评价结果由代办机构留档，作为代办服务考核评价的依据。", first_chars=2)
    return w


def build_advice(spec: FormSpec) -> FormWriter:
    """投资项目“全代办”工作建议表 (001 项目长工作机制 附件2)."""
    w = FormWriter(spec)
    w.title(var("agency.city") + "投资项目“全代办”工作建议表")
    widths = (32.0, 124.0)
    rows = [
        Row((lab("项目"), c(var("case.project_name"))), 16),
        Row((lab("意见和建议"), c(var("suggestions"), valign="top")), 120),
        Row((lab("备注"), c(var("remarks"))), 30),
    ]
    w.table(widths, rows, "large")
    w.signature(("填表人（项目长）：", BLANK), ("填表日期：", cn_date("doc.date")))
    return w


def build_roster(spec: FormSpec) -> FormWriter:
    """名单报送回执 (004 附件1)."""
    w = FormWriter(spec)
    w.title()
    w.par(("填报单位：", u(var("reporting_unit")), "（公章）"), first_chars=0)
    widths = (22.0, 16.0, 20.0, 28.0, 30.0, 26.0, 14.0)
    rows = [Row(tuple(lab(x) for x in ("类别", "姓名", "职务", "手机号码", "办公电话", "负责业务", "备注")), 12, header=True)]
    for category in ("分管领导", "业务负责人", "审批骨干人员"):
        body = Row((c("{% vm %}" + category, align="center"), c(var("p.name"), align="center"),
                    c(var("p.title"), align="center"), c(var("p.mobile"), align="center"),
                    c(var("p.phone"), align="center"), c(var("p.duty")), c(var("p.note"))), 13)
        blank = Row((lab(category),) + tuple(c() for _ in widths[1:]), 13)
        rows += loop_rows(f"for p in members if p.category == {jstr(category)}", body, 7, blank)
    w.table(widths, rows, "normal")
    return w


def build_interactions(spec: FormSpec) -> FormWriter:
    """各单位开展政企互动情况统计表 (004 附件2), quarterly."""
    w = FormWriter(spec)
    w.title()
    w.par(("单位（公章）：", u(var("reporting_unit")), "　　", var("quarter")), first_chars=0)
    widths = (28.0, 30.0, 38.0, 44.0, 16.0)
    header = Row(tuple(lab(x) for x in ("时间", "地点", "参加企业", "活动内容", "备注")), 12, header=True)
    body = Row((c(var("row.date"), align="center"), c(var("row.place")), c(var("row.companies")),
                c(var("row.content")), c(var("row.note"))), 12)
    blank = Row(tuple(c() for _ in widths), 12)
    rows = [header] + loop_rows("for row in activities", body, 5) + pad_rows("activities", 8, blank, 5)
    w.table(widths, rows, "normal")
    w.par(("填报人：", var("filler")), first_chars=0)
    w.par(("办公电话：", var("office_phone")), first_chars=0)
    w.par(("联系手机：", var("mobile")), first_chars=0)
    w.par(("（请于每季度前 5 个工作日内报送上一季度活动开展情况，电子版发送至邮箱 ", var("agency.report_email"), "）。"), first_chars=0)
    return w


BUILDERS = {
    "apply": build_apply,
    "assess": build_assess,
    "entrust": build_entrust,
    "plan": build_plan,
    "notice": build_notice,
    "taskplan": build_taskplan,
    "card": build_card,
    "ledger": build_ledger,
    "meeting": build_meeting,
    "meeting_notice": build_meeting_notice,
    "signin": build_signin,
    "letter": build_letter,
    "assist": build_assist,
    "progress": build_progress,
    "suspend": build_suspend,
    "complete": build_complete,
    "terminate": build_terminate,
    "handover": build_handover,
    "evaluate": build_evaluate,
    "advice": build_advice,
    "roster": build_roster,
    "interactions": build_interactions,
}


def build_all(out_dir: Path = TEMPLATES) -> list[Path]:
    """Build every catalog form's template into out_dir and return the paths written."""
    catalog = load_catalog()
    missing = set(catalog.ids()) ^ set(BUILDERS)
    if missing:
        raise SystemExit(f"表单目录与模板生成器不一致：{sorted(missing)}")
    written = []
    for form_id in catalog.ids():
        spec = catalog.get(form_id)
        path = out_dir / spec.template_name
        BUILDERS[form_id](spec).save(path)
        written.append(path)
    return written


def main() -> None:
    """Command-line entry: build all templates and list them."""
    for path in build_all():
        print(json.dumps(str(path.relative_to(ROOT)), ensure_ascii=False))


if __name__ == "__main__":
    main()
