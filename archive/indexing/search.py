"""Finding and opening documents, each search and each opening recorded with who did it (调阅留痕)."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.base.terms import category as find_category
from archive.catalog import events
from archive.catalog.access import hidden_forms
from archive.catalog.cases import reachable_case_numbers
from archive.catalog.documents import FiledDocument, documents_by_id, find_item, get_document
from archive.catalog.session import Archive
from archive.indexing.records import QUEUED_CATEGORY
from index.query import Filters
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
RIGHTS = ("case_nos", "hidden_forms")


def _places(archive: Archive, doc_ids: list[int]) -> dict[int, ItemPlace]:
    found = documents_by_id(archive, doc_ids)
    return {doc.id: ItemPlace(doc.item_no, doc.rendition) for doc in found}


def _category(name: str | None) -> str | None:
    if not name:
        return None
    return QUEUED_CATEGORY if name == QUEUED_CATEGORY else find_category(name).name


def search_archive(archive: Archive, text: str, *, case_no: str | None = None, form_id: str | None = None,
                   category: str | None = None, stage: str | None = None, kind: str | None = None,
                   since: date | None = None, until: date | None = None,
                   page: int = 1, limit: int = 20) -> ArchiveSearch:
    """Search the archive with filters and record who searched for what (auditors' access is traceable)."""
    filters = Filters(case_no=case_no, form_id=form_id, category=_category(category), stage=stage, kind=kind,
                      since=since, until=until, case_nos=reachable_case_numbers(archive),
                      hidden_forms=hidden_forms(archive.access))
    result = search(archive.root.index_dir, text, filters, page, limit)
    events.record(archive, "search", case_no=case_no, query=text,
                  filters={k: str(v) for k, v in vars(filters).items() if v and k not in RIGHTS}, page=page,
                  hits=result.total)
    return ArchiveSearch(**vars(result), places=_places(archive, [h.doc.doc_id for h in result.hits]))


def open_document(archive: Archive, case_no: str, item_no: int) -> Path:
    """Return the path of an item's main rendition (the signed copy, else the PDF) for reading, recording who
    opened it."""
    doc = find_item(archive, case_no, item_no).main
    events.record(archive, "document.opened", case_no=case_no, doc_id=doc.id)
    return archive.root.path / doc.path



def open_rendition(archive: Archive, doc_id: int) -> tuple[FiledDocument, Path]:
    """Return one rendition (a file of a 件) by its id for reading, recording who opened it."""
    doc = get_document(archive, doc_id)
    events.record(archive, "document.opened", case_no=doc.case_no, doc_id=doc.id)
    return doc, archive.root.path / doc.path
