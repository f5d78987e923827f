"""The real templates in templates/: each renders from a realistic case, converts in one batch, reads back intact."""

from pathlib import Path

import docx
import pytest
from fixtures.docgen.builders import realistic_context
from fixtures.docgen.pdftools import (
    chinese_strings,
    decode_qr,
    lost_strings,
    page_count,
    uncovered_characters,
    unexpected_fonts,
)

from docgen.catalog import BUILTIN_TEMPLATES, load_catalog
from docgen.check import check_templates
from docgen.convert import FONTCONFIG_FILE, convert_to_pdf
from docgen.render import RenderJob, jinja_environment, render_forms
from docgen.source import open_template, template_parts, template_usage

FORM_COUNT = 22
CATALOG = load_catalog()
READY = len(list(BUILTIN_TEMPLATES.glob("*.docx"))) >= FORM_COUNT
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not READY, reason=f"templates/ holds fewer than {FORM_COUNT} .docx templates")]
IDS = CATALOG.ids()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict[str, tuple[RenderJob, Path]]:
    """Every form rendered from a realistic context and converted to PDF in one LibreOffice call."""
    out = tmp_path_factory.mktemp("forms")
    jobs = [RenderJob(spec, realistic_context(spec)) for spec in CATALOG.forms.values()]
    docx = render_forms(jobs, [out / spec.template_name for spec in CATALOG.forms.values()], [BUILTIN_TEMPLATES])
    pdfs = convert_to_pdf(docx, out)
    return {job.spec.id: (job, pdf) for job, pdf in zip(jobs, pdfs, strict=True)}


def test_catalog_has_every_form():
    assert len(IDS) == FORM_COUNT


def test_every_table_field_names_its_columns_as_the_form_prints_them():
    tables = [(spec, f) for spec in load_catalog().forms.values() for f in spec.fields if f.type == "table"]
    assert tables
    for spec, field in tables:
        document = docx.Document(BUILTIN_TEMPLATES / spec.template_name)
        # Headings are spaced out with ideographic spaces (内　容): compare the words.
        printed = {"".join(c.text.split()) for t in document.tables for r in t.rows for c in r.cells}
        assert len(field.column_labels) == len(field.columns)
        assert set(field.column_labels) <= printed, (spec.id, field.name, set(field.column_labels) - printed)


def test_every_template_passes_the_check():
    problems = {fid: [p.message for p in found] for fid, found in check_templates([BUILTIN_TEMPLATES], CATALOG).items()}
    assert {fid: found for fid, found in problems.items() if found} == {}


@pytest.mark.parametrize("form_id", IDS)
def test_pdf_holds_every_chinese_string_it_prints(batch, form_id):
    job, pdf = batch[form_id]
    usage = template_usage(template_parts(open_template(BUILTIN_TEMPLATES / job.spec.template_name)),
                           jinja_environment())
    expected = chinese_strings(job.context, usage.printed)
    assert expected, "the template prints no Chinese value of the context"
    assert page_count(pdf) >= 1
    assert lost_strings(pdf, expected) == []


@pytest.mark.parametrize("form_id", IDS)
def test_pdf_uses_only_mapped_fonts(batch, form_id):
    _, pdf = batch[form_id]
    fallback = unexpected_fonts(pdf)
    assert fallback == [], (
        f"LibreOffice fell back to {fallback} for {uncovered_characters(pdf, FONTCONFIG_FILE)}: no Fandol or Noto "
        "face has them (☐ ☑ come with fonts-noto-core's Noto Sans Symbols2, or use □ ■ √ which Fandol has)"
    )


@pytest.mark.parametrize("form_id", IDS)
def test_qr_decodes_to_the_identity_at_150_dpi(batch, form_id, tmp_path):
    job, pdf = batch[form_id]
    assert decode_qr(pdf, tmp_path, dpi=150) == [job.context["doc"]["identity"]]
