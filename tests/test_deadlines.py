"""Deadlines in Chinese working days: each rule of the seeds, `daiban due` and its .ics, `daiban calendar`
with a year added by the agency, and the 估算 marking of a year without holiday data."""

import json
from datetime import date, timedelta

import icalendar
import pytest
from conftest import make_pdf
from docx import Document

from archive.base.workdays import WorkCalendar, add_workdays


def due(daiban, *args: str) -> dict:
    return json.loads(daiban("due", "--days", "366", *args, "--json").output)


def rules(listing: dict, case_no: str) -> dict[str, dict]:
    return {d["rule"]: d for d in listing["deadlines"] if d["case_no"] == case_no}


@pytest.fixture
def handling(daiban, case_no, tmp_path) -> str:
    """A case in 办理 (signed 委托书, 服务方案) with one matter."""
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局", "--days", "5")
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", text="entrust"), "--form", "entrust", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "方案.pdf", text="plan"), "--form", "plan")
    return case_no


def test_a_matter_limit_counts_across_national_day_to_the_make_up_saturday(daiban, handling):
    daiban("matter", "accept", handling, "1", "--date", "2026-09-28")
    found = rules(due(daiban), handling)["matter_limit"]
    # 9-29, 9-30, then 10-1…10-7 off, 10-8, 10-9 and the 调休 Saturday 10-10.
    assert found["due"] == "2026-10-10" and found["overdue"] and not found["estimated"]
    assert "2026-09-28 受理，法定时限 5 个工作日" in found["basis"] and found["manager"] == "李明"
    daiban("matter", "done", handling, "1", "--date", "2026-10-09")
    assert "matter_limit" not in rules(due(daiban), handling)


def test_a_year_without_data_is_estimated_until_the_agency_adds_it(daiban, handling, tmp_path):
    daiban("matter", "add", handling, "--stage", "工程", "--name", "建设工程规划许可证核发", "--level", "市级",
           "--dept", "晋城市规划和自然资源局", "--days", "40")
    daiban("matter", "accept", handling, "2", "--date", "2026-11-20")
    found = rules(due(daiban), handling)["matter_limit"]
    # 29 working days to the end of 2026, then 2027 on weekends only: 1-1 (Fri) counts, 1-15 is the 40th.
    assert found["due"] == "2027-01-15" and found["estimated"] and found["unknown_years"] == [2027]
    shown = daiban("due", "--days", "366").output
    assert "2027-01-15（估算）" in shown and "2027 年的节假日安排尚无数据" in shown
    schedule = tmp_path / "2027.toml"
    schedule.write_text('[2027]\ndays_off = ["2027-01-01"]\nmake_up = []\n', encoding="utf-8")
    assert "放假 1 个工作日" in daiban("calendar", "add-year", "2027", schedule).output
    found = rules(due(daiban), handling)["matter_limit"]
    assert found["due"] == "2027-01-18" and not found["estimated"]
    assert "机构日历" in daiban("calendar", "show", "2027").output
    assert "添加年度节假日安排" in daiban("log").output


def test_closing_papers_are_due_two_working_days_after_the_last_matter(daiban, handling, tmp_path):
    daiban("matter", "accept", handling, "1", "--date", "2026-11-02")
    daiban("matter", "done", handling, "1", "--date", "2026-11-05")
    found = rules(due(daiban), handling)
    assert found["closing_papers"]["due"] == "2026-11-09" and "matter_limit" not in found
    daiban("file", handling, make_pdf(tmp_path / "办结单.pdf", text="complete"), "--form", "complete", "--signed")
    found = rules(due(daiban), handling)
    assert "closing_papers" not in found
    # Seed 001 四(七): the 建议表 within three working days of the end, until it is filed.
    ended = date.today()
    assert found["advice"]["due"] == add_workdays(WorkCalendar(), ended, 3).day.isoformat()
    daiban("file", handling, make_pdf(tmp_path / "建议表.pdf", text="advice"), "--form", "advice")
    assert "advice" not in rules(due(daiban), handling)


def test_progress_is_due_every_half_month_from_the_last_report(daiban, handling, tmp_path):
    found = rules(due(daiban), handling)["progress"]
    assert found["due"] == (date.today() + timedelta(days=15)).isoformat()
    last = date.today() - timedelta(days=20)
    daiban("file", handling, make_pdf(tmp_path / "进度.pdf", text="progress"), "--form", "progress",
           "--date", last.isoformat())
    # The report is dated before the case entered 办理 today: the later of the two counts.
    assert rules(due(daiban), handling)["progress"]["due"] == (date.today() + timedelta(days=15)).isoformat()


def test_the_quarterly_interactions_table_is_an_agency_deadline_until_filed(daiban, case_no, tmp_path):
    agency = [d for d in due(daiban)["deadlines"] if d["rule"] == "interactions"]
    assert len(agency) == 1 and agency[0]["case_no"] == "" and "政企互动情况统计表" in agency[0]["what"]
    daiban("agency", "file", make_pdf(tmp_path / "统计表.pdf", text="interactions"), "--form", "interactions")
    assert not [d for d in due(daiban)["deadlines"] if d["rule"] == "interactions"]


def test_overdue_and_manager_filters_and_the_ics_reads_back(daiban, handling, tmp_path):
    daiban("matter", "accept", handling, "1", "--date", "2026-09-28")
    overdue = due(daiban, "--overdue")["deadlines"]
    assert {d["rule"] for d in overdue} >= {"matter_limit"} and all(d["overdue"] for d in overdue)
    assert not [d for d in due(daiban, "--manager", "别人")["deadlines"] if d["case_no"]]
    out = tmp_path / "到期.ics"
    listed = json.loads(daiban("due", "--days", "366", "--ics", out, "--json").output)["deadlines"]
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(listed)
    limit = next(e for e in events if "企业投资项目备案" in str(e["summary"]))
    assert limit.decoded("dtstart") == date(2026, 10, 10) and str(limit["summary"]).startswith(f"[{handling}]")
    assert "项目长：李明" in str(limit["description"])


@pytest.mark.parametrize(("text", "code", "says"), [
    ('[2027]\nmake_up = ["2027-01-04"]\n', 5, "不是周末"),
    ('[2028]\ndays_off = []\n', 2, "应只含 [2027] 一节"),
    ("[2027\n", 5, "不是有效的 TOML"),
])
def test_a_bad_schedule_changes_nothing(daiban, tmp_path, text, code, says):
    schedule = tmp_path / "安排.toml"
    schedule.write_text(text, encoding="utf-8")
    refused = daiban("calendar", "add-year", "2027", schedule, code=code)
    assert says in refused.output and not (daiban.root / "calendar.toml").exists()


def test_a_year_already_added_is_replaced_only_when_asked(daiban, tmp_path):
    schedule = tmp_path / "安排.toml"
    schedule.write_text('[2027]\ndays_off = ["2027-01-01"]\n', encoding="utf-8")
    daiban("calendar", "add-year", "2027", schedule)
    before = (daiban.root / "calendar.toml").read_text(encoding="utf-8")
    schedule.write_text('[2027]\ndays_off = ["2027-01-01", "2027-02-08"]\n', encoding="utf-8")
    assert "--replace" in daiban("calendar", "add-year", "2027", schedule, code=2).output
    assert (daiban.root / "calendar.toml").read_text(encoding="utf-8") == before
    daiban("calendar", "add-year", "2027", schedule, "--replace")
    assert "02-08" in daiban("calendar", "show", "2027").output


def test_a_matter_step_cannot_be_dated_in_the_future_or_before_its_acceptance(daiban, handling):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "在今天之后" in daiban("matter", "accept", handling, "1", "--date", tomorrow, code=2).output
    daiban("matter", "accept", handling, "1", "--date", "2026-11-02")
    assert "早于" in daiban("matter", "done", handling, "1", "--date", "2026-11-01", code=2).output


def test_the_task_plan_prints_each_matters_planned_date_and_marks_an_estimate(daiban, handling):
    daiban("matter", "add", handling, "--name", "建设工程规划许可证核发", "--days", "40")
    daiban("matter", "accept", handling, "1", "--date", "2026-09-28")
    daiban("matter", "accept", handling, "2", "--date", "2026-11-20")
    made = json.loads(daiban("render", handling, "taskplan", "--no-pdf", "--json").output)
    text = "".join(c.text for t in Document(daiban.root / made[0]["docx"]["path"]).tables
                   for r in t.rows for c in r.cells).replace("\u2060", "")
    assert "2026年10月10日" in text and "2027年1月15日（估算）" in text


def test_case_show_lists_each_matter_with_planned_and_actual_dates(daiban, handling):
    daiban("matter", "accept", handling, "1", "--date", "2026-09-28")
    daiban("matter", "done", handling, "1", "--date", "2026-10-12")
    shown = json.loads(daiban("case", "show", handling, "--json").output)["matters"][0]
    assert shown["planned"]["day"] == "2026-10-10" and shown["done"] == "2026-10-12"
    table = daiban("case", "show", handling).output
    assert "计划办结" in table and "2026-10-10" in table and "2026-10-12" in table


def test_the_progress_report_covers_the_time_since_the_last_one_and_names_late_matters(daiban, handling, tmp_path):
    daiban("matter", "accept", handling, "1", "--date", "2026-09-28")
    daiban("file", handling, make_pdf(tmp_path / "上次进度.pdf", text="progress"), "--form", "progress",
           "--date", "2026-11-13")
    made = json.loads(daiban("render", handling, "progress", "--set", "next_plan=催办备案", "--no-pdf",
                             "--json").output)
    document = Document(daiban.root / made[0]["docx"]["path"])
    text = "".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    text = text.replace("\u2060", "")
    today = date.today()
    assert f"汇总期间：2026年11月13日至{today.year}年{today.month}月{today.day}日" in text
    assert "已超过计划办结时间（2026年10月10日），尚未办结" in text


def test_a_matter_a_level_up_is_pushed_one_working_day_after_the_local_approval(daiban, handling, tmp_path):
    daiban("matter", "add", handling, "--name", "建设项目用地预审与选址意见书")  # 市级, the same stage
    daiban("matter", "accept", handling, "1", "--date", "2026-11-02")
    assert "cross_level" not in rules(due(daiban), handling)  # the county matter is not done yet
    daiban("matter", "done", handling, "1", "--date", "2026-11-06")  # a Friday
    pushed = rules(due(daiban), handling)["cross_level"]
    assert pushed["due"] == "2026-11-09"
    assert "向晋城市规划和自然资源局推送“建设项目用地预审与选址意见书”" in pushed["what"]
    daiban("file", handling, make_pdf(tmp_path / "协办单.pdf", text="assist"), "--form", "assist",
           "--date", "2026-11-09")
    assert "cross_level" not in rules(due(daiban), handling)
