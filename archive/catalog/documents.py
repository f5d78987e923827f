"""Reading the documents of the case files: by id, 件号, checksum or form, and with their case for the index."""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from archive.base.errors import NotFoundError
from archive.base.terms import OPEN_STATUSES, DocKind, DocState
from archive.catalog.cases import case_row
from archive.catalog.engine import BATCH, batches
from archive.catalog.schema import cases, documents, items, people
from archive.catalog.session import Archive


@dataclass(frozen=True)
class FiledDocument:
    """A document in the case file."""

    id: int
    case_no: str
    item_no: int
    category: str
    title: str
    form_id: str | None
    version: int
    kind: DocKind
    doc_no: str
    author: str
    doc_date: str | None
    pages: int | None
    sha256: str
    size: int
    path: str
    state: DocState
    parent_id: int | None = None
    stage: str = ""
    filed: str = ""
    warnings: tuple[str, ...] = ()


    @property
    def rendition(self) -> str:
        """What this file is of its 件, in Chinese: 定稿 (Word/PDF), 签署件（正本）, 原始扫描件, 上传件, 照片."""
        if self.kind == DocKind.GENERATED:
            return "定稿（Word）" if self.path.lower().endswith(".docx") else "定稿（PDF）"
        return "签署件（正本）" if self.kind == DocKind.SIGNED else self.kind.label


# Which rendition stands for an item when one file is shown, handed over or opened.
RENDITION_ORDER = (DocKind.SIGNED, DocKind.GENERATED, DocKind.UPLOAD, DocKind.PHOTO, DocKind.ORIGINAL)


@dataclass(frozen=True)
class CaseItem:
    """A 件 of a case file with its renditions (files), in filing order."""

    item_no: int
    title: str
    category: str
    form_id: str | None
    version: int | None
    files: tuple[FiledDocument, ...]
    archival_no: int | None = None
    reference: str | None = None

    @property
    def state(self) -> DocState:
        """Current while any of its files is; withdrawn when all are."""
        return DocState.FILED if any(f.state == DocState.FILED for f in self.files) else DocState.WITHDRAWN

    @property
    def main(self) -> FiledDocument:
        """The rendition that stands for the item: the signed copy, else the generated PDF, else the upload."""
        current = [f for f in self.files if f.state == self.state]
        return min(current, key=lambda f: (RENDITION_ORDER.index(f.kind), f.path.lower().endswith(".docx"), -f.id))


@dataclass(frozen=True)
class IndexSource:
    """A current document with its text and the case facts the search index shows beside it."""

    doc: FiledDocument
    project_name: str
    unit: str
    people: list[str]
    text: str
    project_code: str = ""
    credit_code: str = ""


def to_document(row, case_no: str) -> FiledDocument:
    """Turn a documents row into a FiledDocument."""
    return FiledDocument(row.id, case_no, row.item_no, row.category, row.title, row.form_id,
                         row.version, DocKind(row.kind), row.doc_no, row.author, row.doc_date, row.pages,
                         row.sha256, row.size, row.path, DocState(row.state), row.parent_id,
                         row.stage, row.filed, tuple(json.loads(row.warnings)))


def get_document(archive: Archive, doc_id: int) -> FiledDocument:
    """Return one document by id."""
    with archive.read() as conn:
        row = conn.execute(select(documents, cases.c.case_no).join(cases).where(
            documents.c.id == doc_id)).first()
    if row is None:
        raise NotFoundError(f"文件不存在：#{doc_id}")
    return to_document(row, row.case_no)


def documents_by_id(archive: Archive, doc_ids: Sequence[int]) -> list[FiledDocument]:
    """The documents with these ids (those that exist), in id order."""
    with archive.read() as conn:
        rows = conn.execute(select(documents, cases.c.case_no).join(cases)
                            .where(documents.c.id.in_(list(doc_ids))).order_by(documents.c.id)).all()
    return [to_document(r, r.case_no) for r in rows]


def find_item(archive: Archive, case_no: str, item_no: int) -> CaseItem:
    """Return a case's item by 件号 (current or withdrawn) with its renditions, or raise NotFoundError."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        item = conn.execute(select(items).where(items.c.case_id == case_id, items.c.item_no == item_no)).first()
        rows = conn.execute(select(documents).where(
            documents.c.case_id == case_id, documents.c.item_no == item_no,
            documents.c.state != DocState.PENDING).order_by(documents.c.id)).all()
    if item is None or not rows:
        raise NotFoundError(f"案件 {case_no} 中没有件号 {item_no:04d}")
    return _case_item(item, [to_document(r, case_no) for r in rows])


def locate(archive: Archive, sha256: str, case_no: str | None = None) -> FiledDocument | None:
    """Return a current document holding these bytes (in one case, or anywhere), if any."""
    query = select(documents, cases.c.case_no).join(cases).where(
        documents.c.sha256 == sha256, documents.c.state == DocState.FILED)
    if case_no:
        query = query.where(cases.c.case_no == case_no)
    with archive.read() as conn:
        row = conn.execute(query.order_by(documents.c.id).limit(1)).first()
    return to_document(row, row.case_no) if row else None


def case_documents(archive: Archive, case_no: str, include_withdrawn: bool = True) -> list[FiledDocument]:
    """Return a case's filed documents in 件号 order."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        query = select(documents).where(documents.c.case_id == case_id,
                                        documents.c.state != DocState.PENDING)
        if not include_withdrawn:
            query = query.where(documents.c.state == DocState.FILED)
        rows = conn.execute(query.order_by(documents.c.item_no, documents.c.id)).all()
    return [to_document(r, case_no) for r in rows]


def form_copies_of_cases(archive: Archive, case_ids: list[int],
                         form_ids: tuple[str, ...]) -> dict[int, list[FiledDocument]]:
    """The current files of these forms in many cases, by case id (their texts not read): what the deadline
    rules look at."""
    columns = [c for c in documents.c if c.name != "text"]
    found: dict[int, list[FiledDocument]] = {}
    with archive.read() as conn:
        for batch in batches(case_ids):
            rows = conn.execute(select(*columns, cases.c.case_no).join(cases).where(
                documents.c.case_id.in_(batch), documents.c.state == DocState.FILED,
                documents.c.form_id.in_(form_ids)).order_by(documents.c.item_no, documents.c.id))
            for row in rows:
                found.setdefault(row.case_id, []).append(to_document(row, row.case_no))
    return found


def case_items(archive: Archive, case_no: str, include_withdrawn: bool = True) -> list[CaseItem]:
    """Return a case's items in 件号 order, each with its renditions."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        rows = conn.execute(select(items).where(items.c.case_id == case_id).order_by(items.c.item_no)).all()
    files: dict[int, list[FiledDocument]] = {}
    for doc in case_documents(archive, case_no, include_withdrawn):
        files.setdefault(doc.item_no, []).append(doc)
    return [_case_item(r, files[r.item_no]) for r in rows if r.item_no in files]


def _case_item(row, files: Sequence[FiledDocument]) -> CaseItem:
    return CaseItem(row.item_no, row.title, row.category, row.form_id, row.version, tuple(files),
                    row.archival_no, row.reference)


def unread_documents(archive: Archive, case_no: str) -> list[FiledDocument]:
    """A case's current signed copies and uploads with no text (nothing of them for search to find)."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        rows = conn.execute(select(documents).where(
            documents.c.case_id == case_id, documents.c.state == DocState.FILED, documents.c.text == "",
            documents.c.kind.in_([DocKind.SIGNED, DocKind.UPLOAD])).order_by(documents.c.item_no)).all()
    return [to_document(r, case_no) for r in rows]


def next_form_version(archive: Archive, case_no: str, form_id: str, kind: DocKind = DocKind.GENERATED) -> int:
    """Return the version number the next copy of this form gets (withdrawn ones count: QR codes never repeat)."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        current = conn.execute(select(func.max(documents.c.version)).where(
            documents.c.case_id == case_id, documents.c.form_id == form_id,
            documents.c.kind == kind)).scalar()
    return (current or 0) + 1


def form_doc_no(archive: Archive, case_no: str, form_id: str) -> str | None:
    """The 文号 an earlier generated version of this form of the case carries, if any."""
    with archive.read() as conn:
        case_id = case_row(conn, case_no).id
        return conn.execute(select(documents.c.doc_no).where(
            documents.c.case_id == case_id, documents.c.form_id == form_id,
            documents.c.kind == DocKind.GENERATED, documents.c.doc_no != "").limit(1)).scalar()


def cases_with_form(archive: Archive, form_id: str, year: int) -> int:
    """How many cases of a year have a generated copy of this form (the last 文号 sequence used)."""
    with archive.read() as conn:
        return conn.execute(select(func.count(func.distinct(documents.c.case_id))).join(cases).where(
            documents.c.form_id == form_id, documents.c.kind == DocKind.GENERATED,
            cases.c.year == year)).scalar()


def form_filed_dates(archive: Archive, form_id: str) -> list[date]:
    """The days on which any copy of a form was filed, in any case (for agency-level deadlines)."""
    with archive.read() as conn:
        rows = conn.execute(select(documents.c.doc_date, documents.c.filed).where(
            documents.c.form_id == form_id, documents.c.state == DocState.FILED)).all()
    return [date.fromisoformat((r.doc_date or r.filed)[:10]) for r in rows]


def generated_pdf_id(archive: Archive, case_no: str, form_id: str, version: int) -> int | None:
    """The id of the generated PDF of one version of a form, if it is in the catalog."""
    with archive.read() as conn:
        return conn.execute(select(documents.c.id).join(cases).where(
            cases.c.case_no == case_no, documents.c.form_id == form_id,
            documents.c.kind == DocKind.GENERATED, documents.c.version == version,
            documents.c.path.like("%.pdf"))).scalar()


def form_item(archive: Archive, case_no: str, form_id: str, version: int | None = None) -> int | None:
    """The 件号 a signed copy of a form joins: that version's item, else the latest current version not signed yet."""
    generated = select(documents.c.item_no).join(cases).where(
        cases.c.case_no == case_no, documents.c.form_id == form_id, documents.c.kind == DocKind.GENERATED,
        documents.c.state == DocState.FILED)
    if version is not None:
        generated = generated.where(documents.c.version == version)
    else:
        copy = documents.alias("signed_copy")
        signed = select(copy.c.item_no).where(copy.c.case_id == documents.c.case_id,
                                              copy.c.kind == DocKind.SIGNED, copy.c.state != DocState.WITHDRAWN)
        generated = generated.where(documents.c.item_no.not_in(signed.scalar_subquery()))
    with archive.read() as conn:
        return conn.execute(generated.order_by(documents.c.item_no.desc()).limit(1)).scalar()


def open_case_texts(archive: Archive) -> dict[str, list[str]]:
    """The texts of the current generated forms of every open case, by case number."""
    with archive.read() as conn:
        rows = conn.execute(select(cases.c.case_no, documents.c.text).join(documents).where(
            cases.c.status.in_(OPEN_STATUSES), documents.c.kind == DocKind.GENERATED,
            documents.c.state == DocState.FILED))
        texts: dict[str, list[str]] = {}
        for case_no, text in rows:
            texts.setdefault(case_no, []).append(text)
    return texts


def _people_names(conn, case_ids: set[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = conn.execute(select(people.c.case_id, people.c.name).where(people.c.case_id.in_(case_ids))
                        .order_by(people.c.id))
    for case_id, name in rows:
        if name not in names.setdefault(case_id, []):
            names[case_id].append(name)
    return names


def index_sources(archive: Archive, doc_ids: Sequence[int] | None = None) -> Iterator[IndexSource]:
    """Stream the current documents (all, or these ids) with their case facts, a batch at a time."""
    query = (select(documents, cases.c.case_no, cases.c.project_name, cases.c.unit, cases.c.project_code,
                    cases.c.credit_code)
             .join(cases).where(documents.c.state == DocState.FILED).order_by(documents.c.id))
    ids = list(doc_ids) if doc_ids is not None else None
    chunks = list(batches(ids)) if ids is not None else [None]
    with archive.read() as conn:
        for chunk in chunks:
            batch_query = query if chunk is None else query.where(documents.c.id.in_(chunk))
            result = conn.execution_options(yield_per=BATCH).execute(batch_query)
            for rows in result.partitions():
                names = _people_names(conn, {r.case_id for r in rows})
                yield from (IndexSource(to_document(r, r.case_no), r.project_name, r.unit,
                                        names.get(r.case_id, []), r.text, r.project_code, r.credit_code)
                            for r in rows)
