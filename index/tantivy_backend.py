"""The tantivy backend (tantivy-py): the same analysis, pre-split in Python, for large archives."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy
from tantivy import FieldType, Occur, Query

from index.document import IndexDoc, fingerprint
from index.fields import StoredDoc, analysed_fields, date_number, keyword, keyword_fields, stored_doc, stored_meta
from index.query import ANYWHERE, KEYWORD_FIELDS, META, OWN, TEXT_FIELDS, Clause, Filters, ParsedQuery

WRITER_HEAP = 64_000_000
BULK_HEAP = 256_000_000
BULK_THREADS = 1


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_integer_field("fp", fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)
    for name in TEXT_FIELDS:
        # The text is pre-split by index.analysis; whitespace keeps those terms as they are.
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("meta", stored=True)
    builder.add_bytes_field("body", stored=True)
    return builder.build()


def tantivy_document(doc: IndexDoc) -> tantivy.Document:
    """Return the tantivy document of one record."""
    document = tantivy.Document()
    document.add_integer("doc_id", doc.doc_id)
    document.add_integer("fp", fingerprint(doc))
    day = date_number(doc.date)
    if day is not None:
        document.add_integer("date", day)
    for name, value in (analysed_fields(doc) | keyword_fields(doc)).items():
        if value:
            document.add_text(name, value)
    document.add_bytes("meta", stored_meta(doc))
    document.add_bytes("body", doc.text.encode("utf-8"))
    return document


@dataclass
class TantivyWriter:
    """A tantivy writer; the caller already holds daiban's own writer lock."""

    writer: tantivy.IndexWriter

    def add(self, docs: Sequence[IndexDoc]) -> None:
        """Append documents known to be absent."""
        for doc in docs:
            self.writer.add_document(tantivy_document(doc))

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Replace documents with the same doc_id, or add them."""
        for doc in docs:
            self.writer.delete_documents_by_term("doc_id", doc.doc_id)
            self.writer.add_document(tantivy_document(doc))

    def delete(self, doc_ids: Sequence[int]) -> None:
        """Remove every indexed copy of these doc ids."""
        for doc_id in doc_ids:
            self.writer.delete_documents_by_term("doc_id", doc_id)

    def commit(self) -> None:
        """Commit, let merges finish and release tantivy's own lock."""
        self.writer.commit()
        self.writer.wait_merging_threads()
        del self.writer

    def cancel(self) -> None:
        """Drop uncommitted changes."""
        self.writer.rollback()
        del self.writer


class TantivyBackend:
    """A tantivy index in one directory."""

    name = "tantivy"

    def __init__(self, ix: tantivy.Index):
        self._ix = ix

    @classmethod
    def create(cls, path: Path) -> "TantivyBackend":
        """Create an empty index in path."""
        ix = tantivy.Index(_schema(), path=str(path), reuse=False)
        writer = ix.writer(heap_size=WRITER_HEAP, num_threads=1)
        TantivyWriter(writer).commit()
        return cls(ix)

    @classmethod
    def open(cls, path: Path) -> "TantivyBackend":
        """Open the index in path."""
        return cls(tantivy.Index.open(str(path)))

    def writer(self, bulk: bool = False) -> TantivyWriter:
        """Open the writer; bulk gives it a larger indexing heap."""
        if bulk:
            return TantivyWriter(self._ix.writer(heap_size=BULK_HEAP, num_threads=BULK_THREADS))
        return TantivyWriter(self._ix.writer(heap_size=WRITER_HEAP, num_threads=1))

    def _field_query(self, field: str, clause: Clause) -> Query:
        schema, terms = self._ix.schema, clause.terms()
        if terms.prefix:
            # A lone ideograph is itself a term, or the first half of a bigram term.
            return Query.regex_query(schema, field, f"{terms.prefix}.?")
        if len(terms.terms) == 1:
            return Query.term_query(schema, field, terms.terms[0])
        return Query.phrase_query(schema, field, list(terms.terms))

    def _clause(self, clause: Clause, tier: float = 0.0) -> Query:
        if clause.field != ANYWHERE:
            return self._field_query(clause.field, clause)
        parts = [self._field_query(OWN, clause), self._field_query(META, clause)]
        if tier:
            parts.append(Query.const_score_query(self._field_query(OWN, clause), tier))
        return Query.boolean_query([(Occur.Should, q) for q in parts])

    def _group(self, group: tuple[Clause, ...], tier: float) -> Query:
        if len(group) == 1:
            return self._clause(group[0], tier)
        return Query.boolean_query([(Occur.Should, self._clause(c, tier)) for c in group])

    def compile_query(self, parsed: ParsedQuery, filters: Filters) -> Query:
        """Translate the parsed query and filters into one tantivy query."""
        schema = self._ix.schema
        must = [self._group(group, parsed.own_tier) for group in parsed.required]
        restrictions = [Query.term_query(schema, name, keyword(value))
                        for name, value in filters.keywords().items()]
        if filters.since or filters.until:
            restrictions.append(Query.range_query(schema, "date", FieldType.Integer,
                                                  date_number(filters.since) or 0,
                                                  date_number(filters.until) or 99991231))
        if filters.case_nos is not None:
            restrictions.append(Query.boolean_query([(Occur.Should, Query.term_query(schema, "case_no", keyword(c)))
                                                     for c in filters.case_nos]))
        subqueries = [(Occur.Must, q) for q in must or [Query.all_query()]]
        subqueries += [(Occur.Must, Query.const_score_query(q, 0.0)) for q in restrictions]
        subqueries += [(Occur.MustNot, self._clause(c)) for c in parsed.excluded]
        subqueries += [(Occur.MustNot, Query.term_query(schema, "form_id", keyword(f))) for f in filters.hidden_forms]
        subqueries += [(Occur.MustNot, Query.term_query(schema, "kind", keyword(k))) for k in filters.hidden_kinds]
        return subqueries[0][1] if len(subqueries) == 1 else Query.boolean_query(subqueries)

    def search(self, parsed: ParsedQuery, filters: Filters, offset: int,
               limit: int) -> tuple[int, list[tuple[float, StoredDoc]]]:
        """Return the total and the ranked hits offset..offset+limit."""
        searcher = self._ix.searcher()
        result = searcher.search(self.compile_query(parsed, filters), limit=limit, offset=offset, count=True)
        hits = []
        for score, address in result.hits:
            document = searcher.doc(address)
            text = bytes(document.get_first("body")).decode("utf-8")
            hits.append((score, stored_doc(document.get_first("doc_id"), bytes(document.get_first("meta")), text)))
        return result.count, hits

    def fingerprints(self) -> list[tuple[int, int]]:
        """Return (doc_id, fingerprint) of every live document, read from fast fields."""
        searcher = self._ix.searcher()
        if searcher.num_docs == 0:
            return []
        addresses = [address for _, address in searcher.search(Query.all_query(), limit=searcher.num_docs).hits]
        ids = searcher.fast_field_values("doc_id", addresses)
        fps = searcher.fast_field_values("fp", addresses)
        return list(zip(ids, fps, strict=True))

    def count(self) -> int:
        """Return the number of live documents."""
        return self._ix.searcher().num_docs

    def close(self) -> None:
        """Nothing to release: tantivy frees its readers with the object."""
