"""Template checking: Jinja syntax with surrounding text, unknown variables and filters, unused required fields."""

from dataclasses import replace

import pytest
from fixtures.docgen.builders import ENTRUST, build_template, entrust_body

from archive.base.errors import InputFileError
from docgen.catalog import FieldSpec, FormCatalog
from docgen.check import check_template, check_templates

CATALOG = FormCatalog({"entrust": ENTRUST})


def kinds(problems):
    return [(p.kind, p.severity) for p in problems]


def test_clean_template_has_no_problems(tmp_path):
    path = build_template(tmp_path / "entrust.docx", entrust_body(), matters_table=True)
    assert check_template(path, ENTRUST, CATALOG) == []
    assert check_template(path, None, CATALOG) == []


def test_syntax_error_is_reported_with_surrounding_text(tmp_path):
    path = build_template(tmp_path / "entrust.docx", [
        "委托方：{{ case.unit }}", "项目名称：{{ case.project_name }", "签订日期：{{ sign_date|cn_date }}"])
    problems = check_template(path, ENTRUST, CATALOG)
    assert kinds(problems) == [("syntax", "error")]
    assert problems[0].part == "正文"
    assert "项目名称：{{ case.project_name }" in problems[0].context
    assert "entrust.docx" in problems[0].message and "Jinja 语法错误" in problems[0].message


def test_syntax_error_in_footer_names_the_footer(tmp_path):
    path = build_template(tmp_path / "entrust.docx", entrust_body(), footer=False)
    import docx
    document = docx.Document(path)
    document.sections[0].footer.paragraphs[0].text = "{{ doc.qr }} {% if doc.identity %}{{ doc.identity }}"
    document.save(path)
    problems = check_template(path, ENTRUST, CATALOG)
    assert kinds(problems) == [("syntax", "error")]
    assert problems[0].part == "页脚"


def test_unknown_variables_and_filters_are_errors(tmp_path):
    path = build_template(tmp_path / "entrust.docx", entrust_body() + [
        "{{ case.project_nmae }} {{ projectname }} {{ doc.date|cn_datum }}",
        "{% for m in matters %}{{ m.dept }}{{ m.deadline }}{% endfor %}",
        "{% for k, v in case.items() %}{{ k }}{{ v }}{% endfor %}{{ loop_free|length }}{{ range(3)|list }}",
    ])
    problems = check_template(path, ENTRUST, CATALOG)
    messages = [p.message for p in problems]
    assert kinds(problems) == [("unknown_variable", "error")] * 4 + [("unknown_filter", "error")]
    assert any("case.project_nmae" in m for m in messages)
    assert any("matters[].deadline" in m for m in messages)
    assert any("projectname" in m for m in messages) and any("loop_free" in m for m in messages)
    assert "未知的 Jinja 过滤器：cn_datum" in messages[-1]


def test_suggests_the_contract_name_for_a_misplaced_variable(tmp_path):
    path = build_template(tmp_path / "entrust.docx", entrust_body() + ["{{ project_name }}"])
    (problem,) = check_template(path, ENTRUST, CATALOG)
    assert "是否指 case.project_name" in problem.message


def test_required_field_never_used_is_a_warning(tmp_path):
    path = build_template(tmp_path / "entrust.docx", ["委托方：{{ case.unit }}", "{{ remark }}"])
    problems = check_template(path, ENTRUST, CATALOG)
    assert kinds(problems) == [("unused_field", "warning")] * 2
    assert "项目名称（case.project_name）" in problems[0].message
    assert "签订日期（sign_date）" in problems[1].message


def test_template_without_document_number_or_qr_is_warned(tmp_path):
    path = build_template(tmp_path / "entrust.docx", entrust_body(), footer=False)
    problems = check_template(path, ENTRUST, CATALOG)
    assert kinds(problems) == [("no_identity", "warning")]
    assert "二维码（doc.qr）" in problems[0].message


def test_table_columns_are_known(tmp_path):
    spec = replace(ENTRUST, fields=(FieldSpec("items", "移交材料", "table", columns=("name", "pages")),))
    path = build_template(tmp_path / "entrust.docx", [
        "{% for it in items %}{{ it.name }}{{ it.pages }}{{ it.copies }}{% endfor %}"])
    problems = check_template(path, spec, FormCatalog({"entrust": spec}))
    assert [p.message.split(" ")[1] for p in problems] == ["items[].copies"]


def test_unknown_form_file_is_checked_against_every_form(tmp_path):
    path = build_template(tmp_path / "mystery.docx", ["{{ sign_date|cn_date }} {{ nothing }}"])
    problems = check_template(path, None, CATALOG)
    assert kinds(problems) == [("unknown_form", "warning"), ("unknown_variable", "error")]


def test_check_templates_reports_forms_without_template(tmp_path):
    override, builtin = tmp_path / "o", tmp_path / "b"
    override.mkdir(), builtin.mkdir()
    card = replace(ENTRUST, id="card", title="代办联系卡", fields=())
    build_template(builtin / "entrust.docx", entrust_body())
    build_template(override / "entrust.docx", ["{{ bogus }}"] + entrust_body())
    results = check_templates([override, builtin], FormCatalog({"entrust": ENTRUST, "card": card}))
    assert kinds(results["entrust"]) == [("unknown_variable", "error")]
    assert kinds(results["card"]) == [("no_template", "error")]


def test_unreadable_file_is_an_input_error(tmp_path):
    bad = tmp_path / "entrust.docx"
    bad.write_text("不是 Word 文档")
    with pytest.raises(InputFileError, match="entrust.docx"):
        check_template(bad, ENTRUST, CATALOG)
