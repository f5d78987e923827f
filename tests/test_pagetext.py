"""The page of a PDF a search hit is on (archive/content/pagetext.py): matched as the index matches."""

from pathlib import Path

import pytest
from conftest import cjk_pdf, make_pdf

from archive.content.pagetext import first_page_with


@pytest.fixture(scope="module")
def three_pages(tmp_path_factory) -> Path:
    return cjk_pdf(tmp_path_factory.mktemp("pagetext") / "意见.pdf", [
        ["第一页：项目概况", "建设单位 Jincheng Energy"],
        ["第二页：審批部门意见", "经办人 张 丽", "联席"],
        ["会议纪要附后", "项目代码 2026-140500-44-01-012345"],
    ])


@pytest.mark.parametrize(("words", "page"), [
    (["项目概况"], 1),
    (["审批部门"], 2),          # traditional 審 on the page, simplified in the query
    (["张丽"], 2),              # OCR's spaces between CJK characters do not count
    (["联席会议"], 2),          # runs over the page break: on the page where it starts
    (["纪要附后"], 3),
    (["012345"], 3),            # a digit run of the 项目代码, found whole
    (["energy"], 1),            # Latin words fold case
    (["没有的词", "经办人"], 2),  # any one of the words
    (["会议纪要", "项目概况"], 1),  # the first page holding any of them
])
def test_the_first_page_holding_a_word_of_the_query(three_pages, words, page):
    assert first_page_with(three_pages, words) == page


@pytest.mark.parametrize("words", [["没有的词"], ["0123"], ["ener"], [], ["！？"]])
def test_no_page_when_no_page_holds_a_word(three_pages, words):
    assert first_page_with(three_pages, words) is None


def test_no_page_of_a_pdf_without_text_or_of_what_is_no_pdf(tmp_path):
    assert first_page_with(make_pdf(tmp_path / "空白.pdf", pages=3), ["项目"]) is None
    text = tmp_path / "纪要.txt"
    text.write_text("项目概况", encoding="utf-8")
    assert first_page_with(text, ["项目"]) is None
    broken = tmp_path / "截断.pdf"
    broken.write_bytes(make_pdf(tmp_path / "whole.pdf", pages=2, text="x").read_bytes()[:200])
    assert first_page_with(broken, ["x"]) is None
