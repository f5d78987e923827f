"""Meetings (联席会议): called with their notice and sign-in sheet, minuted with decisions tracked to their
deadlines until closed, complete only with signed minutes and a signed sign-in sheet."""

import json
import sqlite3
import subprocess

import pytest
from conftest import make_pdf

pytestmark = pytest.mark.slow  # each meeting renders its forms through LibreOffice

DEPTS = ("--dept", "晋城市规划和自然资源局:刘涛", "--dept", "泽州县行政审批服务管理局:张敏")


@pytest.fixture
def called(daiban, case_no) -> int:
    """A meeting held on 2026-11-26 of the sample case, its notice and sign-in sheet rendered."""
    made = json.loads(daiban("meeting", "new", case_no, "--topic", "用地预审与规划许可并联办理问题",
                             "--date", "2026-11-26", "--place", "三楼会议室", "--convener", "李明", *DEPTS,
                             "--json").output)
    return made["meeting"]["id"]


def pdf_text(daiban, path: str) -> str:
    text = subprocess.run(["pdftotext", str(daiban.root / path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return "".join(text.split()).replace("\u2060", "")


def views(daiban, case_no) -> list[dict]:
    return json.loads(daiban("meeting", "list", case_no, "--json").output)


def test_a_called_meeting_has_its_notice_and_sign_in_sheet_filled_and_attached(daiban, case_no, called):
    (view,) = views(daiban, case_no)
    assert [(i["item_no"], i["form_id"]) for i in view["items"]] == [(1, "meeting_notice"), (2, "signin")]
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    files = {d["form_id"]: d["path"] for d in shown["documents"] if d["path"].endswith(".pdf")}
    notice = pdf_text(daiban, files["meeting_notice"])
    assert "晋城市规划和自然资源局" in notice and "2026年11月26日" in notice and "三楼会议室" in notice
    assert "用地预审与规划许可并联办理问题" in notice
    signin = pdf_text(daiban, files["signin"])
    assert "刘涛" in signin and "张敏" in signin


def test_decisions_are_minuted_tracked_to_their_deadline_and_closed(daiban, case_no, called):
    out = json.loads(daiban("meeting", "minutes", str(called), "--issues", "用地预审与规划许可能否并联",
                            "--decision", "规划许可与用地预审并联受理|晋城市规划和自然资源局|2026-12-10",
                            "--decision", "补充勘测定界报告|项目单位", "--recorder", "张丽", "--json").output)
    first, second = out["decisions"]
    record = pdf_text(daiban, out["forms"][0]["pdf"]["path"])
    assert "规划许可与用地预审并联受理" in record and "2026年12月10日" in record and "张丽" in record
    due = json.loads(daiban("due", "--days", "366", "--json").output)["deadlines"]
    decided = [d for d in due if d["rule"] == "decision"]
    assert [(d["due"], d["what"]) for d in decided] == [
        ("2026-12-10", "会议议定事项：规划许可与用地预审并联受理（晋城市规划和自然资源局）")]
    assert second["deadline"] is None
    daiban("meeting", "close", str(first["id"]), "--note", "已并联受理")
    due = json.loads(daiban("due", "--days", "366", "--json").output)["deadlines"]
    assert not [d for d in due if d["rule"] == "decision"]
    ledger = [line["content"] for line in json.loads(daiban("ledger", case_no, "--json").output)]
    assert "议定事项办结：规划许可与用地预审并联受理（已并联受理）" in ledger
    assert "已于" in daiban("meeting", "close", str(first["id"]), code=2).output


def test_a_held_meeting_is_incomplete_until_signed_minutes_and_sign_in_are_filed(daiban, case_no, called, tmp_path):
    audit = json.loads(daiban("audit", case_no, "--json", code=11).output)[0]["missing"]
    gaps = [m["text"] for m in audit if m["rule"] == "meetings_complete"]
    assert len(gaps) == 2 and "缺少签字的会议记录（纪要）" in gaps[0] and "缺少签到表" in gaps[1]
    daiban("file", case_no, make_pdf(tmp_path / "签到.pdf", text="signin"), "--form", "signin", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "纪要.pdf", text="minutes"), "--category", "会议纪要",
           "--meeting", str(called))
    daiban("file", case_no, make_pdf(tmp_path / "照片.pdf", text="photo"), "--category", "会议照片",
           "--meeting", str(called))
    (view,) = views(daiban, case_no)
    assert view["missing"] == [] and len(view["items"]) == 4
    missing = json.loads(daiban("audit", case_no, "--json").output)[0]["missing"]
    assert not [m for m in missing if m["rule"] == "meetings_complete"]


def test_a_meeting_not_yet_held_lacks_nothing(daiban, case_no):
    daiban("meeting", "new", case_no, "--topic", "施工许可协调", "--date", "2099-01-05", "--place", "会议室",
           "--convener", "李明", "--dept", "住建局:王强")
    assert views(daiban, case_no)[0]["missing"] == []


def test_bad_meeting_input_changes_nothing(daiban, case_no, called, tmp_path):
    refused = daiban("meeting", "minutes", str(called), "--issues", "x", "--decision", "没有部门",
                     "--recorder", "张丽", code=2).output
    assert "议定事项|责任部门|期限" in refused
    refused = daiban("meeting", "minutes", str(called), "--issues", "x", "--decision", "事|局|12月10日",
                     "--recorder", "张丽", code=2).output
    assert "不是日期" in refused
    daiban("meeting", "minutes", "99", "--issues", "x", "--recorder", "张丽", code=4)
    daiban("file", case_no, make_pdf(tmp_path / "a.pdf"), "--category", "会议照片", "--meeting", "99", code=4)
    (view,) = views(daiban, case_no)
    assert view["decisions"] == [] and len(view["items"]) == 2
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    assert len(shown["items"]) == 2  # neither a 会议记录表 nor the photo was filed


def test_a_meeting_or_decision_changed_behind_daibans_back_shows_in_verify(daiban, case_no, called):
    daiban("meeting", "minutes", str(called), "--issues", "并联", "--recorder", "张丽",
           "--decision", "并联受理|晋城市规划和自然资源局|2026-12-10")
    assert json.loads(daiban("verify", "--json").output)["ok"]
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("UPDATE decisions SET deadline = '2027-06-30'")
        db.execute("UPDATE meetings SET place = '别处'")
        db.execute("UPDATE items SET meeting_id = NULL WHERE item_no = 2")
    problems = json.loads(daiban("verify", "--json", code=11).output)["problems"]
    found = {p["code"]: p["message"] for p in problems}
    assert "期限（记录为“2026-12-10”，实为“2027-06-30”）" in found["decision_changed"]
    assert "会议地点（记录为“三楼会议室”，实为“别处”）" in found["meeting_changed"]
    assert "所属会议" in found["item_changed"]
