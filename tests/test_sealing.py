"""The end of a case file: the completeness audit (rules per state, each naming its missing piece) and
sealing (归档) with archival 件号 and 档号, after which only a logged 补充 is filed."""

import datetime
import json
import re
import sqlite3

import pytest
from conftest import SAMPLE_CASE, Daiban, file_form, make_pdf, snapshot

YEAR = datetime.date.today().year  # the 年度 of a 档号 is the year the case is sealed


@pytest.fixture
def completed(daiban, case_no, tmp_path) -> str:
    """A case carried to 办结: signed 委托书, 服务方案, minutes, an approval, its one matter done, signed 办结单."""
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    file_form(daiban, case_no, tmp_path, "entrust", "--signed")
    file_form(daiban, case_no, tmp_path, "plan")
    # Filed in this order, but the minutes are dated after the approval: the archive orders by date.
    daiban("file", case_no, make_pdf(tmp_path / "纪要.pdf", marker="纪要", text="minutes"),
           "--category", "会议纪要", "--date", "2026-04-01")
    daiban("file", case_no, make_pdf(tmp_path / "备案证.pdf", marker="备案", text="approval"),
           "--category", "批复证照", "--date", "2026-03-20")
    daiban("matter", "accept", case_no, "1")
    daiban("matter", "done", case_no, "1")
    file_form(daiban, case_no, tmp_path, "complete", "--signed")
    return case_no


def missing(daiban: Daiban, case_no: str) -> dict[str, list[str]]:
    found = json.loads(daiban("audit", case_no, "--json", code=11).output)[0]["missing"]
    rules: dict[str, list[str]] = {}
    for m in found:
        rules.setdefault(m["rule"], []).append(m["text"])
    return rules


def test_a_complete_case_file_audits_clean_and_seals_with_its_references(daiban, completed, tmp_path):
    assert missing(daiban, completed) == {"signed_handover": ["缺少已签署的《移交清单》（handover）"]}
    file_form(daiban, completed, tmp_path, "handover", "--signed")
    assert "齐全" in daiban("audit", completed).output
    sealed = json.loads(daiban("case", "archive", completed, "--json").output)
    refs = [r[2] for r in sealed["references"]]
    assert refs == [f"Z001-WS·{YEAR}-Y-DB-0001-{n:04d}" for n in range(1, 7)]
    # Archival order: by the stage each was filed in, then by date (the approval before the later minutes).
    assert [r[0] for r in sealed["references"]] == [1, 2, 4, 3, 5, 6]
    assert json.loads(daiban("case", "show", completed, "--json").output)["case"]["status"] == "归档"
    # The chain head kept with the sealed case is the sealing event itself, and proves all before it.
    archived = [e for e in json.loads(daiban("log", completed, "--json").output) if e["action"] == "case.archived"]
    assert sealed["head"] == f"{archived[0]['seq']}:{archived[0]['hash']}"
    assert "校验通过" in daiban("verify", "--head", sealed["head"]).output


def test_each_audit_rule_names_its_missing_piece(daiban, completed, tmp_path):
    daiban("withdraw", completed, "1", "--reason", "误传")  # the signed 委托书
    daiban("file", completed, make_pdf(tmp_path / "空白扫描.pdf", marker="blank"), "--category", "申请材料")
    daiban("matter", "add", completed, "--stage", "施工", "--name", "建筑工程施工许可证核发", "--level", "市级",
           "--dept", "晋城市行政审批服务管理局")
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("INSERT INTO review (source_name, original, sha256, size, text, guesses, state, created, warnings) "
                   "VALUES ('扫描.pdf', 'review/x.pdf', 'ab', 1, '', ?, 'waiting', '2026-03-01', '[]')",
                   (json.dumps([{"case_no": completed, "score": 0.6, "why": "项目名称"}], ensure_ascii=False),))
        path = db.execute("SELECT path FROM documents WHERE category = '批复证照'").fetchone()[0]
    (daiban.root / path).write_bytes((daiban.root / path).read_bytes() + b"\n")
    rules = missing(daiban, completed)
    assert rules["signed_entrust"] == ["缺少已签署的《“全代办”服务委托书》（entrust）"]
    assert rules["matters_done"] == ["审批事项未办结：建筑工程施工许可证核发"]
    (unread,) = rules["text_read"]
    assert "空白扫描" in unread and "文字未能识别" in unread
    assert rules["review_clear"] == ["待审核 #1（扫描.pdf）可能属于本案，尚未处理"]
    assert any("备案证" in text for text in rules["fixity"])
    refused = daiban("case", "archive", completed, code=11)
    assert "校验未通过，不能归档" in refused.stderr


def test_a_sealed_case_takes_only_a_logged_supplement(daiban, completed, tmp_path):
    file_form(daiban, completed, tmp_path, "handover", "--signed")
    late = make_pdf(tmp_path / "竣工验收意见.pdf", marker="late", text="late")
    assert "尚未归档" in daiban("file", completed, late, "--supplement", "x", "--category", "批复证照", code=2).stderr
    daiban("case", "archive", completed)
    refused = daiban("file", completed, late, "--category", "批复证照", code=6)
    assert "已归档" in refused.stderr and "--supplement" in refused.stderr
    filed = json.loads(daiban("file", completed, late, "--category", "批复证照", "--supplement", "验收意见晚到",
                              "--json").output)
    assert filed["status"] == "归档"
    log = json.loads(daiban("log", completed, "--json").output)
    supplement = [e for e in log if e["action"] == "case.supplemented"]
    assert supplement[0]["details"]["reason"] == "验收意见晚到"
    assert supplement[0]["details"]["references"] == [[7, 7, f"Z001-WS·{YEAR}-Y-DB-0001-0007"]]
    assert "校验通过" in daiban("verify").output


def test_the_reference_pattern_and_retention_codes(daiban, tmp_path):
    settings = daiban.root / "daiban.toml"
    text = settings.read_text(encoding="utf-8").replace('retention = "永久"', 'retention = "定期30年"')
    settings.write_text(text.replace('org = "DB"', 'org = "XMDB"'), encoding="utf-8")
    case_no = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    daiban("matter", "add", case_no, "--stage", "立项", "--name", "企业投资项目备案", "--level", "县级",
           "--dept", "泽州县行政审批服务管理局")
    for name, flags in (("entrust", ("--signed",)), ("terminate", ("--signed",)), ("handover", ("--signed",))):
        file_form(daiban, case_no, tmp_path, name, *flags)
    sealed = json.loads(daiban("case", "archive", case_no, "--json").output)
    assert all(re.fullmatch(r"Z001-WS·\d{4}-D30-XMDB-0001-000[1-3]", r[2]) for r in sealed["references"])


def test_a_reference_changed_after_sealing_shows_in_verify(daiban, completed, tmp_path):
    file_form(daiban, completed, tmp_path, "handover", "--signed")
    daiban("case", "archive", completed)
    assert "校验通过" in daiban("verify").output
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("UPDATE items SET reference = 'Z001-WS·2026-Y-DB-0099' WHERE item_no = 2")
    found = json.loads(daiban("verify", "--json", code=11).output)["problems"]
    assert [(p["code"], p["where"]) for p in found] == [("item_changed", "DB-2026-0001 件号0002")]
    assert "Z001-WS·2026-Y-DB-0099" in found[0]["message"]


def _terminated(daiban, tmp_path) -> str:
    case_no = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    for name in ("entrust", "terminate", "handover"):
        file_form(daiban, case_no, tmp_path, name, "--signed")
    return case_no


def test_two_cases_sealed_in_one_year_never_share_a_reference(daiban, tmp_path):
    first, second = _terminated(daiban, tmp_path), _terminated(daiban, tmp_path)
    refs = [r[2] for case_no in (first, second)
            for r in json.loads(daiban("case", "archive", case_no, "--json").output)["references"]]
    assert len(refs) == len(set(refs)) == 6
    assert refs[0] == f"Z001-WS·{YEAR}-Y-DB-0001-0001" and refs[3] == f"Z001-WS·{YEAR}-Y-DB-0002-0001"
    assert [json.loads(daiban("case", "show", c, "--json").output)["case"]["volume_no"] for c in (first, second)] \
        == [1, 2]
    daiban("verify")


def test_a_pattern_without_the_volume_refuses_a_reference_already_given(daiban, tmp_path):
    settings = daiban.root / "daiban.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("-{volume:04d}-{item:04d}", "-{item:04d}"), encoding="utf-8")
    first, second = _terminated(daiban, tmp_path), _terminated(daiban, tmp_path)
    daiban("case", "archive", first)
    before = snapshot(daiban)
    refused = daiban("case", "archive", second, code=5)
    assert f"档号 Z001-WS·{YEAR}-Y-DB-0001 已由案件 {first} 使用" in refused.stderr and "{volume}" in refused.stderr
    assert snapshot(daiban) == before
