"""Chinese-safe analysis shared by both backends: CJK bigrams, Latin words and digit runs.

Word segmentation misses names and compounds (MEASUREMENTS.md), so every run of CJK
ideographs is indexed as overlapping bigrams, framed by its first and last character:
run c1..cn (n >= 2) gives c1, c1c2, ..., c(n-1)cn, cn at sequential positions; a lone
ideograph gives itself. The frame lets a query that mixes CJK with digits or Latin
("2026年", "3号楼") match a run it only touches at one edge, with plain sequential
phrases, so the same pre-split token string feeds Whoosh and tantivy.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import add

_IDEOGRAPHS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{_IDEOGRAPHS}]+)|([^\\W\\d_{_IDEOGRAPHS}]+|\\d+)")
_LETTER = f"[^\\W\\d_{_IDEOGRAPHS}]"
_BREAK = r"[\W_]"
MAX_TOKEN_CHARS = 40
# Never produced by analysis: placed between concatenated fields so no phrase spans two.
FIELD_GAP = "|"


@dataclass(frozen=True)
class QueryTerms:
    """What one query word must match: a phrase of terms, or (one ideograph) a term prefix."""

    terms: tuple[str, ...] = ()
    prefix: str = ""
    # The word was one CJK run: terms are its consecutive bigrams and nothing else.
    one_run: bool = False

    @property
    def empty(self) -> bool:
        """Tell whether the word produced nothing to match (only punctuation)."""
        return not self.terms and not self.prefix


def _runs(text: str) -> Iterator[tuple[bool, int, str]]:
    for match in _RUNS.finditer(text):
        cjk = match.group(1)
        yield (cjk is not None, match.start(), cjk if cjk is not None else match.group(2))


def _word(run: str) -> str:
    return run.lower()[:MAX_TOKEN_CHARS]


def _bigrams(run: str) -> list[str]:
    return list(map(add, run[:-1], run[1:]))


def index_terms(text: str) -> list[str]:
    """Return the terms of text in position order (the hot path of indexing)."""
    terms: list[str] = []
    for cjk, _, run in _runs(text):
        if not cjk:
            terms.append(_word(run))
        elif len(run) == 1:
            terms.append(run)
        else:
            terms.append(run[0])
            terms.extend(_bigrams(run))
            terms.append(run[-1])
    return terms


def analyzed(text: str) -> str:
    """Return text pre-split into space-separated terms, the form both backends index."""
    return " ".join(index_terms(text))


def query_terms(word: str) -> QueryTerms:
    """Analyse one (already normalised) query word into the phrase that means "contains it"."""
    runs = list(_runs(word))
    if len(runs) == 1 and runs[0][0]:
        run = runs[0][2]
        return QueryTerms(prefix=run) if len(run) == 1 else QueryTerms(tuple(_bigrams(run)), one_run=True)
    terms: list[str] = []
    for i, (cjk, _, run) in enumerate(runs):
        if not cjk:
            terms.append(_word(run))
        elif len(run) == 1:
            terms.append(run)
        else:
            # A neighbour in the query means the document's run ends there too: its frame term follows.
            if i > 0:
                terms.append(run[0])
            terms.extend(_bigrams(run))
            if i < len(runs) - 1:
                terms.append(run[-1])
    return QueryTerms(terms=tuple(terms))


def _kind(cjk: bool, run: str) -> str:
    return "cjk" if cjk else "digit" if run[0].isdigit() else "letter"


def match_pattern(word: str) -> re.Pattern | None:
    """Return a regex matching in raw text exactly what query_terms(word) matches in the index.

    Snippets use it instead of re-tokenising every hit: terms are adjacent when only
    non-word characters separate them, and two runs of one kind need at least one.
    """
    runs = [(_kind(cjk, run), run) for cjk, _, run in _runs(word)]
    if not runs:
        return None
    parts = []
    if runs[0][0] != "cjk":
        parts.append(f"(?<!{_LETTER})" if runs[0][0] == "letter" else r"(?<!\d)")
    for i, (kind, run) in enumerate(runs):
        if i:
            parts.append(f"{_BREAK}+" if runs[i - 1][0] == kind else f"{_BREAK}*")
        parts.append(re.escape(run))
    if runs[-1][0] != "cjk":
        parts.append(f"(?!{_LETTER})" if runs[-1][0] == "letter" else r"(?!\d)")
    return re.compile("".join(parts), re.IGNORECASE)
