"""Finding and opening documents, each search and each opening recorded with who did it (调阅留痕)."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.base.terms import CaseStatus
from archive.base.terms import category as find_category
from archive.catalog import events
from archive.catalog.access import hidden_forms, sees_review_queue
from archive.catalog.cases import reachable_case_numbers
from archive.catalog.documents import RENDITION_ORDER, FiledDocument, documents_by_id, find_item, get_document
from archive.catalog.session import Archive
from archive.content.pagetext import first_page_with
from archive.indexing.records import QUEUED_CATEGORY, QUEUED_KIND
from index.query import Filters, parse_query
from index.search import SearchPage, search


@dataclass(frozen=True)
class ItemPlace:
    """Where a hit sits in its case file: the 件 and which of its renditions."""

    item_no: int
    rendition: str


@dataclass(frozen=True)
class ArchiveSearch(SearchPage):
    """A page of hits, each with the 件 it is a rendition of (from the catalog)."""

    places: dict[int, ItemPlace] = field(default_factory=dict)

    def to_dict(self, style: str = "markdown") -> dict:
        """The page as JSON-ready values, each hit with its 件号 and rendition."""
        data = super().to_dict(style)
        for hit, shown in zip(self.hits, data["hits"], strict=True):
            if place := self.places.get(hit.doc.doc_id):
                shown |= {"item_no": place.item_no, "rendition": place.rendition}
        return data


# Filters set from the user's rights, not typed: the log records what was asked for.
RIGHTS = ("case_nos", "hidden_forms", "hidden_kinds")


def _places(archive: Archive, doc_ids: list[int]) -> dict[int, ItemPlace]:
    found = documents_by_id(archive, doc_ids)
    return {doc.id: ItemPlace(doc.item_no, doc.rendition) for doc in found}


def _category(name: str | None) -> str | None:
    if not name:
        return None
    return QUEUED_CATEGORY if name == QUEUED_CATEGORY else find_category(name).name


def _searched_cases(archive: Archive, status: str | None) -> tuple[str, ...] | None:
    """The cases hits may come from: those the user reaches, and of that status when one is asked for."""
    return reachable_case_numbers(archive, CaseStatus.parse(status) if status else None)


def search_archive(archive: Archive, text: str, *, case_no: str | None = None, form_id: str | None = None,
                   category: str | None = None, stage: str | None = None, kind: str | None = None,
                   since: date | None = None, until: date | None = None, status: str | None = None,
                   page: int = 1, limit: int = 20) -> ArchiveSearch:
    """Search the archive with filters (status: cases in that state now) and record who searched for what."""
    filters = Filters(case_no=case_no, form_id=form_id, category=_category(category), stage=stage, kind=kind,
                      since=since, until=until, case_nos=_searched_cases(archive, status),
                      hidden_forms=hidden_forms(archive.access),
                      # A waiting scan is indexed under the case it is guessed to belong to, whatever it holds.
                      hidden_kinds=() if sees_review_queue(archive.access) else (QUEUED_KIND,))
    result = search(archive.root.index_dir, text, filters, page, limit)
    asked = {k: str(v) for k, v in vars(filters).items() if v and k not in RIGHTS} | (
        {"status": status} if status else {})
    events.record(archive, "search", case_no=case_no, query=text, filters=asked, page=page, hits=result.total)
    return ArchiveSearch(**vars(result), places=_places(archive, [h.doc.doc_id for h in result.hits]))


def open_document(archive: Archive, case_no: str, item_no: int) -> Path:
    """Return the path of an item's main rendition (the signed copy, else the PDF) for reading, recording who
    opened it."""
    doc = find_item(archive, case_no, item_no).main
    events.record(archive, "document.opened", case_no=case_no, doc_id=doc.id)
    return archive.root.path / doc.path



def open_rendition(archive: Archive, doc_id: int, record: bool = True) -> tuple[FiledDocument, Path]:
    """Return one rendition (a file of a 件) by its id for reading, recording who opened it; the further parts
    a viewer fetches of a file it opened are only checked, not recorded again."""
    doc = get_document(archive, doc_id)
    if record:
        events.record(archive, "document.opened", case_no=doc.case_no, doc_id=doc.id)
    else:
        archive.require("document.opened", doc.case_no, doc.id)
    return doc, archive.root.path / doc.path


@dataclass(frozen=True)
class FormChoice:
    """A form the acting user may find documents of, for a search filter."""

    form_id: str
    title: str


def searchable_forms(archive: Archive) -> list[FormChoice]:
    """The forms whose documents the acting user may find (an enterprise: those handed over), in catalog order."""
    hidden = set(hidden_forms(archive.access))
    return [FormChoice(spec.id, spec.title) for spec in archive.forms.forms.values() if spec.id not in hidden]


@dataclass(frozen=True)
class HitOpening:
    """Where a hit opens: the rendition shown, whether it is a PDF, and the page the query's words are first on
    (1 when no page holds one)."""

    doc_id: int
    pdf: bool
    page: int = 1


def _is_pdf(doc: FiledDocument) -> bool:
    return doc.path.lower().endswith(".pdf")


def _readable(archive: Archive, doc: FiledDocument) -> FiledDocument:
    """The rendition a hit is read in: itself when a PDF, else its 件's PDF (a form's Word file, its PDF)."""
    if _is_pdf(doc):
        return doc
    files = find_item(archive, doc.case_no, doc.item_no).files
    pdfs = [f for f in files if _is_pdf(f) and f.state == doc.state]
    return min(pdfs, key=lambda f: (f.kind != doc.kind, RENDITION_ORDER.index(f.kind), -f.id), default=doc)


def open_hit(archive: Archive, doc_id: int, text: str) -> HitOpening:
    """Open a search hit at the first page of its PDF that holds a word of the query, recording who opened it."""
    shown, path = open_rendition(archive, _readable(archive, get_document(archive, doc_id)).id)
    if not _is_pdf(shown):
        return HitOpening(shown.id, pdf=False)
    page = first_page_with(path, parse_query(text).highlight_words())
    return HitOpening(shown.id, pdf=True, page=page or 1)
