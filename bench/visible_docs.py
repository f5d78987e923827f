"""Documents whose visible text is known by construction, for search recall tests and benchmarks.

An uploaded report, written as a .docx and printed to PDF by LibreOffice: a ruled table whose
narrow cells wrap (department and matter names, a 项目代码 that wraps at a hyphen, contacts with
Extension A/B characters), full-width punctuation, a paragraph in traditional characters, and a
sentence that runs over a page break under a page-number footer. What a person sees is read back
from the PDF with pypdfium2 (not daiban's reader): the lines either side of the page break and
of the wrapped code.
"""

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from docgen.convert import convert_to_pdf

# Another project's code than the sample case's, so that only the report's own text can find it.
PROJECT_CODE = "2026-140525-89-02-031775"
TITLE = "关于晋城市新能源装备制造产业园项目联审情况的报告"
PUNCTUATED = ["《晋城市投资项目“全代办”服务规定》", "（晋政办发〔2026〕12号）", "第三条：", "“一事一档”；"]
TRADITIONAL = ("本項目審批事項由項目長統一協調，代辦員負責跟蹤督辦。", ["審批事項", "项目长统一协调", "代办员负责"])
# Matter and department side by side, both wrapping: pdftotext reads their lines across the row
# ("建设工程消防 晋城市住房和|验收备案|城乡建设局"), so neither name is found in its text.
ROWS = [
    ("建设项目用地预审与选址意见书", "晋城市规划和自然资源局", "10", PROJECT_CODE, "张𠮷"),
    ("企业投资项目备案", "泽州县行政审批服务管理局", "1", "晋泽审批备〔2026〕12号", "王㐂"),
    ("建设工程消防验收备案", "晋城市住房和城乡建设局", "5", "晋建消备〔2026〕第0117号", "李䶮"),
    ("建设项目环境影响报告表审批", "晋城市生态环境局", "20", "晋环审〔2026〕55号", "赵𪚥"),
]
WIDTHS = [Cm(3.2), Cm(2.6), Cm(0.9), Cm(2.4), Cm(1.5)]
HEADER = ("审批事项", "审批部门", "时限", "项目代码或文号", "联系人")
FILLER = ["代办员陪同项目单位到审批部门窗口提交申请材料", "审批部门按照一次性告知清单出具受理通知书",
          "项目长组织召开联审协调会议并形成会议纪要", "对审批权限在上级部门的事项本级审批完成后推送上级",
          "全程留痕并由档案管理员按一事一档要求整理归档", "企业对代办服务进行评价并在移交清单上签字确认"]
_PAGE_NUMBER = re.compile(r"第\s*\d+\s*页")
_SPACES = re.compile(r"\s+")


@dataclass
class VisibleDoc:
    """A built document and, by class, phrases a person sees on its pages."""

    docx: Path
    pdf: Path
    phrases: dict[str, list[str]] = field(default_factory=dict)


def _footer_page_number(document) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r>'
                                  "</w:fldSimple>"))
    paragraph.add_run(" 页")


def _table(document) -> None:
    table = document.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    table.autofit = False
    for row in [HEADER, *ROWS]:
        cells = table.rows[0].cells if row is HEADER else table.add_row().cells
        for cell, text, width in zip(cells, row, WIDTHS, strict=True):
            cell.text = text
            cell.width = width


def _filler(rng: random.Random, first: int, sentences: int) -> str:
    # Numbered, so that the words either side of a page break occur nowhere else.
    return "；".join(f"第{n}项{rng.choice(FILLER)}" for n in range(first, first + sentences)) + "。"


def build_report(work: Path, seed: int = 1) -> VisibleDoc:
    """Write the report as .docx, print it to PDF with LibreOffice, and read back what its pages show."""
    rng = random.Random(seed)
    document = Document()
    document.styles["Normal"].font.size = Pt(12)
    _footer_page_number(document)
    document.add_paragraph(TITLE)
    document.add_paragraph("根据" + "".join(PUNCTUATED) + "现将联审情况报告如下。")
    _table(document)
    document.add_paragraph(TRADITIONAL[0])
    # Long paragraphs, so that each page break falls inside a sentence, not between paragraphs.
    for first in (1, 41, 81):
        document.add_paragraph(_filler(rng, first, 40))
    docx = work / "联审情况报告.docx"
    document.save(str(docx))
    pdf = convert_to_pdf([docx], work)[0]
    report = VisibleDoc(docx, pdf)
    report.phrases = {
        "table cell": [cell for row in ROWS for cell in (row[0], row[1], row[3])],
        "code": [PROJECT_CODE, "-".join(PROJECT_CODE.split("-")[1:4]), "-".join(PROJECT_CODE.split("-")[2:]),
                 "晋泽审批备〔2026〕12号"],
        "rare character": [row[4] for row in ROWS],
        "punctuation": PUNCTUATED,
        "traditional": TRADITIONAL[1],
        "page break": page_break_phrases(pdf),
        "line wrap": wrapped_phrases(pdf),
    }
    return report


def page_lines(pdf: Path) -> list[list[str]]:
    """The lines each page shows, read with pypdfium2, page numbers left out."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for page in document:
            text = page.get_textpage().get_text_range()
            lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
            pages.append([line for line in lines if line and not _PAGE_NUMBER.fullmatch(line)])
        return pages
    finally:
        document.close()


def _unique_join(before: str, after: str, everything: str) -> str:
    """The shortest phrase across the join of two lines that occurs nowhere else, as a person types it."""
    before, after = _SPACES.sub("", before), _SPACES.sub("", after)
    phrase = before[-2:] + after[:2]
    for reach in range(2, 16):
        phrase = _whole_words(before, after, reach)
        if everything.count(phrase) == 1:
            break
    return phrase


def _whole_words(before: str, after: str, reach: int) -> str:
    """reach characters either side of the join, widened so that no digit or Latin run is cut."""
    start, end = max(0, len(before) - reach), min(len(after), reach)
    while 0 < start < len(before) and _ascii_word(before[start - 1]) and _ascii_word(before[start]):
        start -= 1
    while 0 < end < len(after) and _ascii_word(after[end - 1]) and _ascii_word(after[end]):
        end += 1
    return before[start:] + after[:end]


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _everything(pages: list[list[str]]) -> str:
    return _SPACES.sub("", "".join(line for lines in pages for line in lines))


def page_break_phrases(pdf: Path) -> list[str]:
    """The phrases that run from the last line of each page onto the first line of the next."""
    pages = page_lines(pdf)
    everything = _everything(pages)
    return [_unique_join(before[-1], after[0], everything)
            for before, after in zip(pages, pages[1:], strict=False) if before and after]


def wrapped_phrases(pdf: Path) -> list[str]:
    """The phrases that run from one line onto the next where a line ends in a hyphen."""
    pages = page_lines(pdf)
    everything = _everything(pages)
    return [_unique_join(line, nxt, everything) for lines in pages for line, nxt in zip(lines, lines[1:], strict=False)
            if line.endswith("-") and nxt[:1].isdigit()]
