"""检索 in the browser (issue 15): the CLI's query language and filters, highlighted and escaped snippets, the
rights of each role on hits, a hit opened at the page of the PDF its word is on, every search recorded."""

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import cjk_pdf, make_pdf, snapshot
from fixtures.web import browser_page, browsing, logged_in, make_world, new_app

WORD = "bridgeword"


def text_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The web world, with minutes and a log in our case, minutes in theirs, a signed 研判表 (ours goes to 研判),
    a two-page PDF whose word is on page 2 and a text holding markup."""
    folder = tmp_path_factory.mktemp("websearch")
    world = make_world(folder)
    run = world.daiban
    run("file", world.ours, text_file(folder, "协调会纪要.txt", f"联席会议纪要 {WORD} 史勇梅参加"),
        "--category", "会议纪要", "--date", "2026-03-12")
    run("file", world.ours, text_file(folder, "工作日志.txt", f"代办员马艳 {WORD} 电话联系"),
        "--category", "工作日志", "--date", "2026-04-02")
    run("file", world.theirs, text_file(folder, "他们的纪要.txt", f"他们的会议 {WORD}"),
        "--category", "会议纪要", "--date", "2026-03-20")
    run("file", world.ours, make_pdf(folder / "研判表签字.pdf", text=f"signed assess {WORD}"), "--form", "assess",
        "--signed")
    two_pages = cjk_pdf(folder / "规划意见.pdf", [["第一页：项目概况与建设规模"], ["第二页：规划许可审批意见"]])
    run("file", world.ours, two_pages, "--category", "批复证照", "--date", "2026-05-06")
    run("file", world.ours, text_file(folder, "脚本.txt", "注意 <script>alert(1)</script> markup"),
        "--category", "工作日志")
    return world


def titles(client, query: str) -> list[str]:
    page = client.get(f"/search?{query}")
    assert page.status_code == 200, page.text
    return re.findall(r'<a href="/search/open/\d+\?q=[^"]*">([^<]+)</a>', page.text)


def search_events(world) -> list[tuple[str, str]]:
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        return db.execute("SELECT actor, details FROM events WHERE action = 'search' ORDER BY seq").fetchall()


def test_a_word_of_a_filed_document_is_found_and_marked_in_its_snippet(world, app):
    client = logged_in(app, "liming")
    page = client.get("/search?q=史勇梅").text
    assert "共 1 件" in page and "协调会纪要" in page
    assert "联席会议纪要 bridgeword <mark>史勇梅</mark>参加" in page
    assert world.ours in page and "件号 0003 · 上传件" in page and "2026-03-12" in page and "会议纪要" in page
    assert search_events(world)[-1][0] == "李明"


def test_metadata_only_hits_are_marked_and_punctuation_gets_the_hint(app):
    client = logged_in(app, "liming")
    page = client.get("/search?q=新能源装备制造").text  # the project's name: every document of the case
    assert "〔仅案件信息匹配：项目、单位、人员或代码〕" in page
    hint = client.get("/search?q=！？。").text
    assert "共 0 件" in hint and "检索词只有标点或符号" in hint


def test_a_document_holding_markup_shows_it_as_text(app):
    page = logged_in(app, "admin").get("/search?q=alert").text
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_the_query_language_of_the_cli_works_in_the_page(app):
    client = logged_in(app, "admin")
    assert sorted(titles(client, f"q={WORD} -马艳")) == sorted(["一站式项目研判表", "他们的纪要", "协调会纪要"])
    assert sorted(titles(client, "q=史勇梅 OR 马艳")) == sorted(["工作日志", "协调会纪要"])
    assert titles(client, 'q="规划许可审批"') == ["规划意见"]
    assert titles(client, "q=title:他们的纪要") == ["他们的纪要"]


@pytest.mark.parametrize(("filters", "expected"), [
    ("category=工作日志", ["工作日志"]),
    ("form=assess", ["一站式项目研判表"]),
    ("kind=signed", ["一站式项目研判表"]),
    ("since=2026-03-01&until=2026-03-31", ["他们的纪要", "协调会纪要"]),
    ("case={theirs}", ["他们的纪要"]),
    ("status=研判", ["一站式项目研判表", "工作日志", "协调会纪要"]),
    ("status=登记", ["他们的纪要"]),
    ("status=办结", []),
])
def test_the_filters_narrow_the_hits(world, app, filters, expected):
    client = logged_in(app, "admin")
    assert sorted(titles(client, f"q={WORD}&" + filters.format(theirs=world.theirs))) == sorted(expected)


def test_the_status_filter_is_recorded_with_the_search(world, app):
    logged_in(app, "audit").get(f"/search?q={WORD}&status=研判")
    actor, details = search_events(world)[-1]
    assert actor == "审计员" and '"status": "研判"' in details and '"hits": 3' in details


def test_a_case_link_preselects_the_case_and_lists_its_documents(world, app):
    page = logged_in(app, "liming").get(f"/search?case={world.ours}").text
    assert f'name="case" value="{world.ours}"' in page
    assert "共 7 件" in page and "他们的纪要" not in page


def test_staff_see_only_hits_of_their_cases(world, app):
    ours = titles(logged_in(app, "liming"), f"q={WORD}")
    assert sorted(ours) == sorted(["一站式项目研判表", "工作日志", "协调会纪要"])
    assert titles(logged_in(app, "wangfang"), f"q={WORD}") == ["他们的纪要"]
    refused = logged_in(app, "wangfang").get(f"/search?q={WORD}&case={world.ours}")
    assert refused.status_code == 403 and "不存在，或您无权访问" in refused.text


def test_an_enterprise_never_sees_the_internal_form_or_another_enterprises_case(world, app):
    client = logged_in(app, "company")
    assert sorted(titles(client, f"q={WORD}")) == sorted(["工作日志", "协调会纪要"])
    assert titles(client, "q=assess") == [] and titles(client, "q=assess&form=assess") == []
    assert "一站式项目研判表" not in client.get("/search").text  # not even offered as a filter
    before = len(search_events(world))
    refused = client.get(f"/search?q={WORD}&case={world.theirs}")
    assert refused.status_code == 403 and "不存在，或您无权访问" in refused.text
    assert len(search_events(world)) == before


def test_an_enterprise_never_sees_the_internal_form_whatever_the_order_of_the_index(app):
    # The 研判表 of make_world was indexed again, after the signed 研判表 that now precedes it in its segment.
    assert titles(logged_in(app, "admin"), "q=yanpan") == ["一站式项目研判表"]  # it is there to be found
    assert titles(logged_in(app, "company"), "q=yanpan") == []
    assert titles(logged_in(app, "admin"), "q=yanpan -assess") == []


def test_bad_filter_values_are_named_and_change_nothing(world, app):
    client = logged_in(app, "liming")
    before = snapshot(world.daiban)
    for query, message in [("since=2026-13-01", "起始日期应为 YYYY-MM-DD 格式的日期：2026-13-01"),
                           ("since=2026-05-01&until=2026-04-01", "起始日期 2026-05-01 晚于截止日期 2026-04-01"),
                           ("category=杂项", "未知的档案类别“杂项”"),
                           ("status=完成", "未知的案件状态“完成”"),
                           ("kind=review", "未知的文件性质“review”"),
                           ("category=待审核", "未知的档案类别“待审核”")]:
        page = client.get(f"/search?q={WORD}&{query}")
        assert page.status_code == 400 and message in page.text, query
        assert 'name="q" value="bridgeword"' in page.text  # the form stays filled in
    assert snapshot(world.daiban) == before


def doc_id(world, title: str) -> int:
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        return db.execute("SELECT id FROM documents WHERE title = ?", (title,)).fetchone()[0]


def test_a_hit_opens_in_the_viewer_at_the_page_its_word_is_on(world, app):
    client = logged_in(app, "liming")
    page = client.get("/search?q=审批意见").text
    link = re.search(r'href="(/search/open/\d+\?q=[^"]+)"', page).group(1)
    opened = client.get(link)
    target = doc_id(world, "规划意见")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/viewer/{target}?page=2"
    assert client.get(f"/search/open/{target}?q=建设规模").headers["Location"] == f"/viewer/{target}?page=1"
    assert client.get(f"/search/open/{target}?q=马艳").headers["Location"] == f"/viewer/{target}?page=1"
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        assert ("李明", target) in db.execute("SELECT actor, doc_id FROM events WHERE action = 'document.opened'")


def test_a_hit_that_is_no_pdf_is_downloaded(world, app):
    target = doc_id(world, "工作日志")
    opened = logged_in(app, "liming").get(f"/search/open/{target}?q=马艳")
    assert opened.headers["Location"] == f"/files/{target}"


def test_opening_a_hit_the_user_may_not_see_is_refused(world, app):
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        internal = db.execute("SELECT id FROM documents WHERE form_id = 'assess' AND kind = 'signed'").fetchone()[0]
    assert logged_in(app, "company").get(f"/search/open/{internal}?q=assess").status_code == 403
    theirs = doc_id(world, "他们的纪要")
    assert logged_in(app, "liming").get(f"/search/open/{theirs}?q=会议").status_code == 403


@pytest.fixture(scope="module")
def browsed(world):
    with browsing(world.root) as (server, browser):
        yield server, browser_page(browser, server.url, "liming")


@pytest.mark.slow
def test_in_a_browser_the_page_fits_the_screen_and_a_hit_opens_at_its_page(browsed, world):
    server, page = browsed
    page.goto(f"{server.url}/search?case={world.ours}")
    page.fill("input[name=q]", "审批意见")
    page.select_option("select[name=category]", "批复证照")
    page.click("form.search-form button[type=submit]")
    page.wait_for_selector("li.hit mark")
    assert page.inner_text("li.hit mark") == "审批意见" and "共 1 件" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.click("li.hit .hit-title a")
    page.wait_for_selector("body[data-pages]", state="attached")
    assert "/viewer/" in page.url and page.url.endswith("page=2") and page.input_value("#page") == "2"


@pytest.mark.slow
def test_a_hit_on_a_forms_word_file_opens_the_forms_pdf(tmp_path):
    world = make_world(tmp_path)
    world.daiban("render", world.ours, "card")
    with sqlite3.connect(world.root / "daiban.sqlite") as db:
        rows = db.execute("SELECT path, id FROM documents WHERE form_id = 'card'").fetchall()
    files = {Path(path).suffix: doc for path, doc in rows}
    client = logged_in(new_app(world), "liming")
    assert f'/search/open/{files[".docx"]}?q=' in client.get("/search?q=代办联系卡&form=card").text
    opened = client.get(f"/search/open/{files['.docx']}?q=代办联系卡")
    assert opened.headers["Location"] == f"/viewer/{files['.pdf']}?page=1"
