"""Searching the live index: parse, run on its backend, page, and cut highlighted snippets."""

from dataclasses import dataclass, field
from pathlib import Path

from archive.base.errors import UsageError
from index.backend import Backend
from index.fields import StoredDoc
from index.highlight import Segment, render, snippet
from index.layout import IndexVersion, current_version
from index.query import Filters, ParsedQuery, parse_query
from index.registry import open_current, open_version

MAX_LIMIT = 1000
METADATA_ONLY = "〔仅案件信息匹配：项目、单位、人员或代码〕"
NOTHING_TO_MATCH = "检索词只有标点或符号，没有可检索的文字：请输入汉字、字母或数字。"


@dataclass(frozen=True)
class SearchHit:
    """One ranked result: the stored document (shown without opening the catalog) and its snippet.

    metadata_only: the query words matched only the case's metadata (project, unit, people, codes),
    not the document's own text; such hits rank after the others.
    """

    score: float
    doc: StoredDoc
    snippet: list[Segment]
    metadata_only: bool = False

    def to_dict(self, style: str = "markdown") -> dict:
        """Return the hit as JSON-ready values, the snippet rendered in style (markdown or html)."""
        d = self.doc
        return {"doc_id": d.doc_id, "score": round(self.score, 4), "case_no": d.case_no,
                "project_name": d.project_name, "title": d.title, "category": d.category,
                "date": d.date.isoformat() if d.date else None, "path": d.path,
                "form_id": d.form_id, "kind": d.kind, "snippet": render(self.snippet, style),
                "metadata_only": self.metadata_only}


@dataclass(frozen=True)
class SearchPage:
    """One page of results and the total number of matching documents."""

    query: str
    total: int
    page: int
    limit: int
    backend: str
    hits: list[SearchHit] = field(default_factory=list)
    hint: str = ""

    @property
    def pages(self) -> int:
        """Return the number of pages at this limit."""
        return (self.total + self.limit - 1) // self.limit

    def to_dict(self, style: str = "markdown") -> dict:
        """Return the page as JSON-ready values."""
        return {"query": self.query, "total": self.total, "page": self.page, "pages": self.pages,
                "limit": self.limit, "backend": self.backend, "hits": [h.to_dict(style) for h in self.hits],
                "hint": self.hint}


def _hit(score: float, stored: StoredDoc, parsed: ParsedQuery) -> SearchHit:
    source = stored.text or stored.title
    return SearchHit(score, stored, snippet(source, parsed.highlight_words()),
                     metadata_only=parsed.ranks_own_text and score < parsed.own_tier)


def _check_paging(page: int, limit: int) -> None:
    if page < 1:
        raise UsageError(f"页码必须从 1 开始：{page}")
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"每页条数必须在 1 到 {MAX_LIMIT} 之间：{limit}")


class SearchSession:
    """An open index for several searches (a warm reader); reopens itself after a rebuild swap."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._version: IndexVersion
        self._backend: Backend
        self._version, self._backend = open_current(index_dir)

    def _refresh(self) -> None:
        live = current_version(self.index_dir)
        if live is not None and live != self._version:
            self._backend.close()
            self._version, self._backend = live, open_version(live)

    def search(self, text: str, filters: Filters = Filters(), page: int = 1, limit: int = 20) -> SearchPage:
        """Run a query typed by a user, with filters, and return the requested page."""
        _check_paging(page, limit)
        self._refresh()
        parsed = parse_query(text)
        if parsed.unmatchable:
            return SearchPage(text, 0, page, limit, self._version.backend, hint=NOTHING_TO_MATCH)
        total, found = self._backend.search(parsed, filters, (page - 1) * limit, limit)
        return SearchPage(text, total, page, limit, self._version.backend,
                          [_hit(score, stored, parsed) for score, stored in found])

    def close(self) -> None:
        """Release the index readers."""
        self._backend.close()

    def __enter__(self) -> "SearchSession":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def search(index_dir: Path, text: str, filters: Filters = Filters(), page: int = 1, limit: int = 20) -> SearchPage:
    """Search the live index once (opens and closes it); IndexMissingError if there is none."""
    with SearchSession(index_dir) as session:
        return session.search(text, filters, page, limit)
