"""A matter's own steps (issue 14): submitted (申报) on a day, its result document (a filed 批复/证照 件), its
并联 group; a matter a level up gets its 协办单 when added, and its push is watched until it goes."""

import json
import sqlite3

import pytest
from conftest import make_pdf
from test_docgen_render import docx_text


def matters(daiban, case_no: str) -> dict[int, dict]:
    return {m["id"]: m for m in json.loads(daiban("matter", "list", case_no, "--json").output)}


def test_submitted_result_and_group_are_recorded_shown_and_proven(daiban, case_no, tmp_path):
    daiban("matter", "add", case_no, "--name", "企业投资项目备案", "--group", "立项并联")
    daiban("matter", "submit", case_no, "1", "--date", "2026-11-02")
    refused = daiban("matter", "submit", case_no, "1", code=2)
    assert "已于 2026-11-02 申报" in refused.stderr
    daiban("matter", "accept", case_no, "1", "--date", "2026-11-03")
    daiban("file", case_no, make_pdf(tmp_path / "备案证明.pdf", text="approval"), "--category", "批复证照")
    daiban("file", case_no, make_pdf(tmp_path / "会议.pdf", text="minutes"), "--category", "会议纪要")
    wrong = daiban("matter", "done", case_no, "1", "--result", "2", code=2)
    assert "件号 0002（会议）不是现行的批复证照" in wrong.stderr
    assert matters(daiban, case_no)[1]["status"] == "已受理"  # a refused result leaves the matter as it was
    assert "办理结果 第0001件" in daiban("matter", "done", case_no, "1", "--result", "1").output
    found = matters(daiban, case_no)[1]
    assert (found["submitted"], found["result_item"], found["parallel_group"], found["parallel"]) == (
        "2026-11-02", 1, "立项并联", True)
    shown = daiban("case", "show", case_no).output
    assert "2026-11-02" in shown and "第0001件" in shown and "并联：立项并联" in shown
    daiban("verify")
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("UPDATE matters SET result_item = 2, submitted = '2026-10-01' WHERE id = 1")
    changed = daiban("verify", code=11).output
    assert "事项#1" in changed and "办理结果件号" in changed and "申报日期" in changed


def test_a_submission_after_the_acceptance_or_in_the_future_is_refused(daiban, case_no):
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    daiban("matter", "accept", case_no, "1", "--date", "2026-11-03")
    assert "晚于" in daiban("matter", "submit", case_no, "1", "--date", "2026-11-04", code=2).stderr
    assert "在今天之后" in daiban("matter", "submit", case_no, "1", "--date", "2099-01-01", code=2).stderr
    assert matters(daiban, case_no)[1]["submitted"] is None


@pytest.mark.slow
def test_a_matter_a_level_up_gets_its_assist_form_when_added_and_its_push_is_watched(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", text="entrust"), "--form", "entrust", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "方案.pdf", text="plan"), "--form", "plan")
    alone = daiban("matter", "add", case_no, "--name", "建设项目用地预审与选址意见书").output  # 市级
    assert "协办单" not in alone  # nothing below it yet
    added = daiban("matter", "add", case_no, "--name", "企业投资项目备案", "--level", "县级",
                   "--dept", "泽州县行政审批服务管理局", "--days", "5").output
    assert "已生成协办单（第 0003 件" in added and "向晋城市规划和自然资源局推送“建设项目用地预审与选址意见书”" in added
    upper = matters(daiban, case_no)[1]
    assert upper["assist_item"] == 3
    item = json.loads(daiban("case", "show", case_no, "--json").output)["items"][2]
    assert item["form_id"] == "assist" and {f["path"][-4:] for f in item["files"]} == {"docx", ".pdf"}
    text = docx_text(daiban.root / next(f["path"] for f in item["files"] if f["path"].endswith(".docx")))
    assert "晋城市规划和自然资源局" in text and "√跨层级推送" in text
    assert "“企业投资项目备案”（县级）审批完成后" in text and "1个工作日内推送本单" in text
    assert "协办单" not in daiban("matter", "assist", case_no).output.split("没有")[0]  # nothing more to make
    daiban("matter", "accept", case_no, "2", "--date", "2026-11-02")
    daiban("matter", "done", case_no, "2", "--date", "2026-11-06")  # a Friday
    due = json.loads(daiban("due", "--days", "366", "--json").output)["deadlines"]
    push = next(d for d in due if d["rule"] == "cross_level")
    assert push["due"] == "2026-11-09" and "协办单第0003件" in push["what"]
    daiban("matter", "submit", case_no, "1", "--date", "2026-11-09")
    due = json.loads(daiban("due", "--days", "366", "--json").output)["deadlines"]
    assert not [d for d in due if d["rule"] == "cross_level"]
    daiban("verify")
