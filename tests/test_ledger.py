"""The ledger (台账 / 工作日志): a line for every step of case work, read from the event log, the staff's own
lines with their kind and date, deadlines that passed, and the 台账 form filled from it."""

import json

from conftest import make_pdf
from docx import Document


def ledger(daiban, case_no: str) -> list[dict]:
    return json.loads(daiban("ledger", case_no, "--json").output)


def test_every_step_of_case_work_is_a_line_with_the_matters_done_by_then(daiban, case_no, tmp_path):
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", text="entrust"), "--form", "entrust", "--signed")
    daiban("matter", "accept", case_no, "1")
    daiban("matter", "done", case_no, "1")
    daiban("search", "委托书")  # a read: not a line
    lines = [(line["content"], line["result"], line["kind"]) for line in ledger(daiban, case_no)]
    assert lines == [
        ("立案：晋城市新能源装备制造产业园项目", "", "自动"),
        ("添加审批事项“企业投资项目备案”（立项用地规划许可阶段，泽州县行政审批服务管理局）", "已办结 0/1 项", "自动"),
        ("归档《“全代办”服务委托书》（签署件）", "已办结 0/1 项", "自动"),
        ("案件进入“受理”", "已办结 0/1 项", "自动"),
        ("审批事项“企业投资项目备案”已受理", "已办结 0/1 项", "自动"),
        ("审批事项“企业投资项目备案”已办结", "已办结 1/1 项", "自动"),
    ]


def test_a_generated_form_is_one_line_for_its_two_renditions(daiban, case_no):
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    daiban("render", case_no, "card", "--no-pdf")
    daiban("render", case_no, "card", "--no-pdf")
    filed = [line["content"] for line in ledger(daiban, case_no) if line["content"].startswith("归档")]
    assert filed == ["归档《代办联系卡》（生成件）", "归档《代办联系卡》（生成件）"]  # two versions, two 件


def test_a_line_of_the_staffs_own_takes_its_kind_and_date_and_is_logged(daiban, case_no):
    out = daiban("ledger", "add", case_no, "电话催办规划许可，审批部门答复本周内出证", "--kind", "催办",
                 "--date", "2026-03-02").output
    assert "已记入台账：2026-03-02 【催办】电话催办规划许可" in out
    lines = ledger(daiban, case_no)
    own = next(line for line in lines if line["kind"] == "催办")
    assert own["day"] == "2026-03-02" and own["actor"] == "测试员" and lines[0] == own  # before the opening today
    assert "台账记录" in daiban("log", case_no).output


def test_a_bad_line_is_refused_and_nothing_is_recorded(daiban, case_no):
    assert "类别“闲聊”无效" in daiban("ledger", "add", case_no, "喝茶", "--kind", "闲聊", code=2).output
    assert "在今天之后" in daiban("ledger", "add", case_no, "预约", "--date", "2099-01-01", code=2).output
    assert "不能为空" in daiban("ledger", "add", case_no, "  ", code=2).output
    daiban("ledger", "add", "DB-2099-9999", "无此案", code=4)
    assert [line["kind"] for line in ledger(daiban, case_no)] == ["自动"]


def test_a_deadline_that_passed_is_a_line_on_its_day(daiban, case_no):
    daiban("matter", "add", case_no, "--name", "建设工程规划许可证核发")
    daiban("matter", "accept", case_no, "1", "--date", "2026-09-28")
    passed = next(line for line in ledger(daiban, case_no) if line["content"].startswith("时限已过"))
    assert passed["day"] == "2026-10-10" and "建设工程规划许可证核发" in passed["content"]


def test_the_ledger_form_is_filled_from_the_ledger(daiban, case_no):
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    daiban("ledger", "add", case_no, "项目单位来电咨询备案材料", "--kind", "咨询")
    made = json.loads(daiban("render", case_no, "ledger", "--no-pdf", "--json").output)
    rows = [[c.text.replace("\u2060", "") for c in r.cells]
            for t in Document(daiban.root / made[0]["docx"]["path"]).tables for r in t.rows]
    assert any("【咨询】项目单位来电咨询备案材料" in row for row in rows)
    assert any("添加审批事项“企业投资项目备案”（立项用地规划许可阶段，泽州县行政审批服务管理局）" in row
               and "已办结 0/1 项" in row for row in rows)
