"""用户管理 in the browser (issue 15): the administrator adds accounts, changes roles, sets passwords, disables
and enables them, each through the service `daiban user` calls; refusals are named and change nothing, and
nobody else may see the page or send its forms."""


import pytest
from conftest import snapshot
from fixtures.web import ACCOUNTS, PASSWORD, browser_page, browsing, csrf_token, logged_in, post, query

NEW_PASSWORD = "另一个足够长的密码-2027"


def user_rows(world) -> list[tuple]:
    return query(world, "SELECT login, name, role, credit_code, disabled IS NOT NULL FROM users ORDER BY login")


def log_in(app, login: str, password: str):
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    return client, client.post("/login", data={"login": login, "password": password, "csrf_token": token})


def account(login: str, name: str, role: str, password: str = PASSWORD, **more) -> dict:
    return {"login": login, "name": name, "role": role, "password": password, "password2": password, **more}


def test_the_administrator_sees_every_account(app):
    page = logged_in(app, "admin").get("/admin/users")
    assert page.status_code == 200
    for login, (name, role, code) in ACCOUNTS.items():
        shown = "项目长/代办员" if role == "项目长" else role
        assert f"<td>{login}</td><td>{name}</td><td>{shown}</td><td>{code}</td>" in page.text
    assert "用户（7 个）" in page.text
    assert page.text.count("停用账户") == 6 and "（当前登录的账户，不能在此停用）" in page.text  # not oneself


def test_an_added_user_logs_in_with_the_role_shown_in_the_header(world, app):
    admin = logged_in(app, "admin")
    done = post(admin, "/admin/users", account("zhangli", "张丽", "staff"))
    assert done.status_code == 302 and done.headers["Location"] == "/admin/users"
    assert "已添加用户 zhangli（张丽，项目长/代办员）" in admin.get("/admin/users").text
    assert ("zhangli", "张丽", "staff", "", 0) in user_rows(world)
    client, response = log_in(app, "zhangli", PASSWORD)
    assert response.status_code == 302
    assert "张丽（项目长/代办员）" in client.get("/").text


def test_an_enterprise_account_is_added_with_its_credit_code(world, app):
    code = ACCOUNTS["company"][2]
    added = account("company2", "晋城市泽州新能源科技有限公司二部", "enterprise", credit_code=code)
    assert post(logged_in(app, "admin"), "/admin/users", added).status_code == 302
    client, _ = log_in(app, "company2", PASSWORD)
    assert "晋城市泽州新能源科技有限公司二部（企业）" in client.get("/portal").text


@pytest.mark.parametrize(("fields", "status", "message"), [
    (account("weak", "弱密码", "staff", password="short"), 422, "密码至少 10 个字符"),
    ({**account("twice", "两次", "staff"), "password2": PASSWORD + "x"}, 422, "两次输入的密码不一致"),
    (account("badrole", "角色", "老板"), 400, "未知的角色“老板”"),
    (account("badcode", "某公司", "enterprise", credit_code="91140500MA0K7Q5X31"), 422, "统一社会信用代码"),
    (account("nocode", "某公司", "enterprise"), 422, "企业账户须给出本企业的统一社会信用代码"),
    (account("liming", "李明二", "staff"), 400, "用户名已存在：liming"),
    (account("坏 名字", "坏名字", "staff"), 400, "用户名“坏 名字”无效"),
    (account("noname", "  ", "staff"), 400, "姓名不能为空"),
])
def test_a_refused_account_is_named_and_nothing_is_added(world, app, fields, status, message):
    admin = logged_in(app, "admin")
    before, users = snapshot(world.daiban), user_rows(world)
    refused = post(admin, "/admin/users", fields)
    assert refused.status_code == status and message in refused.text
    assert snapshot(world.daiban) == before and user_rows(world) == users


def test_a_refusal_sent_by_htmx_lands_in_the_flash_of_the_page(world, app):
    admin = logged_in(app, "admin")
    token = csrf_token(admin.get("/admin/users").text)
    refused = admin.post("/admin/users", data={**account("weak", "弱密码", "staff", password="short"),
                                               "csrf_token": token}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and refused.headers["HX-Retarget"] == "#flash"
    assert refused.text.strip() == '<div class="flash error" role="alert">密码至少 10 个字符</div>'


def test_a_post_without_its_csrf_token_changes_nothing(world, app):
    admin = logged_in(app, "admin")
    before, users = snapshot(world.daiban), user_rows(world)
    refused = admin.post("/admin/users", data=account("nocsrf", "无校验", "staff"))
    assert refused.status_code == 400 and "CSRF" in refused.text
    assert admin.post("/admin/users/liming/state", data={"disabled": "1"}).status_code == 400
    assert snapshot(world.daiban) == before and user_rows(world) == users


def test_the_administrator_changes_a_role_sets_a_password_disables_and_enables(world, app):
    admin = logged_in(app, "admin")
    post(admin, "/admin/users", account("temp", "临时审计", "staff"))
    assert post(admin, "/admin/users/temp/role", {"role": "auditor"}).status_code == 302
    assert "用户 temp 的角色已改为 审计" in admin.get("/admin/users").text
    assert post(admin, "/admin/users/temp/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}
                ).status_code == 302
    assert log_in(app, "temp", PASSWORD)[1].status_code == 401
    client, response = log_in(app, "temp", NEW_PASSWORD)
    assert response.status_code == 302 and "临时审计（审计）" in client.get("/").text
    assert post(admin, "/admin/users/temp/state", {"disabled": "1"}).status_code == 302
    assert "用户 temp 已停用" in admin.get("/admin/users").text
    assert client.get("/").status_code == 302  # the session of a disabled account ends
    assert log_in(app, "temp", NEW_PASSWORD)[1].status_code == 401
    assert post(admin, "/admin/users/temp/state", {"disabled": "0"}).status_code == 302
    assert log_in(app, "temp", NEW_PASSWORD)[1].status_code == 302
    assert ("temp", "临时审计", "auditor", "", 0) in user_rows(world)


@pytest.mark.parametrize(("url", "fields", "status", "message"), [
    ("/admin/users/liming/role", {"role": "enterprise"}, 422, "企业账户须给出本企业的统一社会信用代码"),
    ("/admin/users/liming/role", {"role": "auditor", "credit_code": ACCOUNTS["company"][2]}, 400,
     "只有企业账户需要统一社会信用代码"),
    ("/admin/users/liming/password", {"password": "liming", "password2": "liming"}, 422, "密码至少 10 个字符"),
    ("/admin/users/liming/state", {"disabled": "0"}, 400, "用户 liming 已启用"),
    ("/admin/users/nobody/role", {"role": "staff"}, 404, "用户不存在：nobody"),
])
def test_a_refused_change_is_named_and_changes_nothing(world, app, url, fields, status, message):
    admin = logged_in(app, "admin")
    before, users = snapshot(world.daiban), user_rows(world)
    refused = post(admin, url, fields)
    assert refused.status_code == status and message in refused.text
    assert snapshot(world.daiban) == before and user_rows(world) == users


@pytest.mark.parametrize("login", ["liming", "clerk", "audit", "company"])
def test_nobody_but_the_administrator_reaches_the_page_or_its_forms(world, app, login):
    client = logged_in(app, login)
    assert 'href="/admin/users"' not in client.get("/search").text
    before, users = snapshot(world.daiban), user_rows(world)
    page = client.get("/admin/users")
    assert page.status_code == 403 and "无权进行此操作" in page.text
    for url, fields in [("/admin/users", account("intruder", "闯入者", "admin")),
                        ("/admin/users", account("weak", "弱密码", "admin", password="short")),
                        (f"/admin/users/{login}/role", {"role": "admin"}),
                        ("/admin/users/admin/password", {"password": NEW_PASSWORD, "password2": NEW_PASSWORD}),
                        ("/admin/users/admin/state", {"disabled": "1"})]:
        refused = post(client, url, fields)
        assert refused.status_code == 403 and "无权进行此操作" in refused.text, url
    assert snapshot(world.daiban) == before and user_rows(world) == users


@pytest.mark.slow
def test_in_a_browser_a_refusal_shows_above_the_form_which_keeps_what_was_typed(world):
    with browsing(world.root) as (server, browser):
        page = browser_page(browser, server.url, "admin")
        page.goto(f"{server.url}/admin/users")
        form = page.locator("form.user-form")
        typed = {"login": "browser1", "name": "浏览器用户", "password": "short", "password2": "short"}
        for name, value in typed.items():
            form.locator(f"input[name={name}]").fill(value)
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#flash .flash.error")
        assert page.inner_text("#flash") == "密码至少 10 个字符"
        assert form.locator("input[name=login]").input_value() == "browser1"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        form.locator("input[name=password]").fill(NEW_PASSWORD)
        form.locator("input[name=password2]").fill(NEW_PASSWORD)
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#flash .flash.info")
        assert "已添加用户 browser1（浏览器用户，项目长/代办员）" in page.inner_text("#flash")
        assert "browser1" in page.inner_text("table.users")
