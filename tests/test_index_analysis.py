"""Analysis, query language and snippets: the parts both index backends share."""

import datetime
import random

from index.analysis import analyzed, index_terms, match_pattern, query_terms
from index.document import IndexDoc, fingerprint
from index.highlight import hit_spans, render, snippet
from index.query import Clause, parse_query


def marked(text: str, query: str) -> list[str]:
    return [text[a:b] for a, b in hit_spans(text, parse_query(query).highlight_words())]


def test_cjk_runs_become_framed_bigrams_and_lone_ideographs_unigrams():
    assert index_terms("岳阳新正") == ["岳", "岳阳", "阳新", "新正", "正"]
    assert index_terms("第3号") == ["第", "3", "号"]
    assert index_terms("马艳、史勇梅") == ["马", "马艳", "艳", "史", "史勇", "勇梅", "梅"]


def test_latin_words_and_digit_runs_are_lower_cased_tokens():
    assert index_terms("项目代码2026-140500-44-01-012345") == [
        "项", "项目", "目代", "代码", "码", "2026", "140500", "44", "01", "012345"]
    assert index_terms("ABC公司 GB2312") == ["abc", "公", "公司", "司", "gb", "2312"]
    assert analyzed("Hello 世界") == "hello 世 世界 界"


def index_matches(text: str, word: str) -> bool:
    """What the index answers: the query terms appear consecutively among the text's terms."""
    terms, wanted = index_terms(text), query_terms(word)
    if wanted.prefix:
        return any(t.startswith(wanted.prefix) for t in terms)
    n = len(wanted.terms)
    return any(tuple(terms[i:i + n]) == wanted.terms for i in range(len(terms) - n + 1))


def test_snippet_patterns_match_exactly_where_the_index_matches():
    rng = random.Random(3)
    alphabet = "马艳史勇梅岳阳新正第号楼ab1、:- "
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))
        start = rng.randrange(len(text))
        word = text[start:start + rng.randrange(1, 9)].strip() or "马"
        other = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 6))).strip() or "艳"
        for query in (word, other):
            if query_terms(query).empty:
                continue
            assert bool(match_pattern(query).search(text)) == index_matches(text, query), (text, query)


def test_query_words_become_the_phrase_that_means_contains():
    assert query_terms("史勇梅").terms == ("史勇", "勇梅")
    assert query_terms("2026年").terms == ("2026", "年")
    assert query_terms("3号楼").terms == ("3", "号", "号楼")
    assert query_terms("楼3").terms == ("楼", "3")
    assert query_terms("马").prefix == "马" and not query_terms("马").terms
    assert query_terms("、。").empty


def test_parser_handles_and_or_not_phrases_and_fields():
    parsed = parse_query('马艳 OR 史勇梅 -岳阳 "联席 会议" unit:新正 form:meeting 12:30')
    assert parsed.required == (
        (Clause("all", "马艳"), Clause("all", "史勇梅")),
        (Clause("all", "联席会议"),),
        (Clause("unit", "新正"),),
        (Clause("form_id", "meeting"),),
        (Clause("all", "12:30"),),
    )
    assert parsed.excluded == (Clause("all", "岳阳"),)


def test_parser_normalises_full_width_input_and_chinese_quotes():
    parsed = parse_query("２０２６ ＡＢＣ 单位：新正 “会议 纪要”")
    assert parsed.required == ((Clause("all", "2026"),), (Clause("all", "ABC"),), (Clause("unit", "新正"),),
                               (Clause("all", "会议纪要"),))


def test_highlight_marks_exactly_the_matched_substring():
    text = "参会人员：马艳、史勇梅、马艳华；岳阳新正建材有限公司第3号楼，ABC公司与ABCD公司。"
    assert marked(text, "马艳") == ["马艳", "马艳"]
    assert marked(text, "史勇梅 OR 新正建材") == ["史勇梅", "新正建材"]
    assert marked(text, "3号") == ["3号"]
    assert marked(text, "abc公司") == ["ABC公司"]
    assert marked(text, "梅") == ["梅"]
    assert marked(text, "-马艳 楼") == ["楼"]


def test_snippet_segments_render_as_markdown_html_and_ansi():
    text = "前言" * 100 + "会议由马艳主持<b>" + "结语" * 100
    segments = snippet(text, parse_query("马艳").highlight_words())
    assert segments[0] == ("…", False) and segments[-1] == ("…", False)
    assert [t for t, hit in segments if hit] == ["马艳"]
    assert "会议由**马艳**主持<b>" in render(segments, "markdown")
    assert "会议由<mark>马艳</mark>主持&lt;b&gt;" in render(segments, "html")
    assert "\x1b[1;31m马艳\x1b[0m" in render(segments, "ansi")
    assert len(render(segments, "plain")) <= 122


def test_fingerprint_changes_with_any_field():
    doc = IndexDoc(1, "DB-2026-0001", "项目", "单位", "apply", "申请材料", "受理", "generated", "题名",
                   "文号", "责任者", ["马艳"], datetime.date(2026, 1, 2), "a.pdf", "正文")
    changed = IndexDoc(**{**doc.__dict__, "stage": "办理"})
    assert fingerprint(doc) == fingerprint(IndexDoc(**doc.__dict__))
    assert fingerprint(doc) != fingerprint(changed)
    assert 0 <= fingerprint(doc) < 2 ** 63
