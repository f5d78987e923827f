"""The page of a PDF a search hit is on: the first page whose text holds one of the query's words.

Each page's text layer is read with pdfium and folded the way the index folds text (index.normalize),
then matched with the patterns snippets use (index.analysis.match_pattern), so a page is found for
exactly what the search matched: 審批 finds 审批, 张 丽 finds 张丽. A word running over a page break is
on the page where it starts, as the index joins a document's pages into one text.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pypdfium2

from index.analysis import match_pattern
from index.normalize import is_cjk, normalize_text

# How much of a page's end is carried over to find a word that runs onto the next page.
_CARRY = 80


def _patterns(words: list[str]) -> list[re.Pattern]:
    return [pattern for pattern in (match_pattern(normalize_text(w)) for w in words) if pattern is not None]


def _page_texts(path: Path) -> Iterator[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            textpage = page.get_textpage()
            yield textpage.get_text_bounded()
            textpage.close()
            page.close()
    finally:
        document.close()


def _joined(previous: str, current: str) -> str:
    # Pages join as the index joins them: CJK text runs on without a break, anything else gets one.
    if previous and current and is_cjk(previous[-1]) and is_cjk(current[0]):
        return previous + current
    return f"{previous}\n{current}" if previous else current


def _first_match(patterns: list[re.Pattern], text: str) -> int | None:
    starts = [m.start() for m in (p.search(text) for p in patterns) if m]
    return min(starts) if starts else None


def first_page_with(path: Path, words: list[str]) -> int | None:
    """The first page (1-based) of a PDF whose text holds one of words; None when none does or it is no PDF."""
    patterns = _patterns(words)
    if not patterns:
        return None
    carried = ""
    try:
        for number, text in enumerate(_page_texts(path), start=1):
            page = normalize_text(text)
            joined = _joined(carried, page)
            start = _first_match(patterns, joined)
            if start is not None:
                # A match beginning in the carried tail runs over the break (else the last page had it).
                return number - 1 if start < len(joined) - len(page) else number
            carried = page[-_CARRY:]
    except pypdfium2.PdfiumError:
        return None
    return None
