"""Filing into the 一事一档 store: names, checksums, versions, duplicates and bad input."""

import hashlib
import json
import os
import sqlite3

import pytest
from conftest import make_bad_pdfs, make_pdf, snapshot


def test_file_into_category_with_checksum_and_pages(daiban, case_no, tmp_path):
    source = make_pdf(tmp_path / "批复 文件（扫描）.pdf", pages=3)
    out = daiban("file", case_no, source, "--category", "批复证照", "--title", "企业投资项目备案证明",
                 "--doc-no", "晋泽审批备〔2026〕12号", "--author", "泽州县行政审批服务管理局",
                 "--date", "2026-03-05", "--json").output
    doc = json.loads(out)["documents"][0]
    assert doc["path"].endswith("/11 批复证照/0001 企业投资项目备案证明.pdf")
    assert doc["pages"] == 3 and doc["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    stored = daiban.root / doc["path"]
    assert stored.read_bytes() == source.read_bytes()
    assert (doc["doc_no"], doc["author"], doc["doc_date"]) == (
        "晋泽审批备〔2026〕12号", "泽州县行政审批服务管理局", "2026-03-05")


def test_chinese_path_with_spaces_and_text_is_extracted(daiban, case_no, tmp_path):
    source = tmp_path / "会议 记录" / "第一次 协调会 纪要.txt"
    source.parent.mkdir()
    source.write_text("联席会议纪要：项 目 单 位 岳阳新正机械有限公司 参加", encoding="utf-8")
    doc = json.loads(daiban("file", case_no, source, "--category", "minutes", "--json").output)["documents"][0]
    assert doc["path"].endswith("/08 会议纪要/0001 第一次 协调会 纪要.txt")
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        text = db.execute("SELECT text FROM documents WHERE id=?", (doc["id"],)).fetchone()[0]
    # Stored as written; the spaced-out characters are found as one word.
    assert text == "联席会议纪要：项 目 单 位 岳阳新正机械有限公司 参加"
    found = json.loads(daiban("search", "项目单位岳阳新正", "--json").output)["hits"]
    assert [h["path"] for h in found] == [doc["path"]]
    assert "**项 目 单 位 岳阳新正**" in found[0]["snippet"]


def test_same_bytes_twice_is_a_duplicate_and_stored_once(daiban, case_no, tmp_path):
    source = make_pdf(tmp_path / "a.pdf")
    daiban("file", case_no, source, "--category", "basic")
    before = snapshot(daiban)
    copy = tmp_path / "副本.pdf"
    copy.write_bytes(source.read_bytes())
    result = daiban("file", case_no, copy, "--category", "application", code=8)
    assert "重复文件" in result.stderr and "件号 0001" in result.stderr and "副本.pdf" in result.stderr
    assert snapshot(daiban) == before


def test_duplicate_inside_one_batch_refuses_the_batch(daiban, case_no, tmp_path):
    a = make_pdf(tmp_path / "a.pdf")
    b = tmp_path / "b.pdf"
    b.write_bytes(a.read_bytes())
    before = snapshot(daiban)
    assert "同批" in daiban("file", case_no, a, b, "--category", "basic", code=8).stderr
    assert snapshot(daiban) == before


def test_new_version_of_a_form_keeps_the_old_one(daiban, case_no, tmp_path):
    first = make_pdf(tmp_path / "v1.pdf", marker="方案第一稿")
    second = make_pdf(tmp_path / "v2.pdf", marker="方案第二稿")
    daiban("file", case_no, first, "--form", "plan")
    daiban("file", case_no, second, "--form", "plan")
    docs = json.loads(daiban("case", "show", case_no, "--json").output)["documents"]
    assert [(d["version"], d["form_id"]) for d in docs] == [(1, "plan"), (2, "plan")]
    assert all((daiban.root / d["path"]).is_file() for d in docs)
    assert docs[1]["path"].endswith("0002 项目审批“全代办”服务方案 v2.pdf")


def bad_inputs(tmp_path):
    bad = make_bad_pdfs(tmp_path)
    jpeg = tmp_path / "照片.pdf"
    jpeg.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    folder = tmp_path / "文件夹"
    folder.mkdir()
    dangling = tmp_path / "失效链接.pdf"
    dangling.symlink_to(tmp_path / "nowhere.pdf")
    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    return [(bad.empty, "空文件（0 字节）"), (bad.truncated, "已损坏或不完整"), (bad.encrypted, "已加密"),
            (jpeg, "内容不是 PDF（实为JPEG 图像）"), (folder, "是文件夹"), (dangling, "文件不存在"),
            (fifo, "不是普通文件")]


def test_bad_input_is_named_and_leaves_the_archive_unchanged(daiban, case_no, tmp_path):
    good = make_pdf(tmp_path / "good.pdf")
    for path, problem in bad_inputs(tmp_path):
        before = snapshot(daiban)
        result = daiban("file", case_no, good, path, "--category", "basic", code=7)
        assert str(path) in result.stderr and problem in result.stderr, result.stderr
        assert snapshot(daiban) == before
    assert "校验通过" in daiban("verify").output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_named(daiban, case_no, tmp_path):
    locked = make_pdf(tmp_path / "locked.pdf")
    locked.chmod(0)
    assert "没有读取权限" in daiban("file", case_no, locked, "--category", "basic", code=7).stderr


def test_unknown_form_category_and_case(daiban, case_no, tmp_path):
    pdf = make_pdf(tmp_path / "x.pdf")
    assert "未知的表单编号“nosuch”" in daiban("file", case_no, pdf, "--form", "nosuch", code=4).stderr
    assert "未知的档案类别“杂项”" in daiban("file", case_no, pdf, "--category", "杂项", code=2).stderr
    assert "案件不存在" in daiban("file", "DB-1999-0001", pdf, "--category", "basic", code=4).stderr
    assert "--category" in daiban("file", case_no, pdf, code=2).stderr


def test_withdrawn_document_is_kept_and_logged(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "x.pdf"), "--category", "basic")
    daiban("withdraw", case_no, "1", "--reason", "误归档，应属另一项目")
    doc = json.loads(daiban("case", "show", case_no, "--json").output)["documents"][0]
    assert doc["state"] == "withdrawn" and (daiban.root / doc["path"]).is_file()
    assert "误归档" in daiban("log", case_no, "--json").output
    assert "校验通过" in daiban("verify").output


def test_actor_is_recorded(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "x.pdf"), "--category", "basic", "--actor", "档案员甲")
    events = json.loads(daiban("log", case_no, "--json").output)
    assert [e["actor"] for e in events] == ["测试员", "档案员甲"]
