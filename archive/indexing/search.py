"""Finding and opening documents, each search and each opening recorded with who did it (调阅留痕)."""

from datetime import date
from pathlib import Path

from archive.base.terms import category as find_category
from archive.catalog import events
from archive.catalog.documents import find_document
from archive.catalog.session import Archive
from archive.indexing.records import QUEUED_CATEGORY
from index.query import Filters
from index.search import SearchPage, search


def _category(name: str | None) -> str | None:
    if not name:
        return None
    return QUEUED_CATEGORY if name == QUEUED_CATEGORY else find_category(name).name


def search_archive(archive: Archive, text: str, *, case_no: str | None = None, form_id: str | None = None,
                   category: str | None = None, stage: str | None = None, kind: str | None = None,
                   since: date | None = None, until: date | None = None,
                   page: int = 1, limit: int = 20) -> SearchPage:
    """Search the archive with filters and record who searched for what (auditors' access is traceable)."""
    filters = Filters(case_no=case_no, form_id=form_id, category=_category(category), stage=stage, kind=kind,
                      since=since, until=until)
    result = search(archive.root.index_dir, text, filters, page, limit)
    events.record(archive, "search", case_no=case_no, query=text,
                  filters={k: str(v) for k, v in vars(filters).items() if v}, page=page, hits=result.total)
    return result


def open_document(archive: Archive, case_no: str, item_no: int) -> Path:
    """Return the path of a case document for reading, recording who opened it."""
    doc = find_document(archive, case_no, item_no)
    events.record(archive, "document.opened", case_no=case_no, doc_id=doc.id)
    return archive.root.path / doc.path

