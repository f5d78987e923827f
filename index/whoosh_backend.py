"""The Whoosh 2.7.4 backend: pure Python, the default for small archives."""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import columns, fields, index, query
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.collectors import TopCollector
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from index.document import IndexDoc, fingerprint
from index.fields import StoredDoc, analysed_fields, date_number, keyword, keyword_fields, stored_doc, stored_meta
from index.query import ANYWHERE, KEYWORD_FIELDS, META, OWN, TEXT_FIELDS, Clause, Filters, ParsedQuery
from index.whoosh_exclusion import Excluding
from index.whoosh_phrase import OffsetPhrase
from index.whoosh_ranking import RaisedBy

# Bulk writer tuning for rebuilds: measured in bench/RESULTS.md.
BULK_LIMIT_MB = 128
BULK_PROCS = 2


def _schema() -> fields.Schema:
    analyzer = SpaceSeparatedTokenizer()
    spec: dict[str, fields.FieldType] = {
        "doc_id": fields.ID(unique=True, stored=True, sortable=True),
        "fp": fields.COLUMN(columns.NumericColumn("q")),
        "date": fields.NUMERIC(int, bits=32),
        "meta": fields.STORED(),
        "body": fields.STORED(),
    }
    spec.update({name: fields.TEXT(analyzer=analyzer, phrase=True) for name in TEXT_FIELDS})
    spec.update({name: fields.ID() for name in KEYWORD_FIELDS})
    return fields.Schema(**spec)


def whoosh_fields(doc: IndexDoc) -> dict:
    """Return the Whoosh field values of one document."""
    values: dict = {"doc_id": str(doc.doc_id), "fp": fingerprint(doc), "meta": stored_meta(doc),
                    "body": zlib.compress(doc.text.encode("utf-8"), 6)}
    values.update(analysed_fields(doc))
    values.update(keyword_fields(doc))
    day = date_number(doc.date)
    if day is not None:
        values["date"] = day
    return values


def _field_query(field: str, clause: Clause) -> query.Query:
    terms = clause.terms()
    if terms.prefix:
        return query.Prefix(field, terms.prefix)
    if len(terms.terms) == 1:
        return query.Term(field, terms.terms[0])
    return OffsetPhrase(field, terms.terms, terms.one_run)


def _clause(clause: Clause, tier: float = 0.0) -> query.Query:
    if clause.field != ANYWHERE:
        return _field_query(clause.field, clause)
    own = _field_query(OWN, clause)
    return query.Or([RaisedBy(own, tier) if tier else own, _field_query(META, clause)])


def compile_query(parsed: ParsedQuery, filters: Filters) -> query.Query:
    """Translate the parsed query and filters into one Whoosh query."""
    tier = parsed.own_tier
    parts = [query.Or([_clause(c, tier) for c in group]) if len(group) > 1 else _clause(group[0], tier)
             for group in parsed.required]
    parts += [query.Term(name, keyword(value)) for name, value in filters.keywords().items()]
    if filters.since or filters.until:
        parts.append(query.NumericRange("date", date_number(filters.since), date_number(filters.until)))
    if filters.case_nos is not None:
        parts.append(query.Or([query.Term("case_no", keyword(c)) for c in filters.case_nos]) if filters.case_nos
                     else query.NullQuery)
    combined = query.And(parts) if parts else query.Every()
    hidden = [_clause(c) for c in parsed.excluded] + [query.Term("form_id", keyword(f)) for f in filters.hidden_forms]
    hidden += [query.Term("kind", keyword(k)) for k in filters.hidden_kinds]
    if hidden:
        combined = Excluding(combined, query.Or(hidden))
    return combined


@dataclass
class WhooshWriter:
    """A Whoosh writer; the caller already holds daiban's own writer lock."""

    writer: IndexWriter

    def add(self, docs: Sequence[IndexDoc]) -> None:
        """Append documents known to be absent."""
        for doc in docs:
            self.writer.add_document(**whoosh_fields(doc))

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Replace documents with the same doc_id, or add them."""
        for doc in docs:
            self.writer.update_document(**whoosh_fields(doc))

    def delete(self, doc_ids: Sequence[int]) -> None:
        """Remove every indexed copy of these doc ids."""
        for doc_id in doc_ids:
            self.writer.delete_by_term("doc_id", str(doc_id))

    def commit(self) -> None:
        """Write the new segment and the table of contents."""
        self.writer.commit()

    def cancel(self) -> None:
        """Drop uncommitted changes."""
        self.writer.cancel()


class WhooshBackend:
    """A Whoosh index in one directory."""

    name = "whoosh"

    def __init__(self, ix: index.Index):
        self._ix = ix
        self._searcher: Searcher | None = None

    @classmethod
    def create(cls, path: Path) -> "WhooshBackend":
        """Create an empty index in path."""
        return cls(index.create_in(str(path), _schema()))

    @classmethod
    def open(cls, path: Path) -> "WhooshBackend":
        """Open the index in path; ValueError if Whoosh finds no usable index there."""
        try:
            return cls(index.open_dir(str(path)))
        except index.IndexError as exc:
            raise ValueError(str(exc)) from exc

    def writer(self, bulk: bool = False) -> WhooshWriter:
        """Open the writer; bulk spills postings to disk in BULK_LIMIT_MB runs."""
        if bulk:
            return WhooshWriter(self._ix.writer(procs=BULK_PROCS, limitmb=BULK_LIMIT_MB,
                                                multisegment=BULK_PROCS > 1))
        return WhooshWriter(self._ix.writer())

    def search(self, parsed: ParsedQuery, filters: Filters, offset: int,
               limit: int) -> tuple[int, list[tuple[float, StoredDoc]]]:
        """Return the total and the ranked hits offset..offset+limit."""
        searcher = self._current_searcher()
        # One scoring pass that also counts: without block-quality skipping and, above all,
        # without matcher replacement, which in 2.7.4 prunes OR branches and undercounts.
        collector = TopCollector(limit=offset + limit, usequality=False, replace=0)
        searcher.search_with_collector(compile_query(parsed, filters), collector)
        results = collector.results()
        hits = [(hit.score or 0.0, self._stored(searcher, hit.docnum)) for hit in results[offset:offset + limit]]
        return len(results), hits

    def _current_searcher(self) -> Searcher:
        # A new searcher, never refresh(): whoosh-reloaded's refresh keeps merged segments twice.
        if self._searcher is None or not self._searcher.up_to_date():
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._ix.searcher()
        return self._searcher

    @staticmethod
    def _stored(searcher, docnum: int) -> StoredDoc:
        values = searcher.stored_fields(docnum)
        return stored_doc(int(values["doc_id"]), values["meta"], zlib.decompress(values["body"]).decode("utf-8"))

    def fingerprints(self) -> list[tuple[int, int]]:
        """Return (doc_id, fingerprint) of every live document, read from columns."""
        with self._ix.reader() as reader:
            ids, fps = reader.column_reader("doc_id"), reader.column_reader("fp")
            return [(int(ids[n]), fps[n]) for n in reader.all_doc_ids()]

    def count(self) -> int:
        """Return the number of live documents."""
        return self._ix.doc_count()

    def close(self) -> None:
        """Close the searcher and the index's storage."""
        if self._searcher is not None:
            self._searcher.close()
        self._ix.close()
