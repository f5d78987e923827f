"""Search through the CLI: every filing is indexed at once, withdrawals leave it, failures are queued and repaired."""

import json
import shutil
import sqlite3

import pytest
from conftest import make_pdf


@pytest.fixture
def minutes(daiban, case_no, tmp_path):
    """Two text documents filed into the case."""
    first = tmp_path / "协调会纪要.txt"
    first.write_text("联 席 会 议 纪 要：岳阳新正机械有限公司 史勇梅 参加；项目代码 2026-140500-44-01-012345",
                     encoding="utf-8")
    second = tmp_path / "工作日志.txt"
    second.write_text("代办员马艳 电话联系市规划和自然资源局", encoding="utf-8")
    daiban("file", case_no, first, "--category", "会议纪要", "--date", "2026-03-12")
    daiban("file", case_no, second, "--category", "工作日志", "--date", "2026-04-02")
    return case_no


def hits(daiban, *args):
    result = json.loads(daiban("search", *args, "--json").output)
    return [h["title"] for h in result["hits"]], result


def test_filing_is_searchable_at_once_with_highlight(daiban, minutes):
    titles, result = hits(daiban, "联席会议")
    assert titles == ["协调会纪要"]
    assert "**联 席 会 议**" in result["hits"][0]["snippet"]  # marked as the file spells it
    # The case's 项目代码 is case metadata too: the document that prints it comes first.
    titles, result = hits(daiban, "012345")
    assert titles == ["协调会纪要", "工作日志"]
    assert [h["metadata_only"] for h in result["hits"]] == [False, True]
    assert hits(daiban, "马艳")[0] == ["工作日志"]
    assert hits(daiban, "新正机械")[0] == ["协调会纪要"]
    assert hits(daiban, "规划", "--category", "会议纪要")[0] == []
    assert hits(daiban, "规划", "--since", "2026-04-01")[0] == ["工作日志"]
    html = json.loads(daiban("search", "史勇梅", "--json", "--html").output)["hits"][0]["snippet"]
    assert "<mark>史勇梅</mark>" in html


def test_searches_and_openings_are_logged(daiban, minutes):
    daiban("search", "马艳", "--actor", "审计员王")
    path = daiban("open", minutes, "2", "--actor", "审计员王").output.strip()
    assert path.endswith("0002 工作日志.txt")
    mine = [e for e in json.loads(daiban("log", "--json").output) if e["actor"] == "审计员王"]
    assert [e["action"] for e in mine] == ["search", "document.opened"]
    assert mine[0]["details"]["query"] == "马艳" and mine[0]["details"]["hits"] == 1


def test_withdrawn_document_leaves_the_index(daiban, minutes):
    daiban("withdraw", minutes, "2", "--reason", "重复录入")
    assert hits(daiban, "马艳")[0] == []
    assert "索引与目录库一致" in daiban("index", "check").output


def test_failed_index_update_is_queued_and_repaired(daiban, minutes, tmp_path):
    for toc in (daiban.root / "index" / "current").glob("*.toc"):
        toc.write_bytes(b"garbage")
    result = daiban("file", minutes, make_pdf(tmp_path / "批复.pdf"), "--category", "批复证照")
    assert "全文索引未能更新" in result.stderr
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("SELECT doc_id, attempts FROM outbox").fetchall() == [(3, 1)]
    assert "daiban index rebuild" in daiban("index", "check", code=13).stderr
    daiban("index", "rebuild")
    assert "索引与目录库一致" in daiban("index", "check").output
    assert hits(daiban, "马艳")[0] == ["工作日志"]


def test_rebuild_switches_backend_and_finds_the_same(daiban, minutes):
    before = hits(daiban, "市规划")[0]
    out = json.loads(daiban("index", "rebuild", "--backend", "tantivy", "--json").output)
    assert out["backend"] == "tantivy" and out["documents"] == 2
    assert 'backend = "tantivy"' in (daiban.root / "daiban.toml").read_text(encoding="utf-8")
    titles, result = hits(daiban, "市规划")
    assert titles == before and result["backend"] == "tantivy"


def test_deleted_index_is_reported_and_rebuilt(daiban, minutes):
    shutil.rmtree(daiban.root / "index")
    assert "daiban index rebuild" in daiban("search", "马艳", code=13).stderr
    daiban("index", "rebuild")
    assert hits(daiban, "马艳")[0] == ["工作日志"]


def test_check_finds_a_missing_document_and_sync_adds_it(daiban, minutes):
    from index.maintenance import delete_documents
    delete_documents(daiban.root / "index", [1])
    result = daiban("index", "check", code=11)
    assert "索引缺少：文件 #1" in result.output
    assert "新增 1" in daiban("index", "sync").output
    assert "索引与目录库一致" in daiban("index", "check").output


def test_a_query_of_punctuation_only_says_there_is_nothing_to_search(daiban, minutes):
    shown = daiban("search", "，").output
    assert "共 0 件" in shown and "没有可检索的文字" in shown
    result = json.loads(daiban("search", "“”", "--json").output)
    assert result["total"] == 0 and "标点" in result["hint"]
