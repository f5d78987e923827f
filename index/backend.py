"""The small interface both index backends implement (Whoosh and tantivy)."""

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from index.document import IndexDoc
from index.fields import StoredDoc
from index.query import Filters, ParsedQuery


class BackendWriter(Protocol):
    """One open writer: changes become visible to searchers only at commit."""

    def add(self, docs: Sequence[IndexDoc]) -> None:
        """Append documents known to be absent (rebuild)."""

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Replace documents with the same doc_id, or add them."""

    def delete(self, doc_ids: Sequence[int]) -> None:
        """Remove every indexed copy of these doc ids."""

    def commit(self) -> None:
        """Make the changes durable and visible, and release the backend's own lock."""

    def cancel(self) -> None:
        """Drop uncommitted changes and release the backend's own lock."""


class Backend(Protocol):
    """An index in one directory."""

    name: str

    def writer(self, bulk: bool = False) -> BackendWriter:
        """Open the writer; bulk tunes it for a rebuild (bigger buffers)."""

    def search(self, query: ParsedQuery, filters: Filters, offset: int,
               limit: int) -> tuple[int, list[tuple[float, StoredDoc]]]:
        """Return the total number of matches and the ranked hits offset..offset+limit."""

    def fingerprints(self) -> list[tuple[int, int]]:
        """Return (doc_id, fingerprint) of every live indexed document, duplicates included."""

    def count(self) -> int:
        """Return the number of live documents."""

    def close(self) -> None:
        """Release files and memory held by readers."""


class BackendType(Protocol):
    """The class of a backend: creates or opens an index directory."""

    name: str

    def create(self, path: Path) -> Backend:
        """Create an empty index in an existing empty directory."""

    def open(self, path: Path) -> Backend:
        """Open the index in path."""
