"""Agency-level work (issue 14): the 机构文件 of a year holds the agency's own forms under an identity without
a case number; 政企互动 activities and evaluations both ways are recorded and summed up in the quarterly
report, whose 政企互动情况统计表 is rendered from them; a scanned signed agency form files itself by its QR."""

import json
from datetime import date

import openpyxl
import pytest
from conftest import make_pdf, snapshot
from fixtures.scanning import SCAN, scan_pages
from test_docgen_render import docx_text

from bench.scans import write_scan

FILLER = ("--set", "filler=王芳", "--set", "office_phone=0356-2021234", "--set", "mobile=13912345678")


def this_quarter() -> str:
    today = date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_agency_forms_go_to_the_agency_file_and_case_forms_stay_in_cases(daiban, case_no, tmp_path):
    before = snapshot(daiban)
    refused = daiban("render", case_no, "interactions", "--no-pdf", *FILLER, code=2)
    assert "机构层面的表单" in refused.stderr and "daiban agency render" in refused.stderr
    pdf = make_pdf(tmp_path / "回执.pdf", text="roster")
    assert "归入机构文件" in daiban("file", case_no, pdf, "--form", "roster", code=2).stderr
    assert "属于案件" in daiban("agency", "render", "entrust", code=2).stderr
    assert snapshot(daiban) == before
    made = json.loads(daiban("agency", "render", "roster", "--no-pdf", "--json",
                             "--data", _roster(tmp_path)).output)[0]
    year = date.today().year
    assert made["identity"] == f"JG-{year}/roster/v1" and made["docx"]["case_no"] == f"JG-{year}"
    assert made["docx"]["path"].startswith(f"cases/{year}/JG-{year} 机构文件/")
    text = docx_text(daiban.root / made["docx"]["path"])
    assert "填报单位：市政务服务中心项目代办服务中心（公章）" in text
    assert "张建国" in text and "审批骨干人员" in text
    assert "机构文件只收机构层面的表单" in daiban("file", f"JG-{year}", pdf, "--form", "entrust", code=2).stderr
    assert daiban("agency", "file", pdf, "--form", "roster", "--signed").output.startswith(f"已归档 JG-{year} 第0001件")
    (item,) = json.loads(daiban("agency", "show", "--json").output)["items"]
    assert item["form_id"] == "roster" and {f["kind"] for f in item["files"]} == {"generated", "signed"}
    listed = json.loads(daiban("case", "list", "--json").output)
    assert [c["case_no"] for c in listed] == [case_no]  # the agency file is not a case
    daiban("verify")


def _roster(tmp_path):
    data = tmp_path / "名单.toml"
    data.write_text('[[roster.members]]\ncategory = "审批骨干人员"\nname = "张建国"\ntitle = "科员"\n'
                    'mobile = "13800001111"\nphone = "0356-2021000"\nduty = "投资项目代办"\nnote = ""\n',
                    encoding="utf-8")
    return data


def test_interactions_and_evaluations_are_recorded_refused_when_wrong_and_summed_up(daiban, case_no, tmp_path):
    today = date.today().isoformat()
    daiban("interaction", "add", "--date", today, "--place", "市政务服务中心三楼",
           "--companies", "晋城市泽州新能源科技有限公司", "--content", "项目审批政策宣讲座谈")
    later = daiban("interaction", "add", "--date", "2099-01-01", "--place", "某地", "--companies", "某公司",
                   "--content", "座谈", code=2)
    assert "在今天之后" in later.stderr
    blank = daiban("interaction", "add", "--date", today, "--place", " ", "--companies", "某公司", "--content", "座谈",
                   code=2)
    assert "活动地点不能为空" in blank.stderr
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    dept = json.loads(daiban("matter", "list", case_no, "--json").output)[0]["dept"]
    daiban("evaluate", "enterprise", case_no, "--attitude", "满意", "--efficiency", "基本满意", "--quality", "满意",
           "--dept-efficiency", "不满意", "--comments", "希望进一步压缩时限")
    daiban("evaluate", "dept", case_no, dept, "--attitude", "满意", "--efficiency", "满意")
    wrong = daiban("evaluate", "dept", case_no, "某不相干局", "--attitude", "满意", code=2)
    assert "不是案件" in wrong.stderr and dept in wrong.stderr
    assert "至少给出一项" in daiban("evaluate", "enterprise", case_no, code=2).stderr
    out = tmp_path / "季度.xlsx"
    found = json.loads(daiban("report", "quarter", this_quarter(), "--xlsx", out, "--json").output)
    assert [(a["place"], a["content"]) for a in found["interactions"]] == [
        ("市政务服务中心三楼", "项目审批政策宣讲座谈")]
    ratings = {(r["subject"], r["aspect"]): r["counts"] for r in found["ratings"]}
    assert ratings[("代办机构及代办员（企业评价）", "办事效率")] == [0, 1, 0]
    assert ratings[("审批部门及窗口工作人员（企业评价）", "办事效率")] == [0, 0, 1]
    assert ratings[(dept, "服务态度")] == [1, 0, 0] and (dept, "服务质量") not in ratings
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book["政企互动"][2]][2:4] == ["晋城市泽州新能源科技有限公司", "项目审批政策宣讲座谈"]
    rows = [[c.value for c in r] for r in book["服务评价"].rows]
    assert ["代办机构及代办员（企业评价）", "服务态度", 1, 0, 0] in rows
    made = json.loads(daiban("render", case_no, "evaluate", "--no-pdf", "--json").output)[0]
    text = docx_text(daiban.root / made["docx"]["path"])
    assert "√基本满意" in text and "√不满意" in text and "希望进一步压缩时限" in text
    assert "记录政企互动活动" in daiban("log").output and "评价审批部门服务" in daiban("log", case_no).output


def test_the_quarters_interactions_form_is_rendered_with_the_report_and_meets_its_deadline(daiban, tmp_path):
    today = date.today()
    daiban("interaction", "add", "--date", today.isoformat(), "--place", "高平市项目现场",
           "--companies", "山西某化工有限公司", "--content", "上门走访，协调用地问题", "--note", "现场办公")
    found = json.loads(daiban("report", "quarter", this_quarter(), "--form", *FILLER, "--json").output)
    made = found["form"]
    assert made["identity"] == f"JG-{today.year}/interactions/v1"
    text = docx_text(daiban.root / made["docx"]["path"])
    assert f"{today.year}年第{(today.month - 1) // 3 + 1}季度" in text
    row = f"{today.month}月{today.day}日\n高平市项目现场\n山西某化工有限公司\n上门走访，协调用地问题\n现场办公"
    assert row in text
    assert "填报人：王芳" in text
    due = json.loads(daiban("due", "--days", "366", "--json").output)["deadlines"]
    assert not [d for d in due if d["rule"] == "interactions"]


@pytest.mark.slow
def test_a_signed_agency_form_scanned_back_files_itself_in_the_agency_file(daiban, tmp_path):
    made = json.loads(daiban("agency", "render", "roster", "--json", "--data", _roster(tmp_path)).output)[0]
    scan = write_scan(scan_pages(daiban.root / made["pdf"]["path"], 3), SCAN, tmp_path / "回执扫描.pdf")
    (outcome,) = json.loads(daiban("ingest", scan, "--json").output)
    year = date.today().year
    assert (outcome["status"], outcome["identity"]) == ("filed", f"JG-{year}/roster/v1")
    items = json.loads(daiban("agency", "show", "--json").output)["items"]
    assert {f["kind"] for f in items[0]["files"]} >= {"generated", "signed", "original"}
    daiban("verify")
