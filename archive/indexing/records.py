"""Catalog documents as index records: the text and every field a search may filter or show."""

from collections.abc import Iterator, Sequence
from datetime import date

from archive.catalog.documents import IndexSource, index_sources
from archive.catalog.session import Archive
from index.document import IndexDoc
from index.layout import current_version


def _record(source: IndexSource) -> IndexDoc:
    doc = source.doc
    people = source.people + ([doc.author] if doc.author and doc.author not in source.people else [])
    return IndexDoc(
        doc_id=doc.id, case_no=doc.case_no, project_name=source.project_name, unit=source.unit,
        form_id=doc.form_id or "", category=doc.category, stage=doc.stage, kind=doc.kind,
        title=doc.title, doc_no=doc.doc_no, author=doc.author, people=people,
        date=date.fromisoformat(doc.doc_date or doc.filed[:10]), path=doc.path, text=source.text,
    )


def index_records(archive: Archive, doc_ids: Sequence[int] | None = None) -> Iterator[IndexDoc]:
    """Stream the catalog's current documents (all, or these ids) as index records."""
    return (_record(source) for source in index_sources(archive, doc_ids))


def live_backend(archive: Archive) -> str:
    """The backend of the live index, else the one daiban.toml names."""
    version = current_version(archive.root.index_dir)
    return version.backend if version else archive.settings.index_backend
