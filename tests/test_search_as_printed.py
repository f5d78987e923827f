"""Search finds what a person sees and shows it as printed, on real Whoosh and tantivy indexes.

Snippets keep the page's punctuation and script, a query of punctuation finds nothing, the case's
codes are searchable, own-text hits rank before hits through case metadata (and say so), and
traditional and simplified characters find each other.
"""

import datetime
from pathlib import Path

import pytest

from index.document import IndexDoc
from index.maintenance import rebuild
from index.search import METADATA_ONLY, search

BACKENDS = ["whoosh", "tantivy"]
PROJECT_CODE = "2026-140500-44-01-012345"
CREDIT_CODE = "91140525MA0K8XYZ3L"
EXT_A, EXT_B = "㐂", "𠮷"  # U+3402 (Extension A), U+20BB7 (Extension B)


def doc(doc_id: int, text: str, **fields) -> IndexDoc:
    values = dict(doc_id=doc_id, case_no="DB-2026-0001", project_name="晋城市新能源装备制造产业园项目",
                  unit="晋城市泽州新能源科技有限公司", form_id="", category="工作日志", stage="办理", kind="upload",
                  title=f"工作记录{doc_id}", doc_no="", author="", people=["李明", f"张{EXT_B}"],
                  date=datetime.date(2026, 3, doc_id), path=f"cases/{doc_id}.txt", text=text,
                  project_code=PROJECT_CODE, credit_code=CREDIT_CODE)
    values.update(fields)
    return IndexDoc(**values)


DOCS = [
    doc(1, "晋代办代委〔2026〕1号，项目名称（暂定）：“新能源”；见附件。**重要**：请于３日内答复。"),
    doc(2, f"项目代码：{PROJECT_CODE}。项目长李明陪同企业到市行政审批服务管理局。"),
    doc(3, "立项用地规划许可阶段材料已受理。"),
    doc(4, "本案審批事項由項目長負責，代辦員協助。", title="繁體記錄"),
    doc(5, f"经办人张{EXT_B}、王{EXT_A}到场，审批事项已办结。", case_no="DB-2026-0002", people=["赵强"],
        project_code="2026-140500-44-01-099999", credit_code="911405000000000000"),
    doc(6, "李明参加联审会议。", case_no="DB-2026-0002", people=["赵强"],
        project_code="2026-140500-44-01-099999", credit_code="911405000000000000"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def index_dir(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp(request.param) / "index"
    rebuild(path, iter(DOCS), request.param)
    return path


def ids(index_dir: Path, query: str) -> list[int]:
    return [h.doc.doc_id for h in search(index_dir, query, limit=100).hits]


def marked(index_dir: Path, query: str, doc_id: int, style: str = "markdown") -> str:
    page = search(index_dir, query, limit=100)
    return next(h for h in page.hits if h.doc.doc_id == doc_id).to_dict(style)["snippet"]


def test_snippets_show_the_text_as_printed(index_dir):
    snippet = marked(index_dir, "代委", 1)
    assert snippet.startswith("晋代办**代委**〔2026〕1号，项目名称（暂定）：“新能源”；见附件。")
    # A half-width query finds full-width text and marks it as printed.
    assert "代委〔**2026〕1号**，" in marked(index_dir, "[2026]1号", 1)
    assert "**３日**" in marked(index_dir, "3日", 1)


def test_a_literal_double_asterisk_is_escaped_in_markdown(index_dir):
    snippet = marked(index_dir, "重要", 1)
    assert r"\*\***重要**\*\*：" in snippet
    assert "**<mark>重要</mark>**：" in marked(index_dir, "重要", 1, "html")


@pytest.mark.parametrize("query", ["，", "“”", "、。：", '"，"', "-，"])
def test_a_query_of_punctuation_only_finds_nothing_and_says_why(index_dir, query):
    page = search(index_dir, query)
    assert (page.total, page.hits) == (0, [])
    assert "标点" in page.hint and page.to_dict()["hint"] == page.hint


def test_an_empty_query_still_lists_everything(index_dir):
    assert search(index_dir, "", limit=100).total == len(DOCS)


def test_the_case_codes_find_every_document_of_the_case(index_dir):
    case_one = [d.doc_id for d in DOCS if d.project_code == PROJECT_CODE]
    found = ids(index_dir, PROJECT_CODE)
    assert sorted(found) == case_one and found[0] == 2  # the document that prints the code comes first
    assert sorted(ids(index_dir, "140500-44-01-012345")) == case_one
    assert sorted(ids(index_dir, CREDIT_CODE)) == case_one
    assert sorted(ids(index_dir, f"code:{CREDIT_CODE.lower()}")) == case_one
    assert sorted(ids(index_dir, "代码:099999")) == [5, 6]


def test_own_text_hits_rank_first_and_metadata_hits_are_marked(index_dir):
    page = search(index_dir, "李明", limit=100)
    own = {2, 6}  # their text names 李明; the other documents of case one have him as 项目长
    assert {h.doc.doc_id for h in page.hits[:2]} == own
    assert {h.doc.doc_id for h in page.hits[2:]} == {1, 3, 4}
    assert [h.metadata_only for h in page.hits] == [False, False, True, True, True]
    assert all(h.to_dict()["metadata_only"] for h in page.hits[2:])
    assert METADATA_ONLY.startswith("〔仅案件信息匹配")


def test_a_word_matched_in_own_text_lifts_a_document_even_when_another_matched_only_metadata(index_dir):
    page = search(index_dir, "李明 市行政审批", limit=100)
    assert [h.doc.doc_id for h in page.hits] == [2] and not page.hits[0].metadata_only


def test_traditional_and_simplified_find_each_other(index_dir):
    assert sorted(ids(index_dir, "审批事项")) == [4, 5]
    assert sorted(ids(index_dir, "審批事項")) == [4, 5]
    assert ids(index_dir, "项目长负责") == [4]
    assert "本案**審批事項**由" in marked(index_dir, "审批事项", 4)
    assert ids(index_dir, "title:繁体记录") == [4]


def test_names_with_extension_a_and_b_characters(index_dir):
    found = ids(index_dir, f"张{EXT_B}")
    assert found[0] == 5 and sorted(found[1:]) == [1, 2, 3, 4]  # case one has 张𠮷 among its people
    assert ids(index_dir, f"王{EXT_A}") == [5]
    assert f"**张{EXT_B}**" in marked(index_dir, f"张{EXT_B}", 5)
