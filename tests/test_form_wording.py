"""The forms read right with what staff naturally type: nothing doubled around a value, deadlines
worded as the seeds word them, dates from the papers they name, ticks that match the instructions,
the seed's own headings, and rare characters in a face of the text's own style."""

import datetime
import json
from pathlib import Path

import pdfplumber
import pytest
from conftest import make_pdf
from fixtures.docgen.builders import realistic_context
from test_docgen_render import docx_text

from docgen.catalog import BUILTIN_TEMPLATES, load_catalog
from docgen.convert import convert_to_pdf
from docgen.render import RenderJob, render_forms

CATALOG = load_catalog()


def rendered(tmp_path: Path, form_id: str, **values) -> str:
    """The text of one built-in form rendered for a realistic case with these values."""
    spec = CATALOG.require(form_id)
    context = realistic_context(spec) | values
    (docx,) = render_forms([RenderJob(spec, context)], [tmp_path / f"{form_id}.docx"], [BUILTIN_TEMPLATES])
    return docx_text(docx)


@pytest.mark.parametrize(("subject", "reply_by", "expected"), [
    ("关于商请出具用地预审意见的函", "2026-12-10", "请于2026年12月10日前函复"),
    ("商请出具用地预审意见", "12月10日前", "请于12月10日前函复"),
    ("关于商请出具用地预审意见", "收函后5个工作日内", "请于收函后5个工作日内函复"),
])
def test_the_letter_prints_its_subject_and_reply_time_once(tmp_path, subject, reply_by, expected):
    text = rendered(tmp_path, "letter", subject=subject, reply_by=reply_by)
    assert "关于商请出具用地预审意见的函" in text and expected in text
    assert "关于关于" not in text and "的函的函" not in text and "前前" not in text and "内前" not in text


def test_the_meeting_notice_takes_a_subject_as_staff_write_it(tmp_path):
    text = rendered(tmp_path, "meeting_notice", subject="关于用地预审问题的协调会", reply_by="2026-12-08",
                    meeting_time="2026年12月10日上午9:00")
    assert "审批手续办理中，现需协调用地预审问题。经研究，决定召开协调会议。" in text
    assert "请于2026年12月8日前将参会人员名单报" in text
    assert text.count("2026年12月10日上午9:00") == 1


def test_the_assist_form_leaves_the_one_working_day_to_the_push(tmp_path):
    spec = CATALOG.require("assist")
    context = realistic_context(spec)
    del context["deadline"]
    (docx,) = render_forms([RenderJob(spec, context)], [tmp_path / "assist.docx"], [BUILTIN_TEMPLATES])
    text = docx_text(docx)
    assert "按该事项法定办理时限办理" in text and "收到本单后1个工作日内" not in text
    assert "完成本级审批职能后1个工作日内推送相应审批部门" in text


def test_the_application_records_the_time_limit(tmp_path):
    text = rendered(tmp_path, "apply", time_limit="各事项合计约40个工作日")
    assert "办理时限\n各事项合计约40个工作日" in text


def test_a_ticked_box_prints_the_tick_the_instruction_asks_for(tmp_path):
    text = rendered(tmp_path, "evaluate")
    assert "打“√”" in text and "√" in text.replace("打“√”", "") and "■" not in text


def test_the_assessment_keeps_the_seeds_stage_headings(tmp_path, daiban):
    text = rendered(tmp_path, "assess")
    assert "一、立项用地规划许可证阶段" in text and "二、规划许可阶段" in text
    assert "三、施工许可阶段" in text and "四、竣工验收阶段" in text
    shown = daiban("forms", "show", "assess").output
    assert "自行设计：三、施工许可阶段和四、竣工验收阶段" in shown


def test_the_termination_carries_the_date_of_the_signed_entrustment(daiban, case_no, tmp_path):
    sets = ["--set", "reason=项目单位要求终止代办委托", "--set", "reason_detail=项目单位调整投资计划"]
    refused = daiban("render", case_no, "terminate", "--no-pdf", *sets, code=5)
    assert "委托日期（已签委托书的日期" in refused.stderr and "entrusted_on" in refused.stderr
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", marker="e"), "--form", "entrust", "--signed",
           "--date", "2026-03-12")
    generated = json.loads(daiban("render", case_no, "terminate", "--no-pdf", "--json", *sets).output)
    text = docx_text(daiban.root / generated[0]["docx"]["path"])
    opened = json.loads(daiban("case", "show", case_no, "--json").output)["case"]["opened"][:10]
    assert "委托日期\n2026年3月12日" in text
    assert opened == datetime.date.today().isoformat() != "2026-03-12"


@pytest.mark.slow
def test_rare_characters_print_in_a_face_of_their_texts_style(tmp_path):
    spec = CATALOG.require("entrust")
    context = realistic_context(spec)
    context["case"] |= {"unit": "山西䶮丰𠮷祥新材料有限公司"}
    (docx,) = render_forms([RenderJob(spec, context)], [tmp_path / "entrust.docx"], [BUILTIN_TEMPLATES])
    (pdf,) = convert_to_pdf([docx], tmp_path)
    with pdfplumber.open(pdf) as document:
        faces = {ch["text"]: ch["fontname"].split("+")[-1] for page in document.pages for ch in page.chars}
    assert faces["䶮"].startswith("LXGWWenKai") and faces["𠮷"].startswith("LXGWWenKai")
    assert faces["丰"].startswith("FandolFang")
