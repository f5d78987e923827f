"""Edits made with plain SQL by someone who holds the database file: verify names each one, and a chain
head kept outside the database catches even a log rewritten to agree with itself."""

import json
import shutil
import sqlite3

import pytest
from conftest import SAMPLE_CASE, make_pdf

from archive.catalog.events import event_hash


@pytest.fixture
def world(daiban, case_no, tmp_path):
    """Two cases; the first with a matter, a signed 委托书 (受理), an upload and a withdrawn upload."""
    other = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", marker="e"), "--form", "entrust", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "批复.pdf", marker="a"), "--category", "批复证照",
           "--author", "泽州县行政审批服务管理局", "--date", "2026-03-05")
    daiban("file", case_no, make_pdf(tmp_path / "草稿.pdf", marker="d"), "--category", "申请材料")
    daiban("withdraw", case_no, "3", "--reason", "重复")
    assert json.loads(daiban("verify", "--json").output)["ok"]
    return case_no, other


def sql(daiban, *statements):
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        for statement in statements:
            db.execute(statement)


def problems(daiban, *args) -> dict[str, str]:
    report = json.loads(daiban("verify", *args, "--json", code=11).output)
    return {f"{p['code']} {p['where']}": p["message"] for p in report["problems"]}


def test_a_deleted_case_whose_events_remain(daiban, world):
    case_no, _ = world
    folder = daiban.root / json.loads(daiban("case", "show", case_no, "--json").output)["case"]["folder"]
    sql(daiban, "PRAGMA foreign_keys=OFF",
        f"DELETE FROM documents WHERE case_id=(SELECT id FROM cases WHERE case_no='{case_no}')",
        f"DELETE FROM matters WHERE case_id=(SELECT id FROM cases WHERE case_no='{case_no}')",
        f"DELETE FROM people WHERE case_id=(SELECT id FROM cases WHERE case_no='{case_no}')",
        f"DELETE FROM cases WHERE case_no='{case_no}'")
    shutil.rmtree(folder)
    found = problems(daiban)
    assert "案件被删除" in found[f"case_missing {case_no}"]
    assert sum(k.startswith("row_missing") for k in found) == 4


def test_a_document_moved_to_another_case(daiban, world):
    case_no, other = world
    sql(daiban, f"UPDATE documents SET case_id=(SELECT id FROM cases WHERE case_no='{other}') WHERE item_no=2")
    found = problems(daiban)
    assert any(f"所属案件（记录为“{case_no}”，实为“{other}”）" in m for m in found.values())


@pytest.mark.parametrize(("column", "value", "label"), [
    ("title", "另一份文件", "题名"), ("category", "基本资料", "类别"), ("author", "某人", "责任者"),
    ("doc_date", "2020-01-01", "日期")])
def test_a_document_field_changed(daiban, world, column, value, label):
    case_no, _ = world
    sql(daiban, f"UPDATE documents SET {column}='{value}' WHERE item_no=2")
    message = problems(daiban)[f"document_changed {case_no} 件号0002"]
    assert f"{label}（" in message and f"实为“{value}”" in message


def test_a_case_status_set_by_hand(daiban, world):
    case_no, _ = world
    sql(daiban, f"UPDATE cases SET status='办结' WHERE case_no='{case_no}'")
    assert "状态（记录为“受理”，实为“办结”）" in problems(daiban)[f"case_changed {case_no}"]


def test_case_facts_and_the_manager_changed_by_hand(daiban, world):
    case_no, _ = world
    case = f"(SELECT id FROM cases WHERE case_no='{case_no}')"
    sql(daiban, f"UPDATE cases SET unit='别的公司' WHERE case_no='{case_no}'",
        f"UPDATE people SET name='王五' WHERE role='项目长' AND case_id={case}")
    message = problems(daiban)[f"case_changed {case_no}"]
    assert "项目单位（记录为“晋城市泽州新能源科技有限公司”，实为“别的公司”）" in message
    assert "项目长（记录为“李明”，实为“王五”）" in message


def test_a_withdrawal_undone(daiban, world):
    case_no, _ = world
    sql(daiban, "UPDATE documents SET state='filed', withdrawn_reason=NULL WHERE item_no=3")
    assert "状态（记录为“withdrawn”，实为“filed”）" in problems(daiban)[f"document_changed {case_no} 件号0003"]


def test_a_matter_changed_by_hand(daiban, world):
    case_no, _ = world
    sql(daiban, "UPDATE matters SET status='已办结', dept='别的局'")
    assert "审批部门" in problems(daiban)[f"matter_changed {case_no} 事项#1"]


def rewrite_from(daiban, seq: int, change) -> None:
    """What a careful forger does: change an event, re-hash every later one and the stored head."""
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("DROP TRIGGER events_no_update")
        rows = db.execute("SELECT seq, ts, actor, action, case_no, doc_id, details, prev_hash FROM events "
                          "WHERE seq >= ? ORDER BY seq", (seq,)).fetchall()
        prev = rows[0][7]
        for n, ts, actor, action, case_no, doc_id, details, _ in rows:
            details = json.loads(details)
            if n == seq:
                change(details)
            digest = event_hash(n, ts, actor, action, case_no, doc_id, details, prev)
            db.execute("UPDATE events SET details=?, prev_hash=?, hash=? WHERE seq=?",
                       (json.dumps(details, ensure_ascii=False, sort_keys=True), prev, digest, n))
            prev = digest
        db.execute("UPDATE meta SET value=? WHERE key='event_head'", (f"{rows[-1][0]}:{prev}",))
        db.execute("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
                   "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")


def test_a_rewritten_chain_is_caught_by_the_head_kept_elsewhere(daiban, world):
    case_no, _ = world
    kept = json.loads(daiban("verify", "--json").output)["head"]
    assert kept.split(":")[0].isdigit() and f"事件链头：{kept}" in daiban("verify").output
    sql(daiban, "UPDATE documents SET title='伪造的批复' WHERE item_no=2")
    filed = [e for e in json.loads(daiban("log", case_no, "--json").output) if e["action"] == "document.filed"]

    def forge(details):
        details["title"] = "伪造的批复"
        details["record"]["title"] = "伪造的批复"

    rewrite_from(daiban, filed[1]["seq"], forge)
    assert json.loads(daiban("verify", "--json").output)["ok"]  # the forgery agrees with itself
    found = problems(daiban, "--head", kept)
    assert list(found) == ["head_mismatch 事件日志"] and kept in found["head_mismatch 事件日志"]
    daiban("verify", "--head", json.loads(daiban("verify", "--json").output)["head"])
