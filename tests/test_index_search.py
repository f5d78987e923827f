"""Search on real Whoosh and tantivy indexes: recall, syntax, filters, snippets, paging."""

import datetime
import random
from pathlib import Path

import pytest

from archive.base.errors import UsageError
from index.document import IndexDoc
from index.maintenance import rebuild
from index.normalize import normalize_text
from index.query import Filters
from index.search import SearchSession, search

BACKENDS = ["whoosh", "tantivy"]
NAMES = ["马艳", "马艳华", "史勇梅", "史勇", "王琰", "李强", "赵新正", "廖雪", "廖雪峰", "周敏"]
COMPANIES = ["岳阳新正建材有限公司", "运城宏达新能源有限公司", "晋城华信科技股份有限公司", "岳阳正大物流有限公司"]
PHRASES = ["联席会议纪要", "用地预审与选址意见书", "代办员陪同项目单位", "施工许可阶段", "一次性告知清单"]
FORMS = [("meeting", "会议纪要"), ("ledger", "工作日志"), ("entrust", "基本资料"), ("apply", "申请材料")]


def make_doc(doc_id: int, text: str, **fields) -> IndexDoc:
    values = dict(doc_id=doc_id, case_no="DB-2026-0001", project_name="岳阳新正年产20万吨新型墙体材料项目",
                  unit="岳阳新正建材有限公司", form_id="meeting", category="会议纪要", stage="办理",
                  kind="generated", title="联合审批协调会议纪要", doc_no=f"岳代〔2026〕{doc_id}号",
                  author="岳阳代办服务中心", people=[], date=datetime.date(2026, 3, 1), path=f"cases/{doc_id}.pdf",
                  text=normalize_text(text))
    values.update(fields)
    return IndexDoc(**values)


def special_docs() -> list[IndexDoc]:
    return [
        make_doc(1, "会议时间：2026年3月5日。参会人员：马艳、史勇梅、马艳华。岳阳新正建材有限公司"
                    "（项目代码：2026-140500-44-01-012345）列席。形成联席会议纪要，代办员跟踪督办。",
                 people=["马艳", "史勇梅"]),
        make_doc(2, "2026-03-09 代办员史勇梅陪同项目单位到市自然资源和规划局办理用地预审与选址意见书，已受理。",
                 form_id="ledger", category="工作日志", title="信息台账", stage="受理", case_no="DB-2026-0002",
                 date=datetime.date(2026, 3, 9)),
        make_doc(3, "岳 阳 新 正 建 材 有 限 公 司 〈盖章〉\n委 托 人 ： 马 艳\n日 期 ： 2026 年 4 月 1 日",
                 form_id="entrust", category="基本资料", title="“全代办”服务委托书", kind="signed",
                 date=datetime.date(2026, 4, 1)),
        make_doc(4, "ＡＢＣ公司于２０２６年第3号楼召开会议，GB2312 编码，Report v2。",
                 title="２０２６年度ＡＢＣ项目", form_id="apply", category="申请材料", stage="登记",
                 case_no="DB-2025-0009", date=datetime.date(2025, 12, 30)),
        make_doc(5, "签字：琰。", form_id="apply", category="申请材料", date=None),
        make_doc(6, "经办人王琰", date=datetime.date(2026, 5, 1)),
        make_doc(7, "琰玉到场", date=datetime.date(2026, 5, 2)),
        make_doc(8, "由张琰玉负责", kind="photo", date=datetime.date(2026, 5, 3)),
        make_doc(9, "代办 代办 代办 代办：代办服务全程免费。", title="代办服务说明", date=datetime.date(2026, 6, 1)),
    ]


def noise_docs(start: int, count: int) -> list[IndexDoc]:
    rng = random.Random(7)
    docs = []
    for doc_id in range(start, start + count):
        form_id, category = rng.choice(FORMS)
        parts = [rng.choice(PHRASES), "参会人员：" + "、".join(rng.sample(NAMES, 3)), rng.choice(COMPANIES),
                 f"代办员{rng.choice(NAMES)}陪同{rng.choice(COMPANIES)}到市生态环境局办理环评审批"]
        rng.shuffle(parts)
        docs.append(make_doc(doc_id, "。".join(parts) + "。", form_id=form_id, category=category,
                             case_no=f"DB-2026-{rng.randrange(3, 9):04d}", unit=rng.choice(COMPANIES),
                             stage=rng.choice(["受理", "办理", "办结"]), kind=rng.choice(["generated", "signed"]),
                             title=rng.choice(["会议纪要", "信息台账", "委托书"]), people=rng.sample(NAMES, 2),
                             date=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))))
    return docs


DOCS = special_docs() + noise_docs(100, 150)


def searchable(doc: IndexDoc) -> list[str]:
    """The normalised fields an unqualified word is searched in."""
    return [normalize_text(v) for v in (doc.title, doc.project_name, doc.unit, doc.case_no, doc.doc_no,
                                        doc.author, doc.category, *doc.people)] + [doc.text]


def containing(fragment: str, docs: list[IndexDoc] = DOCS) -> set[int]:
    return {d.doc_id for d in docs if any(fragment in value for value in searchable(d))}


def found(index_dir: Path, query: str, filters: Filters = Filters()) -> set[int]:
    page = search(index_dir, query, filters, limit=1000)
    assert page.total == len(page.hits)
    return {hit.doc.doc_id for hit in page.hits}


@pytest.fixture(scope="module", params=BACKENDS)
def index_dir(request, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp(request.param) / "index"
    rebuild(path, iter(DOCS), request.param)
    return path


@pytest.mark.parametrize("fragment", NAMES + COMPANIES + PHRASES + [
    "马艳", "勇梅", "代办员", "岳阳新正", "新正建材有限", "正建", "办理用地预审", "签字", "张琰玉"])
def test_every_document_containing_a_chinese_fragment_is_found(index_dir, fragment):
    expected = containing(fragment)
    assert expected, fragment
    assert found(index_dir, fragment) == expected


def test_names_glued_to_their_neighbours_are_found(index_dir):
    assert {1, 2} <= found(index_dir, "史勇梅")
    assert 2 in found(index_dir, "代办员史勇梅")
    assert found(index_dir, "马艳华") == containing("马艳华")
    assert found(index_dir, "马艳") > found(index_dir, "马艳华")


def test_project_code_is_found_whole_and_by_its_parts(index_dir):
    assert found(index_dir, "2026-140500-44-01-012345") == {1}
    assert found(index_dir, "140500") == {1}
    assert found(index_dir, '"44-01-012345"') == {1}
    assert found(index_dir, "14050") == set()


def test_latin_words_digits_and_full_width_input(index_dir):
    assert found(index_dir, "ABC公司") == {4}
    assert found(index_dir, "ａｂｃ") == {4}
    assert found(index_dir, "２０２６年") == containing("2026年")
    assert found(index_dir, "gb2312") == {4}
    assert found(index_dir, "report V2") == {4}
    assert found(index_dir, "3号楼") == {4}
    assert found(index_dir, "3号") == {3, 4}  # doc 3: 文号 岳代〔2026〕3号


def test_ocr_spaced_scan_text_is_found_by_ordinary_words(index_dir):
    assert 3 in found(index_dir, "岳阳新正建材有限公司")
    assert 3 in found(index_dir, "委托人:马艳")
    assert 3 in found(index_dir, '"马 艳"')
    assert 3 in found(index_dir, "(盖章)")


def test_single_character_query_finds_it_anywhere_in_a_run(index_dir):
    assert {5, 6, 7, 8} <= found(index_dir, "琰") == containing("琰")
    assert found(index_dir, "琰 -玉") == containing("琰") - containing("玉")


def test_or_not_phrase_and_field_syntax(index_dir):
    assert found(index_dir, "王琰 OR 琰玉") == containing("王琰") | containing("琰玉")
    assert found(index_dir, "马艳 -马艳华") == containing("马艳") - containing("马艳华")
    assert found(index_dir, '"联席会议纪要" 012345') == {1}
    assert found(index_dir, "unit:华信科技") == {d.doc_id for d in DOCS if "华信科技" in d.unit}
    assert found(index_dir, "title:台账") == {d.doc_id for d in DOCS if "台账" in d.title}
    assert found(index_dir, "case:DB-2025-0009") == {4}
    assert found(index_dir, "form:entrust") == {d.doc_id for d in DOCS if d.form_id == "entrust"}
    assert found(index_dir, "people:史勇梅") == {d.doc_id for d in DOCS if "史勇梅" in d.people}
    assert found(index_dir, "人员：史勇梅 类别:会议纪要") == {
        d.doc_id for d in DOCS if "史勇梅" in d.people and d.category == "会议纪要"}


def test_filters_and_date_ranges(index_dir):
    def expected(keep) -> set[int]:
        return {d.doc_id for d in DOCS if "代办" in " ".join(searchable(d)) and keep(d)}

    assert found(index_dir, "代办", Filters(case_no="DB-2026-0002")) == expected(lambda d: d.case_no == "DB-2026-0002")
    assert found(index_dir, "代办", Filters(form_id="ledger")) == expected(lambda d: d.form_id == "ledger")
    assert found(index_dir, "代办", Filters(category="基本资料", kind="signed")) == expected(
        lambda d: d.category == "基本资料" and d.kind == "signed")
    assert found(index_dir, "代办", Filters(stage="受理")) == expected(lambda d: d.stage == "受理")
    since, until = datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)
    assert found(index_dir, "代办", Filters(since=since, until=until)) == expected(
        lambda d: d.date is not None and since <= d.date <= until)
    assert found(index_dir, "", Filters(until=datetime.date(2025, 12, 31))) == {4}
    may = Filters(since=datetime.date(2026, 5, 1), until=datetime.date(2026, 5, 2))
    assert {6, 7} <= found(index_dir, "", may) == {
        d.doc_id for d in DOCS if d.date and may.since <= d.date <= may.until}


def test_hits_carry_where_the_document_lives_and_a_marked_snippet(index_dir):
    page = search(index_dir, "史勇梅 用地预审", limit=5)
    assert page.total == len(containing("史勇梅") & containing("用地预审"))
    hit = next(h for h in page.hits if h.doc.doc_id == 2)
    d = hit.doc
    assert (d.case_no, d.title, d.category, d.path, d.form_id, d.kind, d.date) == (
        "DB-2026-0002", "信息台账", "工作日志", "cases/2.pdf", "ledger", "generated", datetime.date(2026, 3, 9))
    assert hit.doc.project_name == "岳阳新正年产20万吨新型墙体材料项目"
    assert [t for t, is_hit in hit.snippet if is_hit] == ["史勇梅", "用地预审"]
    assert "代办员**史勇梅**陪同" in hit.to_dict()["snippet"]
    assert page.to_dict("html")["hits"][0]["snippet"].count("<mark>") >= 1


def test_results_are_ranked(index_dir):
    page = search(index_dir, "代办", limit=3)
    assert page.hits[0].doc.doc_id == 9
    assert page.hits[0].score >= page.hits[1].score >= page.hits[2].score


@pytest.mark.parametrize("query", ["马艳 OR 代办员", "琰 OR 岳阳", "梅", "廖雪 OR 周敏 OR 史勇"])
def test_totals_and_pages_of_or_queries_are_exact(index_dir, query):
    words = [w for w in query.split() if w != "OR"]
    expected = set().union(*(containing(w) for w in words))
    pages = [search(index_dir, query, page=n, limit=7) for n in range(1, 100)]
    assert {p.total for p in pages} == {len(expected)}
    ids = [hit.doc.doc_id for page in pages for hit in page.hits]
    assert len(ids) == len(set(ids)) and set(ids) == expected


def test_paging_walks_every_hit_once(index_dir):
    everything = search(index_dir, "岳阳", limit=1000)
    assert everything.total > 25
    with SearchSession(index_dir) as session:
        first = session.search("岳阳", page=1, limit=10)
        pages = [first] + [session.search("岳阳", page=n, limit=10) for n in range(2, first.pages + 1)]
    ids = [hit.doc.doc_id for page in pages for hit in page.hits]
    assert ids == [hit.doc.doc_id for hit in everything.hits]
    assert first.pages == (everything.total + 9) // 10
    assert all(len(p.hits) == 10 for p in pages[:-1]) and 1 <= len(pages[-1].hits) <= 10


def test_bad_paging_is_refused_in_chinese(index_dir):
    with pytest.raises(UsageError, match="页码"):
        search(index_dir, "马艳", page=0)
    with pytest.raises(UsageError, match="每页条数"):
        search(index_dir, "马艳", limit=0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_excluded_document_is_never_the_first_hit(tmp_path, backend):
    # The first excluded document (1) comes before the first match (2), which is excluded too: Whoosh's own
    # AndNot let it through (whoosh-community/whoosh#419).
    docs = [make_doc(1, "无关的材料", form_id="assess"), make_doc(2, "内部研判意见", form_id="assess"),
            make_doc(3, "对外研判结论", form_id="entrust")]
    rebuild(tmp_path / "index", iter(docs), backend)
    assert found(tmp_path / "index", "研判", Filters(hidden_forms=("assess",))) == {3}
    assert found(tmp_path / "index", "研判 -内部") == {3}


@pytest.mark.parametrize("backend", BACKENDS)
def test_hidden_kinds_and_cases_outside_the_users_reach_are_never_found(tmp_path, backend):
    docs = [make_doc(1, "待审核的扫描件文字", kind="review", case_no="DB-2026-0001"),
            make_doc(2, "已归档的扫描件文字", kind="signed", case_no="DB-2026-0001"),
            make_doc(3, "他案的扫描件文字", kind="signed", case_no="DB-2026-0002")]
    rebuild(tmp_path / "index", iter(docs), backend)
    assert found(tmp_path / "index", "扫描件", Filters(hidden_kinds=("review",))) == {2, 3}
    assert found(tmp_path / "index", "扫描件", Filters(case_nos=("DB-2026-0001",), hidden_kinds=("review",))) == {2}
    assert found(tmp_path / "index", "扫描件", Filters(case_nos=())) == set()
