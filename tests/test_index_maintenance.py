"""Rebuild, sync and check on real Whoosh and tantivy indexes."""

import datetime
import json
import os
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.query import Every

from archive.base.errors import ExitCode
from index.document import IndexDoc, fingerprint
from index.errors import IndexCorruptError, IndexMissingError
from index.layout import CURRENT, META
from index.maintenance import catalog_fingerprints, check, delete_documents, rebuild, sync, update_documents
from index.registry import index_info
from index.search import SearchSession, search
from index.whoosh_backend import whoosh_fields

BACKENDS = ["whoosh", "tantivy"]
SURNAMES = "马史王李赵廖周"


def make_doc(doc_id: int, extra: str = "") -> IndexDoc:
    person = SURNAMES[doc_id % 7] + "艳梅强"[doc_id % 3]
    return IndexDoc(doc_id, f"DB-2026-{doc_id % 5:04d}", "岳阳新正建材项目", "岳阳新正建材有限公司", "ledger",
                    "工作日志", "办理", "generated", f"信息台账第{doc_id}页", f"岳代〔2026〕{doc_id}号", "岳阳代办中心",
                    [person], datetime.date(2026, 1, 1) + datetime.timedelta(days=doc_id % 200),
                    f"cases/{doc_id}.pdf", f"代办员{person}陪同项目单位办理第{doc_id}项用地预审。{extra}")


def ids(index_dir: Path, query: str) -> set[int]:
    return {hit.doc.doc_id for hit in search(index_dir, query, limit=1000).hits}


@pytest.mark.parametrize("backend", BACKENDS)
def test_rebuild_reports_progress_and_equals_incremental_indexing(tmp_path, backend):
    docs = [make_doc(i) for i in range(1, 121)]
    calls = []
    report = rebuild(tmp_path / "a", iter(docs), backend, total=len(docs), batch_size=50,
                     progress=lambda done, total: calls.append((done, total)))
    assert calls == [(50, 120), (100, 120), (120, 120)]
    assert (report.backend, report.documents) == (backend, 120)

    incremental = tmp_path / "b"
    update_documents(incremental, [make_doc(i, "旧稿") for i in range(1, 131)], backend, batch_size=40)
    update_documents(incremental, docs[:60], backend)
    update_documents(incremental, docs[60:], backend, batch_size=7)
    assert delete_documents(incremental, range(121, 131)) == 10

    expected = catalog_fingerprints(docs)
    for path in (tmp_path / "a", incremental):
        assert check(path, expected).ok
        assert index_info(path).documents == 120
    for query in ("马艳", "用地预审", "旧稿", "第7项", "梅", "case:DB-2026-0003"):
        assert ids(tmp_path / "a", query) == ids(incremental, query), query
    assert ids(incremental, "旧稿") == set()


@pytest.mark.parametrize("backend", BACKENDS)
def test_check_finds_missing_extra_and_stale_documents_and_sync_repairs_them(tmp_path, backend):
    index_dir = tmp_path / "index"
    rebuild(index_dir, (make_doc(i) for i in range(1, 21)), backend)
    catalog_docs = {i: make_doc(i) for i in range(1, 23) if i != 5}
    catalog_docs[7] = make_doc(7, "补正后的新版本")
    catalog = catalog_fingerprints(catalog_docs.values())

    report = check(index_dir, catalog)
    assert (report.missing, report.extra, report.stale, report.duplicated) == ([21, 22], [5], [7], [])
    assert not report.ok and report.indexed == 20

    loaded = []

    def load(wanted):
        loaded.append(list(wanted))
        return (catalog_docs[i] for i in wanted)

    result = sync(index_dir, catalog, load)
    assert loaded == [[7, 21, 22]]
    assert (result.added, result.updated, result.deleted) == (2, 1, 1)
    assert check(index_dir, catalog).ok
    assert ids(index_dir, "补正后的新版本") == {7}
    assert 5 not in ids(index_dir, "用地预审")


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_deleted_index_directory_is_reported_and_rebuilt(tmp_path, backend):
    index_dir = tmp_path / "index"
    docs = [make_doc(i) for i in range(1, 31)]
    rebuild(index_dir, iter(docs), backend)
    shutil.rmtree(index_dir)
    with pytest.raises(IndexMissingError, match="daiban index rebuild") as missing:
        search(index_dir, "马艳")
    assert missing.value.exit_code == ExitCode.INDEX
    with pytest.raises(IndexMissingError):
        check(index_dir, catalog_fingerprints(docs))
    rebuild(index_dir, iter(docs), backend)
    assert check(index_dir, catalog_fingerprints(docs)).ok
    assert ids(index_dir, "第17项") == {17}


def test_rebuild_switches_backend_and_swaps_atomically(tmp_path):
    index_dir = tmp_path / "index"
    rebuild(index_dir, (make_doc(i) for i in range(1, 11)), "whoosh")
    (index_dir / ".build-0099-tantivy").mkdir()  # left by a rebuild that was killed
    session = SearchSession(index_dir)
    assert session.search("用地预审").backend == "whoosh"

    def failing():
        yield from (make_doc(i) for i in range(1, 6))
        raise RuntimeError("目录读取中断")

    with pytest.raises(RuntimeError):
        rebuild(index_dir, failing(), "tantivy", batch_size=2)
    assert index_info(index_dir).backend == "whoosh" and session.search("用地预审").total == 10
    assert sorted(p.name for p in index_dir.iterdir()) == ["current", "v0001-whoosh", "write.lock"]

    rebuild(index_dir, (make_doc(i) for i in range(1, 41)), "tantivy")
    assert os.readlink(index_dir / CURRENT) == "v0002-tantivy"
    assert json.loads((index_dir / CURRENT / META).read_text())["backend"] == "tantivy"
    assert sorted(p.name for p in index_dir.iterdir()) == ["current", "v0002-tantivy", "write.lock"]
    page = session.search("用地预审")
    assert (page.backend, page.total) == ("tantivy", 40)
    session.close()


def test_whoosh_searcher_counts_exactly_after_a_merging_commit(tmp_path):
    index_dir = tmp_path / "index"
    for start in range(1, 200, 10):
        update_documents(index_dir, [make_doc(i) for i in range(start, start + 10)], "whoosh")
    ix = whoosh_index.open_dir(str(index_dir / CURRENT))
    before = ix.searcher()
    assert before.doc_count() == 200
    writer = ix.writer()
    writer.update_document(**whoosh_fields(make_doc(3, "合并")))
    writer.commit(optimize=True)
    assert len(ix.reader().leaf_readers()) == 1
    for searcher in (before.refresh(), ix.searcher()):
        assert searcher.doc_count() == 200
        numbers = list(searcher.search(Every(), limit=None).docs())
        assert len(numbers) == 200
        assert len({searcher.stored_fields(n)["doc_id"] for n in numbers}) == 200
    assert check(index_dir, {**catalog_fingerprints(make_doc(i) for i in range(1, 201)),
                             3: fingerprint(make_doc(3, "合并"))}).ok


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_damaged_index_asks_for_a_rebuild(tmp_path, backend):
    index_dir = tmp_path / "index"
    rebuild(index_dir, (make_doc(i) for i in range(1, 6)), backend)
    live = index_dir / CURRENT
    victim = next(p for p in live.iterdir() if p.suffix in (".toc", ".store"))
    victim.unlink()
    with pytest.raises(IndexCorruptError, match="索引无法读取.*daiban index rebuild"):
        search(index_dir, "用地预审")
    rebuild(index_dir, (make_doc(i) for i in range(1, 6)), backend)
    assert ids(index_dir, "用地预审") == {1, 2, 3, 4, 5}
