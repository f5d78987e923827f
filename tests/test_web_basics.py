"""The web interface's foundations (issue 15): logins, throttling, CSRF, cookies, headers, escaping, the
rights of each role on pages and downloads, byte ranges for the PDF viewer, every view recorded."""

import re
import sqlite3

from fixtures.web import PASSWORD, csrf_token, logged_in, post, query, their_facts

from archive.web.app import create_app


def events(world, action: str) -> list[tuple[str, str]]:
    return query(world, "SELECT actor, case_no FROM events WHERE action = ?", action)


def test_pages_ask_for_a_login_and_a_wrong_password_is_refused_then_throttled(app):
    client = app.test_client()
    assert client.get("/cases").headers["Location"].startswith("/login")
    token = csrf_token(client.get("/login").text)
    for _ in range(5):
        wrong = {"login": "wangfang", "password": "不对的密码不对的密码", "csrf_token": token}
        refused = client.post("/login", data=wrong)
        assert refused.status_code == 401 and "用户名或密码错误" in refused.text
    throttled = client.post("/login", data={"login": "wangfang", "password": PASSWORD, "csrf_token": token})
    assert throttled.status_code == 429 and "登录失败次数过多" in throttled.text


def test_a_login_sets_a_hardened_session_cookie_and_a_post_without_its_token_is_refused(app):
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    assert client.post("/login", data={"login": "liming", "password": PASSWORD}).status_code == 400
    done = client.post("/login", data={"login": "liming", "password": PASSWORD, "csrf_token": token})
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "李明（项目长/代办员）" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    refused = client.post("/logout")
    assert refused.status_code == 400 and "CSRF" in refused.text
    assert client.get("/").status_code == 200  # still logged in: nothing happened
    assert post(client, "/logout").headers["Location"] == "/login"


def test_staff_see_their_cases_and_are_refused_anothers_by_url(world, app):
    client = logged_in(app, "liming")
    listing = client.get("/cases").text
    assert world.ours in listing and world.theirs not in listing
    assert world.ours in client.get(f"/cases/{world.ours}").text
    refused = client.get(f"/cases/{world.theirs}")
    assert refused.status_code == 403 and "不存在，或您无权访问" in refused.text
    assert ("李明", world.ours) in events(world, "case.viewed")


def test_an_enterprise_cannot_reach_another_enterprises_case_or_files(world, app):
    client = logged_in(app, "company")
    assert client.get(f"/cases/{world.theirs}").status_code == 403
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        theirs = db.execute("SELECT d.id FROM documents d JOIN cases c ON c.id = d.case_id WHERE c.case_no = ?",
                            (world.theirs,)).fetchone()[0]
        internal = db.execute("SELECT id FROM documents WHERE form_id = 'assess'").fetchone()[0]
    assert client.get(f"/files/{theirs}").status_code == 403
    assert client.get(f"/files/{internal}").status_code == 403  # the 研判表 is not handed over


def test_files_answer_byte_ranges_and_each_opening_is_recorded(world, app):
    client = logged_in(app, "audit")
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        doc_id, size = db.execute("SELECT id, size FROM documents WHERE form_id = 'entrust' LIMIT 1").fetchone()
    whole = client.get(f"/files/{doc_id}")
    assert whole.status_code == 200 and whole.data.startswith(b"%PDF") and len(whole.data) == size
    part = client.get(f"/files/{doc_id}", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100 and part.headers["Accept-Ranges"] == "bytes"
    assert ("审计员", world.ours) in events(world, "document.opened")
    opened = len(events(world, "document.opened"))
    later = client.get(f"/files/{doc_id}", headers={"Range": "bytes=100-199"})
    assert later.status_code == 206 and later.data == whole.data[100:200]
    assert len(events(world, "document.opened")) == opened  # a viewer's further ranges are not new openings
    viewer = client.get(f"/viewer/{doc_id}?page=2").text
    assert "pdfjs-6.5.438" in viewer and 'data-page="2"' in viewer


def test_an_unknown_status_in_the_case_list_is_named(app):
    refused = logged_in(app, "audit").get("/cases?status=不存在")
    assert refused.status_code == 400 and "未知的案件状态“不存在”" in refused.text


def test_an_auditor_reads_every_case_and_is_offered_no_change(world, app):
    client = logged_in(app, "audit")
    listing = client.get("/cases").text
    assert world.ours in listing and world.theirs in listing
    shown = client.get(f"/cases/{world.ours}")
    page = shown.text
    assert shown.status_code == 200 and world.ours in page and "审批事项" in page
    assert "生成表单与材料包" not in page and "扫描件入库" not in page


def test_a_case_name_holding_markup_shows_as_text(world, app, tmp_path):
    facts = tmp_path / "脚本.toml"
    source = their_facts(tmp_path).read_text(encoding="utf-8")
    marked = source.replace("晋城市新能源装备制造产业园项目", "<script>alert(1)</script>项目")
    facts.write_text(marked, encoding="utf-8")
    case_no = world.daiban("case", "new", "--from", facts).output.split("：")[1].split()[0]
    client = logged_in(app, "admin")
    for url in (f"/cases/{case_no}", "/cases", "/"):
        text = client.get(url).text
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;项目" in text
    assert not re.search(r"<script>(?!\s*$)", client.get(f"/cases/{case_no}").text.split("</head>")[1])


def test_every_page_that_shows_archive_data_records_who_saw_it(world, app):
    client = logged_in(app, "liming")
    pages = ["/", "/cases", f"/cases/{world.ours}", f"/cases/{world.ours}/items/2", f"/cases/{world.ours}/ledger",
             f"/cases/{world.ours}/forms", f"/cases/{world.ours}/forms/card", "/search?q=委托",
             f"/cases/{world.ours}/dossier"]
    for url in pages:
        with sqlite3.connect(world.root / "daiban.sqlite") as db:
            before = db.execute("SELECT count(*) FROM events WHERE actor = '李明'").fetchone()[0]
        assert client.get(url).status_code == 200, url
        with sqlite3.connect(world.root / "daiban.sqlite") as db:
            after = db.execute("SELECT count(*) FROM events WHERE actor = '李明'").fetchone()[0]
        assert after > before, f"{url} was shown without being recorded"


def test_behind_an_https_proxy_cookies_are_secure_and_the_forwarded_address_is_throttled(world):
    app = create_app(world.root, behind_proxy=True)
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    wrong = {"login": "audit", "password": "不对的密码不对的密码", "csrf_token": token}
    for n in range(30):
        client.post("/login", data=wrong | {"login": f"nobody{n}"}, headers={"X-Forwarded-For": "10.0.0.7"})
    throttled = client.post("/login", data={"login": "audit", "password": PASSWORD, "csrf_token": token},
                            headers={"X-Forwarded-For": "10.0.0.7"})
    assert throttled.status_code == 429
    done = client.post("/login", data={"login": "audit", "password": PASSWORD, "csrf_token": token},
                       headers={"X-Forwarded-For": "10.0.0.8", "X-Forwarded-Proto": "https",
                                # Over HTTPS the CSRF check also wants the page's own origin as referrer.
                                "Referer": "https://localhost/login"})
    assert done.status_code == 302 and "Secure" in done.headers["Set-Cookie"]


def test_the_shipped_libraries_are_served_from_daiban_itself(app):
    client = app.test_client()
    for path in ("vendor/htmx-2.0.8/htmx.min.js", "vendor/pdfjs-6.5.438/build/pdf.min.mjs",
                 "vendor/pdfjs-6.5.438/build/pdf.worker.min.mjs", "vendor/pdfjs-6.5.438/web/pdf_viewer.mjs",
                 "vendor/pdfjs-6.5.438/cmaps/UniGB-UCS2-H.bcmap", "js/viewer.mjs"):
        response = client.get(f"/static/{path}")
        assert response.status_code == 200 and len(response.data) > 1000, path
