"""The search query language (words ANDed, OR, -word, "phrases", field:word) and filters."""

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass

from index.analysis import QueryTerms, query_terms
from index.normalize import normalize_text

# A word without a field matches anywhere: the document's own text or its case's metadata (index.fields).
ANYWHERE = "all"
OWN, META = "own", "casefacts"
# A BM25 score never reaches this per query term and field (idf ≤ ln(1 + documents), times k1 + 1).
_BM25_CEILING = 64
# Backend field names: analysed text fields, then exact keyword fields.
TEXT_FIELDS = (OWN, META, "title", "project", "unit", "people", "author", "docno", "case", "code")
KEYWORD_FIELDS = ("case_no", "form_id", "category", "stage", "kind")

FIELD_ALIASES = {
    "unit": "unit", "单位": "unit",
    "title": "title", "题名": "title", "标题": "title",
    "case": "case", "案件": "case", "案号": "case",
    "form": "form_id", "表单": "form_id",
    "people": "people", "人员": "people",
    "project": "project", "项目": "project",
    "author": "author", "责任者": "author",
    "docno": "docno", "文号": "docno",
    "code": "code", "代码": "code", "项目代码": "code", "信用代码": "code",
    "category": "category", "类别": "category",
    "stage": "stage", "阶段": "stage",
    "kind": "kind", "类型": "kind",
}
_QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"'})
_ITEM = re.compile(r'(?P<neg>-)?(?:(?P<field>[^\s:"]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Clause:
    """One word or phrase of the query, bound to a backend field."""

    field: str
    text: str

    @property
    def keyword(self) -> bool:
        """Tell whether the clause matches an exact keyword field (form, category, ...)."""
        return self.field in KEYWORD_FIELDS

    def terms(self) -> QueryTerms:
        """Return the terms the clause must match in its field."""
        return QueryTerms(terms=(self.text,)) if self.keyword else query_terms(self.text)


@dataclass(frozen=True)
class ParsedQuery:
    """AND of OR-groups of clauses, minus the excluded clauses; empty means "every document".

    unmatchable: the user typed something, but nothing in it can match (only punctuation).
    """

    required: tuple[tuple[Clause, ...], ...] = ()
    excluded: tuple[Clause, ...] = ()
    unmatchable: bool = False

    @property
    def own_tier(self) -> float:
        """Return what an own-text match adds to a score: above any BM25 sum of this query.

        Kept as small as that allows, as tantivy scores are 32-bit floats.
        """
        terms = sum(len(c.terms().terms) + 1 for group in self.required for c in group)
        return float(10 ** math.ceil(math.log10(_BM25_CEILING * 2 * max(terms, 1))))

    @property
    def ranks_own_text(self) -> bool:
        """Tell whether some clause looks anywhere, so own-text matches are ranked before metadata ones."""
        return any(c.field == ANYWHERE for group in self.required for c in group)

    def highlight_words(self) -> list[str]:
        """Return what to mark in a snippet: every positive clause on analysed text."""
        return [c.text for group in self.required for c in group if not c.keyword]


@dataclass(frozen=True)
class Filters:
    """Exact restrictions passed beside the query text (dates inclusive)."""

    case_no: str | None = None
    form_id: str | None = None
    category: str | None = None
    stage: str | None = None
    kind: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    # What the searching user may see: only these cases (None: every case), never these forms or kinds.
    case_nos: tuple[str, ...] | None = None
    hidden_forms: tuple[str, ...] = ()
    hidden_kinds: tuple[str, ...] = ()

    def keywords(self) -> dict[str, str]:
        """Return the keyword-field restrictions that are set."""
        values = {"case_no": self.case_no, "form_id": self.form_id, "category": self.category,
                  "stage": self.stage, "kind": self.kind}
        return {name: value for name, value in values.items() if value}


def _clause(field: str | None, raw: str) -> Clause:
    target = FIELD_ALIASES.get(field.lower()) if field else ANYWHERE
    if target is None:
        target, raw = ANYWHERE, f"{field}:{raw}"
    return Clause(target, normalize_text(raw))


def _matchable(clause: Clause) -> bool:
    return bool(clause.text) and not clause.terms().empty


def parse_query(text: str) -> ParsedQuery:
    """Parse what a user typed; whitespace separates words, so "马艳 史勇梅" means both names."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    groups: list[list[Clause]] = []
    excluded: list[Clause] = []
    join_next = typed = False
    for item in _ITEM.finditer(text):
        quoted, word = item["quoted"], item["word"]
        if word == "OR" and not item["neg"] and not item["field"]:
            join_next = bool(groups)
            continue
        clause = _clause(item["field"], quoted if quoted is not None else word)
        typed = True
        if not _matchable(clause):
            continue
        if item["neg"]:
            excluded.append(clause)
        elif join_next:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        join_next = False
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded), typed and not (groups or excluded))
