"""The 件 (DA/T 22): a document with its renditions is one item, 件号 numbers items, not files; a
catalog written before items is grouped in place, logged, and verify still holds."""

import json
import shutil
import sqlite3

import pytest
from conftest import PROJECT, Daiban, make_pdf

V6_ROOT = PROJECT / "tests" / "fixtures" / "roots" / "schema-v6"


def items_of(daiban: Daiban, case_no: str = "DB-2026-0001") -> dict[int, list[str]]:
    """Each 件号 with the renditions of its files."""
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    return {item["item_no"]: [f["rendition"] for f in item["files"]] for item in shown["items"]}


def test_a_generated_form_is_one_item_of_two_renditions(daiban, case_no, tmp_path):
    daiban("render", case_no, "card", "--set", "supervision_phone=0356-2021234")
    daiban("render", case_no, "card", "--no-pdf", "--set", "supervision_phone=0356-2021234")
    daiban("file", case_no, make_pdf(tmp_path / "报告.pdf"), "--category", "工作联系函")
    assert items_of(daiban, case_no) == {1: ["定稿（Word）", "定稿（PDF）"], 2: ["定稿（Word）"], 3: ["上传件"]}
    assert "校验通过（3 件，文件 4 个" in daiban("verify").output


def test_a_signed_copy_joins_the_form_version_it_signs(daiban, case_no, tmp_path):
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    daiban("render", case_no, "entrust")
    daiban("render", case_no, "entrust")
    daiban("file", case_no, make_pdf(tmp_path / "签字委托书.pdf", marker="s"), "--form", "entrust", "--signed")
    assert items_of(daiban, case_no) == {1: ["定稿（Word）", "定稿（PDF）"],
                                         2: ["定稿（Word）", "定稿（PDF）", "签署件（正本）"]}


def test_withdrawing_an_item_withdraws_every_rendition(daiban, case_no):
    daiban("render", case_no, "card", "--set", "supervision_phone=0356-2021234")
    out = daiban("withdraw", case_no, "1", "--reason", "填错了监督电话").output
    assert "已撤回 件号0001：代办联系卡（2 个文件）" in out
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    assert [f["state"] for f in shown["items"][0]["files"]] == ["withdrawn", "withdrawn"]
    assert "已撤回" in daiban("withdraw", case_no, "1", "--reason", "再撤", code=2).stderr


@pytest.fixture
def upgraded(tmp_path) -> Daiban:
    """A root written by the daiban of schema v6 (one file, one 件号), opened by today's."""
    daiban = Daiban(tmp_path / "旧库")
    shutil.copytree(V6_ROOT, daiban.root, symlinks=True)
    return daiban


def test_a_v6_root_is_grouped_into_items_in_place(upgraded):
    # v6: 委托书 .docx 1, PDF 2, its signed scan 3 and original scan 4; an upload 5; 计划表 v1 6-7, v2 8-9.
    assert items_of(upgraded) == {
        1: ["定稿（Word）", "定稿（PDF）", "签署件（正本）", "原始扫描件"],
        5: ["上传件"],
        6: ["定稿（Word）", "定稿（PDF）"],
        8: ["定稿（Word）", "定稿（PDF）"],
    }
    log = [e for e in json.loads(upgraded("log", "--json").output) if e["action"] == "document.regrouped"]
    assert [(e["doc_id"], e["details"]["old"], e["details"]["item_no"]) for e in log] == [
        (2, 2, 1), (3, 3, 1), (4, 4, 1), (7, 7, 6), (9, 9, 8)]
    assert "校验通过（4 件，文件 9 个" in upgraded("verify").output
    # File names keep the numbers they were filed with: nothing on disk moved.
    with sqlite3.connect(upgraded.root / "daiban.sqlite") as db:
        paths = [p for (p,) in db.execute("SELECT path FROM documents ORDER BY id")]
    assert all((upgraded.root / p).is_file() for p in paths) and "/0004 " in paths[3]


def test_new_filings_after_the_upgrade_take_the_next_item(upgraded, tmp_path):
    upgraded("file", "DB-2026-0001", make_pdf(tmp_path / "会议纪要.pdf", marker="m"), "--category", "会议纪要")
    assert max(items_of(upgraded)) == 9
    assert "校验通过（5 件" in upgraded("verify").output


def test_an_item_number_in_the_log_is_proven_after_regrouping(upgraded):
    upgraded("verify")
    with sqlite3.connect(upgraded.root / "daiban.sqlite") as db:
        db.execute("UPDATE documents SET item_no = 5 WHERE id = 4")
    found = json.loads(upgraded("verify", "--json", code=11).output)["problems"]
    assert any(p["code"] == "document_changed" and "件号" in p["message"] for p in found)


def test_search_and_open_speak_of_the_item_and_its_rendition(daiban, case_no, tmp_path):
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    daiban("render", case_no, "entrust")
    signed = make_pdf(tmp_path / "签字委托书.pdf", marker="s")
    daiban("file", case_no, signed, "--form", "entrust", "--signed")
    hits = json.loads(daiban("search", "委托书", "--json").output)["hits"]
    assert {(h["item_no"], h["rendition"]) for h in hits} >= {(1, "定稿（PDF）")}
    opened = daiban("open", case_no, "1").output.strip()
    assert opened.endswith("签署件.pdf")  # the signed copy stands for the item
