"""检索: the CLI's query language and filters in a page, highlighted snippets, a hit opened at its page."""

from dataclasses import asdict, dataclass
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from archive.base.errors import UsageError
from archive.base.terms import CATEGORIES, CaseStatus, DocKind
from archive.indexing.records import QUEUED_CATEGORY, QUEUED_KIND
from archive.indexing.search import open_hit, search_archive, searchable_forms
from archive.web.context import can, user_archive
from index.search import METADATA_ONLY

search = Blueprint("search", __name__)
PER_PAGE = 20
KIND_LABELS = {**{k.value: k.label for k in DocKind}, QUEUED_KIND: "待审核扫描件"}


@dataclass(frozen=True)
class Asked:
    """A search as the page's form asks for it: the query, its filters and the page."""

    q: str = ""
    case: str = ""
    category: str = ""
    form: str = ""
    kind: str = ""
    since: str = ""
    until: str = ""
    status: str = ""

    @property
    def given(self) -> bool:
        """True when something was asked: the query or any filter (?case= alone lists the case's documents)."""
        return any(asdict(self).values())

    def args(self) -> dict[str, str]:
        """The query string of this search, without the page (for the pager)."""
        return {name: value for name, value in asdict(self).items() if value}


def _asked(args: MultiDict) -> Asked:
    return Asked(**{name: args.get(name, "").strip() for name in Asked.__dataclass_fields__})


def _day(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{label}应为 YYYY-MM-DD 格式的日期：{value}") from None


def _kinds() -> dict[str, str]:
    # Scans waiting in the review queue are offered to those who work the queue.
    return KIND_LABELS if can("review.listed") else {k: v for k, v in KIND_LABELS.items() if k != QUEUED_KIND}


def _categories() -> list[str]:
    return [c.name for c in CATEGORIES] + ([QUEUED_CATEGORY] if can("review.listed") else [])


def _run(asked: Asked, page: int):
    since, until = _day(asked.since, "起始日期"), _day(asked.until, "截止日期")
    if since and until and since > until:
        raise UsageError(f"起始日期 {since} 晚于截止日期 {until}")
    if asked.kind and asked.kind not in _kinds():
        raise UsageError(f"未知的文件性质“{asked.kind}”，应为：{'、'.join(_kinds().values())}")
    if asked.category and asked.category not in _categories():
        raise UsageError(f"未知的档案类别“{asked.category}”，应为：{'、'.join(_categories())}")
    return search_archive(user_archive(), asked.q, case_no=asked.case or None, form_id=asked.form or None,
                          category=asked.category or None, kind=asked.kind or None, since=since, until=until,
                          status=asked.status or None, page=page, limit=PER_PAGE)


def _choices() -> dict:
    return {"categories": _categories(), "forms": searchable_forms(user_archive()), "kinds": _kinds(),
            "statuses": list(CaseStatus)}


@search.route("/search")
@login_required
def page():
    """The query box and filters; when anything is asked, one page of hits with their highlighted snippets."""
    asked = _asked(request.args)
    number = max(request.args.get("page", 1, type=int), 1)
    result, error = None, ""
    if asked.given:
        try:
            result = _run(asked, number)
        except UsageError as exc:
            error = exc.message
    return render_template("search.html", asked=asked, result=result, error=error, kind_labels=KIND_LABELS,
                           metadata_only=METADATA_ONLY, **_choices()), 400 if error else 200


@search.route("/search/open/<int:doc_id>")
@login_required
def open_at_hit(doc_id: int):
    """Open a hit in the viewer at the first page holding a word of the query (?q=); other files download."""
    opening = open_hit(user_archive(), doc_id, request.args.get("q", ""))
    if opening.pdf:
        return redirect(url_for("files.viewer", doc_id=opening.doc_id, page=opening.page))
    return redirect(url_for("files.download", doc_id=opening.doc_id))
