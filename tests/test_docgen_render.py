"""Rendering forms end to end with docxtpl and real LibreOffice: fields, escaping, QR, fonts, overrides, packets."""

import os
import subprocess
from dataclasses import replace
from pathlib import Path

import docx
import pikepdf
import pytest
from fixtures.docgen.builders import ENTRUST, base_context, build_template, entrust_body, entrust_context
from fixtures.docgen.pdftools import chinese_strings, decode_qr, page_count, pdf_text, squeeze, unexpected_fonts

from archive.base.errors import NotFoundError, ValidationError
from docgen.convert import FONTCONFIG_FILE, convert_to_pdf
from docgen.errors import MissingFieldsError, TemplateError
from docgen.formatting import WORD_JOINER
from docgen.packet import PacketPart, merge_pdfs
from docgen.render import RenderJob, jinja_environment, render_form, render_forms
from docgen.source import open_template, template_parts, template_usage

# Real OCR or LibreOffice: left out of the quick run (pytest -m 'not slow').
pytestmark = pytest.mark.slow

TRICKY = "A&B <公司> \"引号\" '单' 😀 𠀋 堃"


@pytest.fixture(scope="module")
def builtin(tmp_path_factory) -> Path:
    """A template directory holding the fixture 委托书."""
    directory = tmp_path_factory.mktemp("templates")
    build_template(directory / "entrust.docx", entrust_body(), matters_table=True)
    return directory


@pytest.fixture(scope="module")
def converted(builtin, tmp_path_factory) -> dict[str, Path]:
    """The fixture 委托书 rendered plainly and with tricky characters, both converted in one LibreOffice call."""
    out = tmp_path_factory.mktemp("out")
    plain = render_form(ENTRUST, entrust_context(), out / "plain.docx", [builtin])
    tricky = render_form(ENTRUST, entrust_context(remark=TRICKY), out / "tricky.docx", [builtin])
    pdfs = convert_to_pdf([plain, tricky], out)
    return {"plain": pdfs[0], "tricky": pdfs[1], "plain_docx": plain, "dir": out}


def docx_text(path: Path) -> str:
    document = docx.Document(path)
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    footers = [p.text for s in document.sections for p in s.footer.paragraphs]
    # Short values are printed with word joiners (no line break inside a name or code): read past them.
    return "\n".join(paragraphs + cells + footers).replace(WORD_JOINER, "")


def test_missing_fields_are_listed_with_labels_and_nothing_is_written(builtin, tmp_path):
    context = entrust_context()
    del context["case"]["project_name"]
    del context["case"]["manager"]
    del context["sign_date"]
    with pytest.raises(MissingFieldsError) as caught:
        render_form(ENTRUST, context, tmp_path / "out" / "entrust.docx", [builtin])
    message = caught.value.message
    assert message.startswith("缺少必填字段：")
    for expected in ("项目名称（case.project_name）", "签订日期（sign_date）", "项目长（case.manager）"):
        assert expected in message
    assert "项目单位" not in message
    assert caught.value.missing == [("case.project_name", "项目名称"), ("sign_date", "签订日期"),
                                    ("case.manager", "项目长")]
    assert caught.value.exit_code == 5
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_blank_required_value_counts_as_missing(builtin, tmp_path):
    with pytest.raises(MissingFieldsError, match="项目单位（case.unit）"):
        render_form(ENTRUST, entrust_context(case=dict(base_context("entrust")["case"], unit="  ")),
                    tmp_path / "e.docx", [builtin])
    assert list(tmp_path.iterdir()) == []


def test_wrong_values_are_all_reported(builtin, tmp_path):
    context = entrust_context(sign_date="三月初", kinds="特急项目")
    with pytest.raises(ValidationError) as caught:
        render_form(ENTRUST, context, tmp_path / "e.docx", [builtin])
    assert "签订日期（sign_date）" in caught.value.message
    assert "特急项目 不在可选项中" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_strings_from_data_files_are_coerced(builtin, tmp_path):
    context = entrust_context(sign_date="2026-04-01", kinds="一般项目")
    context["case"]["investment"] = "3,600万元"
    text = docx_text(render_form(ENTRUST, context, tmp_path / "e.docx", [builtin]))
    assert "签订日期：2026年4月1日" in text
    assert "总投资：3,600.00万元（叁仟陆佰万元整）" in text
    assert "√一般项目" in text and "□重点项目" in text


def test_optional_fields_may_be_absent(builtin, tmp_path):
    context = entrust_context()
    del context["remark"], context["kinds"]
    text = docx_text(render_form(ENTRUST, context, tmp_path / "e.docx", [builtin]))
    assert "备注：\n" in text
    assert "□一般项目" in text and "□重点项目" in text


def test_output_is_a_complete_file_with_identity_metadata(converted):
    document = docx.Document(converted["plain_docx"])
    assert document.core_properties.subject == "DB-2026-0001/entrust/v1"
    assert document.core_properties.title == "“全代办”服务委托书"
    assert [p.name for p in converted["dir"].iterdir() if p.name.startswith(".")] == []
    umask = os.umask(0)
    os.umask(umask)
    # Written like any new file (the umask decides), not with a temp file's private 0600.
    assert converted["plain_docx"].stat().st_mode & 0o777 == 0o666 & ~umask


def test_escaping_survives_into_the_pdf(converted):
    assert f"备注：{TRICKY}" in pdf_text(converted["tricky"])


def test_pdf_text_holds_every_chinese_string_of_the_context(builtin, converted):
    template = open_template(builtin / "entrust.docx")
    usage = template_usage(template_parts(template), jinja_environment())
    context = entrust_context()
    expected = chinese_strings(context, usage.printed)
    assert {"晋城市高平经济技术开发区年产5万吨特种纤维项目", "王芳", "晋城市规划和自然资源局"} <= expected
    text = squeeze(pdf_text(converted["plain"]))
    assert sorted(s for s in expected if squeeze(s) not in text) == []
    for formatted in ("2026年3月5日", "12,500.00万元", "壹亿贰仟伍佰万元整", "晋城代〔2026〕1号",
                      "DB-2026-0001/entrust/v1"):
        assert formatted in text


def test_qr_in_the_pdf_decodes_to_the_identity(converted, tmp_path):
    assert decode_qr(converted["plain"], tmp_path, dpi=150) == ["DB-2026-0001/entrust/v1"]


def test_pdf_uses_only_the_mapped_fonts(converted):
    assert unexpected_fonts(converted["plain"]) == []
    # Emoji exist only in DejaVu on this system: the one expected fallback.
    assert set(unexpected_fonts(converted["tricky"])) <= {"DejaVuSans"}


@pytest.mark.parametrize("name, family", [
    ("仿宋_GB2312", "FandolFang"), ("仿宋", "FandolFang"), ("FangSong", "FandolFang"),
    ("楷体_GB2312", "FandolKai"), ("楷体", "FandolKai"), ("KaiTi", "FandolKai"),
    ("黑体", "FandolHei"), ("SimHei", "FandolHei"), ("宋体", "FandolSong"), ("SimSun", "FandolSong"),
    ("方正小标宋简体", "FandolSong"), ("Times New Roman", "FandolSong"), ("Calibri", "FandolHei"),
])
def test_fontconfig_maps_office_font_names(name, family):
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTCONFIG_FILE))
    found = subprocess.run(["fc-match", "-f", "%{family[0]}|%{style[0]}|%{weight}", name], env=env,
                           capture_output=True, text=True, check=True).stdout
    got_family, style, weight = found.split("|")
    assert got_family == family
    if name == "方正小标宋简体":
        assert (style, weight) == ("Bold", "200")
    else:
        assert style == "Regular"


def test_override_directory_takes_precedence(builtin, tmp_path):
    override = tmp_path / "root" / "templates"
    override.mkdir(parents=True)
    build_template(override / "entrust.docx", ["本机构定制模板：{{ case.project_name }}"])
    custom = docx_text(render_form(ENTRUST, entrust_context(), tmp_path / "a.docx", [override, builtin]))
    standard = docx_text(render_form(ENTRUST, entrust_context(), tmp_path / "b.docx", [builtin]))
    assert "本机构定制模板：晋城市高平经济技术开发区年产5万吨特种纤维项目" in custom
    assert "本机构定制模板" not in standard and "委托方（项目单位）" in standard
    fallback = docx_text(render_form(ENTRUST, entrust_context(), tmp_path / "c.docx", [tmp_path / "none", builtin]))
    assert "委托方（项目单位）" in fallback


def test_missing_template_names_the_searched_directories(tmp_path):
    with pytest.raises(NotFoundError) as caught:
        render_form(ENTRUST, entrust_context(), tmp_path / "e.docx", [tmp_path / "a", tmp_path / "b"])
    assert "entrust.docx" in caught.value.message and str(tmp_path / "a") in caught.value.message


def test_identity_must_belong_to_the_form(builtin, tmp_path):
    context = entrust_context()
    context["doc"]["identity"] = "DB-2026-0001/card/v1"
    with pytest.raises(ValidationError, match="属于表单 card"):
        render_form(ENTRUST, context, tmp_path / "e.docx", [builtin])
    context["doc"]["identity"] = "DB-2026-0001 委托书"
    with pytest.raises(ValidationError, match="不是本系统的文档标识"):
        render_form(ENTRUST, context, tmp_path / "e.docx", [builtin])


def test_broken_template_is_reported_with_its_text(tmp_path):
    templates = tmp_path / "t"
    templates.mkdir()
    build_template(templates / "entrust.docx", [
        "项目名称：{{ case.project_name }}", "{% if remark %}备注：{{ remark }}", "签订日期：{{ sign_date|cn_date }}",
        *entrust_body()], matters_table=True)
    with pytest.raises(TemplateError) as caught:
        render_form(ENTRUST, entrust_context(), tmp_path / "out" / "e.docx", [templates])
    message = caught.value.message
    assert "entrust.docx" in message and "Jinja 语法错误" in message and "正文" in message
    assert "{% if remark %}备注：{{ remark }}" in message
    assert "办理时限" not in message
    assert not (tmp_path / "out").exists()


def test_undefined_loop_item_value_is_a_template_error(tmp_path):
    templates = tmp_path / "t"
    templates.mkdir()
    build_template(templates / "entrust.docx", ["{% for m in matters %}{{ m.approver }}{% endfor %}"])
    with pytest.raises(TemplateError, match="approver"):
        render_form(ENTRUST, entrust_context(), tmp_path / "e.docx", [templates])
    assert not (tmp_path / "e.docx").exists()


def test_packet_has_every_form_in_one_pdf_with_bookmarks(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    card = replace(ENTRUST, id="card", title="代办联系卡", fields=())
    notice = replace(ENTRUST, id="notice", title="申请材料一次性告知清单", fields=())
    build_template(templates / "entrust.docx", entrust_body())
    build_template(templates / "card.docx", ["项目长：{{ case.manager }} {{ case.manager_phone }}"], title="代办联系卡")
    build_template(templates / "notice.docx", ["{{ case.project_name }}"], title="申请材料一次性告知清单",
                   matters_table=True)
    jobs = [RenderJob(ENTRUST, entrust_context()), RenderJob(card, base_context("card")),
            RenderJob(notice, base_context("notice"))]
    out = tmp_path / "packet"
    docx_files = render_forms(jobs, [out / f"{job.spec.id}.docx" for job in jobs], [templates])
    pdfs = convert_to_pdf(docx_files, out)
    parts = [PacketPart(job.spec.title, pdf) for job, pdf in zip(jobs, pdfs, strict=True)]
    merged = merge_pdfs(parts, out / "受理.pdf", title="受理")
    assert [p.name for p in pdfs] == ["entrust.pdf", "card.pdf", "notice.pdf"]
    assert page_count(merged) == sum(page_count(p) for p in pdfs)
    with pikepdf.open(merged) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
    assert titles == ["“全代办”服务委托书", "代办联系卡", "申请材料一次性告知清单"]
    text = squeeze(pdf_text(merged))
    assert "13903561234" in text and "企业投资项目备案" in text
    assert text.index("委托方") < text.index("13903561234") < text.index("企业投资项目备案")


def test_several_forms_are_all_checked_before_any_is_written(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    build_template(templates / "entrust.docx", entrust_body())
    broken = entrust_context()
    del broken["sign_date"]
    jobs = [RenderJob(ENTRUST, entrust_context()), RenderJob(ENTRUST, broken)]
    with pytest.raises(MissingFieldsError, match="签订日期"):
        render_forms(jobs, [tmp_path / "out" / "a.docx", tmp_path / "out" / "b.docx"], [templates])
    assert not (tmp_path / "out").exists()
