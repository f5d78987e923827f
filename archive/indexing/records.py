"""Catalog documents, and scans waiting in the review queue, as index records: the text and every field a
search may filter or show.

A waiting scan is indexed under its outbox.review_key, so that a lost scan can be found by a word in it
(kind "review", category 待审核) and leaves the index when it is filed or rejected.
"""

import itertools
from collections.abc import Iterator, Sequence
from datetime import date

from archive.catalog.documents import IndexSource, index_sources
from archive.catalog.outbox import review_key
from archive.catalog.review import ReviewItem, waiting_items
from archive.catalog.session import Archive
from index.document import IndexDoc
from index.layout import current_version

QUEUED_KIND = "review"
QUEUED_CATEGORY = "待审核"


def _record(source: IndexSource) -> IndexDoc:
    doc = source.doc
    people = source.people + ([doc.author] if doc.author and doc.author not in source.people else [])
    return IndexDoc(
        doc_id=doc.id, case_no=doc.case_no, project_name=source.project_name, unit=source.unit,
        form_id=doc.form_id or "", category=doc.category, stage=doc.stage, kind=doc.kind,
        title=doc.title, doc_no=doc.doc_no, author=doc.author, people=people,
        date=date.fromisoformat(doc.doc_date or doc.filed[:10]), path=doc.path, text=source.text,
        project_code=source.project_code, credit_code=source.credit_code,
    )


def _queued(item: ReviewItem) -> IndexDoc:
    guessed = item.guesses[0].case_no if item.guesses else ""
    return IndexDoc(
        doc_id=review_key(item.id), case_no=guessed, project_name="", unit="", form_id="", category=QUEUED_CATEGORY,
        stage="", kind=QUEUED_KIND, title=f"待审核 #{item.id} {item.source_name}", doc_no="", author="",
        people=[], date=date.fromisoformat(item.created[:10]), path=item.pdf or item.original, text=item.text,
    )


def index_records(archive: Archive, keys: Sequence[int] | None = None) -> Iterator[IndexDoc]:
    """Stream the current documents and the waiting scans (all, or these index keys) as index records."""
    doc_ids = None if keys is None else [k for k in keys if k > 0]
    review_ids = None if keys is None else [-k for k in keys if k < 0]  # review_key() inverted
    documents = (_record(source) for source in index_sources(archive, doc_ids)) if doc_ids != [] else ()
    queued = (_queued(item) for item in waiting_items(archive, review_ids)) if review_ids != [] else ()
    return itertools.chain(documents, queued)


def live_backend(archive: Archive) -> str:
    """The backend of the live index, else the one daiban.toml names."""
    version = current_version(archive.root.index_dir)
    return version.backend if version else archive.settings.index_backend
