"""What a person sees on the page is found, on both backends: a generated form's table cells (read
from its .docx), an uploaded PDF's cells, codes wrapped at a hyphen and sentences over a page break
(read by the layout), and the case's codes. Real LibreOffice, pdfplumber, Whoosh and tantivy.
"""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import AGENCY_CONTACT, PROJECT, SAMPLE_CASE, Daiban, use_sample_library
from docx import Document

from archive.content.pdflayout import pdf_layout_text
from index.normalize import normalize_text

sys.path.insert(0, str(PROJECT))
from bench.visible_docs import PROJECT_CODE, VisibleDoc, build_report  # noqa: E402

pytestmark = pytest.mark.slow
CASE_CODE, CREDIT_CODE = "2026-140500-44-01-012345", "91140500MA0K7Q5X30"  # demo/case.toml
MATTERS = [
    ("立项", "企业投资项目备案", "县级", "泽州县行政审批服务管理局", "1"),
    ("立项", "建设项目用地预审与选址意见书", "市级", "晋城市规划和自然资源局", "10"),
    ("竣工", "建设工程消防验收备案", "市级", "晋城市住房和城乡建设局", "5"),
]
FORMS = ("taskplan", "notice", "card", "ledger")


def plain_pdftotext(pdf: Path) -> str:
    """The text the earlier daiban stored for a PDF: plain pdftotext, normalised."""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    return normalize_text(raw.decode())


@pytest.fixture(scope="module")
def filed(tmp_path_factory) -> tuple[Daiban, str, VisibleDoc]:
    """A root with a generated 任务分解计划表 and an uploaded report whose visible text is known."""
    work = tmp_path_factory.mktemp("visible")
    report = build_report(work)
    daiban = Daiban(work / "根目录")
    daiban("init", "--city", "晋城市", *AGENCY_CONTACT)
    use_sample_library(daiban.root)
    case_no = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    for stage, name, level, dept, days in MATTERS:
        daiban("matter", "add", case_no, "--stage", stage, "--name", name, "--level", level, "--dept", dept,
               "--days", days)
    for form in FORMS:
        daiban("render", case_no, form)
    daiban("file", case_no, report.pdf, "--category", "工作联系函")
    return daiban, case_no, report


@pytest.fixture(params=["whoosh", "tantivy"])
def root(request, filed) -> tuple[Daiban, str, VisibleDoc]:
    daiban = filed[0]
    daiban("index", "rebuild", "--backend", request.param)
    return filed


def hits(daiban: Daiban, query: str) -> list[dict]:
    return json.loads(daiban("search", query, "--json", "--limit", "50").output)["hits"]


def paths(daiban: Daiban, query: str) -> list[str]:
    return [Path(h["path"]).name for h in hits(daiban, query)]


def visible_cells(docx: Path) -> list[str]:
    """The table cells of a .docx as python-docx reads them: what the printed form shows in each box."""
    cells = {cell.text.strip() for table in Document(str(docx)).tables for row in table.rows for cell in row.cells}
    return sorted(c for c in cells if len(c) > 1 and not c.startswith("-") and '"' not in c and "__" not in c)


def report_path(daiban: Daiban, case_no: str) -> str:
    shown = json.loads(daiban("case", "show", case_no, "--json").output)["documents"]
    return next(d["path"] for d in shown if d["kind"] == "upload")


def test_every_table_cell_of_every_generated_form_is_found_in_its_pdf(root):
    daiban, case_no, _ = root
    shown = json.loads(daiban("case", "show", case_no, "--json").output)["documents"]
    forms = [d for d in shown if d["kind"] == "generated" and d["path"].endswith(".docx")]
    # The 协办单 of the matter a level up was made when it was added: its cells are found as well.
    assert sorted(f["form_id"] for f in forms) == sorted([*FORMS, "assist"])
    for form in forms:
        pdf = form["path"].rsplit(" v", 1)[0]
        cells = visible_cells(daiban.root / form["path"])
        assert cells, form["path"]
        for cell in cells:
            found = [h for h in hits(daiban, cell) if h["path"].endswith(".pdf") and h["form_id"] == form["form_id"]]
            assert found and not found[0].get("metadata_only"), f"{cell!r} not found in {pdf}"


def test_a_wrapped_header_line_and_a_department_in_a_cell_read_as_printed(root):
    daiban, _, _ = root
    # The taskplan's header wraps "代办" | "员：张丽、赵强" at the line end; pdftotext set the halves apart.
    assert any(p.endswith("代办任务分解计划表 v1.pdf") for p in paths(daiban, "代办员：张丽、赵强"))
    found = [h for h in hits(daiban, "晋城市住房和城乡建设局") if h["path"].endswith("代办任务分解计划表 v1.pdf")]
    assert found and "**晋城市住房和城乡建设局**" in found[0]["snippet"]


def test_an_uploaded_pdfs_cells_codes_and_page_breaks_are_found(root):
    daiban, _, report = root
    for kind in ("table cell", "code", "page break", "line wrap", "rare character", "punctuation", "traditional"):
        for phrase in report.phrases[kind]:
            assert any(p.endswith(report.pdf.name) for p in paths(daiban, phrase)), f"{kind}: {phrase} not found"


def test_the_report_shows_the_traps_the_old_reading_fell_into(filed):
    # Without these, the test above would prove nothing: pdftotext loses each of them.
    _, _, report = filed
    old = plain_pdftotext(report.pdf)
    assert normalize_text(PROJECT_CODE) not in old  # the hyphen at the line end is dropped
    assert "晋城市生态环境局" not in old  # its lines interleave with the neighbouring cell's
    assert report.phrases["page break"] and report.phrases["line wrap"]
    assert not any(normalize_text(p) in old for p in report.phrases["page break"][:1])


def test_the_layout_reading_loses_and_adds_no_character(filed):
    _, _, report = filed
    document = pdfium.PdfDocument(str(report.pdf))
    try:
        seen = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    read = pdf_layout_text(report.pdf)
    assert Counter(c for c in read if not c.isspace()) == Counter(c for c in seen if not c.isspace())
    # Running footers ("第 1 页") leave the body: the sentence over the break reads on.
    assert read.rstrip().endswith(("第 2 页", "第 3 页"))


def test_the_case_codes_find_the_cases_documents_and_rank_the_printed_ones_first(root):
    daiban, case_no, report = root
    shown = json.loads(daiban("case", "show", case_no, "--json").output)["documents"]
    for code in (CASE_CODE, CREDIT_CODE):
        found = hits(daiban, code)
        assert len(found) == len(shown)
        flags = [h["metadata_only"] for h in found]
        assert flags == sorted(flags) and flags[-1]  # the documents that print the code come first
    assert "仅案件信息匹配" in daiban("search", CREDIT_CODE).output
    # Another project's code, printed only in the report, finds the report alone.
    assert [h["path"] for h in hits(daiban, PROJECT_CODE)] == [report_path(daiban, case_no)]
