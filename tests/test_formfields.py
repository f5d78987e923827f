"""Which fields of a case's forms staff must still give (archive/outputs/formfields.py): built from the catalog's
field definitions, minus what the case, its matters, the agency's settings and the derived values fill; and the
answers a web form posts, read per form and field type."""

from dataclasses import replace

import pytest
from conftest import SAMPLE_CASE, Daiban, use_sample_library

from archive.base.errors import AccessError, NotFoundError, UsageError
from archive.base.terms import STAGES, UserRole
from archive.catalog.access import Access
from archive.catalog.session import open_archive
from archive.outputs.formfields import case_forms, form_fields, packet_form_ids, packet_print_file, posted_values


@pytest.fixture
def opened(daiban, case_no):
    return open_archive(daiban.root, "测试员")


def by_name(fields) -> dict:
    return {f.name: f for f in fields.asked}


def test_a_form_asks_the_catalogs_fields_with_labels_types_and_defaults(opened, case_no):
    (letter,) = form_fields(opened, case_no, ["letter"])
    asked = by_name(letter)
    assert list(asked) == ["recipient", "subject", "body", "reply_by", "attachments"]
    assert asked["recipient"].label == "主送单位" and asked["recipient"].required and asked["recipient"].type == "text"
    assert asked["body"].multiline and not asked["recipient"].multiline
    assert asked["reply_by"].type == "deadline" and not asked["reply_by"].required
    assert asked["attachments"].type == "list" and asked["attachments"].key == "letter.attachments"
    filled = {v.label: v.text for v in letter.filled}
    assert filled["项目名称"] == "晋城市新能源装备制造产业园项目" and filled["项目长"] == "李明"
    assert letter.signers == ("代办机构",) and not letter.unset and not letter.refusal


def test_what_the_case_fills_is_not_asked_but_shown(daiban, opened, case_no):
    (before,) = form_fields(opened, case_no, ["entrust"])
    stages = by_name(before)["entrust_stages"]
    assert stages.type == "checkbox" and stages.required and stages.choices == STAGES
    daiban("matter", "add", case_no, "--name", "企业投资项目备案")
    (after,) = form_fields(opened, case_no, ["entrust"])
    assert not after.asked
    filled = {v.label: v.text for v in after.filled}
    assert filled["代办阶段"] == "立项用地规划许可阶段" and filled["审批事项"] == "1 项：企业投资项目备案"
    (assess,) = form_fields(opened, case_no, ["assess"])
    assert "filler" not in by_name(assess) and {v.label: v.text for v in assess.filled}["填表人"] == "李明"


def test_a_refused_field_is_asked_with_the_refusal_and_a_table_names_its_columns(opened, case_no):
    notice, handover = form_fields(opened, case_no, ["notice", "handover"])
    assert "案件尚无审批事项" in notice.refusal and notice.refused_field == "notice_items"
    items = by_name(notice)["notice_items"]
    assert items.type == "table" and [c.label for c in items.columns] == [
        "审批阶段", "审批事项", "办理条件", "申请材料", "中介服务环节", "办理时限"]
    assert [c.label for c in by_name(handover)["items"].columns][:3] == ["材料名称", "类别", "文号／证号"]


def test_an_unset_agency_setting_the_form_prints_is_named(tmp_path):
    bare = Daiban(tmp_path / "无电话")
    bare("init", "--city", "晋城市", "--self-signed-cert")
    use_sample_library(bare.root)
    case_no = bare("case", "new", "--from", SAMPLE_CASE).output.split("：")[1].split()[0]
    (card,) = form_fields(open_archive(bare.root, "测试员"), case_no, ["card"])
    assert "代办机构电话（agency.phone）" in card.unset
    assert by_name(card)["supervision_phone"].default == "12345"


def test_the_case_lists_its_forms_by_stage_without_the_agencys_own(daiban, opened, case_no, tmp_path):
    stages = {s.stage: s.forms for s in case_forms(opened, case_no)}
    assert "机构" not in stages and [f.form_id for f in stages["受理"]] == ["entrust", "notice", "card"]
    entrust = stages["受理"][0]
    assert entrust.title == "“全代办”服务委托书" and entrust.signers == ("项目单位",) and entrust.handover
    assert entrust.version == 0 and packet_form_ids(opened, "受理") == ["entrust", "notice", "card"]
    with pytest.raises(NotFoundError, match="没有“不存在”阶段的表单"):
        packet_form_ids(opened, "不存在")
    with pytest.raises(UsageError, match="《名单报送回执》是机构层面的表单，不属于任何案件"):
        form_fields(opened, case_no, ["roster"])


def test_a_staff_member_of_another_case_is_refused(opened, case_no):
    other = replace(opened, actor="王芳", access=Access("wangfang", UserRole.STAFF, "王芳"))
    for call in (lambda: form_fields(other, case_no, ["letter"]), lambda: case_forms(other, case_no)):
        with pytest.raises(AccessError, match="不存在，或您无权访问"):
            call()


def test_posted_answers_take_each_fields_shape_and_only_the_catalogs_fields(opened):
    posted = {"letter.recipient": ["  晋城市规划和自然资源局 "], "letter.subject": [""],
              "letter.attachments": ["用地红线图\r\n\r\n 规划条件 "],
              "meeting.attendees.dept": ["规划局", "", "住建局"], "meeting.attendees.name": ["刘涛", "", ""],
              "meeting.attendees.title": ["科长", ""], "entrust.entrust_stages": ["施工许可阶段", ""],
              "complete.completed_on": ["2026-12-10"],
              "letter.case": ["篡改"], "case.project_name": ["篡改"], "agency.phone": ["110"]}
    values = posted_values(opened, ["letter", "meeting", "entrust", "complete"], posted)
    assert values.sets == {}
    assert values.data == {
        "letter": {"recipient": "晋城市规划和自然资源局", "attachments": ["用地红线图", "规划条件"]},
        "meeting": {"attendees": [{"dept": "规划局", "name": "刘涛", "title": "科长"},
                                  {"dept": "住建局", "name": "", "title": ""}]},
        "entrust": {"entrust_stages": ["施工许可阶段"]},
        "complete": {"completed_on": "2026-12-10"}}


def test_a_print_file_is_only_a_packet_of_the_case(daiban, opened, case_no):
    folder = daiban.root / "exports" / "packets"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{case_no} 受理材料包 20261210.pdf").write_bytes(b"%PDF-1.7")
    (folder / "DB-2026-0099 受理材料包 20261210.pdf").write_bytes(b"%PDF-1.7")
    assert packet_print_file(opened, case_no, f"{case_no} 受理材料包 20261210.pdf").read_bytes() == b"%PDF-1.7"
    for name in (f"{case_no} 受理材料包 20261211.pdf", "DB-2026-0099 受理材料包 20261210.pdf",
                 f"../packets/{case_no} 受理材料包 20261210.pdf"):
        with pytest.raises(NotFoundError, match="没有打印文件"):
            packet_print_file(opened, case_no, name)
