"""Users, roles and rights (issue 15), enforced in the services: every action by role, staff on their own
cases, an auditor who never writes, an enterprise that sees only its cases' handed-over papers; passwords
hashed, logins recorded, accounts that verify proves."""

import dataclasses
import json
import sqlite3

import pytest
from conftest import SAMPLE_CASE, make_pdf, snapshot
from fixtures.web import their_facts

from archive.base.errors import AccessError
from archive.base.passwords import check_password, hash_password
from archive.base.terms import UserRole
from archive.casework.cases import list_cases, show_case
from archive.casework.filing import file_paths
from archive.casework.matters import add_matter
from archive.casework.users import access_of, add_user, authenticate, set_disabled
from archive.catalog.access import ALLOWED
from archive.catalog.events import ACTION_LABELS
from archive.catalog.session import open_archive
from archive.indexing.search import open_document, search_archive

PASSWORD = "一段足够长的密码-2026"
# What only an administrator may do; a new action must be given to roles on purpose (catalog/access.py).
ADMIN_ONLY = {"archive.initialised", "backup.made", "backup.restored", "settings.changed", "calendar.year_added",
              "document.regrouped", "user.added", "user.changed", "user.login_failed", "users.listed"}


@pytest.fixture
def world(daiban, tmp_path):
    """Two cases of two enterprises and managers, a form of each kind filed in the first, and five accounts."""
    ours = json.loads(daiban("case", "new", "--from", SAMPLE_CASE, "--json").output)["case_no"]
    theirs = json.loads(daiban("case", "new", "--from", their_facts(tmp_path), "--json").output)["case_no"]
    daiban("file", ours, make_pdf(tmp_path / "研判表.pdf", text="assess 研判"), "--form", "assess")
    daiban("file", ours, make_pdf(tmp_path / "委托书.pdf", text="entrust 委托"), "--form", "entrust")
    daiban("index", "rebuild")
    admin = open_archive(daiban.root, "管理员")
    accounts = {"liming": ("李明", UserRole.STAFF, ""), "audit": ("审计员", UserRole.AUDITOR, ""),
                "clerk": ("档案员甲", UserRole.ARCHIVIST, ""),
                "company": ("晋城市泽州新能源科技有限公司", UserRole.ENTERPRISE, "91140500MA0K7Q5X30")}
    users = {login: add_user(admin, login, name, role, PASSWORD, code)
             for login, (name, role, code) in accounts.items()}

    def acting(login: str):
        return dataclasses.replace(admin, actor=users[login].name, access=access_of(users[login]))

    return daiban, ours, theirs, acting


def test_every_action_is_given_to_roles_on_purpose():
    given = set().union(*ALLOWED.values())
    assert set(ACTION_LABELS) - given == ADMIN_ONLY
    assert not given - set(ACTION_LABELS), "an allowed action nobody records"


def test_staff_reach_their_own_cases_only(world, tmp_path):
    daiban, ours, theirs, acting = world
    staff = acting("liming")
    assert [c.case_no for c in list_cases(staff)] == [ours]
    assert show_case(staff, ours).case.case_no == ours
    before = snapshot(daiban)
    with pytest.raises(AccessError, match=f"案件 {theirs} 不存在，或您无权访问"):
        show_case(staff, theirs)
    with pytest.raises(AccessError):
        file_paths(staff, theirs, [make_pdf(tmp_path / "x.pdf", text="x")], category="申请材料")
    with pytest.raises(AccessError):
        add_matter(staff, theirs, "企业投资项目备案")
    assert snapshot(daiban) == before  # refused before anything was written, the reading included
    hits = search_archive(staff, "晋城市").hits
    assert hits and {h.doc.case_no for h in hits} == {ours}
    add_matter(staff, ours, "企业投资项目备案")


def test_an_auditor_reads_everything_and_changes_nothing(world, tmp_path):
    daiban, ours, theirs, acting = world
    auditor = acting("audit")
    assert {c.case_no for c in list_cases(auditor)} == {ours, theirs}
    show_case(auditor, theirs)
    before = snapshot(daiban)
    for attempt in (lambda: add_matter(auditor, ours, "企业投资项目备案"),
                    lambda: file_paths(auditor, ours, [make_pdf(tmp_path / "y.pdf", text="y")], category="申请材料"),
                    lambda: add_user(auditor, "mallory", "某人", UserRole.ADMIN, PASSWORD)):
        with pytest.raises(AccessError, match="审计"):
            attempt()
    assert snapshot(daiban) == before
    log = daiban("log", theirs).output
    assert "审计员" in log and "查看案件" in log  # what the auditor saw is on record


def test_an_enterprise_sees_its_own_cases_and_only_what_is_handed_over(world):
    _, ours, theirs, acting = world
    company = acting("company")
    assert [c.case_no for c in list_cases(company)] == [ours]
    with pytest.raises(AccessError):
        show_case(company, theirs)
    found = {h.doc.form_id for h in search_archive(company, "研判 OR 委托").hits}
    assert found == {"entrust"}  # the internal 研判表 is not theirs to see
    assert open_document(company, ours, 2).name.endswith(".pdf")
    with pytest.raises(AccessError, match="不在移交给企业的材料之内"):
        open_document(company, ours, 1)
    with pytest.raises(AccessError):
        search_archive(company, "委托", case_no=theirs)


def test_passwords_are_hashed_logins_recorded_and_disabled_accounts_refused(world):
    daiban, _, _, acting = world
    admin = open_archive(daiban.root, "管理员")
    stored = hash_password(PASSWORD)
    assert PASSWORD not in stored and check_password(PASSWORD, stored) and not check_password("错的", stored)
    assert authenticate(admin, "liming", PASSWORD).name == "李明"
    for login, password in (("liming", "错误的密码错误的密码"), ("nobody", PASSWORD)):
        with pytest.raises(AccessError, match="用户名或密码错误"):
            authenticate(admin, login, password)
    set_disabled(admin, "liming", True)
    with pytest.raises(AccessError):
        authenticate(admin, "liming", PASSWORD)
    actions = [e["action"] for e in json.loads(daiban("log", "--json").output)]
    assert "user.login" in actions and "user.login_failed" in actions and PASSWORD not in daiban("log").output
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        assert PASSWORD not in json.dumps(db.execute("SELECT details FROM events").fetchall(), ensure_ascii=False)


def test_verify_names_a_role_raised_or_a_password_hash_swapped_behind_daibans_back(world):
    daiban, *_ = world
    daiban("verify")
    with sqlite3.connect(daiban.root / "daiban.sqlite") as db:
        db.execute("UPDATE users SET role = 'admin' WHERE login = 'audit'")
        db.execute("UPDATE users SET password = (SELECT password FROM users WHERE login = 'clerk') "
                   "WHERE login = 'company'")
    shown = daiban("verify", code=11).output
    assert "用户 audit" in shown and "角色" in shown and "用户 company" in shown and "密码" in shown


def test_the_cli_adds_and_lists_users_and_refuses_weak_or_wrong_input(daiban):
    add = ("user", "add", "wangfang", "--name", "王芳", "--password-stdin")
    assert "至少 10 个字符" in daiban(*add, "--role", "代办员", input="short\n", code=5).stderr
    assert "未知的角色" in daiban(*add, "--role", "主任", input=PASSWORD + "\n", code=2).stderr
    refused = daiban("user", "add", "shop", "--name", "某公司", "--role", "企业", "--credit-code", "123",
                     "--password-stdin", input=PASSWORD + "\n", code=5)
    assert "统一社会信用代码" in refused.stderr
    assert "wangfang（王芳，项目长/代办员）" in daiban(*add, "--role", "代办员", input=PASSWORD + "\n").output
    assert "用户名已存在" in daiban(*add, "--role", "审计", input=PASSWORD + "\n", code=2).stderr
    daiban("user", "role", "wangfang", "审计")
    listed = json.loads(daiban("user", "list", "--json").output)
    assert [(u["login"], u["role"]) for u in listed] == [("wangfang", "auditor")] and "password" not in listed[0]
    assert "添加用户" in daiban("log").output and "修改用户" in daiban("log").output


def test_an_enterprise_viewing_its_case_sees_no_internal_item_or_log(world):
    _, ours, _, acting = world
    view = show_case(acting("company"), ours)
    assert [i.form_id for i in view.items] == ["entrust"] and view.events == [] and view.needs == []
    staff = show_case(acting("liming"), ours)
    assert [i.form_id for i in staff.items] == ["assess", "entrust"] and staff.events
