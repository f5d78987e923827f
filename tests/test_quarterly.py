"""The quarterly summary: its figures checked against a known set of cases, and the .xlsx read back."""

import json
from datetime import date

import openpyxl
from conftest import SAMPLE_CASE, file_form

from archive.base.workdays import WorkCalendar, add_workdays


def this_quarter() -> str:
    today = date.today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def quarter_start() -> date:
    today = date.today()
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def test_the_quarter_counts_states_managers_durations_missed_deadlines_and_suspensions(daiban, tmp_path):
    first = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    second = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    daiban("case", "manager", second, "王芳")
    for case_no in (first, second):
        file_form(daiban, case_no, tmp_path, "entrust", "--signed")
        file_form(daiban, case_no, tmp_path, "plan")
    daiban("matter", "add", first, "--name", "企业投资项目备案")  # 1 working day
    accepted = quarter_start()
    daiban("matter", "accept", first, "1", "--date", accepted.isoformat())
    file_form(daiban, first, tmp_path, "suspend", "--reason", "4")
    file_form(daiban, second, tmp_path, "complete", "--signed")
    out = tmp_path / "季度汇总.xlsx"
    found = json.loads(daiban("report", "quarter", this_quarter(), "--xlsx", out, "--json").output)
    assert (found["opened"], found["completed"]) == (2, 1)
    assert found["by_status"] == [["中止", 1], ["办结", 1]]
    assert found["by_manager"] == [["李明", 1, 1], ["王芳", 1, 1]]
    (took,) = found["durations"]
    assert (took["case_no"], took["manager"], took["workdays"]) == (second, "王芳", 0)
    missed = add_workdays(WorkCalendar(), accepted, 1).day < date.today()
    assert found["overdue"] == ([["审批事项办理时限", 1]] if missed else [])
    assert found["suspensions"] == [["项目单位未在规定期限内提交审批材料，项目长催促后仍未提交", 1]]
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["概况", "案件状态", "项目长", "办理用时", "逾期", "中止情形", "政企互动", "服务评价"]
    states = book["案件状态"]
    assert [[c.value for c in row] for row in states.iter_rows()] == [["状态", "案件数"], ["中止", 1], ["办结", 1]]
    assert len(states._charts) == 1
    assert book["概况"]["B3"].value == 1 and book["项目长"]["A3"].value == "王芳"
    assert "季度汇总" in daiban("log").output


def test_a_quarter_or_workbook_name_that_cannot_be_read_is_refused(daiban, tmp_path):
    assert "无法识别" in daiban("report", "quarter", "2026Q5", code=2).output
    assert "须为 .xlsx" in daiban("report", "quarter", "2026年第4季度", "--xlsx", tmp_path / "a.xls", code=2).output
    assert not (tmp_path / "a.xls").exists()
    shown = json.loads(daiban("report", "quarter", "2026-Q3", "--json").output)
    assert shown["quarter"] == {"year": 2026, "number": 3}
