"""Cases, people, matters and the lifecycle, through the CLI."""

import json

from conftest import SAMPLE_CASE, make_pdf

from archive.casework.facts import credit_check_char, credit_code_problem


def test_case_new_numbers_cases_by_year(daiban, case_no):
    assert case_no.startswith("DB-") and case_no.endswith("-0001")
    second = daiban("case", "new", "--from", SAMPLE_CASE, "--project-name", "泽州县智慧物流园项目").output
    assert case_no[:-4] + "0002" in second and "泽州县智慧物流园项目" in second


def test_case_new_from_options_and_json(daiban):
    out = daiban("case", "new", "--project-name", "A&B <公司> 厂房项目", "--unit", "岳阳新正机械有限公司",
                 "--credit-code", "91140500MA0L1R2P47", "--project-type", "政府投资",
                 "--location", "晋城市城区", "--scale", "新建厂房", "--contact", "马艳",
                 "--phone", "0356-2021234", "--manager", "史勇梅", "--investment", "3,600",
                 "--json").output
    data = json.loads(out)
    assert data["facts"]["project_name"] == "A&B <公司> 厂房项目"
    assert data["facts"]["investment"] == 3600.0
    assert data["status"] == "登记"


def test_bad_credit_code_is_refused_with_the_right_check_char(daiban):
    bad = "91140500MA0K7Q5X31"
    result = daiban("case", "new", "--from", SAMPLE_CASE, "--credit-code", bad, code=5)
    assert "校验位错误：末位应为 0" in result.stderr
    assert "不存在" not in daiban("case", "list").output and "0001" not in daiban("case", "list").output


def test_credit_code_rules():
    assert credit_code_problem("91140500MA0K7Q5X30") is None
    assert "18位" in credit_code_problem("9114050")
    assert "非法字符" in credit_code_problem("91140500MA0K7Q5XIO")
    assert credit_check_char("91350100M000100Y4") == "3"  # a published example code 91350100M000100Y43


def test_missing_fields_and_bad_phone_are_all_listed(daiban):
    result = daiban("case", "new", "--project-name", "某项目", "--phone", "12345", code=5)
    for label in ("项目单位", "统一社会信用代码", "项目类型", "建设地点", "联系人", "项目长"):
        assert label in result.stderr
    assert "电话号码“12345”格式不正确" in result.stderr


def test_unknown_case_is_named(daiban):
    result = daiban("case", "show", "DB-2026-0999", code=4)
    assert "案件不存在：DB-2026-0999" in result.stderr


def test_case_list_filters(daiban, case_no):
    daiban("case", "new", "--from", SAMPLE_CASE, "--manager", "周敏")
    assert len(json.loads(daiban("case", "list", "--json").output)) == 2
    only = json.loads(daiban("case", "list", "--manager", "周敏", "--json").output)
    assert [c["facts"]["manager"] for c in only] == ["周敏"]
    assert json.loads(daiban("case", "list", "--status", "受理", "--json").output) == []
    assert json.loads(daiban("case", "list", "--year", "1999", "--json").output) == []


def test_manager_change_keeps_the_former_one(daiban, case_no):
    daiban("case", "manager", case_no, "周敏", "--phone", "13712345678")
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    managers = [(p["name"], p["until"] is None) for p in shown["people"] if p["role"] == "项目长"]
    assert managers == [("李明", False), ("周敏", True)]
    assert shown["case"]["facts"]["manager"] == "周敏"
    assert "case.manager_changed" in daiban("log", case_no, "--json").output


def test_matters_add_list_and_done(daiban, case_no):
    daiban("matter", "add", case_no, "--stage", "工程", "--name", "建设工程规划许可证核发",
           "--level", "市级", "--dept", "市规划和自然资源局", "--days", "5")
    daiban("matter", "add", case_no, "--stage", "1", "--name", "企业投资项目备案",
           "--level", "县", "--dept", "泽州县行政审批服务管理局", "--parallel")
    items = json.loads(daiban("matter", "list", case_no, "--json").output)
    assert [m["stage"] for m in items] == ["立项用地规划许可阶段", "工程建设许可阶段"]
    assert items[0]["level"] == "县级" and items[0]["parallel"] is True
    daiban("matter", "accept", case_no, str(items[1]["id"]))
    daiban("matter", "done", case_no, str(items[1]["id"]))
    again = daiban("matter", "done", case_no, str(items[1]["id"]), code=2)
    assert "已办结" in again.stderr
    bad = daiban("matter", "add", case_no, "--stage", "拆迁", "--name", "x", "--level", "市级", "--dept", "y", code=2)
    assert "未知的审批阶段" in bad.stderr


def test_whole_lifecycle_driven_by_signed_documents(daiban, case_no, tmp_path):
    def status():
        return json.loads(daiban("case", "show", case_no, "--json").output)["case"]["status"]

    def form(name, *flags):
        pdf = make_pdf(tmp_path / f"{name}{len(flags)}.pdf", marker=f"{name}{flags}", text=f"signed {name}")
        return daiban("file", case_no, pdf, "--form", name, *flags)

    form("assess", "--signed")
    assert status() == "研判"
    refused = daiban("file", case_no, make_pdf(tmp_path / "c.pdf", marker="c"), "--form", "complete",
                     "--signed", code=6)
    assert "只能在“办理”状态下推进案件" in refused.stderr and "签订委托书" in refused.stderr
    form("entrust", "--signed")
    assert status() == "受理"
    form("plan")
    assert status() == "办理"
    missing_reason = daiban("file", case_no, make_pdf(tmp_path / "s.pdf", marker="s"), "--form", "suspend", code=2)
    assert "--reason 1-7" in missing_reason.stderr
    form("suspend", "--reason", "4")
    shown = json.loads(daiban("case", "show", case_no, "--json").output)["case"]
    assert (shown["status"], shown["suspend_code"]) == ("中止", 4)
    assert shown["suspend_reason"].startswith("项目单位未在规定期限内提交审批材料")
    daiban("case", "resume", case_no, "--note", "项目单位已补交全部材料")
    assert status() == "办理"
    form("complete", "--signed")
    assert status() == "办结"
    refused = daiban("case", "archive", case_no, code=6)
    assert "缺少已签署的《移交清单》（handover）" in refused.stderr
    form("handover", "--signed")
    daiban("case", "archive", case_no)
    assert status() == "归档"
    actions = [e["action"] for e in json.loads(daiban("log", case_no, "--json").output)]
    assert actions.count("case.status") == 5 and {"case.resumed", "case.archived"} <= set(actions)


def test_show_says_what_is_missing_next(daiban, case_no):
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    texts = " ".join(n["text"] for n in shown["next"])
    assert "--form entrust --signed" in texts and "--form assess --signed" in texts


def test_paperwork_for_a_passed_step_is_filed_without_moving_the_case(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", marker="e"), "--form", "entrust", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "研判表.pdf", marker="a"), "--form", "assess", "--signed")
    shown = json.loads(daiban("case", "show", case_no, "--json").output)
    assert shown["case"]["status"] == "受理"
    assert [d["form_id"] for d in shown["documents"]] == ["entrust", "assess"]


def test_a_suspended_case_ended_by_termination_keeps_no_suspension_and_verifies(daiban, case_no, tmp_path):
    daiban("file", case_no, make_pdf(tmp_path / "委托书.pdf", text="entrust"), "--form", "entrust", "--signed")
    daiban("file", case_no, make_pdf(tmp_path / "中止.pdf", text="suspend"), "--form", "suspend", "--reason", "4")
    daiban("file", case_no, make_pdf(tmp_path / "终止.pdf", text="terminate"), "--form", "terminate", "--signed")
    shown = json.loads(daiban("case", "show", case_no, "--json").output)["case"]
    assert (shown["status"], shown["suspend_code"], shown["suspend_reason"]) == ("终止", None, None)
    daiban("verify", case_no)
    daiban("verify")
