"""Every form paginates for the counter: no table row cut by a page, no page left with a few lines,
signature blocks on the page of their text, names and codes never broken across lines.

All 22 forms are rendered twice, for a realistic case and for a stress case (30 matters, an
80-character project name, rare characters in names, markup in values), converted by LibreOffice
and read back page by page from the PDF.
"""

import re
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn
from fixtures.docgen.builders import STRESS_PEOPLE, realistic_context, stress_context

from archive.content.pdflayout import pdf_layout_text
from docgen.catalog import BUILTIN_TEMPLATES, load_catalog
from docgen.convert import convert_to_pdf
from docgen.fields import coerce
from docgen.render import RenderJob, render_forms
from index.normalize import clean_text

pytestmark = pytest.mark.slow
CATALOG = load_catalog()
IDS = CATALOG.ids()
MIN_BODY_LINES = 4
FOOTER_SHARE = 0.12  # the footer (文号, 文档标识, page number, QR code) sits in the bottom of the page


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", clean_text(text))


def render_all(out: Path, make_context) -> dict[str, tuple[Path, Path]]:
    specs = list(CATALOG.forms.values())
    jobs = [RenderJob(spec, make_context(spec)) for spec in specs]
    docx = render_forms(jobs, [out / spec.template_name for spec in specs], [BUILTIN_TEMPLATES])
    return {spec.id: (d, p) for spec, d, p in zip(specs, docx, convert_to_pdf(docx, out), strict=True)}


MAKERS = {"realistic": realistic_context, "stress": stress_context}
# The stress values type template tags on purpose: they must print as typed.
STRESS_LITERALS = re.compile(r"\{\{case\.unit\}\}|\{\{不是模板\}\}")


@pytest.fixture(scope="module", params=list(MAKERS))
def forms(request, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    return render_all(tmp_path_factory.mktemp(request.param), MAKERS[request.param])


def page_texts(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        count = len(document.pages)
    return [squeeze(pdf_layout_text(pdf, n)) for n in range(1, count + 1)]


def body_lines(pdf: Path) -> list[int]:
    with pdfplumber.open(pdf) as document:
        return [sum(1 for line in page.extract_text_lines() if line["bottom"] < page.height * (1 - FOOTER_SHARE))
                for page in document.pages]


def row_texts(row) -> set[str]:
    """The texts of a row's own cells (python-docx's row.cells repeats the top of a vertical merge)."""
    texts = {squeeze("".join(t.text or "" for t in tc.iter(qn("w:t")))) for tc in row._tr.tc_lst}
    return {t for t in texts if len(t) >= 2 and "__" not in t}


def pages_of(texts: set[str], pages: list[str]) -> set[int]:
    """The pages holding every one of the texts whole."""
    return set.intersection(*[{n for n, page in enumerate(pages) if text in page} for text in texts])


def cut_rows(docx: Path, pdf: Path) -> list[str]:
    """The table rows whose cells cannot all be found, whole, on one page."""
    pages = page_texts(pdf)
    return [" | ".join(sorted(texts))[:80] for table in Document(str(docx)).tables for row in table.rows
            if (texts := row_texts(row)) and not pages_of(texts, pages)]


def pages_without_header(docx: Path, pdf: Path) -> list[str]:
    """Pages where a table with a header row goes on without its header repeated."""
    pages, missing = page_texts(pdf), []
    for table in Document(str(docx)).tables:
        rows = table.rows
        if not rows or rows[0]._tr.trPr is None or rows[0]._tr.trPr.find(qn("w:tblHeader")) is None:
            continue
        header = row_texts(rows[0])
        spanned = set().union(*(pages_of(t, pages) for row in rows[1:] if (t := row_texts(row))))
        missing += [f"page {n + 1}: {' | '.join(sorted(header))}" for n in sorted(spanned - pages_of(header, pages))]
    return missing


@pytest.mark.parametrize("form_id", IDS)
def test_no_table_row_is_cut_by_a_page(forms, form_id):
    docx, pdf = forms[form_id]
    assert cut_rows(docx, pdf) == []


@pytest.mark.parametrize("form_id", IDS)
def test_header_rows_repeat_on_every_page_of_their_table(forms, form_id):
    docx, pdf = forms[form_id]
    assert pages_without_header(docx, pdf) == []


@pytest.mark.parametrize("form_id", IDS)
def test_no_page_holds_only_a_few_lines(forms, form_id):
    lines = body_lines(forms[form_id][1])
    if len(lines) > 1:
        assert min(lines) >= MIN_BODY_LINES, f"{form_id}: body lines per page: {lines}"


@pytest.mark.parametrize("form_id", ["entrust", "complete", "terminate", "suspend", "letter", "meeting_notice",
                                     "handover", "advice", "ledger"])
def test_the_signature_block_shares_its_page_with_the_text_it_signs(forms, form_id):
    pdf = forms[form_id][1]
    last = pdf_layout_text(pdf, len(page_texts(pdf)))
    signing = re.compile(r"签字|盖章|年\s*月\s*日|日期|文档标识|第.*页")
    own = [line for line in last.splitlines() if line.strip() and not signing.search(line)]
    assert len(own) >= 3, f"the last page holds only the signatures:\n{last}"


def test_names_and_codes_are_never_broken_across_lines(tmp_path):
    forms = render_all(tmp_path, stress_context)
    names = [STRESS_PEOPLE["manager"], *STRESS_PEOPLE["agents"], STRESS_PEOPLE["contact"], "第四季度",
             "2026-140581-28-03-061552"]
    for form_id, (_, pdf) in forms.items():
        with pdfplumber.open(pdf) as document:
            lines = [line["text"].replace(" ", "") for page in document.pages for line in page.extract_text_lines()]
        code = names[-1]
        if code in squeeze("".join(page_texts(pdf))):
            assert any(code in line for line in lines), f"{form_id}: the 项目代码 is cut inside its cell"
        for first, second in zip(lines, lines[1:], strict=False):
            for name in names:
                for cut in range(1, len(name)):
                    assert not (first.endswith(name[:cut]) and second.startswith(name[cut:])), (
                        f"{form_id}: {name} broken as {name[:cut]} / {name[cut:]}")


def test_the_meeting_records_attendee_header_repeats_where_its_rows_go_on(forms):
    # The attendee table sat below the meeting's facts in one table, so its header could not repeat.
    pages = page_texts(forms["meeting"][1])
    with_rows = [n for n, page in enumerate(pages) if re.search(r"(dept|部门示例)", page)]
    assert with_rows and all("参会部门参会人员职务负责人签字" in pages[n] for n in with_rows)


# The running footer (文号, 文档标识, page number) that the layout reader puts after each page's body.
# (the fixtures' 文号 all begin with the agency's 简称 晋城).
FOOTER = re.compile(r"晋城[^〔]{0,2}〔\d{4}〕\d+号文档标识：[\w\-/]+第\d+页共\d+页$")


def pdf_text(pdf: Path) -> str:
    """The document's text without running footers, so a paragraph crossing a page reads whole."""
    return "".join(FOOTER.sub("", page) for page in page_texts(pdf))


@pytest.mark.parametrize("form_id", IDS)
def test_every_value_is_printed_once(forms, form_id, request):
    # A value printed twice is a template that doubles what staff typed ("关于关于…的函的函") or repeats a fact.
    text = pdf_text(forms[form_id][1])
    spec = CATALOG.get(form_id)
    context = MAKERS[request.node.callspec.params["forms"]](spec)
    values = [squeeze(coerce(f, v)) for f in spec.fields
              if f.type == "text" and isinstance(v := context.get(f.name), str)]
    counts = {value: text.count(value) for value in values if value}
    assert {v: n for v, n in counts.items() if n != 1} == {}


# Stand-ins a form must never print: a fake phone, a seed's blank (XX), another city's mailbox, a template tag.
PLACEHOLDERS = re.compile(r"0000000|××|XX|梅州|meizhou|\{\{|\}\}|\{%")


@pytest.mark.parametrize("form_id", IDS)
def test_no_placeholder_or_borrowed_fact_is_printed(forms, form_id, request):
    text = pdf_text(forms[form_id][1])
    if request.node.callspec.params["forms"] == "stress":
        text = re.sub(STRESS_LITERALS, "", text)
    assert PLACEHOLDERS.findall(text) == []
