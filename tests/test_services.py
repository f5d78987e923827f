"""The service functions the CLI (and later the web interface) call, tested directly on their plain data."""

import sqlite3
import threading

import pytest
from conftest import SAMPLE_CASE, make_pdf

from archive.base.errors import (
    DaibanError,
    ExitCode,
    ExternalToolError,
    InputFileError,
    NotFoundError,
    TransitionError,
    UsageError,
    ValidationError,
)
from archive.base.terms import SUSPEND_REASONS, CaseStatus, DocKind, DocState, MatterStatus
from archive.casework import cases, filing, matters, sealing, steps
from archive.casework.agency import new_archive
from archive.casework.facts import read_facts_file
from archive.catalog.outbox import waiting
from archive.catalog.session import Archive, open_archive
from archive.dataroot.settings import Agency
from archive.indexing.maintenance import check_index, rebuild_index
from archive.indexing.outbox import run_outbox
from archive.indexing.search import open_document, search_archive
from archive.intake.inbox import watch_inbox
from archive.intake.ingest import ingest_files
from archive.intake.ocr import OcrError
from archive.intake.outcomes import IngestStatus, Target
from archive.intake.review import list_items
from archive.outputs.context import FormValues
from archive.outputs.forms import generate_forms
from docgen.catalog import load_catalog
from docgen.errors import ConversionError, TemplateError
from index.errors import IndexLockedError, IndexMissingError


@pytest.fixture
def archive(tmp_path) -> Archive:
    """A fresh data root, opened as the services see it."""
    agency = Agency(name="晋城市政务服务中心项目代办服务中心", short="晋代办", city="晋城市", phone="0356-2021888",
                    address="晋城市泽州路1188号", fonds="Z035", report_email="zwfw@jcs.example.gov.cn")
    new_archive(tmp_path / "库", "代办员张丽", agency).close()
    opened = open_archive(tmp_path / "库", "代办员张丽")
    yield opened
    opened.close()


@pytest.fixture
def new_case(archive) -> str:
    """A case opened from the sample facts (Chinese keys)."""
    return cases.open_case(archive, read_facts_file(SAMPLE_CASE)).case_no


def test_open_case_validates_and_numbers(archive):
    raw = read_facts_file(SAMPLE_CASE)
    first = cases.open_case(archive, raw)
    assert first.status == CaseStatus.REGISTERED and first.case_no.endswith("-0001")
    assert cases.open_case(archive, raw).case_no.endswith("-0002")
    with pytest.raises(ValidationError, match="校验位错误"):
        cases.open_case(archive, {**raw, "统一社会信用代码": "91140500MA0L0000X1"})


def test_show_case_says_what_the_next_step_needs(archive, new_case):
    view = cases.show_case(archive, new_case)
    assert view.case.case_no == new_case and view.matters == [] and view.documents == []
    assert [e.action for e in view.events] == ["case.opened"] and view.events[0].label == "立案"
    needs = {n.step: n.text for n in view.needs}
    assert "登记 → 受理" in needs and "--form entrust --signed" in needs["登记 → 受理"]


def test_matters_follow_their_lifecycle(archive, new_case):
    added = matters.add_matter(archive, new_case, "企业投资项目备案", "立项", "县", "泽州县行政审批服务管理局",
                               time_limit=1)
    assert (added.stage, added.level, added.time_limit) == ("立项用地规划许可阶段", "县级", 1)
    assert matters.accept_matter(archive, new_case, added.id).status == MatterStatus.ACCEPTED
    assert matters.finish_matter(archive, new_case, added.id).status == MatterStatus.DONE
    with pytest.raises(UsageError, match="已办结"):
        matters.accept_matter(archive, new_case, added.id)
    with pytest.raises(NotFoundError):
        matters.finish_matter(archive, new_case, 99)


def test_filing_a_signed_form_moves_the_case_and_reaches_the_index(archive, new_case, tmp_path):
    scan = make_pdf(tmp_path / "委托书签字.pdf", marker="entrust")
    result = filing.file_paths(archive, new_case, [scan], form_id="entrust", signed=True)
    (doc,) = result.documents
    assert (result.status_before, result.status_after) == (CaseStatus.REGISTERED, CaseStatus.ACCEPTED)
    assert (doc.kind, doc.state, doc.item_no) == (DocKind.SIGNED, DocState.FILED, 1)
    assert check_index(archive).ok
    hits = search_archive(archive, "委托书", case_no=new_case)
    assert [h.doc.doc_id for h in hits.hits] == [doc.id]
    assert open_document(archive, new_case, 1) == archive.root.path / doc.path
    assert [e.action for e in cases.case_log(archive, new_case)][-2:] == ["search", "document.opened"]


def test_file_rules_live_in_the_service(archive, new_case, tmp_path):
    a, b = make_pdf(tmp_path / "a.pdf", marker="a"), make_pdf(tmp_path / "b.pdf", marker="b")
    with pytest.raises(UsageError, match="--title 只能用于单个文件"):
        filing.file_paths(archive, new_case, [a, b], category="basic", title="两份")
    with pytest.raises(UsageError, match="--signed 须同时用 --form"):
        filing.file_paths(archive, new_case, [a], signed=True)
    with pytest.raises(TransitionError, match="只能在"):
        filing.file_paths(archive, new_case, [a], form_id="complete", signed=True)


def test_withdrawal_leaves_search_through_the_outbox(archive, new_case, tmp_path):
    note = tmp_path / "纪要.txt"
    note.write_text("联席会议：史勇梅参加", encoding="utf-8")
    filing.file_paths(archive, new_case, [note], category="会议纪要")
    assert search_archive(archive, "史勇梅").total == 1
    assert [d.state for d in filing.withdraw_item(archive, new_case, 1, "重复录入")] == [DocState.WITHDRAWN]
    assert search_archive(archive, "史勇梅").total == 0
    assert check_index(archive).ok


def test_index_work_is_written_with_the_filing_and_kept_when_the_index_fails(archive, new_case, tmp_path):
    filing.file_paths(archive, new_case, [make_pdf(tmp_path / "a.pdf", marker="a")], category="basic")
    for toc in (archive.root.index_dir / "current").glob("*.toc"):
        toc.write_bytes(b"garbage")
    filed = filing.file_paths(archive, new_case, [make_pdf(tmp_path / "b.pdf", marker="b")], category="basic")
    queued = waiting(archive)
    assert [item.doc_id for item in queued] == [filed.documents[0].id] and queued[0].attempts == 1
    rebuild_index(archive)
    assert check_index(archive).ok and run_outbox(archive) == 0


def test_a_crash_after_the_commit_leaves_the_index_work_for_the_next_writer(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "第一份.pdf", marker="first"), "--category", "批复证照")
    second = make_pdf(tmp_path / "批复.pdf", marker="second")
    killed = daiban.subprocess("file", case_no, second, "--category", "批复证照", DAIBAN_CRASH_AT="store.committed")
    assert killed.returncode == -9
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert db.execute("SELECT doc_id, attempts FROM outbox").fetchall() == [(2, 0)]
    assert "待补索引：文件 #2（尚未处理）" in daiban("index", "check", code=11).output
    daiban("file", case_no, make_pdf(tmp_path / "第三份.pdf", marker="third"), "--category", "批复证照")
    assert "索引与目录库一致" in daiban("index", "check").output


def test_sealing_runs_the_lifecycle_check_in_the_service(archive, new_case):
    with pytest.raises(TransitionError, match="只有办结或终止的案件才能归档"):
        sealing.seal_case(archive, new_case)
    with pytest.raises(UsageError, match="--note"):
        steps.resume_case(archive, new_case, " ")


def test_generate_forms_files_a_numbered_version(archive, new_case):
    (card,) = generate_forms(archive, new_case, ["card"], FormValues(sets={"supervision_phone": "0356-2021234"}),
                             pdf=False)
    assert card.identity == f"{new_case}/card/v1" and card.doc_no.startswith("晋代办")
    assert card.docx.kind == DocKind.GENERATED and card.pdf is None
    with pytest.raises(NotFoundError, match="未知的表单编号“nosuch”"):
        generate_forms(archive, new_case, ["nosuch"], pdf=False)


def test_ingest_reports_the_first_failure_code_and_leaves_the_archive(archive, new_case, tmp_path):
    empty = tmp_path / "空.pdf"
    empty.write_bytes(b"")
    report = ingest_files(archive, [empty], Target())
    (outcome,) = report.outcomes
    assert outcome.status == IngestStatus.FAILED and outcome.reason == "empty"
    assert report.exit_code == ExitCode.BAD_INPUT and "失败 1" in report.summary()
    with pytest.raises(NotFoundError):
        ingest_files(archive, [empty], Target(case_no="DB-1999-0001"))


def test_watching_an_empty_inbox_once_returns(archive):
    watch_inbox(archive, threading.Event(), once=True, settle=0.1)
    assert list_items(archive) == []


def test_every_exit_code_has_one_meaning_and_each_failure_its_code():
    assert len({int(c) for c in ExitCode}) == len(ExitCode)
    assert OcrError.__mro__[1] is ExternalToolError  # an OCR timeout is a tool failing, not a bad file
    assert ConversionError("x", []).exit_code == ExitCode.EXTERNAL_TOOL
    assert TemplateError("x", None).exit_code == ExitCode.TEMPLATE
    assert IndexLockedError(__file__, 1, "").exit_code == ExitCode.BUSY
    assert IndexMissingError(__file__).exit_code == ExitCode.INDEX
    assert InputFileError("x").exit_code == ExitCode.BAD_INPUT
    assert all(issubclass(type(e), DaibanError) for e in (UsageError("x"), NotFoundError("x")))


def test_the_seven_suspend_reasons_exist_once():
    suspend = load_catalog().require("suspend")
    reasons = next(f for f in suspend.fields if f.name == "reasons")
    assert reasons.choices == tuple(SUSPEND_REASONS.values()) and len(SUSPEND_REASONS) == 7
