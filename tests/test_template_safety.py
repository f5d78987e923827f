"""Templates are input, not code: the agency's own templates render in a sandbox, and staff's
values never reach the names the catalog fills (案件信息, 文号, 二维码)."""

import json

import jinja2.sandbox
import pytest
from conftest import PROJECT, snapshot
from docx import Document

from docgen.render import jinja_environment

ATTACK = "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}"


def override(daiban, form_id: str, paragraph: str) -> None:
    """Put the agency's own template for a form into the root, with one more paragraph."""
    custom = Document(PROJECT / "templates" / f"{form_id}.docx")
    custom.add_paragraph(paragraph)
    custom.save(daiban.root / "templates" / f"{form_id}.docx")


def test_a_template_cannot_run_code(daiban, case_no, tmp_path):
    marker = tmp_path / "pwned"
    override(daiban, "card", ATTACK % marker)
    before = snapshot(daiban)
    result = daiban("render", case_no, "card", "--no-pdf", code=14)
    assert "cycler.__init__.__globals__" in result.stderr and "不安全" in result.stderr
    assert not marker.exists()
    assert snapshot(daiban) == before


def test_forms_check_names_the_offending_expression(daiban, tmp_path):
    sneaky = tmp_path / "card.docx"
    doc = Document(PROJECT / "templates" / "card.docx")
    doc.add_paragraph("联系卡背面：{{ ''|attr('__class__') }}")
    doc.save(sneaky)
    result = daiban("forms", "check", sneaky, code=14)
    assert "''|attr" in result.output and "联系卡背面" in result.output


@pytest.mark.parametrize("source", ["{{ ''.__class__.__mro__ }}", "{{ x['__class__'] }}",
                                    "{% set n = '__cla' ~ 'ss__' %}{{ x|attr(n) }}"])
def test_the_sandbox_refuses_internals_even_when_the_name_is_built(source):
    with pytest.raises(jinja2.sandbox.SecurityError):
        jinja_environment().from_string(source).render(x="")


@pytest.mark.parametrize("option", [("--set", "doc.identity=DB-2026-0099/card/v1"),
                                    ("--set", "case.project_name=别的项目"),
                                    ("--set", "agency.phone=110")])
def test_staff_values_cannot_reach_reserved_names(daiban, case_no, option):
    before = snapshot(daiban)
    result = daiban("render", case_no, "card", "--no-pdf", *option, code=2)
    assert option[1].split("=")[0] in result.stderr
    assert snapshot(daiban) == before


def test_a_data_file_cannot_reach_reserved_names(daiban, case_no, tmp_path):
    data = tmp_path / "值.toml"
    data.write_text('[card]\ndoc = { identity = "DB-2026-0099/card/v1" }\n', encoding="utf-8")
    assert "[card] doc" in daiban("render", case_no, "card", "--no-pdf", "--data", data, code=2).stderr
    ok = json.loads(daiban("render", case_no, "card", "--no-pdf", "--set", "supervision_phone=0356-1",
                           "--json").output)[0]
    assert ok["identity"] == f"{case_no}/card/v1"
